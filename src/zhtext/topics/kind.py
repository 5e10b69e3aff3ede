"""The ``topics`` artifact kind: a fitted topic model."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from zhtext.registry import ArtifactKind

__all__ = ["TopicsKind"]


class TopicsKind(ArtifactKind):
    """Made by ``zhtext topics fit``; served at ``/v1/topics`` (gensim: one thread)."""

    name: ClassVar[str] = "topics"
    made_by: ClassVar[str] = "zhtext topics fit"
    route: ClassVar[str | None] = "topics"

    def load(self, path: Path, manifest: Mapping[str, Any]) -> Any:
        """The :class:`~zhtext.topics.TopicModel`."""
        from zhtext.topics.lda import TopicModel

        return TopicModel.load(path, dict(manifest))

    def info(self, obj: Any) -> dict[str, Any]:
        """The number of topics and their labels."""
        topics = obj.topics(top_n=5)
        return {"k": len(topics), "topic_labels": [t.label for t in topics]}

    def run(self, obj: Any, texts: list[str], options: Mapping[str, int],
            info: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The best topic and the ``top_k`` (default 5) heaviest with their weights."""
        labels = info.get("topic_labels") or [t.label for t in obj.topics(top_n=3)]
        from zhtext.topics.lda import DEFAULT_TOP_K, topic_record

        top_k = options.get("top_k", DEFAULT_TOP_K)
        return [topic_record(dist, labels, top_k) for dist in obj.infer(texts)]
