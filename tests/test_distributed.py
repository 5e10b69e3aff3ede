"""Training under ``torchrun`` with 2 CPU processes (gloo): classify, tag and pretrain.

Each test launches the real CLI through ``python -m torch.distributed.run --standalone``; only
rank 0 may write the model, and the saved model must load and predict like a single-process
one. Tiny data: each run takes seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")
pytest.importorskip("accelerate", reason="needs accelerate (pip install 'zhtext[neural]')")

from tests.classify.conftest import make_corpus
from tests.processes import HANG_GUARD
from tests.tag.conftest import write_conll
from tests.tiny_encoder import build_tiny_encoder

pytestmark = pytest.mark.integration

TEXTCNN = ["--set", "num_filters=16", "--set", "embedding_dim=16", "--set",
           "bigram_buckets=500", "--set", "word_buckets=500", "--set", "dropout=0",
           "--set", "batch_size=20", "--set", "epochs=3"]


def _run(args: list[str], cwd: Path, processes: int = 2) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1",
           "TOKENIZERS_PARALLELISM": "false"}
    launcher = ([sys.executable, "-m", "torch.distributed.run", "--standalone",
                 f"--nproc_per_node={processes}", "-m", "zhtext"] if processes > 1
                else [sys.executable, "-m", "zhtext"])
    result = subprocess.run([*launcher, *args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=HANG_GUARD)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ddp")
    texts, labels = make_corpus(40)
    rows = [f"{t}\t{y}\n" for t, y in zip(texts, labels)]
    (d / "train.tsv").write_text("".join(rows[:100]), encoding="utf-8")
    (d / "dev.tsv").write_text("".join(rows[100:]), encoding="utf-8")
    (d / "corpus.txt").write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    build_tiny_encoder(d / "enc", [*texts, "张伟今天访问北京的新华社。"])
    write_conll(d / "ner.txt", n=40)
    write_conll(d / "ner_dev.txt", n=10, seed=1)
    return d


def _losses(model_dir: Path) -> list[float]:
    history = json.loads((model_dir / "zhtext.json").read_text())["neural"]["history"]
    return [h["loss"] for h in history if "loss" in h]


def test_textcnn_two_processes_match_one(data: Path) -> None:
    from zhtext.artifacts import load

    common = ["classify", "train", "--method", "textcnn", "--train", "train.tsv", "--dev",
              "dev.tsv", *TEXTCNN]
    two = _run([*common, "-o", "two"], data)
    _run([*common, "-o", "one"], data, processes=1)
    assert two.stderr.count("saved textcnn model") == 1  # rank 0 alone writes and reports
    # The same batches in the same order with the same initial weights: the first epoch's
    # losses (5 steps of 20) match step by step. No dropout, so nothing else differs.
    one_l, two_l = _losses(data / "one"), _losses(data / "two")
    assert len(one_l) == len(two_l) >= 5
    assert two_l[:5] == pytest.approx(one_l[:5], abs=1e-4)
    one_m = json.loads((data / "one" / "metrics.json").read_text())
    two_m = json.loads((data / "two" / "metrics.json").read_text())
    assert abs(one_m["accuracy"] - two_m["accuracy"]) <= 0.1  # 20 dev texts: 2 may flip
    texts = [ln.split("\t")[0] for ln in (data / "dev.tsv").read_text().splitlines()]
    preds = load(data / "two").predict(texts)
    assert len(preds) == len(texts) and {p.label for p in preds} <= {"体育", "财经", "科技"}
    assert not list(data.glob(".two*"))  # no half-written directory left by another rank


def test_bert_classifier_under_torchrun(data: Path) -> None:
    from zhtext.artifacts import load

    _run(["classify", "train", "--method", "bert", "--model", "enc", "--train", "train.tsv",
          "--dev", "dev.tsv", "-o", "bert", "--set", "epochs=2", "--set", "batch_size=16",
          "--set", "learning_rate=5e-3"], data)
    clf = load(data / "bert")
    proba = clf.predict_proba(["球队赢得了决赛", "央行宣布调整利率"])
    assert proba.shape == (2, 3)
    assert (data / "bert" / "metrics.json").is_file()


def test_odd_batch_is_refused_under_torchrun(data: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
         "-m", "zhtext", "classify", "train", "--method", "textcnn", "--train", "train.tsv",
         "-o", "odd", *TEXTCNN, "--set", "batch_size=15"], cwd=data, env=env,
        capture_output=True, text=True, timeout=HANG_GUARD)
    assert result.returncode != 0
    assert "batch_size 15 does not split evenly over 2 processes" in result.stderr
    assert not (data / "odd").exists()


def test_ner_tagger_under_torchrun(data: Path) -> None:
    from zhtext.artifacts import load

    _run(["tag", "train", "--task", "ner", "--method", "bert", "--model", "enc", "--train",
          "ner.txt", "--dev", "ner_dev.txt", "-o", "ner", "--set", "epochs=2", "--set",
          "batch_size=8"], data)
    tagger = load(data / "ner")
    out = tagger.predict(["张伟今天访问北京的新华社。"])
    assert len(out) == 1
    assert (data / "ner" / "metrics.json").is_file()


def test_pretrain_under_torchrun(data: Path) -> None:
    from transformers import AutoModelForMaskedLM

    _run(["pretrain", "mlm", "corpus.txt", "-o", "mlm", "--size", "tiny", "--steps", "6",
          "--vocab-size", "300", "--min-count", "1", "--set", "batch_size=8"], data)
    metrics = json.loads((data / "mlm" / "pretrain_metrics.json").read_text())
    assert metrics["processes"] == 2 and metrics["steps"] == 6 and metrics["batch_size"] == 8
    model = AutoModelForMaskedLM.from_pretrained(data / "mlm")
    assert model.config.model_type == "bert"
    assert (data / "mlm" / "vocab.txt").is_file()
