"""The KeyBERT-style method with a tiny sentence-transformers model built offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from zhtext import ZhtextError
from zhtext.keywords.embedding import EmbeddingKeywords, mmr

TEXTS = [
    "深度学习推动了自然语言处理的快速发展。神经网络模型在机器翻译中效果显著。",
    "城市轨道交通建设改善了居民出行条件。地铁线路带动了沿线发展。",
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("sentence_transformers",
                        reason="needs sentence-transformers (pip install 'zhtext[encoders]')")
    import torch
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6 moved the modules
        from sentence_transformers.sentence_transformer import modules as models
    except ImportError:
        from sentence_transformers import models  # type: ignore[no-redef]
    from transformers import BertConfig, BertModel, BertTokenizerFast

    root = tmp_path_factory.mktemp("tiny")
    chars = sorted({c for t in TEXTS for c in t})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    (root / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    bert_dir = root / "bert"
    tok = BertTokenizerFast(vocab_file=str(root / "vocab.txt"), tokenize_chinese_chars=True)
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    BertModel(cfg).save_pretrained(bert_dir)
    tok.save_pretrained(bert_dir)
    word = models.Transformer(str(bert_dir), max_seq_length=128)
    dim = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
    pool = models.Pooling(dim(), pooling_mode="mean")
    out = root / "st"
    SentenceTransformer(modules=[word, pool], device="cpu").save(str(out))
    return out


def test_mmr_prefers_diverse_candidates() -> None:
    doc = np.array([1.0, 0.0])
    cands = np.array([[1.0, 0.0], [0.99, 0.141], [0.0, 1.0]])
    cands /= np.linalg.norm(cands, axis=1, keepdims=True)
    assert [i for i, _ in mmr(doc, cands, 2, diversity=0.0)] == [0, 1]
    assert [i for i, _ in mmr(doc, cands, 2, diversity=0.9)] == [0, 2]
    assert mmr(doc, np.zeros((0, 2)), 3) == []


def test_embedding_keywords_with_local_model(tiny_model: Path) -> None:
    ex = EmbeddingKeywords(model=str(tiny_model))
    result = ex.extract([*TEXTS, ""], top_k=3)
    assert len(result) == 3
    assert result[2] == []
    for text, kws in zip(TEXTS, result):
        assert 0 < len(kws) <= 3
        assert len({k.text for k in kws}) == len(kws)
        for k in kws:
            assert text[k.start : k.end] == k.text
            assert -1.0 <= k.score <= 1.0


def test_embedding_via_cli(tiny_model: Path, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    src = tmp_path / "in.txt"
    src.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "zhtext", "keywords", "extract", str(src), "-m", "embedding",
         "--model", str(tiny_model), "-f", "jsonl", "-k", "2"],
        capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == [1, 2]
    assert all(1 <= len(r["keywords"]) <= 2 for r in rows)


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers",
                        reason="needs sentence-transformers (pip install 'zhtext[encoders]')")
    ex = EmbeddingKeywords(model=str(tmp_path / "nope"))
    with pytest.raises(ZhtextError, match="cannot load sentence-transformers model"):
        ex.extract(TEXTS, 3)


def test_textrank_with_encoder_embeddings(tiny_model: Path) -> None:
    from zhtext.keywords import TextRankKeywords

    tr = TextRankKeywords(embeddings=str(tiny_model))
    kws = tr.extract(TEXTS, 3)
    assert all(len(k) == 3 for k in kws)


@pytest.mark.parametrize("bad", [{"model": ""}, {"model": "x", "diversity": 1.5}])
def test_bad_settings(bad: dict[str, object]) -> None:
    # Settings are stored as given (scikit-learn's rule) and checked on use or by check().
    kw = EmbeddingKeywords(**bad)  # type: ignore[arg-type]
    with pytest.raises(ZhtextError):
        kw.check()
    with pytest.raises(ZhtextError):
        kw.extract(["深度学习推动了自然语言处理的发展。"])


def test_an_mlm_directory_as_encoder_loads_without_transformers_load_report(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    # a 'zhtext pretrain' output is a BertForMaskedLM: loading it as an encoder printed
    # transformers' table of MISSING / UNEXPECTED keys
    pytest.importorskip("sentence_transformers")
    from tests.tiny_encoder import build_tiny_encoder

    from zhtext.keywords import TextRankKeywords

    enc = build_tiny_encoder(tmp_path / "mlm", TEXTS)
    capfd.readouterr()
    kws = TextRankKeywords(embeddings=str(enc)).extract(TEXTS, 3)
    assert all(kws)
    out, err = capfd.readouterr()
    assert "MISSING" not in out + err and "UNEXPECTED" not in out + err
