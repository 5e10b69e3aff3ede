"""Print zhtext's package-level import graph and fail on a cycle.

Imports inside functions count (grimp reads every import statement). A "package" is a
subpackage of zhtext (``zhtext.tag``) or a top-level module (``zhtext.io``).

Usage: python tools/import_graph.py
"""

from __future__ import annotations

import sys
from graphlib import CycleError, TopologicalSorter

import grimp


def package_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("zhtext", cache_dir=None)
    packages = sorted(m for m in graph.find_children("zhtext"))
    edges: dict[str, set[str]] = {p: set() for p in packages}
    for a in packages:
        for b in packages:
            if a != b and graph.direct_import_exists(importer=a, imported=b, as_packages=True):
                edges[a].add(b)
    return edges


def main() -> int:
    edges = package_graph()
    for a in sorted(edges):
        print(f"{a} -> {', '.join(sorted(edges[a])) or '(nothing)'}")
    try:
        order = list(TopologicalSorter(edges).static_order())
    except CycleError as e:
        print(f"\nCYCLE: {' -> '.join(e.args[1])}", file=sys.stderr)
        return 1
    print(f"\nno cycle; from the bottom up: {', '.join(order)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
