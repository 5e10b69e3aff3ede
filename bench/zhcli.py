"""How the benchmarks start zhtext: as a user does, through the ``zhtext`` console script."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def zhtext_command() -> list[str]:
    """The ``zhtext`` console script of this Python, else ``python -m zhtext``."""
    script = Path(sys.executable).with_name("zhtext")
    if script.is_file():
        return [str(script)]
    found = shutil.which("zhtext")
    return [found] if found else [sys.executable, "-m", "zhtext"]
