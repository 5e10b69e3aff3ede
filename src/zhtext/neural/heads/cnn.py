"""An encoder with a CNN head: token states -> convolutions of several widths -> max pool.

``BertCnnForSequenceClassification`` wraps any Hugging Face encoder (``AutoModel``) and is a
``PreTrainedModel`` itself: ``Trainer`` trains it, ``save_pretrained`` writes encoder and head
together (safetensors), ``from_pretrained`` reads them back without the original encoder
directory. The encoder's own config travels inside ours (``encoder_config``).
"""

# transformers is only partly typed: its classes count as Any, its calls as untyped.
# mypy: disallow-subclassing-any=False, disallow-untyped-calls=False

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from transformers.modeling_outputs import SequenceClassifierOutput

from zhtext.neural.conv import conv_max_pool
from zhtext.neural.heads.base import EncoderHeadConfig, EncoderWithHead
from zhtext.neural.loss import classification_loss

__all__ = ["BertCnnConfig", "BertCnnForSequenceClassification"]


class BertCnnConfig(EncoderHeadConfig):
    """Settings of an encoder + CNN head.

    Args:
        encoder_config: The encoder's config as a dict (``PretrainedConfig.to_dict()``).
        kernel_sizes: Convolution widths over the token states.
        num_filters: Filters per width.
        dropout: Dropout before the classifier.
    """

    model_type = "zhtext-bert-cnn"

    def __init__(
        self,
        encoder_config: dict[str, Any] | None = None,
        kernel_sizes: tuple[int, ...] | list[int] = (2, 3, 4),
        num_filters: int = 128,
        dropout: float = 0.1,
        **kwargs: Any,
    ) -> None:
        super().__init__(encoder_config, **kwargs)
        if not kernel_sizes or min(kernel_sizes) < 1:
            raise ValueError(f"`kernel_sizes` should be positive widths, got {kernel_sizes}.")
        self.kernel_sizes = list(kernel_sizes)
        self.num_filters = num_filters
        self.dropout = dropout


class BertCnnForSequenceClassification(EncoderWithHead):
    """Encoder token states through a CNN head into a linear classifier."""

    config_class = BertCnnConfig

    def __init__(self, config: BertCnnConfig, encoder: Any | None = None) -> None:
        super().__init__(config, encoder)
        self.num_labels = config.num_labels
        hidden = self.encoder.config.hidden_size
        convs = [nn.Conv1d(hidden, config.num_filters, k, padding=k // 2)
                 for k in config.kernel_sizes]
        self.convs = nn.ModuleList(convs)
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(config.num_filters * len(config.kernel_sizes),
                                    int(config.num_labels or 2))
        for conv in convs:
            nn.init.kaiming_uniform_(conv.weight, nonlinearity="relu")
            if conv.bias is not None:
                nn.init.zeros_(conv.bias)
        # A small classifier, as BERT initialises its own: the first logits stay near zero.
        nn.init.normal_(self.classifier.weight, std=0.02)
        nn.init.zeros_(self.classifier.bias)
        self.post_init()

    def forward(
        self,
        input_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        **kwargs: Any,
    ) -> SequenceClassifierOutput:
        """Logits (and the loss when ``labels`` are given)."""
        states = self.encode(input_ids, attention_mask, token_type_ids)
        if attention_mask is None:
            attention_mask = torch.ones(states.shape[:2], dtype=torch.long,
                                        device=states.device)
        logits = self.classifier(self.dropout(conv_max_pool(states, attention_mask,
                                                            self.convs)))
        loss = None
        if labels is not None:
            loss = classification_loss(logits, labels, self.config.problem_type)
        return SequenceClassifierOutput(loss=loss, logits=logits)
