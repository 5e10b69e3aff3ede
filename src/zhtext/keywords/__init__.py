"""Keyword extraction: TF-IDF and TextRank over words and phrases, and embeddings with MMR.

Example:
    >>> from zhtext.keywords import TfidfKeywords
    >>> [k.text for k in TfidfKeywords().extract(["深度学习推动了自然语言处理的发展。"], 2)[0]]
    ['深度学习', '自然语言处理']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zhtext.keywords.base import KeywordExtractor
from zhtext.keywords.registry import KEYWORD_METHODS, get_extractor
from zhtext.keywords.tfidf import TfidfKeywords

if TYPE_CHECKING:
    from zhtext.keywords.embedding import EmbeddingKeywords
    from zhtext.keywords.textrank import TextRankKeywords

__all__ = [
    "KEYWORD_METHODS",
    "EmbeddingKeywords",
    "KeywordExtractor",
    "TextRankKeywords",
    "TfidfKeywords",
    "get_extractor",
]


def __getattr__(name: str) -> Any:
    if name == "TextRankKeywords":
        from zhtext.keywords.textrank import TextRankKeywords

        return TextRankKeywords
    if name == "EmbeddingKeywords":
        from zhtext.keywords.embedding import EmbeddingKeywords

        return EmbeddingKeywords
    raise AttributeError(name)
