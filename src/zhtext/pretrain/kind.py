"""The artifact kinds of pretraining: a vocabulary and a masked language model."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from zhtext.registry import ArtifactKind

__all__ = ["MaskedLMKind", "VocabKind"]


class VocabKind(ArtifactKind):
    """Made by ``zhtext pretrain vocab``: loads as a ``BertTokenizerFast``."""

    name: ClassVar[str] = "vocab"
    made_by: ClassVar[str] = "zhtext pretrain vocab"

    def load(self, path: Path, manifest: Mapping[str, Any]) -> Any:
        """The tokenizer (``tokenizer.json`` / ``vocab.txt``)."""
        from transformers import BertTokenizerFast  # type: ignore[attr-defined]

        return BertTokenizerFast.from_pretrained(str(path))


class MaskedLMKind(ArtifactKind):
    """Made by ``zhtext pretrain mlm``: loads as a :class:`MaskedLanguageModel`."""

    name: ClassVar[str] = "pretrain"
    made_by: ClassVar[str] = "zhtext pretrain mlm"

    def load(self, path: Path, manifest: Mapping[str, Any]) -> Any:
        """The model with its tokenizer and pretraining metrics."""
        from zhtext.pretrain.model import MaskedLanguageModel

        return MaskedLanguageModel.load(path)
