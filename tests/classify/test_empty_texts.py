"""Empty and whitespace-only texts get no label (issue 18, item 3).

``TextClassifier.predict`` gives them ``Prediction(label=None, score=0.0, scores={},
labels=())`` and ``predict_proba`` a row of NaN (the shape stays ``(n, classes)``);
``classify predict`` keeps their line (``"label": null``; an empty label field in TSV) and
warns once at the end, naming them. ``tag predict`` keeps an empty record for an empty line.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from tests.cli.test_cli_classify import zhtext

from zhtext.classify.classifier import TextClassifier
from zhtext.errors import InputError


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> tuple[TextClassifier, Path]:
    from tests.classify.conftest import make_corpus

    texts, labels = make_corpus(n_per_class=14)
    clf = TextClassifier("linear").fit(texts, labels)
    path = tmp_path_factory.mktemp("empty") / "model"
    clf.save(path)
    return clf, path


TEXTS = ["球队赢得了决赛", "", "央行宣布调整利率", "  \t ", "芯片公司发布新款手机", "\u3000"]
EMPTY = [1, 3, 5]  # 0-based positions of the empty and whitespace-only texts


def test_predict_gives_no_label_for_empty_texts(model: tuple[TextClassifier, Path]) -> None:
    clf, _ = model
    preds = clf.predict(TEXTS)
    assert len(preds) == len(TEXTS)
    for i, p in enumerate(preds):
        if i in EMPTY:
            assert p.label is None and p.score == 0.0 and p.scores == {} and p.labels == ()
            assert p.to_dict() == {"label": None, "score": 0.0, "scores": {}}
        else:
            assert p.label in clf.labels_ and p.score > 0
    # The other texts are predicted as they are alone.
    alone = clf.predict([t for i, t in enumerate(TEXTS) if i not in EMPTY])
    assert [p.label for i, p in enumerate(preds) if i not in EMPTY] == [p.label for p in alone]


def test_predict_proba_keeps_its_shape_with_nan_rows(model: tuple[TextClassifier, Path]
                                                     ) -> None:
    clf, _ = model
    proba = clf.predict_proba(TEXTS)
    assert proba.shape == (len(TEXTS), len(clf.labels_))
    assert np.isnan(proba[EMPTY]).all()
    full = [i for i in range(len(TEXTS)) if i not in EMPTY]
    np.testing.assert_allclose(proba[full].sum(axis=1), 1.0, rtol=1e-5)
    only_empty = clf.predict_proba(["", " "])
    assert only_empty.shape == (2, len(clf.labels_)) and np.isnan(only_empty).all()
    assert clf.predict_proba([]).shape == (0, len(clf.labels_))


def test_evaluate_refuses_an_empty_text(model: tuple[TextClassifier, Path]) -> None:
    clf, _ = model
    with pytest.raises(InputError, match=r"d\.tsv:3: empty text"):
        clf.evaluate(["球队赢得了决赛", " "], ["体育", "体育"], lines=[2, 3], path="d.tsv")
    with pytest.raises(InputError, match="text 1 is empty"):
        clf.evaluate(["球队赢得了决赛", " "], ["体育", "体育"])


def test_multi_label_empty_text_has_no_labels(model: tuple[TextClassifier, Path]) -> None:
    from tests.classify.conftest import make_corpus

    texts, labels = make_corpus(n_per_class=10)
    clf = TextClassifier("linear", multi_label=True).fit(texts, [[lab] for lab in labels])
    p = clf.predict(["", "球队赢得了决赛"])
    assert p[0].label is None and p[0].labels == () and p[0].to_dict(multi_label=True)[
        "labels"] == []
    assert p[1].labels


def _input(tmp_path: Path) -> Path:
    f = tmp_path / "in.txt"
    f.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    return f


def test_cli_jsonl_keeps_the_line_and_warns_once(model: tuple[TextClassifier, Path],
                                                 tmp_path: Path) -> None:
    _, path = model
    out = zhtext("classify", "predict", path, _input(tmp_path))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r["label"] is None for r in rows] == [i in EMPTY for i in range(6)]
    assert rows[1] == {"id": 2, "label": None, "score": 0.0, "scores": {}}
    warnings = [x for x in out.stderr.splitlines() if "empty" in x]
    assert len(warnings) == 1, out.stderr
    assert "3 empty texts got no label (ids 2, 4, 6)" in warnings[0]


def test_cli_tsv_output_has_an_empty_label_field(model: tuple[TextClassifier, Path],
                                                 tmp_path: Path) -> None:
    _, path = model
    out = zhtext("classify", "predict", path, _input(tmp_path), "--format", "tsv")
    assert out.returncode == 0, out.stderr
    fields = [line.split("\t") for line in out.stdout.splitlines()]
    assert [f[0] for f in fields] == ["1", "2", "3", "4", "5", "6"]
    assert all(len(f) == 3 for f in fields)
    assert fields[1] == ["2", "", ""] and fields[0][1] and math.isfinite(float(fields[0][2]))
    assert "3 empty texts got no label" in out.stderr


def test_cli_tsv_input_with_ids(model: tuple[TextClassifier, Path], tmp_path: Path) -> None:
    _, path = model
    f = tmp_path / "in.tsv"
    f.write_text("id\ttext\na1\t球队赢得了决赛\na2\t \na3\t\na4\t央行宣布调整利率\n",
                 encoding="utf-8")
    out = zhtext("classify", "predict", path, f, "--id-col", "id")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["id"], r["label"] is None) for r in rows] == [
        ("a1", False), ("a2", True), ("a3", True), ("a4", False)]
    assert "2 empty texts got no label (ids a2, a3)" in out.stderr


def test_cli_streams_empty_texts_through_several_workers(model: tuple[TextClassifier, Path],
                                                         tmp_path: Path) -> None:
    _, path = model
    lines = [("" if i % 4 == 1 else "球队赢得了决赛") for i in range(14)]
    f = tmp_path / "many.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = zhtext("classify", "predict", path, f, "--jobs", "2", "--batch-size", "3")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == list(range(1, 15))
    assert [r["id"] for r in rows if r["label"] is None] == [2, 6, 10, 14]
    assert "4 empty texts got no label (ids 2, 6, 10, 14)" in out.stderr
    assert out.stderr.count("got no label") == 1


def test_cli_without_empty_texts_says_nothing(model: tuple[TextClassifier, Path],
                                              tmp_path: Path) -> None:
    _, path = model
    f = tmp_path / "full.txt"
    f.write_text("球队赢得了决赛\n央行宣布调整利率\n", encoding="utf-8")
    out = zhtext("classify", "predict", path, f)
    assert out.returncode == 0 and "empty" not in out.stderr, out.stderr


def test_tag_predict_keeps_an_empty_record(tmp_path: Path) -> None:
    pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
    from tests.tag.conftest import write_pd

    write_pd(tmp_path / "pd.txt", n=30)
    out = zhtext("tag", "train", "--train", tmp_path / "pd.txt", "-o", tmp_path / "cws",
                 "--dev-split", "0", "--set", "dictionary=none", "--set", "segmenter=false",
                 "--set", "max_iterations=20")
    assert out.returncode == 0, out.stderr
    f = tmp_path / "in.txt"
    f.write_text("今天考察南京\n\n   \n讨论合作\n", encoding="utf-8")
    out = zhtext("tag", "predict", tmp_path / "cws", f)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3, 4]
    assert rows[1] == {"id": 2, "text": "", "tokens": []}
    # A whitespace-only line keeps its record; its tokens (if any) are the whitespace, as
    # tokens tile the text.
    assert rows[2]["text"] == "   " and not any(t["text"].strip() for t in rows[2]["tokens"])
    assert "".join(t["text"] for t in rows[3]["tokens"]) == "讨论合作"
