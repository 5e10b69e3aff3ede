"""Windows of token ids: how long, a dataset of them, padding, length-sorted batches.

Texts longer than a model's window are cut into overlapping windows (each task knows how: a
classifier averages its windows' probabilities, a tagger takes each character from the window
in which it is most central). What the tasks share lives here: the window length chosen from
the training data, the dataset ``Trainer`` reads, the padding of a batch and prediction in
batches of windows of similar length (little padding, the order of the input kept).
Importing this module loads numpy only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

__all__ = ["Windows", "length_sample", "pad_windows", "sorted_batches", "window_length"]

T = TypeVar("T")

#: Texts (or sequences) whose lengths choose the window length.
SAMPLE = 2000


class Windows:
    """A torch-style dataset of encoded windows (feature lists) with optional labels."""

    def __init__(self, features: dict[str, list[list[int]]], labels: Any | None = None) -> None:
        self.features = features
        self.labels = labels
        self.n = len(next(iter(features.values())))

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> dict[str, Any]:
        item: dict[str, Any] = {k: v[i] for k, v in self.features.items()}
        if self.labels is not None:
            item["labels"] = self.labels[i]
        return item


def length_sample(items: Sequence[T]) -> Sequence[T]:
    """About :data:`SAMPLE` items spread over ``items``, whose lengths pick the window."""
    return items[:: max(1, len(items) // SAMPLE)]


def window_length(lengths: Sequence[int], *, cap: int, floor: int, extra: int = 0) -> int:
    """The window that holds 98% of the texts whole: their 98th-percentile length + ``extra``.

    Args:
        lengths: Token counts of (a sample of) the training texts.
        cap: The longest window the model takes.
        floor: The shortest window to use.
        extra: Tokens each window adds (special tokens such as ``[CLS]`` and ``[SEP]``).
    """
    lens = sorted(lengths)
    p98 = lens[min(len(lens) - 1, int(0.98 * len(lens)))] if lens else 16
    return int(min(cap, max(floor, p98 + extra)))


def pad_windows(batch: Sequence[Mapping[str, Any]], pad_id: int, *,
                fills: Mapping[str, int] | None = None,
                stack: Sequence[str] = ("labels",)) -> dict[str, np.ndarray]:
    """Pad a batch of windows into int64 arrays ``(batch, width)``.

    Args:
        batch: Windows, each a dict of token-aligned id lists.
        pad_id: The padding of ``input_ids``; other features pad with 0.
        fills: Other paddings by feature (``{"labels": -100}`` for per-token labels).
        stack: Features that are one value (or vector) per window, stacked as they are
            (classification targets).

    An ``attention_mask`` is added when the windows have none.
    """
    width = max(1, max(len(b["input_ids"]) for b in batch))
    fill_of = {"input_ids": pad_id, **(fills or {})}
    out: dict[str, np.ndarray] = {}
    for key in batch[0]:
        if key in stack:
            out[key] = np.array([b[key] for b in batch])
            continue
        fill = fill_of.get(key, 0)
        out[key] = np.array([list(b[key]) + [fill] * (width - len(b[key])) for b in batch],
                            dtype=np.int64).reshape(len(batch), width)
    if "attention_mask" not in out:
        out["attention_mask"] = np.array(
            [[1] * len(b["input_ids"]) + [0] * (width - len(b["input_ids"])) for b in batch],
            dtype=np.int64)
    return out


def sorted_batches(features: Mapping[str, Sequence[Sequence[int]]], batch_size: int,
                   pad_id: int, *, fills: Mapping[str, int] | None = None,
                   stack: Sequence[str] = ("labels",)
                   ) -> Iterator[tuple[list[int], dict[str, np.ndarray]]]:
    """Padded batches of windows of similar length, for prediction.

    Yields the windows' indices with each padded batch (:func:`pad_windows`); put each
    batch's outputs back at those indices to keep the input order.
    """
    ids = features["input_ids"]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    for a in range(0, len(order), batch_size):
        idx = order[a : a + batch_size]
        yield idx, pad_windows([{k: v[i] for k, v in features.items()} for i in idx], pad_id,
                               fills=fills, stack=stack)
