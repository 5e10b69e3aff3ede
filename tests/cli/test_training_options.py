"""The training options every train / compare command shares (issue 18, defect 11).

``classify train --quiet``, ``classify compare --epochs/--set/--device/--quiet``, ``tag train
--device/--keep-checkpoints`` and ``pretrain mlm --device``: accepted, and passed on to the
methods they apply to.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.test_cli_classify import make_rows, write_tsv
from typer.testing import CliRunner

from zhtext.cli.app import app


def _run(*args: str | Path) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def train_tsv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tsv(tmp_path_factory.mktemp("opts") / "train.tsv", make_rows(20))


def test_classify_train_takes_quiet(train_tsv: Path, tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")
    res = _run("classify", "train", "--train", train_tsv, "-o", tmp_path / "m", "--quiet")
    assert res.exit_code == 0, res.output  # type: ignore[attr-defined]
    assert (tmp_path / "m" / "zhtext.json").is_file()


def test_classify_compare_passes_set_to_its_method(train_tsv: Path, tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")
    res = _run("classify", "compare", "--train", train_tsv, "--methods", "linear", "--set",
               "C=0.25", "--seed", "7", "-o", tmp_path / "cmp", "--quiet")
    assert res.exit_code == 0, res.output  # type: ignore[attr-defined]
    manifest = json.loads((tmp_path / "cmp" / "linear" / "zhtext.json").read_text("utf-8"))
    assert manifest["linear"]["settings"]["C"] == 0.25
    assert manifest["linear"]["settings"]["seed"] == 7


@pytest.mark.parametrize(("extra", "words"), [
    (["--epochs", "1"], ["--epochs", "neural"]),
    (["--device", "cpu"], ["--device", "neural"]),
    (["--device", "gpu"], ["gpu", "auto, cpu or cuda"]),
    (["--set", "num_filters=8"], ["num_filters", "no compared method"]),
    (["--set", "textcnn.dropout=0.2"], ["textcnn", "not among --methods"]),
])
def test_classify_compare_refuses_options_no_method_reads(train_tsv: Path, extra: list[str],
                                                          words: list[str]) -> None:
    res = _run("classify", "compare", "--train", train_tsv, "--methods", "linear", *extra)
    assert res.exit_code != 0
    text = res.output + str(res.exception)  # type: ignore[attr-defined]
    for w in words:
        assert w in text, text


def test_compare_settings_go_to_the_methods_that_read_them() -> None:
    from zhtext.cli.classify import _compare_params

    got = _compare_params(["linear", "textcnn", "bert-cnn"],
                          ["seed=3", "dropout=0.3", "bert-cnn.num_filters=16", "C=2"],
                          epochs=1.0, device="cpu", seed=42)
    assert got["linear"] == {"seed": 3, "C": 2}
    assert got["textcnn"] == {"epochs": 1.0, "device": "cpu", "seed": 3, "dropout": 0.3}
    assert got["bert-cnn"] == {"epochs": 1.0, "device": "cpu", "seed": 3, "dropout": 0.3,
                               "num_filters": 16}


def test_tag_train_bert_device_and_keep_checkpoints(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
    pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")
    from tests.tag.conftest import ORGS, PEOPLE, PLACES, VERBS, write_conll
    from tests.tiny_encoder import build_tiny_encoder

    write_conll(tmp_path / "ner.txt", n=20)
    words = "".join(a + b for a, b in PEOPLE) + "".join(PLACES + ORGS + VERBS)
    build_tiny_encoder(tmp_path / "enc", [words + "今天的。，"])
    res = _run("tag", "train", "--task", "ner", "--method", "bert", "--model", tmp_path / "enc",
               "--train", tmp_path / "ner.txt", "-o", tmp_path / "m", "--epochs", "1",
               "--device", "cpu", "--keep-checkpoints", "--dev-split", "0", "--quiet",
               "--set", "max_length=24", "--set", "batch_size=8", "--set", "tensorboard=false")
    assert res.exit_code == 0, (res.output, res.exception)  # type: ignore[attr-defined]
    manifest = json.loads((tmp_path / "m" / "zhtext.json").read_text("utf-8"))
    assert '"device": "cpu"' in json.dumps(manifest)
    assert (tmp_path / "m" / "checkpoints").is_dir()


def test_device_is_checked_everywhere(tmp_path: Path) -> None:
    for args in (["tag", "train", "--train", "x.txt", "-o", str(tmp_path / "t")],
                 ["pretrain", "mlm", "c.txt", "-o", str(tmp_path / "p")],
                 ["classify", "train", "--train", "x.tsv", "-o", str(tmp_path / "c")]):
        res = _run(*args, "--device", "gpu")
        assert res.exit_code == 2, (args, res.output)  # type: ignore[attr-defined]
        assert "auto, cpu or cuda" in res.output  # type: ignore[attr-defined]
