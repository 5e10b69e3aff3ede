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
    with pytest.raises(InputError, match="`C` should be a number, got 'lots'"):
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
    import zhtext.parallel as parallel

    texts, labels = corpus
    clf = TextClassifier("linear").fit(texts, labels)
    clf.model_.settings.predict_jobs = 1
    serial = clf.predict_proba(texts)
    monkeypatch.setattr(linear, "_PARALLEL_MIN", 10)
    monkeypatch.setattr(linear, "_SLICE", 16)
    calls = []
    real = parallel.ordered_map
    monkeypatch.setattr(parallel, "ordered_map",
                        lambda *a, **k: calls.append(k["jobs"]) or real(*a, **k))
    clf.model_.settings.predict_jobs = 2
    together = clf.predict_proba(texts)
    assert calls == [2]  # the worker processes ran
    np.testing.assert_array_equal(together, serial)
    # What the workers need is passed to them; nothing is parked in the module for a fork.
    assert not [k for k, v in vars(linear).items() if not k.startswith("__")
                and isinstance(v, (linear._Featurizer, linear.LinearClassifier, list, dict))]


def test_features_equal_scikit_learns_bit_for_bit(corpus) -> None:
    """Prediction featurises without scikit-learn: the rows are those its vectorisers make."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    import zhtext.classify.linear as linear

    texts, _ = corpus
    odd = ["", "  ", "a  b\t\tc\n d", "ＡＢＣ１２３ 中文  空格", "x", "2n渲4g朴", "球队" * 40,
           "球队赢得了决赛球队赢得了决赛"]
    from scipy.sparse import hstack

    features = linear._Featurizer(LinearSettings())
    features.fit_transform(texts)
    fitted, normal = features._normal(texts), features._normal(texts + odd)
    want = hstack([TfidfVectorizer(analyzer=analyzer, min_df=2, sublinear_tf=True,
                                   dtype=np.float32, lowercase=False).fit(fitted).transform(normal)
                   for analyzer in features.analyzers.values()], format="csr")
    got = features.transform(texts + odd)
    assert got.dtype == want.dtype == np.float32
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name))
    # The character n-grams are scikit-learn's analyzer="char" (whitespace runs and all).
    char = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=False).build_analyzer()
    for text in texts[:20] + odd:
        assert features.analyzers["char"](text) == char(text)


def test_vocabulary_lookup_is_exact_and_compact() -> None:
    import pickle

    import zhtext.classify.linear as linear

    # CPython hashes code units: "2n" and "渲" (U+6E32) share hash(); the keys tell them apart.
    assert hash("2n") == hash("渲")
    terms = ["2n", "渲", "4g", "朴", "球队", "球 队", "#球队", "a"]
    vocab = linear._Vocabulary(terms)
    assert vocab._exact is None
    tokens = ["渲", "球队", "b", "2n", "2n", "", "朴", "4g", "x y"]
    want = [terms.index(t) if t in terms else -1 for t in tokens]
    assert vocab.columns(tokens).tolist() == want
    assert vocab.terms() == terms
    copy = pickle.loads(pickle.dumps(vocab))  # keys are rebuilt: hashes differ by process
    assert copy.columns(tokens).tolist() == want
    with pytest.raises(ValueError, match="twice"):
        linear._Vocabulary(["a", "b", "a"])
    with pytest.raises(ValueError, match="empty"):
        linear._Vocabulary([])


def test_weights_load_transposed_from_either_order(tmp_path: Path) -> None:
    import zhtext.classify.linear as linear

    w = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.save(tmp_path / "c.npy", w)
    np.save(tmp_path / "f.npy", np.asfortranarray(w))
    for name in ("c.npy", "f.npy"):
        t = linear._load_transposed(tmp_path / name)
        assert t.flags.c_contiguous
        np.testing.assert_array_equal(t, w.T)
    raw = (tmp_path / "c.npy").read_bytes()
    (tmp_path / "cut.npy").write_bytes(raw[:-8])
    with pytest.raises(ValueError, match="truncated"):
        linear._load_transposed(tmp_path / "cut.npy")


def test_predicting_with_a_saved_model_never_imports_sklearn(corpus, tmp_path: Path) -> None:
    import subprocess
    import sys

    texts, labels = corpus
    clf = TextClassifier("linear").fit(texts, labels)
    out = clf.save(tmp_path / "m")
    code = ("import sys; from zhtext.classify import TextClassifier; "
            f"c = TextClassifier.load({str(out)!r}); print(c.predict([{texts[0]!r}])[0].label); "
            "print('sklearn' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [clf.predict(texts[:1])[0].label, "False"]


def test_model_pickles_for_worker_processes(corpus) -> None:
    import pickle

    texts, labels = corpus
    clf = TextClassifier("linear").fit(texts, labels)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(texts), clf.predict_proba(texts))


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
