"""The ``tag`` artifact kind: a segmentation, POS or NER model; cws/pos models segment."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from zhtext.registry import ArtifactKind

__all__ = ["TagKind"]


class TagKind(ArtifactKind):
    """Made by ``zhtext tag train``; served at ``/v1/tag``; ``--segmenter DIR`` for cws/pos."""

    name: ClassVar[str] = "tag"
    made_by: ClassVar[str] = "zhtext tag train"
    route: ClassVar[str | None] = "tag"

    def load(self, path: Path, manifest: Mapping[str, Any]) -> Any:
        """The :class:`~zhtext.tag.Tagger`."""
        from zhtext.tag.tagger import Tagger

        return Tagger.load(path, manifest=dict(manifest))

    def info(self, obj: Any) -> dict[str, Any]:
        """The tag task and, for NER, the entity types."""
        info: dict[str, Any] = {"tag_task": obj.task}
        if obj.task == "ner":
            info["labels"] = sorted(obj.entity_types())
        return info

    def run(self, obj: Any, texts: list[str], options: Mapping[str, int],
            info: Mapping[str, Any]) -> list[dict[str, Any]]:
        """``{"entities": [...]}`` (ner) or ``{"tokens": [...]}`` (cws, pos) per text."""
        key = "entities" if obj.task == "ner" else "tokens"
        return [{key: [r.to_dict() for r in doc]} for doc in obj.predict(texts)]

    def segmenter(self, obj: Any, path: Path) -> Any:
        """A cws / pos model as a segmenter (a ner model is refused with the reason)."""
        from zhtext.tag.segmenter import TaggerSegmenter

        return TaggerSegmenter(obj, name=str(path.resolve()))
