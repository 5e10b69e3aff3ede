"""Keyword methods by name."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from zhtext.errors import InputError, ZhtextError
from zhtext.keywords.base import KeywordExtractor

__all__ = ["KEYWORD_METHODS", "get_extractor", "load_extractor", "method_class"]

# name -> "module:class", imported on first use so optional dependencies stay optional.
KEYWORD_METHODS: dict[str, str] = {
    "tfidf": "zhtext.keywords.tfidf:TfidfKeywords",
    "textrank": "zhtext.keywords.textrank:TextRankKeywords",
    "embedding": "zhtext.keywords.embedding:EmbeddingKeywords",
    "supervised": "zhtext.keywords.supervised:SupervisedKeywords",
}


def method_class(method: str) -> type[KeywordExtractor]:
    """The extractor class of a method name, imported on first use.

    Raises:
        ZhtextError: The name is unknown; the message lists the valid names.
    """
    target = KEYWORD_METHODS.get(method)
    if target is None:
        raise ZhtextError(
            f"unknown keyword method {method!r}; expected one of: {', '.join(KEYWORD_METHODS)}"
        )
    module, name = target.split(":")
    cls: type[KeywordExtractor] = getattr(import_module(module), name)
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
