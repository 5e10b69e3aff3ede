"""An encoder with a linear head over the pooled text: ``AutoModelForSequenceClassification``.

Hugging Face's own class for every encoder architecture, built and read back here the way the
other heads are: from a pretrained encoder (the new layer sized to the labels), from the
encoder's config with fresh weights (``random_init``), or from a saved directory (safetensors,
no remote code).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["from_encoder", "from_saved"]


def from_encoder(name_or_path: str, *, random_init: bool = False, **config: Any) -> Any:
    """A new classifier on a pretrained encoder (hub name or local directory).

    Args:
        name_or_path: The encoder.
        random_init: Build the architecture from the config with fresh random weights.
        **config: Config values of the classifier (``num_labels``, ``id2label``,
            ``label2id``, ``problem_type``).
    """
    from transformers import AutoConfig, AutoModelForSequenceClassification

    if random_init:
        return AutoModelForSequenceClassification.from_config(  # type: ignore[no-untyped-call]
            AutoConfig.from_pretrained(name_or_path, **config))
    return AutoModelForSequenceClassification.from_pretrained(
        name_or_path, ignore_mismatched_sizes=True, **config)


def from_saved(d: Path) -> Any:
    """A classifier written by ``save_pretrained`` (safetensors only, no code from ``d``)."""
    from transformers import AutoModelForSequenceClassification

    return AutoModelForSequenceClassification.from_pretrained(d, use_safetensors=True,
                                                              trust_remote_code=False)
