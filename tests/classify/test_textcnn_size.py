"""TextCNN's saved size follows its data (hashed tables sized to it, embeddings in fp16)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from zhtext.classify import TextClassifier

TEXTS = ["今天股市大涨", "球队赢得比赛", "股市下跌明显", "比赛精彩纷呈", "基金收益上涨",
         "球员受伤退赛"] * 4
LABELS = ["财经", "体育", "财经", "体育", "财经", "体育"] * 4


def test_tables_sized_to_the_data_and_reload_within_fp16(tmp_path: Path) -> None:
    dim = 16
    clf = TextClassifier("textcnn", epochs=2, batch_size=8, embedding_dim=dim, num_filters=8,
                         tensorboard=False)  # default bucket settings (at most 50,000 rows each)
    clf.fit(TEXTS, LABELS)
    vocab = clf.model_.tokenizer_
    n_bigrams, n_words = vocab.distinct_pieces(TEXTS, words=True)
    config = clf.model_.model_.config
    assert config.bigram_buckets <= max(16, 4 * n_bigrams)
    assert config.word_buckets <= max(16, 4 * n_words)
    out = clf.save(tmp_path / "m")
    weights = out / "model" / "model.safetensors"
    # Embedding rows of the vocabulary and the two tables, 2 bytes each (fp16), plus the
    # convolutions and classifier in fp32 and a generous allowance for headers.
    rows = len(vocab) + max(16, 4 * n_bigrams) + max(16, 4 * n_words)
    others = sum(p.numel() for n, p in clf.model_.model_.named_parameters()
                 if "embeddings" not in n)
    assert weights.stat().st_size < rows * dim * 2 + others * 4 + 16_384
    manifest = json.loads((out / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["neural"]["format"] == 2
    again = TextClassifier.load(out)
    assert next(again.model_.model_.parameters()).dtype.is_floating_point
    np.testing.assert_allclose(again.predict_proba(TEXTS), clf.predict_proba(TEXTS), atol=2e-3)
    assert [p.label for p in again.predict(TEXTS)] == [p.label for p in clf.predict(TEXTS)]
