"""``zhtext serve``: loaded artifacts behind an HTTP API and a web page.

Importing this package is cheap: FastAPI, uvicorn and the models' libraries are imported when
an app is created (``zhtext.serve.app.create_app``), not here.

Example:
    >>> from zhtext.serve import ServeSettings
    >>> ServeSettings(max_batch=32).max_batch
    32
"""

from __future__ import annotations

from zhtext.serve.config import ServeSettings

__all__ = ["ServeSettings"]
