"""The training loss shared by every neural classifier: cross-entropy or per-label sigmoid."""

from __future__ import annotations

import torch
from torch.nn import functional

__all__ = ["classification_loss"]


def classification_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    problem_type: str | None,
    class_weights: torch.Tensor | None = None,
) -> torch.Tensor:
    """Cross-entropy (single-label) or binary cross-entropy per label (multi-label).

    Args:
        logits: ``(batch, classes)``.
        labels: Class ids ``(batch,)``, or a 0/1 matrix ``(batch, classes)`` for multi-label.
        problem_type: ``"multi_label_classification"`` for sigmoid outputs, else softmax.
        class_weights: Optional per-class weights against imbalance: for single-label the
            weight of each class in the cross-entropy, for multi-label the weight of each
            label's positive examples.
    """
    if problem_type == "multi_label_classification":
        weights = class_weights.to(logits.dtype) if class_weights is not None else None
        return functional.binary_cross_entropy_with_logits(
            logits, labels.to(logits.dtype), pos_weight=weights)
    weights = class_weights.to(logits.dtype) if class_weights is not None else None
    return functional.cross_entropy(logits, labels.long(), weight=weights)
