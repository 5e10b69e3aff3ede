"""The compiled hot loops (``_fast``, built from ``_fast.pyx`` at install time), when present.

``fast`` is ``None`` when the extension was not built (no C compiler), or when the
environment variable ``ZHTEXT_PURE_PYTHON=1`` asks for the pure-Python code (for debugging and
for measuring the difference); every caller then runs the equivalent pure-Python code, and the
tests compare the two.
"""

from __future__ import annotations

import os
from types import ModuleType

__all__ = ["fast"]

fast: ModuleType | None = None
if os.environ.get("ZHTEXT_PURE_PYTHON", "") in ("", "0"):
    try:
        from zhtext.keywords import _fast as fast
    except ImportError:  # pragma: no cover - depends on the build
        fast = None
