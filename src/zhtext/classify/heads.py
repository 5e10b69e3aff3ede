"""An encoder with a CNN head: token states -> convolutions of several widths -> max pool.

``BertCnnForSequenceClassification`` wraps any Hugging Face encoder (``AutoModel``) and is a
``PreTrainedModel`` itself: ``Trainer`` trains it, ``save_pretrained`` writes encoder and head
together (safetensors), ``from_pretrained`` reads them back without the original encoder
directory. The encoder's own config travels inside ours (``encoder_config``).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput

from zhtext.classify.conv import conv_max_pool
from zhtext.classify.loss import classification_loss

__all__ = ["BertCnnConfig", "BertCnnForSequenceClassification"]


class BertCnnConfig(PretrainedConfig):  # type: ignore[misc]
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
        super().__init__(**kwargs)
        if not kernel_sizes or min(kernel_sizes) < 1:
            raise ValueError(f"`kernel_sizes` should be positive widths, got {kernel_sizes}.")
        self.encoder_config = dict(encoder_config or {})
        self.kernel_sizes = list(kernel_sizes)
        self.num_filters = num_filters
        self.dropout = dropout


def _encoder_config(d: dict[str, Any]) -> PretrainedConfig:
    d = dict(d)
    model_type = d.pop("model_type", "bert")
    return AutoConfig.for_model(model_type, **d)


class BertCnnForSequenceClassification(PreTrainedModel):  # type: ignore[misc]
    """Encoder token states through a CNN head into a linear classifier."""

    config_class = BertCnnConfig
    base_model_prefix = "encoder"
    main_input_name = "input_ids"
    supports_gradient_checkpointing = True

    def __init__(self, config: BertCnnConfig, encoder: PreTrainedModel | None = None) -> None:
        super().__init__(config)
        self.num_labels = config.num_labels
        self.encoder = encoder if encoder is not None else AutoModel.from_config(
            _encoder_config(config.encoder_config))
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

    @classmethod
    def from_encoder(cls, name_or_path: str, config: BertCnnConfig, *,
                     random_init: bool = False, **kwargs: Any
                     ) -> BertCnnForSequenceClassification:
        """A new head on a pretrained encoder (hub name or local directory).

        Args:
            name_or_path: The encoder: a hub name or a local directory.
            config: The head's settings; its ``encoder_config`` is filled in here.
            random_init: Build the encoder's architecture from its config with fresh random
                weights instead of loading its weights (a baseline to measure pretraining).
            **kwargs: More arguments of ``from_pretrained`` (of the encoder, or of its config
                with ``random_init``).
        """
        if random_init:
            encoder = AutoModel.from_config(AutoConfig.from_pretrained(name_or_path, **kwargs))
        else:
            encoder = AutoModel.from_pretrained(name_or_path, **kwargs)
        config.encoder_config = encoder.config.to_dict()
        return cls(config, encoder=encoder)

    def _init_weights(self, module: nn.Module) -> None:
        # The encoder initialises itself; the head is initialised in __init__.
        return

    def get_input_embeddings(self) -> nn.Module:
        """The encoder's token embeddings."""
        return self.encoder.get_input_embeddings()  # type: ignore[no-any-return]

    def forward(
        self,
        input_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        **kwargs: Any,
    ) -> SequenceClassifierOutput:
        """Logits (and the loss when ``labels`` are given)."""
        enc_kwargs: dict[str, Any] = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            enc_kwargs["token_type_ids"] = token_type_ids
        states = self.encoder(**enc_kwargs).last_hidden_state  # (batch, time, hidden)
        if attention_mask is None:
            attention_mask = torch.ones(states.shape[:2], dtype=torch.long,
                                        device=states.device)
        logits = self.classifier(self.dropout(conv_max_pool(states, attention_mask,
                                                            self.convs)))
        loss = None
        if labels is not None:
            loss = classification_loss(logits, labels, self.config.problem_type)
        return SequenceClassifierOutput(loss=loss, logits=logits)
