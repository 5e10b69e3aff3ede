"""Pretraining: corpus reading, the vocabulary, whole-word masking, a tiny MLM run, errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.cli.test_cli_classify import assert_clean_error, zhtext
from tests.processes import interrupt, start_paused_after_checkpoint, wait_for

from zhtext.errors import InputError
from zhtext.neural.training import last_checkpoint
from zhtext.pretrain.corpus import Corpus
from zhtext.pretrain.vocab import build_vocab

TEXTS = ["今天北京的天气很好，我们去公园散步。", "人工智能技术正在改变世界经济。",
         "球队在比赛中以三比一获胜。", "股市今天大幅上涨，投资者信心增强。",
         "学校开设了新的计算机课程 Python 3.11。", "电影明星出席了颁奖典礼。"] * 20


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    p = tmp_path / "corpus.txt"
    p.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    return p


def test_corpus_formats(tmp_path: Path) -> None:
    pd = tmp_path / "pd.txt"
    pd.write_text("19980101-01-001-001/m  迈向/v  [中国/ns  政府/n]nt  ！/w\n", encoding="utf-8")
    tsv = tmp_path / "t.tsv"
    tsv.write_text("中华女子学院招男生\t3\n两天价网站\t4\n", encoding="utf-8")
    conll = tmp_path / "c.char"
    conll.write_text("我 O\n们 O\n\n好 O\n", encoding="utf-8")
    js = tmp_path / "a.jsonl"
    js.write_text('{"id": 1, "abst": "摘要文本"}\n', encoding="utf-8")
    assert list(Corpus([pd])) == ["迈向中国政府！"]
    assert list(Corpus([tsv])) == ["中华女子学院招男生", "两天价网站"]
    assert list(Corpus([conll])) == ["我们", "好"]
    assert list(Corpus([js])) == ["摘要文本"]
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"text": "好"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"b.jsonl:2: not a JSON object"):
        list(Corpus([bad]))


def test_vocab_chars_are_tokens_and_errors(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")
    tok, stats = build_vocab(Corpus([corpus]), vocab_size=500, min_count=1)
    assert stats.documents == len(TEXTS) and stats.cjk_characters > 0
    vocab = tok.get_vocab()
    assert all(c in vocab for c in "北京天气公园") and "[MASK]" in vocab
    assert tok.tokenize("北京天气") == ["北", "京", "天", "气"]
    with pytest.raises(InputError, match="smaller than the corpus's character set"):
        build_vocab(Corpus([corpus]), vocab_size=20, min_count=1)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        build_vocab(Corpus([empty]))
    latin = tmp_path / "latin.txt"
    latin.write_text("hello world\nno chinese here\n", encoding="utf-8")
    with pytest.raises(InputError, match="no Chinese"):
        build_vocab(Corpus([latin]))


def test_whole_word_masking_masks_whole_words() -> None:
    pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
    from zhtext.pretrain.masking import whole_word_masker
    from zhtext.pretrain.packing import SPECIAL

    ids = np.arange(10, 74, dtype=np.int64)
    starts = np.array([SPECIAL] + [1, 0, 0, 0] * 15 + [SPECIAL, 1, 0], dtype=np.uint8)
    masker = whole_word_masker(mask_id=4, vocab_size=100, pad_id=0, first_normal_id=5,
                               mask_prob=0.3, seed=0)
    out = masker([{"input_ids": ids, "word_starts": starts}] * 8)
    picked = (out["labels"] != -100).numpy()
    word = np.cumsum(starts != 0)
    for row in picked:
        for w in np.unique(word):
            members = row[word == w]
            assert members.all() or not members.any()  # a word is masked whole or not at all
        assert not row[starts == SPECIAL].any()
    assert 0.1 < picked.mean() < 0.5


@pytest.mark.integration
def test_pretrain_then_finetune(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
    model = tmp_path / "bert"
    out = zhtext("pretrain", "mlm", corpus, "-o", model, "--size", "tiny", "--steps", "4",
                 "--vocab-size", "400", "--min-count", "1", "--set", "batch_size=8",
                 "--set", "max_length=32")
    assert out.returncode == 0, out.stderr
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    assert config["architectures"] == ["BertForMaskedLM"]
    metrics = json.loads((model / "pretrain_metrics.json").read_text(encoding="utf-8"))
    assert metrics["steps"] == 4 and metrics["tokens_per_second"] > 0
    # The summary rounds: the loss to 4 significant digits, not 7.893284797668457.
    summary = next(x for x in out.stderr.splitlines() if "saved the pretrained model" in x)
    loss = summary.split("final loss ")[1].split(",")[0]
    assert len(loss.replace(".", "").lstrip("0")) <= 4, summary
    assert "<svg" in (model / "report.html").read_text(encoding="utf-8")
    assert not (model / "checkpoints").exists() and not (model / "cache").exists()
    # a standard BERT directory: vocab.txt too, which the slow BertTokenizer reads alike
    from transformers import AutoTokenizer, BertTokenizer

    fast = AutoTokenizer.from_pretrained(str(model))
    slow = BertTokenizer(str(model / "vocab.txt"))
    assert slow("北京天气 Python 3.11")["input_ids"] == fast("北京天气 Python 3.11")["input_ids"]
    again = zhtext("pretrain", "mlm", corpus, "-o", model, "--size", "tiny")
    assert_clean_error(again, "already exists")
    # continued pretraining from it, and a directory that is not a masked LM
    cont = zhtext("pretrain", "mlm", corpus, "-o", tmp_path / "cont", "--from", model,
                  "--steps", "2", "--set", "batch_size=8", "--set", "max_length=32")
    assert cont.returncode == 0, cont.stderr
    (tmp_path / "notmlm").mkdir()
    (tmp_path / "notmlm" / "config.json").write_text(
        json.dumps({**config, "architectures": ["BertForSequenceClassification"]}),
        encoding="utf-8")
    for f in ("tokenizer.json", "tokenizer_config.json"):
        (tmp_path / "notmlm" / f).write_text((model / f).read_text(encoding="utf-8"),
                                             encoding="utf-8")
    bad = zhtext("pretrain", "mlm", corpus, "-o", tmp_path / "x", "--from",
                 tmp_path / "notmlm")
    assert_clean_error(bad, "not a masked-LM checkpoint")
    assert not (tmp_path / "x").exists()
    # the result is an encoder the classifier takes
    rows = [f"{t}\t{i % 2}" for i, t in enumerate(TEXTS[:24])]
    (tmp_path / "train.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    clf = zhtext("classify", "train", "--method", "bert", "--model", model, "--train",
                 tmp_path / "train.tsv", "-o", tmp_path / "clf", "--epochs", "1")
    assert clf.returncode == 0, clf.stderr


def test_pretrain_bad_corpus(tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")
    latin = tmp_path / "latin.txt"
    latin.write_text("hello world\n", encoding="utf-8")
    out = zhtext("pretrain", "mlm", latin, "-o", tmp_path / "m", "--size", "tiny")
    assert_clean_error(out, "no Chinese")
    assert not (tmp_path / "m").exists()
    missing = zhtext("pretrain", "vocab", tmp_path / "nope.txt", "-o", tmp_path / "v")
    assert_clean_error(missing, "no such file")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    out = zhtext("pretrain", "mlm", empty, "-o", tmp_path / "m", "--size", "tiny")
    assert_clean_error(out, "empty.txt", "empty")
    assert not (tmp_path / "m").exists()
    chinese = tmp_path / "zh.txt"
    chinese.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    out = zhtext("pretrain", "vocab", chinese, "-o", tmp_path / "v", "--vocab-size", "30",
                 "--min-count", "1")
    assert_clean_error(out, "--vocab-size 30 is smaller than the corpus's character set")
    assert not (tmp_path / "v").exists()


@pytest.mark.integration
def test_interrupted_pretraining_resumes(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
    model = tmp_path / "bert"
    # a checkpoint every 10 steps (the least save_minutes allows); the run pauses after the
    # first one until it is interrupted, however slow the machine
    args = ["pretrain", "mlm", str(corpus), "-o", str(model), "--size", "tiny", "--steps",
            "30", "--vocab-size", "400", "--min-count", "1", "--set", "batch_size=4",
            "--set", "max_length=16", "--set", "save_minutes=0.0001"]
    marker = tmp_path / "paused"
    proc = start_paused_after_checkpoint(args, marker)
    wait_for(marker.exists, what="a checkpoint", proc=proc)
    _, err = interrupt(proc)
    assert proc.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err
    assert not (model / "config.json").exists() and (model / "training.json").is_file()
    complete = last_checkpoint(model / "checkpoints")
    assert complete is not None
    newest = int(Path(complete).name.split("-")[1])
    assert 0 < newest <= int(marker.read_text(encoding="utf-8")) < 30
    assert_clean_error(zhtext(*args), "unfinished training run", "--resume")
    assert_clean_error(zhtext(*args[:-1], "save_minutes=5", "--resume"), "other settings")
    # resumed with the same settings it continues from the checkpoint, with the same vocabulary
    vocab_before = (model / "tokenizer" / "vocab.txt").read_text(encoding="utf-8")
    resumed = zhtext(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    metrics = json.loads((model / "pretrain_metrics.json").read_text(encoding="utf-8"))
    assert metrics["steps"] == 30 and metrics["resumed_from_step"] >= newest > 0
    assert (model / "vocab.txt").read_text(encoding="utf-8") == vocab_before


def test_pretrain_bad_config(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
    broken = tmp_path / "broken.json"
    broken.write_text("{num_hidden_layers: 2", encoding="utf-8")
    out = zhtext("pretrain", "mlm", corpus, "-o", tmp_path / "m", "--config", broken)
    assert_clean_error(out, "broken.json", "JSON")
    heads = tmp_path / "heads.json"
    heads.write_text(json.dumps({"hidden_size": 100, "num_attention_heads": 3,
                                 "num_hidden_layers": 1, "intermediate_size": 64}),
                     encoding="utf-8")
    out = zhtext("pretrain", "mlm", corpus, "-o", tmp_path / "m", "--config", heads,
                 "--vocab-size", "400", "--min-count", "1")
    assert_clean_error(out, "heads.json", "not a multiple of num_attention_heads")
    assert not (tmp_path / "m").exists()
    out = zhtext("pretrain", "mlm", corpus, "-o", tmp_path / "m", "--set", "mask_prob=1.5")
    assert_clean_error(out, "mask_prob")
