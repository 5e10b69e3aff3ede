"""Convolutions of several widths over token vectors, max-pooled over the real tokens.

The shared core of TextCNN and of the encoder's CNN head.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["UnfoldedConvs", "conv_max_pool"]


def conv_max_pool(states: torch.Tensor, attention_mask: torch.Tensor,
                  convs: nn.ModuleList) -> torch.Tensor:
    """ReLU convolutions over ``states`` ``(batch, time, dim)``, each max-pooled over time.

    Padding positions (``attention_mask == 0``) are zeroed before the convolutions and never
    win the max. Returns ``(batch, filters * len(convs))``.
    """
    if isinstance(convs, UnfoldedConvs):
        return convs.pool(states, attention_mask)
    length = states.shape[1]
    x = (states * attention_mask.unsqueeze(-1).to(states.dtype)).transpose(1, 2)
    keep = attention_mask.unsqueeze(1).bool()
    neg = torch.finfo(x.dtype).min
    pooled = []
    for conv in convs:
        h = torch.relu(conv(x))[:, :, :length]
        pooled.append(h.masked_fill(~keep, neg).max(dim=2).values)
    return torch.cat(pooled, dim=1)


class UnfoldedConvs(nn.ModuleList):
    """A bank of 1-D convolutions as one matrix product over shifted copies of the input.

    The same function as ``conv_max_pool`` over the ``nn.Conv1d`` modules it is built from
    (ReLU outputs are at least 0, so zeroing padding positions leaves every maximum as it
    is), written for inference runtimes: one ``MatMul`` with constant weights, which
    onnxruntime quantises into its int8 kernels, no transposes and no masked fills. Each
    width k sees the tokens from ``t - k // 2`` to ``t - k // 2 + k - 1``; the shared window
    spans all widths, and a width's weights are zero outside its own offsets.
    """

    def __init__(self, modules: nn.ModuleList) -> None:
        super().__init__()
        convs = [c for c in modules if isinstance(c, nn.Conv1d)]
        ks = [int(c.kernel_size[0]) for c in convs]
        self.left = max(k // 2 for k in ks)  # offsets -left .. right around each token
        self.right = max(k - 1 - k // 2 for k in ks)
        span = self.left + self.right + 1
        dim = int(convs[0].in_channels)
        filters = sum(int(c.out_channels) for c in convs)
        weight = torch.zeros(span * dim, filters)
        bias = torch.zeros(filters)
        col = 0
        for conv, k in zip(convs, ks):
            f = int(conv.out_channels)
            for j in range(k):  # tap j of width k reads offset j - k // 2
                row = (j - k // 2 + self.left) * dim
                weight[row : row + dim, col : col + f] = conv.weight.detach()[:, :, j].T
            if conv.bias is not None:
                bias[col : col + f] = conv.bias.detach()
            col += f
        self.weight = nn.Parameter(weight, requires_grad=False)
        self.bias = nn.Parameter(bias, requires_grad=False)

    def pool(self, states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """``(batch, time, dim)`` states -> ``(batch, filters)`` max-pooled features."""
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        length = states.shape[1]
        x = nn.functional.pad(states * mask, (0, 0, self.left, self.right))
        windows = torch.cat([x[:, j : j + length, :]
                             for j in range(self.left + self.right + 1)], dim=2)
        h = torch.relu(torch.matmul(windows, self.weight) + self.bias) * mask
        return h.max(dim=1).values
