"""The ``classify`` artifact kind: a trained classifier, PyTorch or exported to ONNX."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from zhtext.registry import ArtifactKind

__all__ = ["ClassifyKind"]


class ClassifyKind(ArtifactKind):
    """Made by ``zhtext classify train`` (or ``zhtext export``); served at ``/v1/classify``."""

    name: ClassVar[str] = "classify"
    made_by: ClassVar[str] = "zhtext classify train"
    route: ClassVar[str | None] = "classify"

    def load(self, path: Path, manifest: Mapping[str, Any]) -> Any:
        """The :class:`~zhtext.classify.TextClassifier`."""
        from zhtext.classify.classifier import TextClassifier

        return TextClassifier.load(path, manifest=dict(manifest))

    def info(self, obj: Any) -> dict[str, Any]:
        """The class names and whether the model is multi-label."""
        return {"labels": list(obj.labels_ or []), "multi_label": bool(obj.multi_label)}

    def run(self, obj: Any, texts: list[str], options: Mapping[str, int],
            info: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The prediction of each text (``labels`` too for multi-label models)."""
        multi = bool(obj.multi_label)
        return [p.to_dict(multi_label=multi) for p in obj.predict(texts)]

    def thread_safe(self, obj: Any) -> bool:
        """As the method says (linear with a dictionary segmenter: yes; neural: no)."""
        backend = getattr(obj, "model_", None)
        return bool(backend is not None and backend.thread_safe())
