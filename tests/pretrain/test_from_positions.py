"""``pretrain mlm --from`` a model with fewer positions than max_length (issue 18, defect 14).

The error says the model's limit and the setting that fits it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.test_cli_classify import assert_clean_error, zhtext

TEXTS = ["今天北京的天气很好，我们去公园散步。", "人工智能技术正在改变世界经济。"] * 20


def test_from_a_model_with_few_positions_suggests_max_length(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    config = tmp_path / "small.json"
    config.write_text(json.dumps({"hidden_size": 32, "num_attention_heads": 2,
                                  "num_hidden_layers": 1, "intermediate_size": 64,
                                  "max_position_embeddings": 64}), encoding="utf-8")
    start = tmp_path / "start"
    out = zhtext("pretrain", "mlm", corpus, "-o", start, "--config", config, "--steps", "1",
                 "--vocab-size", "200", "--min-count", "1", "--set", "batch_size=4",
                 "--set", "max_length=32")
    assert out.returncode == 0, out.stderr
    out = zhtext("pretrain", "mlm", corpus, "-o", tmp_path / "cont", "--from", start,
                 "--steps", "1")
    assert_clean_error(out, "max_length 128", "64 positions", "--set max_length=64")
    assert not (tmp_path / "cont").exists()
