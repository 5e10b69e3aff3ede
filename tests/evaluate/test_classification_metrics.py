from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from zhtext import InputError
from zhtext.evaluate.classification import ClassificationReport, evaluate_predictions
from zhtext.evaluate.classification_report import (
    display_width,
    leaderboard_text,
    write_leaderboard,
    write_report,
)

pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")

LABELS = ["体育", "财经", "科技"]

# Predicted (argmax): 0, 0, 1, 1, 2, 1 against true 0, 1, 1, 2, 2, 2.
Y = [0, 1, 1, 2, 2, 2]
P = np.array([
    [0.8, 0.1, 0.1],
    [0.6, 0.3, 0.1],   # wrong: 体育 with 0.6
    [0.2, 0.7, 0.1],
    [0.1, 0.5, 0.4],   # wrong: 财经 with 0.5
    [0.1, 0.2, 0.7],
    [0.05, 0.9, 0.05],  # wrong: 财经 with 0.9
])


def _report(**kw: Any) -> ClassificationReport:
    return evaluate_predictions(Y, P, LABELS, **kw)


def test_accuracy_and_f1_by_hand() -> None:
    r = _report()
    assert r.n == 6
    assert r.accuracy == pytest.approx(3 / 6)
    # per class: 体育 tp=1 fp=1 fn=0; 财经 tp=1 fp=2 fn=1; 科技 tp=1 fp=0 fn=2
    by = {c["label"]: c for c in r.per_class}
    assert by["体育"]["precision"] == pytest.approx(1 / 2)
    assert by["体育"]["recall"] == pytest.approx(1.0)
    assert by["体育"]["f1"] == pytest.approx(2 / 3)
    assert by["财经"]["precision"] == pytest.approx(1 / 3)
    assert by["财经"]["recall"] == pytest.approx(1 / 2)
    assert by["财经"]["f1"] == pytest.approx(0.4)
    assert by["科技"]["precision"] == pytest.approx(1.0)
    assert by["科技"]["recall"] == pytest.approx(1 / 3)
    assert by["科技"]["f1"] == pytest.approx(0.5)
    assert [c["support"] for c in r.per_class] == [1, 2, 3]
    assert r.macro["f1"] == pytest.approx((2 / 3 + 0.4 + 0.5) / 3)
    assert r.macro["precision"] == pytest.approx((1 / 2 + 1 / 3 + 1) / 3)
    assert r.micro["f1"] == pytest.approx(0.5)  # single-label micro F1 = accuracy
    assert r.weighted["f1"] == pytest.approx((1 * 2 / 3 + 2 * 0.4 + 3 * 0.5) / 6)
    assert r.weighted["recall"] == pytest.approx(0.5)


def test_confusion_matrix_counts() -> None:
    r = _report()
    assert r.confusion == [[1, 0, 0],
                           [1, 1, 0],
                           [0, 2, 1]]
    assert r.multi_label is False


def test_perfect_scorer_auc_and_absent_class() -> None:
    labels = ["体育", "财经", "科技", "娱乐"]  # 娱乐 never occurs
    y = [0, 0, 1, 1, 2, 2]
    p = np.array([[0.9, 0.05, 0.03, 0.02], [0.8, 0.1, 0.05, 0.05],
                  [0.1, 0.8, 0.05, 0.05], [0.2, 0.7, 0.05, 0.05],
                  [0.1, 0.1, 0.7, 0.1], [0.05, 0.05, 0.6, 0.3]])
    r = evaluate_predictions(y, p, labels)
    assert r.accuracy == 1.0
    for c in r.per_class[:3]:
        assert c["roc_auc"] == pytest.approx(1.0)
        assert c["pr_auc"] == pytest.approx(1.0)
    absent = r.per_class[3]
    assert absent["label"] == "娱乐"
    assert absent["roc_auc"] is None
    assert absent["pr_auc"] is None
    assert (absent["precision"], absent["recall"], absent["f1"], absent["support"]) == (0, 0, 0, 0)
    assert r.macro_roc_auc == pytest.approx(1.0)  # mean over the defined classes only
    assert r.macro_pr_auc == pytest.approx(1.0)
    assert r.macro["f1"] == pytest.approx(3 / 4)  # the absent class counts with 0
    assert r.confusion is not None
    assert r.confusion[3] == [0, 0, 0, 0]


