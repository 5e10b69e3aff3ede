"""``zhtext tag train --method bert`` end to end with a tiny encoder built from test text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")

from tests.cli.test_cli_classify import assert_clean_error, zhtext
from tests.tag.conftest import ORGS, PEOPLE, PLACES, VERBS, write_conll, write_pd
from tests.tiny_encoder import build_tiny_encoder

FAST = ["--epochs", "6", "--set", "learning_rate=3e-3", "--set", "crf_learning_rate=5e-2",
        "--set", "batch_size=8", "--set", "patience=0", "--set", "tensorboard=false"]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tagbert")
    write_conll(d / "ner.txt", n=60)
    write_conll(d / "dev.txt", n=16, seed=1)
    write_pd(d / "pd.txt", n=60)
    words = "".join(a + b for a, b in PEOPLE) + "".join(PLACES + ORGS + VERBS)
    build_tiny_encoder(d / "enc", [words + "今天的。，讨论经济发展会议合作项目"])
    long_line = "张伟今天访问北京的新华社。" * 12
    (d / "in.txt").write_text(f"陈静今天考察南京的气象局。\n{long_line}\n", encoding="utf-8")
    return d


def test_ner_with_crf_layer_train_predict_reload(work: Path) -> None:
    out = zhtext("tag", "train", "--task", "ner", "--method", "bert", "--model", work / "enc",
                 "--train", work / "ner.txt", "--dev", work / "dev.txt", "-o", work / "m",
                 "--set", "max_length=24", *FAST)
    assert out.returncode == 0, out.stderr
    metrics = json.loads((work / "m" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["f1"] > 0.8, metrics
    assert (work / "m" / "model" / "model.safetensors").is_file()
    assert not (work / "m" / "training.json").exists()
    out = zhtext("tag", "predict", work / "m", work / "in.txt")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    first = [(e["text"], e["label"]) for e in rows[0]["entities"]]
    assert ("陈静", "PER") in first and ("南京", "LOC") in first
    # the second line (156 characters) is longer than the 24-token window: every repeat of the
    # sentence is still tagged, none cut off
    assert sum(e["label"] == "PER" for e in rows[1]["entities"]) >= 5
    assert rows[1]["entities"][-1]["end"] > 140


def test_pos_joint_tags(work: Path) -> None:
    out = zhtext("tag", "train", "--task", "pos", "--method", "bert", "--model", work / "enc",
                 "--train", work / "pd.txt", "-o", work / "pos", "--set", "crf=false", *FAST)
    assert out.returncode == 0, out.stderr
    metrics = json.loads((work / "pos" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["segmentation"]["f1"] > 0.7 and metrics["accuracy"] is not None


def test_bert_needs_a_model_and_resume_refuses_other_settings(work: Path) -> None:
    out = zhtext("tag", "train", "--method", "bert", "--train", work / "pd.txt", "-o",
                 work / "x")
    assert_clean_error(out, "needs an encoder")
    out = zhtext("tag", "train", "--train", work / "pd.txt", "-o", work / "x", "--resume")
    assert_clean_error(out, "--resume applies to bert")


def test_init_random_via_cli(work: Path) -> None:
    listing = zhtext("tag", "settings", "bert")
    assert listing.returncode == 0 and "init" in listing.stdout and "random" in listing.stdout
    out = zhtext("tag", "train", "--task", "ner", "--method", "bert", "--model", work / "enc",
                 "--train", work / "ner.txt", "-o", work / "rand", "--set", "max_length=24",
                 "--set", "init=random", "--epochs", "1", *FAST[2:])
    assert out.returncode == 0, out.stderr
    manifest = json.loads((work / "rand" / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["init"] == "random"
    out = zhtext("tag", "predict", work / "rand", work / "in.txt")
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) == 2
