"""Window lengths, padding and length-sorted batches shared by classify and tag."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from zhtext.neural.encoder import position_limit
from zhtext.neural.windows import (
    Windows,
    length_sample,
    pad_windows,
    sorted_batches,
    window_length,
)


def test_window_length_holds_98_percent() -> None:
    lens = list(range(1, 101))  # 98th percentile: 99
    assert window_length(lens, cap=512, floor=8) == 99
    assert window_length(lens, cap=64, floor=8) == 64
    assert window_length(lens, cap=512, floor=8, extra=2) == 101
    assert window_length([3, 4], cap=512, floor=8) == 8
    assert window_length([], cap=512, floor=16, extra=2) == 18  # no data: 16 + specials
    assert len(length_sample(list(range(10_000)))) == 2000
    assert length_sample([1, 2, 3]) == [1, 2, 3]


def test_position_limit_takes_the_smallest() -> None:
    config = SimpleNamespace(max_position_embeddings=64)
    assert position_limit(config, SimpleNamespace(model_max_length=int(1e30))) == 64
    assert position_limit(config, SimpleNamespace(model_max_length=32)) == 32
    assert position_limit(SimpleNamespace(), SimpleNamespace()) == 512


def test_pad_windows() -> None:
    batch = [{"input_ids": [5, 6, 7], "tag_mask": [0, 1, 0], "labels": [-100, 2, -100]},
             {"input_ids": [5], "tag_mask": [0], "labels": [-100]}]
    out = pad_windows(batch, 9, fills={"labels": -100}, stack=())
    assert out["input_ids"].tolist() == [[5, 6, 7], [5, 9, 9]]
    assert out["tag_mask"].tolist() == [[0, 1, 0], [0, 0, 0]]
    assert out["labels"].tolist() == [[-100, 2, -100], [-100, -100, -100]]
    assert out["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert all(v.dtype == np.int64 for v in out.values())
    # one target per window (classification) is stacked as it is
    out = pad_windows([{"input_ids": [1, 2], "labels": 1}, {"input_ids": [3], "labels": 0}], 0)
    assert out["labels"].tolist() == [1, 0] and out["input_ids"].tolist() == [[1, 2], [3, 0]]


def test_sorted_batches_cover_every_window_once() -> None:
    ids = [[1] * n for n in (5, 1, 3, 2, 4)]
    feats = {"input_ids": ids}
    seen: list[int] = []
    widths = []
    for idx, batch in sorted_batches(feats, 2, 0):
        seen += idx
        widths.append(batch["input_ids"].shape[1])
        assert [int(m.sum()) for m in batch["attention_mask"]] == [len(ids[i]) for i in idx]
    assert sorted(seen) == list(range(5)) and widths == [2, 4, 5]
    data = Windows(feats, labels=[0, 1, 0, 1, 0])
    assert len(data) == 5 and data[1] == {"input_ids": [1], "labels": 1}
