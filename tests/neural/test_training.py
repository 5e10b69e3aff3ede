"""The shared Trainer run: the time limit every task now has (``max_minutes``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from zhtext.classify.neural import NeuralClassifier, NeuralSettings
from zhtext.neural.training import last_checkpoint


def test_max_minutes_saves_and_stops(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    texts = ["球队赢了比赛", "央行下调利率", "球员进球了", "股市大涨"] * 8
    y = np.array([0, 1, 0, 1] * 8)
    s = NeuralSettings(epochs=5, batch_size=4, max_minutes=1e-9, tensorboard=False,
                       num_filters=4, embedding_dim=4, bigram_buckets=0, word_buckets=0)
    with caplog.at_level("WARNING"):
        clf = NeuralClassifier("textcnn", s).fit(texts, y, ["sport", "finance"],
                                                 work_dir=tmp_path)
    assert "time limit of 1e-09 minutes reached at step 1" in caplog.text
    checkpoint = last_checkpoint(tmp_path / "checkpoints")
    assert checkpoint is not None and checkpoint.endswith("checkpoint-1")
    assert clf.predict_proba(texts[:2]).shape == (2, 2)