def test_auc_of_a_ranking_with_one_inversion() -> None:
    # binary, class 1 scores: positives 0.9, 0.4; negatives 0.6, 0.1 -> 3 of 4 pairs ordered
    y = [1, 1, 0, 0]
    p1 = np.array([0.9, 0.4, 0.6, 0.1])
    r = evaluate_predictions(y, np.c_[1 - p1, p1], ["负面", "正面"])
    assert r.per_class[1]["roc_auc"] == pytest.approx(0.75)
    assert r.per_class[0]["roc_auc"] == pytest.approx(0.75)
    # average precision of class 1: ranks 0.9(+) 0.6(-) 0.4(+) -> (1 + 2/3) / 2
    assert r.per_class[1]["pr_auc"] == pytest.approx((1 + 2 / 3) / 2)
    assert r.accuracy == pytest.approx(0.5)
    assert r.confusion == [[1, 1], [1, 1]]


def test_single_row() -> None:
    r = evaluate_predictions([1], np.array([[0.3, 0.7]]), ["体育", "财经"], texts=["一条"])
    assert r.n == 1
    assert r.accuracy == 1.0
    assert r.confusion == [[0, 0], [0, 1]]
    assert r.macro_roc_auc is None  # one class absent, the other in every row
    assert all(c["roc_auc"] is None for c in r.per_class)
    assert r.worst == []


def test_multi_label_subset_accuracy_and_threshold() -> None:
    labels = ["体育", "财经", "科技"]
    y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]])
    p = np.array([[0.9, 0.2, 0.6],    # exact at 0.5
                  [0.1, 0.55, 0.3],   # exact at 0.5, misses 财经 at 0.6
                  [0.7, 0.4, 0.1],    # misses 财经
                  [0.3, 0.2, 0.45]])  # no label above 0.5 -> predicts nothing
    r = evaluate_predictions(y, p, labels, multi_label=True, texts=["a", "b", "c", "d"])
    assert r.multi_label is True
    assert r.confusion is None
    assert r.accuracy == pytest.approx(2 / 4)
    assert [c["support"] for c in r.per_class] == [2, 2, 2]
    # micro: tp = 4, predicted 4, true 6
    assert r.micro["precision"] == pytest.approx(1.0)
    assert r.micro["recall"] == pytest.approx(4 / 6)
    by_id = {w["id"]: w for w in r.worst}
    assert set(by_id) == {2, 3}
    assert by_id[3]["predicted"] == []
    assert by_id[3]["true"] == ["科技"]
    assert by_id[2]["true"] == ["体育", "财经"]
    assert by_id[2]["predicted"] == ["体育"]
    # confidence of the wrong decision: 1 - p of the missed label
    assert by_id[2]["score"] == pytest.approx(0.6)
    assert by_id[3]["score"] == pytest.approx(0.55)
    assert [w["id"] for w in r.worst] == [2, 3]

    low = evaluate_predictions(y, p, labels, multi_label=True, threshold=0.4)
    # a label needs p > threshold: 财经 at exactly 0.4 is still missed in row 2
    assert low.accuracy == pytest.approx(3 / 4)
    assert [w["id"] for w in low.worst] == [2]
    assert evaluate_predictions(y, p, labels, multi_label=True, threshold=0.35).accuracy == 1.0
    lower = evaluate_predictions(y, p, labels, multi_label=True, threshold=0.25)
    # rows 1 and 3 gain a false positive at 0.3 each; equal scores keep input order
    assert lower.accuracy == pytest.approx(2 / 4)
    assert [w["id"] for w in lower.worst] == [1, 3]
    assert [w["score"] for w in lower.worst] == pytest.approx([0.3, 0.3])
    assert lower.worst[0]["predicted"] == ["财经", "科技"]
    assert lower.worst[1]["predicted"] == ["体育", "科技"]
    high = evaluate_predictions(y, p, labels, multi_label=True, threshold=0.95)
    assert high.accuracy == 0.0
    assert high.micro["recall"] == 0.0
    assert high.micro["precision"] == 0.0  # zero_division=0, no warning, no error


