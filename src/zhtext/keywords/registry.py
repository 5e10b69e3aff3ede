"""Keyword methods by name: one line each in :data:`METHODS` (a ``KeywordExtractor`` class).

Plug-ins add methods through the entry-point group ``zhtext.keywords.methods``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zhtext.errors import InputError, ZhtextError
from zhtext.keywords.base import KeywordExtractor
from zhtext.registry import Methods

__all__ = ["KEYWORD_METHODS", "METHODS", "get_extractor", "load_extractor", "method_class"]

# Imported on first use so optional dependencies stay optional.
METHODS = Methods("keywords", {
    "tfidf": "zhtext.keywords.tfidf:TfidfKeywords",
    "textrank": "zhtext.keywords.textrank:TextRankKeywords",
    "embedding": "zhtext.keywords.embedding:EmbeddingKeywords",
    "supervised": "zhtext.keywords.supervised:SupervisedKeywords",
}, aliases={"tfidf.v1": "tfidf", "textrank.v1": "textrank", "embedding.v1": "embedding",
            "supervised.v1": "supervised"})
#: The older name of the table (it reads as the tuple of method names).
KEYWORD_METHODS = METHODS


def method_class(method: str) -> type[KeywordExtractor]:
    """The extractor class of a method name, imported on first use.

    Raises:
        ZhtextError: The name is unknown; the message lists the valid names.
    """
    if not isinstance(method, str) or method not in METHODS:
        raise ZhtextError(
            f"unknown keyword method {method!r}; expected one of: {', '.join(METHODS.names())}"
        )
    cls = METHODS.get(method)
    if not (isinstance(cls, type) and issubclass(cls, KeywordExtractor)):
        raise ZhtextError(f"keyword method {method!r} ({cls!r}) is not a KeywordExtractor")
    return cls


def get_extractor(method: str = "tfidf", **params: Any) -> KeywordExtractor:
    """A keyword extractor by method name.

    Example:
        >>> get_extractor("textrank", window=4).method
        'textrank'
    """
    return method_class(method)(**params)


def load_extractor(directory: Path, manifest: dict[str, Any]) -> KeywordExtractor:
    """Rebuild an extractor from its artifact directory."""
    method = str(manifest.get("method"))
    try:
        cls = method_class(method)
    except ZhtextError:
        raise InputError(f"artifact names unknown keyword method {method!r}",
                         path=str(directory)) from None
    params = manifest.get("params") or {}
    try:
        obj = cls(**cls._kwargs_from_params(params))
    except TypeError as e:
        raise InputError(f"artifact settings do not fit {cls.__name__}: {e}",
                         path=str(directory)) from None
    obj._load_parts(directory, manifest)
    return obj
