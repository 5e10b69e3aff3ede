"""The linear method: learning, calibrated probabilities, multi-label, artifacts without pickle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")

from zhtext.classify import TextClassifier
from zhtext.classify.linear import LinearSettings
from zhtext.errors import InputError, NotFittedError, ZhtextError


def test_learns_and_probabilities_are_calibrated(corpus) -> None:
    texts, labels = corpus
    clf = TextClassifier("linear").fit(texts[:60], labels[:60])
    preds = clf.predict(texts[60:])
    accuracy = np.mean([p.label == y for p, y in zip(preds, labels[60:])])
    assert accuracy >= 0.9
    proba = clf.predict_proba(texts[60:])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    assert ((proba >= 0) & (proba <= 1)).all()
    # scores are every class, best first, and agree with predict_proba
    first = preds[0]
    assert list(first.scores) == sorted(first.scores, key=first.scores.get, reverse=True)
    assert first.score == pytest.approx(proba[0].max(), abs=1e-6)
    assert set(first.scores) == set(clf.labels_)


def test_two_classes(corpus) -> None:
    texts, labels = corpus
    keep = [i for i, y in enumerate(labels) if y != "科技"]
    clf = TextClassifier("linear").fit([texts[i] for i in keep], [labels[i] for i in keep])
    proba = clf.predict_proba(["球队赢得了决赛", "央行宣布调整利率"])
    assert proba.shape == (2, 2)
    assert [clf.labels_[i] for i in proba.argmax(axis=1)] == ["体育", "财经"]


def test_save_load_same_probabilities_no_pickle(corpus, tmp_path: Path) -> None:
    texts, labels = corpus
    clf = TextClassifier("linear", C=1.0).fit(texts, labels)
    out = clf.save(tmp_path / "m")
    suffixes = {p.suffix for p in out.rglob("*") if p.is_file()}
    assert suffixes <= {".json", ".npy"}
    for npy in out.rglob("*.npy"):
        np.load(npy, allow_pickle=False)  # loads without pickle
    manifest = json.loads((out / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["task"] == "classify" and manifest["labels"] == clf.labels_
    again = TextClassifier.load(out)
    np.testing.assert_allclose(again.predict_proba(texts), clf.predict_proba(texts), atol=1e-6)
    import zhtext

    assert isinstance(zhtext.load(out), TextClassifier)
    with pytest.raises(InputError, match="already exists"):
        clf.save(out)


def test_multi_label(corpus) -> None:
    texts, labels = corpus
    multi = [[y, "问句"] if i % 3 == 0 else [y] for i, y in enumerate(labels)]
    texts = [t + "吗" if i % 3 == 0 else t for i, t in enumerate(texts)]
    clf = TextClassifier("linear", multi_label=True).fit(texts, multi)
    preds = clf.predict(["球队赢得了决赛吗", "央行宣布调整利率"])
    assert "问句" in preds[0].labels and "体育" in preds[0].labels
    assert "问句" not in preds[1].labels


def test_errors(corpus) -> None:
    texts, labels = corpus
    with pytest.raises(InputError, match="only one class"):
        TextClassifier("linear").fit(texts, ["体育"] * len(texts))
    with pytest.raises(InputError, match="empty"):
        TextClassifier("linear").fit(["", *texts[1:]], labels)
    with pytest.raises(InputError, match="labels"):
        TextClassifier("linear").fit(texts, labels[:-1])
    with pytest.raises(NotFittedError):
        TextClassifier("linear").predict(["球队"])
    with pytest.raises(ZhtextError, match="unknown setting"):
        TextClassifier("linear", epochs=3)
    with pytest.raises(ZhtextError, match="unknown classification method"):
        TextClassifier("svm")
    with pytest.raises(InputError, match="C"):
        LinearSettings(C=0)
    with pytest.raises(InputError, match="char_ngrams"):
        LinearSettings(char_ngrams="3,1")
    clf = TextClassifier("linear").fit(texts, labels)
    with pytest.raises(InputError, match="never seen in training"):
        clf.evaluate(texts[:2], ["体育", "娱乐"])


def test_settings_as_strings_are_converted(corpus) -> None:
    texts, labels = corpus
    clf = TextClassifier("linear", C="0.8", nb_weight="0", char_ngrams="1,2")
    clf.fit(texts, labels)
    assert clf.model_.settings.C == 0.8 and clf.model_.settings.nb_weight == 0.0
    with pytest.raises(InputError, match="expects a float"):
        TextClassifier("linear", C="lots").fit(texts, labels)


def test_evaluate_report(corpus) -> None:
    texts, labels = corpus
    clf = TextClassifier("linear").fit(texts[:60], labels[:60])
    report = clf.evaluate(texts[60:], labels[60:])
    assert report.n == len(texts) - 60
    assert 0.9 <= report.accuracy <= 1.0
    assert {c["label"] for c in report.per_class} == set(clf.labels_)
    assert sum(map(sum, report.confusion)) == report.n


def test_parallel_featurisation_equals_serial(corpus, monkeypatch) -> None:
    import zhtext.classify.linear as linear

    texts, labels = corpus
    clf = TextClassifier("linear").fit(texts, labels)
    clf.model_.settings.predict_jobs = 1
    serial = clf.predict_proba(texts)
    monkeypatch.setattr(linear, "_PARALLEL_MIN", 10)
    calls = []
    real = linear._parallel_transform
    monkeypatch.setattr(linear, "_parallel_transform",
                        lambda *a: calls.append(1) or real(*a))
    clf.model_.settings.predict_jobs = 2
    parallel = clf.predict_proba(texts)
    assert calls  # the forked path ran
    np.testing.assert_array_equal(parallel, serial)
    assert linear._FORK_FEATURES is None  # handed over for the fork only


def test_label_names_file_ids_map_at_evaluate(corpus, tmp_path: Path) -> None:
    texts, labels = corpus
    names = ["体育", "财经", "科技"]
    clf = TextClassifier("linear").fit(texts, labels, label_order=names)
    assert clf.labels_ == names
    again = TextClassifier.load(clf.save(tmp_path / "m"))
    ids = [str(names.index(y)) for y in labels]
    report = again.evaluate(texts, ids)  # class ids of the names file it was trained with
    assert report.accuracy >= 0.9
    with pytest.raises(InputError, match="never seen"):
        again.evaluate(texts[:1], ["7"])
    plain = TextClassifier("linear").fit(texts, labels)  # no names file: ids mean nothing
    with pytest.raises(InputError, match="never seen"):
        plain.evaluate(texts[:1], ["0"])
