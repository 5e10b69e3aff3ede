"""The compiled hot loops (``_fast``, built from ``_fast.pyx`` at install time), when present.

``fast`` is ``None`` when the extension was not built (no C compiler); every caller then runs
the equivalent pure-Python code, and the tests compare the two.
"""

from __future__ import annotations

from types import ModuleType

__all__ = ["fast"]

fast: ModuleType | None
try:
    from zhtext.keywords import _fast as fast
except ImportError:  # pragma: no cover - depends on the build
    fast = None
