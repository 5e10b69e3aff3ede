"""The ``keywords`` artifact kind: a keyword extractor with its fitted statistics."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from zhtext.registry import ArtifactKind
from zhtext.text.segment import is_dictionary_segmenter

__all__ = ["KeywordsKind"]


class KeywordsKind(ArtifactKind):
    """Made by ``zhtext keywords fit`` / ``keywords train``; served at ``/v1/keywords``."""

    name: ClassVar[str] = "keywords"
    made_by: ClassVar[str] = "zhtext keywords fit"
    route: ClassVar[str | None] = "keywords"

    def load(self, path: Path, manifest: Mapping[str, Any]) -> Any:
        """The extractor (``TfidfKeywords``, ``TextRankKeywords``, ...)."""
        from zhtext.keywords.registry import load_extractor

        return load_extractor(path, dict(manifest))

    def run(self, obj: Any, texts: list[str], options: Mapping[str, int],
            info: Mapping[str, Any]) -> list[dict[str, Any]]:
        """``{"keywords": [...]}`` per text, ``top_k`` (default 5) each."""
        docs = obj.extract(texts, options.get("top_k", 5))
        return [{"keywords": [k.to_dict() for k in doc]} for doc in docs]

    def thread_safe(self, obj: Any) -> bool:
        """Tfidf / textrank (word2vec) with a dictionary segmenter run in any thread."""
        return (getattr(obj, "method", None) in ("tfidf", "textrank")
                and getattr(obj, "embeddings", None) in (None, "word2vec")
                and is_dictionary_segmenter(getattr(obj, "segmenter", "rjieba")))
