"""Training shows progress in zhtext's one style, not Trainer's printed dicts (issue 18, 12)."""

from __future__ import annotations

import io
import logging
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from zhtext.classify.neural import NeuralClassifier, NeuralSettings

TEXTS = ["球队赢了比赛", "央行下调利率", "球员进球了", "股市大涨"] * 8
Y = np.array([0, 1, 0, 1] * 8)


def _fit(tmp_path: Path) -> NeuralClassifier:
    s = NeuralSettings(epochs=2, batch_size=8, tensorboard=False, num_filters=4,
                       embedding_dim=4, bigram_buckets=0, word_buckets=0, patience=0)
    return NeuralClassifier("textcnn", s).fit(TEXTS, Y, ["sport", "finance"],
                                              dev=(TEXTS[:8], Y[:8]), work_dir=tmp_path)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_raw_dicts_off_a_terminal(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                                     caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="zhtext"):
        _fit(tmp_path)
    out, err = capfd.readouterr()
    assert "{'" not in out + err and "grad_norm" not in out + err
    assert "mtime" not in err and err.strip() == "", err
    lines = [r.getMessage() for r in caplog.records
             if r.name == "zhtext.neural.training" and r.levelno == logging.INFO]
    assert not any("grad_norm" in m or "learning_rate" in m for m in lines), lines
    evals = [m for m in lines if "dev accuracy" in m]
    # One line per evaluation: two epochs, eval_per_epoch evaluations each.
    assert len(evals) == 2 * NeuralSettings().eval_per_epoch, lines
    for m in evals:
        assert re.match(r"step \d+/\d+ \(epoch [\d.]+\): loss \d+(\.\d+)? · "
                        r"dev loss [\d.]+, dev accuracy \d\.\d{4}", m), m
        loss = re.search(r"loss (\S+) ·", m)
        assert loss is not None and len(loss.group(1).replace(".", "").lstrip("0")) <= 4


def test_a_bar_on_a_terminal(tmp_path: Path, capfd: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    term = _Terminal()
    monkeypatch.setattr("sys.stderr", term)
    _fit(tmp_path)
    out, _ = capfd.readouterr()
    shown = term.getvalue()
    assert "{'" not in out + shown and "grad_norm" not in out + shown
    assert "training" in shown  # the rich bar, drawn on the (fake) terminal
    assert "it/s" not in shown  # no tqdm bar


def test_quiet_means_no_bar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhtext.report.progress import quiet

    term = _Terminal()
    monkeypatch.setattr("sys.stderr", term)
    with quiet():
        _fit(tmp_path)
    assert "training" not in term.getvalue()


def test_quiet_transformers_hushes_only_its_own_and_restores() -> None:
    from transformers.utils import logging as hf_logging

    from zhtext.neural.training import quiet_transformers

    report = logging.getLogger("transformers.utils.loading_report")
    trainer = logging.getLogger("transformers.trainer")
    level, bars = report.level, hf_logging.is_progress_bar_enabled()
    filters, verbosity = list(warnings.filters), hf_logging.get_verbosity()
    with quiet_transformers(loading=True):
        assert not hf_logging.is_progress_bar_enabled()
        assert not report.isEnabledFor(logging.WARNING)
        assert trainer.isEnabledFor(logging.WARNING)  # other transformers warnings pass
    assert report.level == level
    assert hf_logging.is_progress_bar_enabled() == bars
    assert hf_logging.get_verbosity() == verbosity
    assert list(warnings.filters) == filters
    assert not logging.getLogger("transformers.trainer_utils").filters


def test_gradient_checkpointing_warning_hushed_other_warnings_pass() -> None:
    from zhtext.neural.training import quiet_transformers

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with quiet_transformers():
            warnings.warn("`is_gradient_checkpointing` is deprecated and will be removed in v6.",
                          FutureWarning, stacklevel=1)
            warnings.warn("something else", FutureWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["something else"]


def test_load_report_hushed(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    from tests.tiny_encoder import build_tiny_encoder

    from zhtext.neural.heads import linear
    from zhtext.neural.training import quiet_transformers

    enc = build_tiny_encoder(tmp_path / "enc", TEXTS)
    capfd.readouterr()
    with quiet_transformers(loading=True):
        linear.from_encoder(str(enc), num_labels=2)
    out, err = capfd.readouterr()
    assert "LOAD REPORT" not in out + err and "UNEXPECTED" not in out + err
    assert "Loading weights" not in out + err
