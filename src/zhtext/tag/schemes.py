"""Moved to :mod:`zhtext.schemes` (the tagging schemes are core: readers and metrics use them)."""

from __future__ import annotations

from zhtext.schemes import *  # noqa: F403
from zhtext.schemes import __all__  # noqa: F401
