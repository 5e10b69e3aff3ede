"""A model directory of the wrong kind is a clear error, not a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from zhtext.cli.app import app


def _classifier_and_text(tmp_path: Path) -> None:
    """A linear classifier in tmp_path/clf and a document in tmp_path/one.txt."""
    from zhtext.classify import TextClassifier

    texts = ["股市大涨", "球队获胜", "股价下跌", "比赛结束"] * 3
    labels = ["财经", "体育", "财经", "体育"] * 3
    TextClassifier("linear").fit(texts, labels).save(tmp_path / "clf")
    (tmp_path / "one.txt").write_text("深度学习推动了发展。\n", encoding="utf-8")


def test_keywords_extract_rejects_a_classifier_directory(tmp_path: Path) -> None:
    _classifier_and_text(tmp_path)
    res = CliRunner().invoke(app, ["keywords", "extract", str(tmp_path / "one.txt"),
                                   "--model", str(tmp_path / "clf")])
    assert res.exit_code == 1
    assert res.exception is not None and not isinstance(res.exception, AttributeError)
    msg = str(res.exception)
    assert "classify" in msg and "keywords" in msg, msg


def test_a_classifier_directory_first_is_not_a_keywords_model(tmp_path: Path) -> None:
    _classifier_and_text(tmp_path)
    res = CliRunner().invoke(app, ["keywords", "extract", str(tmp_path / "clf"),
                                   str(tmp_path / "one.txt")])
    assert res.exit_code == 1
    msg = str(res.exception)
    assert "'classify'" in msg and "keywords model" in msg, msg
