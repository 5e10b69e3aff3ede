"""The layers of zhtext hold: imports run one way (import-linter), no package cycle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    pytest.importorskip("importlinter", reason="import-linter is in the dev extras")
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(no_cache=True))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def test_package_graph_has_no_cycle() -> None:
    pytest.importorskip("grimp", reason="grimp comes with import-linter (dev extras)")
    out = subprocess.run([sys.executable, "tools/import_graph.py"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no cycle" in out.stdout
    # The lowest layer stands alone: zhtext.text reaches no task.
    text_line = next(line for line in out.stdout.splitlines()
                     if line.startswith("zhtext.text ->"))
    for task in ("keywords", "topics", "classify", "tag", "pretrain"):
        assert f"zhtext.{task}" not in text_line
