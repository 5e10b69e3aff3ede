"""TextCNN's saved size (issue 18, defect 13): tables sized to the data, quantised, sparse.

The embedding tables are stored as 8-bit (tokens) / 5-bit (hashed) rows with a scale each and
without the rows no training window used (neural format 3); formats 1 (fp32) and 2 (fp16
tables) still load.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from zhtext.classify import TextClassifier
from zhtext.errors import InputError

TEXTS = ["今天股市大涨", "球队赢得比赛", "股市下跌明显", "比赛精彩纷呈", "基金收益上涨",
         "球员受伤退赛"] * 4
LABELS = ["财经", "体育", "财经", "体育", "财经", "体育"] * 4
# Bigrams, words and characters the training texts do not have.
UNSEEN = ["天气晴朗适合出游", "新款手机发布会", "今天比赛"]
DIM = 16


@pytest.fixture(scope="module")
def fitted() -> TextClassifier:
    clf = TextClassifier("textcnn", epochs=2, batch_size=8, embedding_dim=DIM, num_filters=8,
                         tensorboard=False)  # default bucket settings
    return clf.fit(TEXTS, LABELS)


def _tables(weights: Path) -> dict[str, tuple[str, list[int]]]:
    from safetensors import safe_open

    with safe_open(str(weights), "np") as f:
        return {k: (f.get_slice(k).get_dtype(), list(f.get_slice(k).get_shape()))
                for k in f.keys()}  # noqa: SIM118 (safe_open is not iterable)


def _format_2(clf: TextClassifier, path: Path) -> Path:
    """Write the weights of ``clf`` as format 2 did: save_pretrained's names, fp16 tables."""
    from safetensors.torch import save_file

    save_file({k: (v.half() if "embeddings" in k else v).contiguous()
               for k, v in clf.model_.model_.state_dict().items()},
              str(path), metadata={"format": "pt"})
    return path


