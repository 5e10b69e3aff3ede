"""zhtext: Chinese text understanding, from raw text to keywords and models.

The estimators (``TextClassifier``, ``Tagger``, ``TopicModel``, the keyword extractors) follow
scikit-learn's protocol; they are imported on first use, so ``import zhtext`` stays light.

Example:
    >>> import zhtext
    >>> [k.text for k in zhtext.extract_keywords(["深度学习推动了自然语言处理的发展。"], 2)[0]]
    ['深度学习', '自然语言处理']
"""

from __future__ import annotations

from importlib import import_module as _import_module
from importlib import metadata as _metadata
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from zhtext.errors import InputError, NotFittedError, ZhtextError
from zhtext.records import Entity, Keyword, Prediction, Token, Topic

if _TYPE_CHECKING:
    from collections.abc import Iterable

    from zhtext.classify.classifier import TextClassifier
    from zhtext.tag.tagger import Tagger
    from zhtext.topics.lda import TopicModel

try:
    __version__ = _metadata.version("zhtext")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Entity",
    "InputError",
    "Keyword",
    "NotFittedError",
    "Prediction",
    "Tagger",
    "TextClassifier",
    "Token",
    "Topic",
    "TopicModel",
    "ZhtextError",
    "__version__",
    "extract_keywords",
    "load",
]

# Imported on first use (PEP 562): they bring numpy, gensim or the tag models with them.
_LAZY = {
    "TextClassifier": "zhtext.classify.classifier",
    "Tagger": "zhtext.tag.tagger",
    "TopicModel": "zhtext.topics.lda",
}


def __getattr__(name: str) -> _Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'zhtext' has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API only (what ``__all__`` lists)."""
    return sorted(__all__)


def load(path: str) -> _Any:
    """Load a zhtext artifact directory (see :func:`zhtext.artifacts.load`)."""
    from zhtext.artifacts import load as _load

    return _load(path)


def extract_keywords(
    texts: Iterable[str], top_k: int = 5, *, method: str = "tfidf", **params: _Any
) -> list[list[Keyword]]:
    """Keywords of each text with a method's default settings (one call, no set-up).

    For repeated calls build an extractor once: ``zhtext.keywords.get_extractor(method)``.
    """
    from zhtext.keywords import get_extractor

    return get_extractor(method, **params).extract(list(texts), top_k)