def test_multi_label_auc_per_column() -> None:
    y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.8, 0.7], [0.1, 0.2]])
    r = evaluate_predictions(y, p, ["体育", "财经"], multi_label=True)
    assert r.per_class[0]["roc_auc"] == pytest.approx(1.0)
    assert r.per_class[1]["roc_auc"] == pytest.approx(1.0)
    assert r.accuracy == 1.0


def test_worst_examples_order_ids_and_truncation() -> None:
    long = "很长的文本" * 60  # 300 characters
    texts = ["a", long, "c", "<script>alert(1)</script>", "e", "f"]
    r = _report(texts=texts, ids=["d0", "d1", "d2", "d3", "d4", "d5"])
    assert [w["id"] for w in r.worst] == ["d5", "d1", "d3"]
    assert [w["score"] for w in r.worst] == pytest.approx([0.9, 0.6, 0.5])
    assert r.worst[0]["true"] == "科技"
    assert r.worst[0]["predicted"] == "财经"
    assert r.worst[1]["text"] == long[:200]
    assert len(r.worst[1]["text"]) == 200
    assert r.worst[2]["text"] == "<script>alert(1)</script>"
    capped = _report(max_worst=2)
    assert [w["id"] for w in capped.worst] == [5, 1]  # row indices without ids
    assert capped.worst[0]["text"] is None
    assert _report(max_worst=0).worst == []


def test_round_trip_through_json() -> None:
    r = _report(texts=["甲", "乙", "丙", "丁", "戊", "己"], ids=list(np.arange(6)))
    r.extra = {"method": "tfidf-lr", "train_seconds": 1.23456789, "settings": {"C": 1.0}}
    d = r.to_dict()
    text = json.dumps(d, ensure_ascii=False, allow_nan=False)
    back = ClassificationReport.from_dict(json.loads(text))
    assert back.to_dict() == d
    assert back.labels == LABELS
    assert back.confusion == r.confusion
    assert back.extra["train_seconds"] == 1.234568
    assert back.worst[0]["id"] == 5 and isinstance(back.worst[0]["id"], int)
    assert back.macro["f1"] == pytest.approx(r.macro["f1"], abs=1e-6)
    # 6 decimal places at most
    assert all(len(repr(v).split(".")[-1]) <= 6 for v in back.macro.values())


def test_from_dict_missing_keys() -> None:
    with pytest.raises(InputError, match="accuracy"):
        ClassificationReport.from_dict({"labels": [], "multi_label": False, "n": 0,
                                        "macro": {}, "micro": {}, "weighted": {},
                                        "per_class": []})


@pytest.mark.parametrize(
    ("y", "p", "match"),
    [
        ([0, 1], np.array([[0.5, 0.5]]), "1 rows"),
        ([0, 3], np.array([[0.5, 0.5], [0.1, 0.9]]), "out of range"),
        ([0, 1], np.array([[0.5, 0.5, 0.0], [0.1, 0.9, 0.0]]), "2 labels"),
        ([0, 1], np.array([[np.nan, 0.5], [0.1, 0.9]]), "NaN"),
        ([], np.zeros((0, 2)), "no rows"),
    ],
)
def test_bad_inputs(y: list[int], p: np.ndarray, match: str) -> None:
    with pytest.raises(InputError, match=match):
        evaluate_predictions(y, p, ["体育", "财经"])


def test_bad_multi_label_matrix() -> None:
    with pytest.raises(InputError, match="0/1"):
        evaluate_predictions(np.array([[2, 0]]), np.array([[0.5, 0.5]]), ["体育", "财经"],
                             multi_label=True)
    with pytest.raises(InputError, match="3 texts"):
        evaluate_predictions([0], np.array([[0.5, 0.5]]), ["体育", "财经"], texts=["a"] * 3)


