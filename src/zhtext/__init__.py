"""zhtext: Chinese text understanding, from raw text to keywords and models.

Example:
    >>> import zhtext
    >>> [k.text for k in zhtext.extract_keywords(["深度学习推动了自然语言处理的发展。"], 2)[0]]
    ['深度学习', '自然语言处理']
"""

from __future__ import annotations

from importlib import metadata
from typing import TYPE_CHECKING, Any

from zhtext.errors import InputError, NotFittedError, ZhtextError
from zhtext.records import Keyword, Token

if TYPE_CHECKING:
    from collections.abc import Iterable

try:
    __version__ = metadata.version("zhtext")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "InputError",
    "Keyword",
    "NotFittedError",
    "Token",
    "ZhtextError",
    "__version__",
    "extract_keywords",
    "load",
]


def load(path: str) -> Any:
    """Load a zhtext artifact directory (see :func:`zhtext.artifacts.load`)."""
    from zhtext.artifacts import load as _load

    return _load(path)


def extract_keywords(
    texts: Iterable[str], top_k: int = 5, *, method: str = "tfidf", **params: Any
) -> list[list[Keyword]]:
    """Keywords of each text with a method's default settings (one call, no set-up).

    For repeated calls build an extractor once: ``zhtext.keywords.get_extractor(method)``.
    """
    from zhtext.keywords import get_extractor

    return get_extractor(method, **params).extract(list(texts), top_k)
