"""An encoder with a token-classification head: a linear layer per token, a CRF on top.

``TokenTagger`` scores every token; the positions that carry a tag (``tag_mask``: the first
sub-token of each character, say) are left-aligned and, with the CRF, decoded together
(Viterbi) and trained on the sequence likelihood. It is a ``PreTrainedModel`` like the other
heads: ``save_pretrained`` writes encoder, linear layer and CRF together (safetensors) and
``from_pretrained`` reads them back; the window the tagger was trained with is kept in the
config (``window_length``, ``window_stride``).
"""

# transformers is only partly typed: its classes count as Any, its calls as untyped.
# mypy: disallow-subclassing-any=False, disallow-untyped-calls=False

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from transformers.modeling_outputs import TokenClassifierOutput

from zhtext.neural.heads.base import EncoderHeadConfig, EncoderWithHead
from zhtext.neural.heads.crf import CRF

__all__ = ["TokenTagger", "TokenTaggerConfig", "compact"]


class TokenTaggerConfig(EncoderHeadConfig):
    """Settings of an encoder + linear layer (+ CRF) token tagger.

    Args:
        encoder_config: The encoder's config as a dict (``PretrainedConfig.to_dict()``).
        crf: A CRF layer over the tagged positions of a window.
        dropout: Dropout before the linear layer.
        outside: The tag of characters without a token.
        window_length: Tokens per window, special tokens included.
        window_stride: Tokens between window starts.
    """

    model_type = "zhtext-token-tagger"

    def __init__(self, encoder_config: dict[str, Any] | None = None, crf: bool = True,
                 dropout: float = 0.1, outside: str = "O", window_length: int = 0,
                 window_stride: int = 0, **kwargs: Any) -> None:
        super().__init__(encoder_config, **kwargs)
        self.crf = crf
        self.dropout = dropout
        self.outside = outside
        self.window_length = window_length
        self.window_stride = window_stride


def compact(mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices that left-align the masked positions of each row, and the new mask."""
    lengths = mask.sum(1)
    width = int(lengths.max()) if mask.numel() else 0
    order = torch.sort((~mask).to(torch.int32), dim=1, stable=True).indices[:, :width]
    new_mask = torch.arange(width, device=mask.device).unsqueeze(0) < lengths.unsqueeze(1)
    return order, new_mask


def _gather(logits: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    return logits.gather(1, idx.unsqueeze(2).expand(-1, -1, logits.shape[2]))


class TokenTagger(EncoderWithHead):
    """Encoder token states -> dropout -> linear layer -> (CRF over the tagged tokens)."""

    config_class = TokenTaggerConfig

    def __init__(self, config: TokenTaggerConfig, encoder: Any | None = None) -> None:
        super().__init__(config, encoder)
        self.dropout = nn.Dropout(config.dropout)
        k = int(config.num_labels or 2)
        self.classifier = nn.Linear(self.encoder.config.hidden_size, k)
        nn.init.normal_(self.classifier.weight, std=0.02)
        nn.init.zeros_(self.classifier.bias)
        self.crf = CRF(k) if config.crf else None
        self.post_init()

    def forward(self, input_ids: torch.Tensor | None = None,
                attention_mask: torch.Tensor | None = None,
                token_type_ids: torch.Tensor | None = None,
                tag_mask: torch.Tensor | None = None,
                labels: torch.Tensor | None = None, **kwargs: Any) -> TokenClassifierOutput:
        """Per-token scores (and the loss when ``labels`` are given, -100 untagged)."""
        states = self.encode(input_ids, attention_mask, token_type_ids)
        logits = self.classifier(self.dropout(states))
        loss = None
        if labels is not None:
            mask = labels != -100 if tag_mask is None else tag_mask.bool()
            if self.crf is not None:
                idx, m = compact(mask)
                loss = self.crf.neg_log_likelihood(
                    _gather(logits, idx), labels.gather(1, idx), m, reduction="token_mean")
            else:
                flat = torch.where(mask, labels, torch.full_like(labels, -100))
                loss = nn.functional.cross_entropy(
                    logits.float().flatten(0, 1), flat.flatten(), ignore_index=-100,
                    reduction="sum") / mask.sum().clamp(min=1)
        return TokenClassifierOutput(loss=loss, logits=logits)

    def decode(self, logits: torch.Tensor, tag_mask: torch.Tensor) -> list[list[int]]:
        """The tag ids of the tagged positions of each row (Viterbi or argmax)."""
        idx, m = compact(tag_mask.bool())
        emissions = _gather(logits, idx)
        if self.crf is not None:
            return self.crf.viterbi(emissions, m)
        best = emissions.argmax(2).tolist()
        return [row[:n] for row, n in zip(best, m.sum(1).tolist())]

    def marginals(self, logits: torch.Tensor, tag_mask: torch.Tensor) -> torch.Tensor:
        """``(batch, tagged, labels)`` probabilities of the tagged positions, left-aligned."""
        idx, m = compact(tag_mask.bool())
        emissions = _gather(logits, idx)
        if self.crf is not None:
            return self.crf.marginals(emissions, m)
        return torch.softmax(emissions.float(), dim=2) * m.unsqueeze(2)