def test_html_report(tmp_path: Path) -> None:
    texts = ["a", "b & c", "c", "<script>alert(1)</script>", "e", "f"]
    r = _report(texts=texts)
    r.extra = {"method": "<b>lr</b>", "train_seconds": 2.5}
    out = tmp_path / "report.html"
    write_report(out, r, title="分类报告")
    doc = out.read_text(encoding="utf-8")
    assert doc.startswith("<!doctype html>")
    assert 'lang="zh-CN"' in doc
    assert "Noto Sans CJK SC" in doc
    for label in LABELS:
        assert label in doc
    assert "分类报告" in doc
    assert doc.count("<svg") == 1
    assert "</svg>" in doc
    assert "<script" not in doc
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc
    assert "<b>lr</b>" not in doc
    assert "&lt;b&gt;lr&lt;/b&gt;" in doc
    assert "b &amp; c" in doc and "b & c" not in doc
    assert "0.5000" in doc  # accuracy
    # no external resources
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", doc)
    assert "<link" not in doc and "<img" not in doc
    # the confusion matrix cells carry the counts; labels on both axes
    svg = doc[doc.index("<svg"):doc.index("</svg>")]
    for label in LABELS:
        assert svg.count(f">{label}</text>") == 2
    assert ">2</text>" in svg


def test_html_report_rotates_long_labels_and_skips_matrix_for_multi_label(
        tmp_path: Path) -> None:
    labels = ["体育", "国际财经新闻与评论", "科技"]
    r = evaluate_predictions(Y, P, labels)
    out = tmp_path / "r.html"
    write_report(out, r)
    doc = out.read_text(encoding="utf-8")
    assert "rotate(-45" in doc
    assert "国际财经新闻与评论" in doc

    ml = evaluate_predictions(np.array([[1, 0], [0, 1]]), np.array([[0.9, 0.2], [0.4, 0.3]]),
                              ["体育", "财经"], multi_label=True, texts=["x", "y"])
    write_report(out, ml)
    doc = out.read_text(encoding="utf-8")
    assert "<svg" not in doc
    assert "subset accuracy" in doc
    assert "体育" in doc and "财经" in doc


ROWS = [
    {"method": "tfidf-lr", "dataset": "新闻", "accuracy": 0.91234, "macro_f1": 0.8,
     "train_seconds": 3},
    {"method": "bert", "dataset": "新闻", "accuracy": 0.95, "macro_f1": 0.9333333,
     "train_seconds": 120},
    {"method": "<fast>", "dataset": "新闻", "accuracy": 0.5, "macro_f1": None,
     "train_seconds": 1},
]


def test_leaderboard_html(tmp_path: Path) -> None:
    out = tmp_path / "leaderboard.html"
    write_leaderboard(out, ROWS, title="排行榜")
    doc = out.read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in doc
    assert "排行榜" in doc
    head = re.findall(r"<th>(.*?)</th>", doc)
    assert head == ["method", "dataset", "accuracy", "macro_f1", "train_seconds"]
    assert "0.9123" in doc and "0.91234" not in doc
    assert "<b>0.9500</b>" in doc
    assert "<b>0.9333</b>" in doc
    assert "<b>0.9123</b>" not in doc
    assert "&lt;fast&gt;" in doc and "<fast>" not in doc
    assert doc.count("<tr>") == 4
    assert ">120<" in doc  # ints stay ints


def test_leaderboard_text() -> None:
    text = leaderboard_text(ROWS)
    lines = text.split("\n")
    assert len(lines) == 5
    assert lines[0].split() == ["method", "dataset", "accuracy", "macro_f1", "train_seconds"]
    assert "tfidf-lr" in lines[2] and "0.9123" in lines[2]
    assert "0.9500*" in lines[3] and "0.9333*" in lines[3]
    assert "0.9123*" not in text
    # aligned: every line has the same display width up to the last column
    widths = {display_width(line) for line in lines[2:]}
    assert len(widths) == 1
    assert leaderboard_text([]) == ""


def test_display_width() -> None:
    assert display_width("体育") == 4
    assert display_width("ab") == 2
    assert display_width("ｆ") == 2
