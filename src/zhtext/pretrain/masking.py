"""Dynamic whole-word masking of packed blocks, batch by batch.

Each word (a run of tokens from one segmenter word, as Chinese BERT-wwm does) is chosen with
probability ``mask_prob``, so about that share of the tokens is predicted; a chosen token is
replaced by ``[MASK]`` 80% of the time, by a random token 10%, and left as it is 10%. The
choice is drawn anew for every batch (dynamic masking, as RoBERTa): each epoch sees other
masks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from zhtext.pretrain.packing import SPECIAL

__all__ = ["whole_word_masker"]


def whole_word_masker(*, mask_id: int, vocab_size: int, pad_id: int, first_normal_id: int,
                      mask_prob: float = 0.15, seed: int | None = None
                      ) -> Callable[[list[dict[str, Any]]], dict[str, Any]]:
    """A data collator: blocks -> ``input_ids``, ``attention_mask`` and MLM ``labels``.

    Args:
        mask_id: The ``[MASK]`` id.
        vocab_size: Random replacements are drawn from ``[first_normal_id, vocab_size)``.
        pad_id: The padding id (attention mask 0).
        first_normal_id: The first id that is not a special token.
        mask_prob: The share of words (and so of tokens) to predict.
        seed: A fixed seed (for a reproducible held-out loss); ``None`` follows torch's RNG.
    """
    import torch

    gen = torch.Generator().manual_seed(seed) if seed is not None else None

    def collate(batch: list[dict[str, Any]]) -> dict[str, Any]:
        ids = torch.from_numpy(np.stack([np.asarray(b["input_ids"], dtype=np.int64)
                                         for b in batch]))
        starts = torch.from_numpy(np.stack([np.asarray(b["word_starts"], dtype=np.int64)
                                            for b in batch]))
        special = starts == SPECIAL
        word = torch.cumsum((starts != 0).long(), dim=1)  # word index of each token
        draw = torch.rand(ids.shape, generator=gen)
        chosen = (draw.gather(1, word.clamp(max=ids.shape[1] - 1)) < mask_prob) & ~special
        if not bool(chosen.any()):  # at least one prediction per batch
            normal = (~special).nonzero()
            if len(normal):
                r, c = normal[torch.randint(len(normal), (1,), generator=gen)][0]
                chosen[r, c] = True
        labels = torch.where(chosen, ids, torch.full_like(ids, -100))
        action = torch.rand(ids.shape, generator=gen)
        inputs = ids.clone()
        inputs[chosen & (action < 0.8)] = mask_id
        rand = chosen & (action >= 0.8) & (action < 0.9)
        inputs[rand] = torch.randint(first_normal_id, vocab_size, ids.shape, generator=gen)[rand]
        return {"input_ids": inputs, "attention_mask": (ids != pad_id).long(),
                "labels": labels}

    return collate
