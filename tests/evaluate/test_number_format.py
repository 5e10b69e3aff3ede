"""Numbers shown to people are rounded by what they mean (issue 18, defect 12)."""

from __future__ import annotations

import json

import pytest

from zhtext.evaluate.classification_report import leaderboard_text, write_leaderboard
from zhtext.report.html import table
from zhtext.report.numbers import shown

ROWS = [{"method": "linear", "accuracy": 0.912345, "macro_f1": 0.9, "train_seconds": 3.1,
         "model_mb": 0.41, "n": 5000},
        {"method": "textcnn", "accuracy": 0.95, "macro_f1": 0.94, "train_seconds": 120.04,
         "model_mb": 206.84, "n": 5000}]


@pytest.mark.parametrize(("name", "value", "text"), [
    ("train_seconds", 3.1, "3.1"),
    ("train_seconds", 3.14159, "3.1"),
    ("predict_seconds", 0.031234, "0.031"),
    ("model_mb", 0.41, "0.4"),
    ("model_mb", 206.84, "206.8"),
    ("accuracy", 0.9, "0.9000"),
    ("dev accuracy", 0.812345, "0.8123"),
    ("macro_f1", 0.81236, "0.8124"),
    ("final_train_loss", 7.893284797668457, "7.893"),
    ("eval_loss", 0.012345678, "0.01235"),
    ("tokens_per_second", 12345.678, "12,346"),
    ("learning_rate", 5e-5, "5e-05"),
    ("documents", 5000, "5,000"),
    ("epochs_done", 3.0, "3"),
    ("anything", 3.14159265, "3.142"),
    ("anything", None, "—"),
])
def test_shown_rounds_by_meaning(name: str, value: object, text: str) -> None:
    assert shown(value, name) == text


def test_leaderboard_text_rounds_seconds_and_mb() -> None:
    text = leaderboard_text(ROWS)
    assert "3.1000" not in text and "0.4100" not in text
    lines = text.splitlines()
    assert lines[0].split() == ["method", "accuracy", "macro_f1", "train_seconds", "model_mb",
                                "n"]
    assert lines[2].split() == ["linear", "0.9123", "0.9000", "3.1", "0.4", "5,000"]
    assert lines[3].split() == ["textcnn", "0.9500*", "0.9400*", "120.0", "206.8", "5,000"]


def test_leaderboard_html_rounds_seconds_and_mb(tmp_path) -> None:
    out = tmp_path / "leaderboard.html"
    write_leaderboard(out, ROWS, title="t")
    doc = out.read_text(encoding="utf-8")
    assert ">3.1<" in doc and ">0.4<" in doc and ">206.8<" in doc and ">5,000<" in doc
    assert "3.1000" not in doc and "0.4100" not in doc
    assert "<b>0.9500</b>" in doc


def test_key_value_table_rounds_by_key() -> None:
    doc = table(["key", "value"], [["train_seconds", 3.1], ["model_mb", 0.41],
                                   ["final_train_loss", 7.893284797668457]])
    assert ">3.1<" in doc and ">0.4<" in doc and ">7.893<" in doc
    assert "3.1000" not in doc and "7.8932" not in doc


def test_pretrain_report_rounds_but_json_keeps_precision(tmp_path) -> None:
    from zhtext.pretrain.report import write_report

    metrics = {"final_train_loss": 7.893284797668457, "train_seconds": 3.1,
               "tokens_per_second": 1234.5678, "held_out_accuracy": 0.1234567}
    write_report(tmp_path, metrics, [{"step": 1, "loss": 7.893284797668457}])
    doc = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert ">7.893<" in doc and ">3.1<" in doc and ">1,235<" in doc and ">0.1235<" in doc
    assert "7.893284797668457" not in doc
    saved = json.loads((tmp_path / "pretrain_metrics.json").read_text(encoding="utf-8"))
    assert saved["final_train_loss"] == 7.893284797668457
