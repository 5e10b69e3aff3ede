"""An encoder under a head: the part every encoder + head model shares.

A head's config carries the encoder's own config (``encoder_config``, its ``to_dict()``), so
a saved model rebuilds its encoder from ``config.json`` alone: ``save_pretrained`` writes
encoder and head weights together (safetensors, names ``encoder.*`` and the head's), and
``from_pretrained`` reads them back with no code from the directory and no network.
"""

# transformers is only partly typed: its classes count as Any, its calls as untyped.
# mypy: disallow-subclassing-any=False, disallow-untyped-calls=False

from __future__ import annotations

from typing import Any, TypeVar

import torch
from torch import nn
from transformers import AutoModel, PretrainedConfig, PreTrainedModel

from zhtext.neural.encoder import encoder_config, load_encoder

__all__ = ["EncoderHeadConfig", "EncoderWithHead"]

M = TypeVar("M", bound="EncoderWithHead")


class EncoderHeadConfig(PretrainedConfig):
    """The config of an encoder + head: the head's settings and the encoder's config.

    Args:
        encoder_config: The encoder's config as a dict (``PretrainedConfig.to_dict()``).
    """

    def __init__(self, encoder_config: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.encoder_config = dict(encoder_config or {})


class EncoderWithHead(PreTrainedModel):
    """A ``PreTrainedModel`` holding ``self.encoder``; subclasses add the head and ``forward``.

    Subclasses set ``config_class``, build their layers after ``super().__init__`` and call
    ``self.post_init()`` last.
    """

    base_model_prefix = "encoder"
    main_input_name = "input_ids"
    supports_gradient_checkpointing = True

    def __init__(self, config: EncoderHeadConfig, encoder: Any | None = None) -> None:
        super().__init__(config)
        self.encoder = encoder if encoder is not None else AutoModel.from_config(
            encoder_config(config.encoder_config))

    @classmethod
    def from_encoder(cls: type[M], name_or_path: str, config: EncoderHeadConfig, *,
                     random_init: bool = False, **kwargs: Any) -> M:
        """A new head on a pretrained encoder (hub name or local directory).

        Args:
            name_or_path: The encoder: a hub name or a local directory.
            config: The head's settings; its ``encoder_config`` is filled in here.
            random_init: Build the encoder's architecture from its config with fresh random
                weights instead of loading its weights (a baseline to measure pretraining).
            **kwargs: More arguments of ``from_pretrained`` (of the encoder, or of its config
                with ``random_init``).
        """
        encoder = load_encoder(name_or_path, random_init=random_init, **kwargs)
        config.encoder_config = encoder.config.to_dict()
        return cls(config, encoder=encoder)

    def _init_weights(self, module: nn.Module) -> None:
        # The encoder initialises itself; a head initialises its layers in __init__.
        return

    def get_input_embeddings(self) -> nn.Module:
        """The encoder's token embeddings."""
        return self.encoder.get_input_embeddings()  # type: ignore[no-any-return]

    def encode(self, input_ids: torch.Tensor | None, attention_mask: torch.Tensor | None,
               token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
        """The encoder's last hidden states ``(batch, time, hidden)``."""
        enc: dict[str, Any] = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            enc["token_type_ids"] = token_type_ids
        return self.encoder(**enc).last_hidden_state  # type: ignore[no-any-return]
