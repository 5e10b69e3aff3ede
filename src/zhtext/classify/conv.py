"""Convolutions of several widths over token vectors, max-pooled over the real tokens.

The shared core of TextCNN and of the encoder's CNN head.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["conv_max_pool"]


def conv_max_pool(states: torch.Tensor, attention_mask: torch.Tensor,
                  convs: nn.ModuleList) -> torch.Tensor:
    """ReLU convolutions over ``states`` ``(batch, time, dim)``, each max-pooled over time.

    Padding positions (``attention_mask == 0``) are zeroed before the convolutions and never
    win the max. Returns ``(batch, filters * len(convs))``.
    """
    length = states.shape[1]
    x = (states * attention_mask.unsqueeze(-1).to(states.dtype)).transpose(1, 2)
    keep = attention_mask.unsqueeze(1).bool()
    neg = torch.finfo(x.dtype).min
    pooled = []
    for conv in convs:
        h = torch.relu(conv(x))[:, :, :length]
        pooled.append(h.masked_fill(~keep, neg).max(dim=2).values)
    return torch.cat(pooled, dim=1)
