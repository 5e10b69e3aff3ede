"""A linear-chain CRF layer: transition scores on top of per-position emission scores.

Batched over sequences of different lengths: ``mask`` marks the real positions and must be a
prefix of each row (``[1, 1, 1, 0, 0]``); rows may be empty. Everything runs in log space
(``logsumexp``) in float32, so long sequences neither overflow nor underflow.

Usage:
    >>> crf = CRF(num_tags=3)
    >>> emissions = torch.randn(2, 4, 3)
    >>> mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=torch.bool)
    >>> loss = crf.neg_log_likelihood(emissions, torch.zeros(2, 4, dtype=torch.long), mask)
    >>> paths = crf.viterbi(emissions, mask)  # [[...4 tags], [...2 tags]]
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

__all__ = ["CRF"]


class CRF(nn.Module):
    """Transitions ``(from, to)`` plus start and end scores over ``num_tags`` tags.

    Args:
        num_tags: Number of tags.
    """

    def __init__(self, num_tags: int) -> None:
        super().__init__()
        if num_tags < 1:
            raise ValueError(f"`num_tags` should be positive, got {num_tags}.")
        self.num_tags = num_tags
        self.start = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))
        self.end = nn.Parameter(torch.empty(num_tags).uniform_(-0.1, 0.1))
        self.transitions = nn.Parameter(torch.empty(num_tags, num_tags).uniform_(-0.1, 0.1))

    def _check(self, emissions: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor,
                                                                           torch.Tensor]:
        if emissions.dim() != 3 or emissions.shape[2] != self.num_tags:
            raise ValueError(f"emissions should be (batch, time, {self.num_tags}), got "
                             f"{tuple(emissions.shape)}")
        if mask.shape != emissions.shape[:2]:
            raise ValueError(f"mask should be {tuple(emissions.shape[:2])}, got "
                             f"{tuple(mask.shape)}")
        mask = mask.bool()
        if mask.shape[1] > 1 and bool((mask[:, 1:] & ~mask[:, :-1]).any()):
            raise ValueError("mask should be a prefix of each row (no gaps); left-align the "
                             "positions first")
        return emissions.float(), mask

    def log_partition(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``log Z`` per sequence ``(batch,)`` by the forward algorithm (0 for empty rows)."""
        emissions, mask = self._check(emissions, mask)
        return self._forward_alphas(emissions, mask)[1]

    def _forward_alphas(self, emissions: torch.Tensor, mask: torch.Tensor
                        ) -> tuple[list[torch.Tensor], torch.Tensor]:
        """Forward scores normalised at each step (small numbers) and ``log Z``."""
        time = emissions.shape[1]
        if time == 0:
            return [], emissions.sum(dim=(1, 2)) * 0.0  # zeros, still in the graph
        alpha = self.start + emissions[:, 0]  # (batch, tags)
        log_norm = torch.logsumexp(alpha, dim=1)
        alpha = alpha - log_norm.unsqueeze(1)
        alphas = [alpha]
        for t in range(1, time):
            step = torch.logsumexp(alpha.unsqueeze(2) + self.transitions, dim=1) + emissions[:, t]
            c = torch.logsumexp(step, dim=1)
            alpha = torch.where(mask[:, t : t + 1], step - c.unsqueeze(1), alpha)
            log_norm = log_norm + torch.where(mask[:, t], c, torch.zeros_like(c))
            alphas.append(alpha)
        log_z = log_norm + torch.logsumexp(alpha + self.end, dim=1)
        return alphas, torch.where(mask[:, 0], log_z, torch.zeros_like(log_z))

    def score(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor
              ) -> torch.Tensor:
        """The unnormalised score of the path ``tags`` per sequence ``(batch,)``."""
        emissions, mask = self._check(emissions, mask)
        time = emissions.shape[1]
        if time == 0:
            return emissions.sum(dim=(1, 2)) * 0.0
        tags = torch.where(mask, tags, torch.zeros_like(tags)).long()  # e.g. -100 off the mask
        m = mask.float()
        total = (emissions.gather(2, tags.unsqueeze(2)).squeeze(2) * m).sum(1)
        total = total + (self.transitions[tags[:, :-1], tags[:, 1:]] * m[:, 1:]).sum(1)
        last = tags.gather(1, (mask.sum(1) - 1).clamp(min=0).unsqueeze(1)).squeeze(1)
        return total + (self.start[tags[:, 0]] + self.end[last]) * m[:, 0]

    def neg_log_likelihood(self, emissions: torch.Tensor, tags: torch.Tensor,
                           mask: torch.Tensor,
                           reduction: Literal["none", "sum", "mean", "token_mean"] = "sum"
                           ) -> torch.Tensor:
        """``log Z - score(tags)``: per sequence (``none``), summed, or averaged.

        Args:
            emissions: ``(batch, time, tags)`` scores.
            tags: ``(batch, time)`` gold tag ids (any value off the mask).
            mask: ``(batch, time)`` real positions, a prefix of each row.
            reduction: ``mean`` averages over sequences, ``token_mean`` over positions.
        """
        nll = self.log_partition(emissions, mask) - self.score(emissions, tags, mask)
        if reduction == "none":
            return nll
        if reduction == "sum":
            return nll.sum()
        if reduction == "mean":
            return nll.mean()
        return nll.sum() / mask.sum().clamp(min=1)

    def viterbi(self, emissions: torch.Tensor, mask: torch.Tensor) -> list[list[int]]:
        """The best tag path of each sequence (as long as its mask)."""
        emissions, mask = self._check(emissions, mask)
        batch, time, _ = emissions.shape
        if time == 0:
            return [[] for _ in range(batch)]
        delta = self.start + emissions[:, 0]
        pointers = []
        for t in range(1, time):
            best, arg = (delta.unsqueeze(2) + self.transitions).max(dim=1)
            delta = torch.where(mask[:, t : t + 1], best + emissions[:, t], delta)
            pointers.append(arg)
        lengths = mask.sum(1)
        best_last = (delta + self.end).argmax(dim=1)
        path = torch.zeros(batch, time, dtype=torch.long, device=emissions.device)
        cur = best_last
        for t in range(time - 1, -1, -1):  # follow the back-pointers, all rows at once
            cur = torch.where(lengths - 1 == t, best_last, cur)
            path[:, t] = cur
            if t > 0:
                cur = pointers[t - 1].gather(1, cur.unsqueeze(1)).squeeze(1)
        return [row[:n] for row, n in zip(path.tolist(), lengths.tolist())]

    def marginals(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``P(tag at t | sequence)`` ``(batch, time, tags)``, forward-backward; 0 off the mask."""
        emissions, mask = self._check(emissions, mask)
        batch, time, k = emissions.shape
        if time == 0:
            return emissions.new_zeros(batch, 0, k)
        alphas, _ = self._forward_alphas(emissions, mask)
        beta = self.end.expand(batch, k)
        betas = [beta]
        for t in range(time - 2, -1, -1):
            step = torch.logsumexp(self.transitions + (emissions[:, t + 1] + beta).unsqueeze(1),
                                   dim=2)
            step = step - torch.logsumexp(step, dim=1, keepdim=True)
            beta = torch.where(mask[:, t + 1 : t + 2], step, beta)
            betas.append(beta)
        # Both passes are normalised per step, so P(tag at t) is a softmax over the tags.
        p = torch.softmax(torch.stack(alphas, 1) + torch.stack(betas[::-1], 1), dim=2)
        return torch.where(mask.unsqueeze(2), p, torch.zeros_like(p))
