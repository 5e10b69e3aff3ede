"""``python -m zhtext``."""

from __future__ import annotations

from zhtext.cli.app import main

if __name__ == "__main__":
    main()
