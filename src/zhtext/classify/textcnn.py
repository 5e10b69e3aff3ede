"""TextCNN (Kim, 2014) as a Hugging Face ``PreTrainedModel``, trained from scratch.

Being a ``PreTrainedModel`` with its own ``PretrainedConfig``, it trains through ``Trainer``
and loads with ``from_pretrained`` like any encoder; a saved classifier stores its embedding
tables quantised and without their untrained rows (:mod:`zhtext.classify.tables`), which
loading turns back into the fp32 state dict. Inputs are token ids (characters or words, see
:mod:`zhtext.classify.vocab`) and, optionally, hashed character-bigram ids: a bigram
embedding added to each character's embedding gives a character model most of a word model's
context at no segmentation cost.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from transformers import PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput

from zhtext.neural.conv import conv_max_pool
from zhtext.neural.loss import classification_loss

__all__ = ["TextCNNConfig", "TextCNNForSequenceClassification"]


class TextCNNConfig(PretrainedConfig):  # type: ignore[misc]
    """Settings of a TextCNN.

    Args:
        vocab_size: Number of token ids (0 is padding, 1 unknown).
        bigram_buckets: Number of hashed bigram ids (0: no bigram embedding).
        word_buckets: Number of hashed word ids for characters (0: none).
        embedding_dim: Width of token (and bigram) embeddings.
        kernel_sizes: Convolution widths, one filter bank each.
        num_filters: Filters per width.
        dropout: Dropout before the classifier.
        window_length: Longest input in tokens (longer texts go through sliding windows).
    """

    model_type = "zhtext-textcnn"

    def __init__(
        self,
        vocab_size: int = 8000,
        bigram_buckets: int = 0,
        word_buckets: int = 0,
        embedding_dim: int = 128,
        kernel_sizes: tuple[int, ...] | list[int] = (2, 3, 4),
        num_filters: int = 128,
        dropout: float = 0.5,
        window_length: int = 64,
        pad_token_id: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pad_token_id = pad_token_id
        if vocab_size < 2:
            raise ValueError(f"`vocab_size` should be at least 2, got {vocab_size}.")
        if not kernel_sizes or min(kernel_sizes) < 1:
            raise ValueError(f"`kernel_sizes` should be positive widths, got {kernel_sizes}.")
        self.vocab_size = vocab_size
        self.bigram_buckets = bigram_buckets
        self.word_buckets = word_buckets
        self.embedding_dim = embedding_dim
        self.kernel_sizes = list(kernel_sizes)
        self.num_filters = num_filters
        self.dropout = dropout
        self.window_length = window_length


class TextCNNForSequenceClassification(PreTrainedModel):  # type: ignore[misc]
    """Embeddings -> parallel 1-D convolutions -> max pooling over time -> linear classifier."""

    config_class = TextCNNConfig
    base_model_prefix = "textcnn"
    main_input_name = "input_ids"

    def __init__(self, config: TextCNNConfig) -> None:
        super().__init__(config)
        self.num_labels = config.num_labels
        self.embeddings = nn.Embedding(config.vocab_size, config.embedding_dim,
                                       padding_idx=config.pad_token_id)
        self.bigram_embeddings = (
            nn.Embedding(config.bigram_buckets, config.embedding_dim, padding_idx=0)
            if config.bigram_buckets else None
        )
        self.word_embeddings = (
            nn.Embedding(config.word_buckets, config.embedding_dim, padding_idx=0)
            if getattr(config, "word_buckets", 0) else None
        )
        self.convs = nn.ModuleList(
            nn.Conv1d(config.embedding_dim, config.num_filters, k, padding=k // 2)
            for k in config.kernel_sizes
        )
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(config.num_filters * len(config.kernel_sizes),
                                    int(config.num_labels or 2))
        self.post_init()

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, std=0.1)
            if module.padding_idx is not None:
                with torch.no_grad():
                    module.weight[module.padding_idx].zero_()
        elif isinstance(module, (nn.Linear, nn.Conv1d)):
            nn.init.kaiming_uniform_(module.weight, nonlinearity="relu")
            if module.bias is not None:
                nn.init.zeros_(module.bias)

    def get_input_embeddings(self) -> nn.Module:
        """The token embedding table."""
        return self.embeddings

    def set_input_embeddings(self, value: nn.Module) -> None:
        """Replace the token embedding table (e.g. with pretrained vectors)."""
        self.embeddings = value  # type: ignore[assignment]

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        bigram_ids: torch.Tensor | None = None,
        word_ids: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        **kwargs: Any,
    ) -> SequenceClassifierOutput:
        """Logits (and the loss when ``labels`` are given) of a batch of token-id rows."""
        x = self.embeddings(input_ids)
        if self.bigram_embeddings is not None and bigram_ids is not None:
            x = x + self.bigram_embeddings(bigram_ids)
        if self.word_embeddings is not None and word_ids is not None:
            x = x + self.word_embeddings(word_ids)
        if attention_mask is None:
            attention_mask = (input_ids != self.config.pad_token_id).long()
        features = self.dropout(conv_max_pool(x, attention_mask, self.convs))
        logits = self.classifier(features)
        loss = None
        if labels is not None:
            loss = classification_loss(logits, labels, self.config.problem_type)
        return SequenceClassifierOutput(loss=loss, logits=logits)