def test_tables_are_stored_as_integers_without_untrained_rows(fitted: TextClassifier,
                                                              tmp_path: Path) -> None:
    vocab = fitted.model_.tokenizer_
    n_bigrams, n_words = vocab.distinct_pieces(TEXTS, words=True)
    config = fitted.model_.model_.config
    assert config.bigram_buckets <= max(16, 4 * n_bigrams)
    assert config.word_buckets <= max(16, 4 * n_words)
    out = fitted.save(tmp_path / "m")
    weights = out / "model" / "model.safetensors"
    stored = _tables(weights)
    rows = {"embeddings": config.vocab_size, "bigram_embeddings": config.bigram_buckets,
            "word_embeddings": config.word_buckets}
    for table, n in rows.items():
        name = f"{table}.weight"
        assert name not in stored  # no fp16 / fp32 table
        ints = [stored[f"{name}.q{bits}"] for bits in range(2, 9) if f"{name}.q{bits}" in stored]
        assert len(ints) == 1 and ints[0][0] in ("I8", "U8")
        assert stored[f"{name}.scale"][0] == "F16"
        # rows are stored only when some training window used them (padding row 0 never)
        assert ints[0][1][0] == stored[f"{name}.scale"][1][0] < n
    # At most one byte a value and fewer rows, against two bytes a value in fp16 (format 2):
    # the tables take under half the bytes, and the file is smaller than format 2's.
    size = {"I8": 1, "U8": 1, "F16": 2}
    table_bytes = sum(size[dtype] * int(np.prod(shape)) for k, (dtype, shape) in stored.items()
                      if "embeddings" in k)
    assert table_bytes < sum(rows.values()) * DIM * 2 / 2
    assert weights.stat().st_size < _format_2(fitted, tmp_path / "fp16").stat().st_size
    manifest = json.loads((out / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["neural"]["format"] == 3


def test_untrained_rows_are_zero_and_reload_predicts_identically(fitted: TextClassifier,
                                                                 tmp_path: Path) -> None:
    model = fitted.model_.model_
    enc = fitted.model_.tokenizer_.encode(TEXTS, max_length=fitted.model_.max_length_,
                                          bigram_buckets=model.config.bigram_buckets,
                                          word_buckets=model.config.word_buckets)
    for table, ids in (("bigram_embeddings", enc.bigram_ids), ("word_embeddings", enc.word_ids)):
        w = getattr(model, table).weight.detach().numpy()
        used = sorted({i for row in ids for i in row})
        unused = np.setdiff1d(np.arange(len(w)), used)
        assert len(unused) and not w[unused].any()  # never trained: zero, not random
        assert (w[[i for i in used if i]] != 0).any(axis=1).all()
    out = fitted.save(tmp_path / "m")
    again = TextClassifier.load(out)
    texts = TEXTS + UNSEEN
    np.testing.assert_array_equal(again.predict_proba(texts), fitted.predict_proba(texts))
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(again.model_.model_.state_dict()[k].numpy(), v.numpy())


def test_a_format_2_directory_still_loads_and_saves_as_format_3(fitted: TextClassifier,
                                                                tmp_path: Path) -> None:
    d = tmp_path / "old"
    shutil.copytree(fitted.save(tmp_path / "m"), d)
    _format_2(fitted, d / "model" / "model.safetensors")
    manifest_file = d / "zhtext.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest["neural"]["format"] = 2
    manifest_file.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    old = TextClassifier.load(d)
    texts = TEXTS + UNSEEN
    np.testing.assert_allclose(old.predict_proba(texts), fitted.predict_proba(texts), atol=2e-3)
    assert old.model_.model_.bigram_embeddings.weight.dtype.is_floating_point
    resaved = old.save(tmp_path / "resaved")
    assert "bigram_embeddings.weight.scale" in _tables(resaved / "model" / "model.safetensors")
    np.testing.assert_array_equal(TextClassifier.load(resaved).predict_proba(texts),
                                  old.predict_proba(texts))  # re-saving rounds `old` too


def test_tables_that_do_not_fit_the_config_are_a_damaged_directory(fitted: TextClassifier,
                                                                   tmp_path: Path) -> None:
    out = fitted.save(tmp_path / "m")
    config = out / "model" / "config.json"
    values = json.loads(config.read_text(encoding="utf-8"))
    values["bigram_buckets"] += 8  # the row mask holds the saved number of rows
    config.write_text(json.dumps(values), encoding="utf-8")
    with pytest.raises(InputError, match="damaged or incomplete"):
        TextClassifier.load(out)


def test_the_training_summary_states_the_model_size(tmp_path: Path) -> None:
    import re

    from tests.cli.test_cli_classify import make_rows, write_tsv, zhtext

    train = write_tsv(tmp_path / "train.tsv", make_rows(12))
    out = zhtext("classify", "train", "--method", "textcnn", "--train", train, "-o",
                 tmp_path / "m", "--id-col", "id", "--set", "epochs=1", "--set",
                 "embedding_dim=8", "--set", "num_filters=4", "--set", "tensorboard=false")
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stderr.splitlines() if x.startswith("saved textcnn model"))
    size = sum(f.stat().st_size for f in (tmp_path / "m").rglob("*") if f.is_file())
    from zhtext.report.numbers import shown

    assert f"({shown(size / 2**20, 'mb')} MB, " in line, line
    assert re.search(r" MB, [\d.]+ s training\)", line), line


@pytest.mark.parametrize("bits", range(2, 9))
@pytest.mark.parametrize("width", [7, 16])
def test_stored_rows_load_as_the_rounded_ones(bits: int, width: int) -> None:
    from zhtext.classify.tables import BITS, pack, rounded, unpack

    w = np.random.default_rng(bits).normal(0, 0.1, (40, width)).astype(np.float32)
    w[[0, 3, 17]] = 0.0
    r = rounded(w, bits)
    np.testing.assert_array_equal(rounded(r, bits), r)  # rounding twice is rounding once
    assert np.abs(r - w).max() <= np.abs(w).max() / BITS[bits] / 2 * 1.01
    tensors = pack("t.weight", r, bits)
    assert tensors[f"t.weight.q{bits}"].shape == (37, width if bits == 8 else
                                                  (width * bits + 7) // 8)
    np.testing.assert_array_equal(unpack(tensors, "t.weight", (40, width)), r)
    with pytest.raises(ValueError, match="rows"):
        unpack(tensors, "t.weight", (48, width))
