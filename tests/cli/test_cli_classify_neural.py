"""``zhtext classify train`` with a neural method: checkpoints, interruption, --resume, --force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.test_cli_classify import assert_clean_error, make_rows, write_tsv, zhtext
from tests.processes import interrupt, start_paused_after_checkpoint, wait_for

pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")

from zhtext.neural.training import last_checkpoint

SMALL = ["--set", "num_filters=8", "--set", "embedding_dim=8", "--set", "bigram_buckets=0",
         "--set", "word_buckets=0",
         "--set", "batch_size=8", "--set", "tensorboard=false"]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("neural-data")
    rows = make_rows(30)
    return write_tsv(d / "train.tsv", rows[:70]), write_tsv(d / "dev.tsv", rows[70:])


def test_textcnn_train_predict(data: tuple[Path, Path], tmp_path: Path) -> None:
    train, dev = data
    out = zhtext("classify", "train", "--method", "textcnn", "--train", train, "--dev", dev,
                 "-o", tmp_path / "m", *SMALL, "--set", "epochs=3")
    assert out.returncode == 0, out.stderr
    model = tmp_path / "m"
    assert (model / "zhtext.json").is_file() and (model / "model" / "model.safetensors").is_file()
    assert not (model / "checkpoints").exists()  # removed unless --keep-checkpoints
    assert (model / "metrics.json").is_file() and (model / "report.html").is_file()
    pred = zhtext("classify", "predict", model, dev, "--id-col", "id")
    assert pred.returncode == 0, pred.stderr
    rows = [json.loads(line) for line in pred.stdout.splitlines()]
    assert len(rows) == 20 and rows[0]["id"] == "n070"
    assert set(rows[0]["scores"]) == {"体育", "财经", "科技"}


def test_interrupted_run_resumes(data: tuple[Path, Path], tmp_path: Path) -> None:
    train, dev = data
    model = tmp_path / "m"
    args = ["classify", "train", "--method", "textcnn", "--train", str(train), "--dev",
            str(dev), "-o", str(model), *SMALL, "--set", "epochs=3", "--set",
            "patience=0"]
    # the run pauses after its first checkpoint until it is interrupted, however slow the
    # machine: it can neither finish first nor be stopped before it has a checkpoint
    marker = tmp_path / "paused"
    proc = start_paused_after_checkpoint(args, marker)
    wait_for(marker.exists, what="a checkpoint", proc=proc)
    _, err = interrupt(proc)
    assert proc.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err
    assert (model / "training.json").is_file() and not (model / "zhtext.json").exists()
    complete = last_checkpoint(model / "checkpoints")
    assert complete is not None
    newest_complete = int(Path(complete).name.split("-")[1])
    assert 0 < newest_complete <= int(marker.read_text(encoding="utf-8"))

    again = zhtext(*args)
    assert_clean_error(again, "unfinished training run", "--resume")
    other = zhtext(*args[:-1], "patience=3", "--resume")
    assert_clean_error(other, "other settings")
    # resumed as it was, the run continues from its last checkpoint (not step 0) and finishes

    resumed = zhtext(*args, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert (model / "zhtext.json").is_file()
    manifest = json.loads((model / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["neural"]["resumed_from_step"] >= newest_complete > 0


def test_force_starts_over_and_failed_start_leaves_nothing(data: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    train, dev = data
    model = tmp_path / "m"
    bad = zhtext("classify", "train", "--method", "bert", "--train", train, "--dev", dev,
                 "-o", model, "--model", tmp_path / "no-such-encoder")
    assert_clean_error(bad, "cannot load encoder")
    assert not model.exists()
    model.mkdir()
    (model / "junk.txt").write_text("x", encoding="utf-8")
    refused = zhtext("classify", "train", "--method", "textcnn", "--train", train, "-o", model,
                     *SMALL, "--set", "epochs=1")
    assert_clean_error(refused, "already exists", "--force")
    forced = zhtext("classify", "train", "--method", "textcnn", "--train", train, "-o", model,
                    *SMALL, "--set", "epochs=1", "--force")
    assert forced.returncode == 0, forced.stderr
    assert not (model / "junk.txt").exists() and (model / "zhtext.json").is_file()


def test_bert_cnn_lora_via_cli(data: tuple[Path, Path], tmp_path: Path) -> None:
    pytest.importorskip("peft", reason="LoRA needs peft (pip install 'zhtext[neural]')")
    from tests.tiny_encoder import build_tiny_encoder

    train, dev = data
    texts = [line.split("\t")[1] for line in train.read_text(encoding="utf-8").splitlines()[1:]]
    encoder = build_tiny_encoder(tmp_path / "tiny-bert", [*texts, "这是一段文本"])
    model = tmp_path / "m"
    out = zhtext("classify", "train", "--method", "bert-cnn", "--model", encoder, "--lora",
                 "--train", train, "--dev", dev, "-o", model, "--set", "epochs=1",
                 "--set", "num_filters=8", "--set", "tensorboard=false")
    assert out.returncode == 0, out.stderr
    assert (model / "adapter" / "adapter_config.json").is_file()
    assert (model / "model" / "model.safetensors").is_file()
    pred = zhtext("classify", "predict", model, dev)
    assert pred.returncode == 0, pred.stderr
    assert len(pred.stdout.splitlines()) == 20
    wrong = zhtext("classify", "train", "--method", "linear", "--lora", "--train", train,
                   "-o", tmp_path / "x")
    assert_clean_error(wrong, "--lora", "linear")


def test_init_random_via_cli(data: tuple[Path, Path], tmp_path: Path) -> None:
    from tests.tiny_encoder import build_tiny_encoder

    train, dev = data
    texts = [line.split("\t")[1] for line in train.read_text(encoding="utf-8").splitlines()[1:]]
    encoder = build_tiny_encoder(tmp_path / "tiny-bert", [*texts, "这是一段文本"])
    listing = zhtext("classify", "settings", "bert")
    assert listing.returncode == 0 and "init" in listing.stdout and "random" in listing.stdout
    model = tmp_path / "m"
    out = zhtext("classify", "train", "--method", "bert", "--model", encoder, "--train", train,
                 "--dev", dev, "-o", model, "--set", "init=random", "--set", "epochs=1",
                 "--set", "batch_size=16", "--set", "tensorboard=false")
    assert out.returncode == 0, out.stderr
    manifest = json.loads((model / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["neural"]["settings"]["init"] == "random"
    pred = zhtext("classify", "predict", model, dev)
    assert pred.returncode == 0, pred.stderr
    assert len(pred.stdout.splitlines()) == 20
    wrong = zhtext("classify", "train", "--method", "textcnn", "--train", train, "-o",
                   tmp_path / "x", "--set", "init=random")
    assert_clean_error(wrong, "init (read by bert, bert-cnn): not a setting of method 'textcnn'")
    assert not (tmp_path / "x").exists()


def test_multi_label_via_cli(tmp_path: Path) -> None:
    rows = make_rows(20)
    lines = ["text\tlabel"] + [f"{t}\t{y},长" if len(t) > 12 else f"{t}\t{y}"
                               for _, t, y in rows]
    train = tmp_path / "multi.tsv"
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = tmp_path / "m"
    out = zhtext("classify", "train", "--train", train, "--multi-label", "-o", model,
                 "--dev-split", "0")
    assert out.returncode == 0, out.stderr
    pred = zhtext("classify", "predict", model, train)
    first = json.loads(pred.stdout.splitlines()[0])
    assert isinstance(first["labels"], list) and "长" in first["scores"]
