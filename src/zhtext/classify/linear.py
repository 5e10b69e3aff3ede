"""The ``linear`` method: TF-IDF n-grams, NB-weighted linear SVMs, calibrated probabilities.

Features are character n-grams (1-3 by default) and word n-grams (1-2) of rjieba's
segmentation, plus the sub-words rjieba's search mode finds inside long words, each TF-IDF
weighted with sublinear term frequency. Each class gets a one-vs-rest linear SVM plus a second
SVM on features scaled by the class's naive-Bayes log-count ratio (NB-SVM, Wang & Manning
2012); the two are added into one linear function per class. On THUCNews titles (dev) the
sub-words and the NB half are worth about 0.3 points each. Probabilities come from
scikit-learn's ``CalibratedClassifierCV`` (Platt scaling per class on out-of-fold scores).

Saved without pickle: vocabularies as JSON, IDF, weights and calibration as ``.npy``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from zhtext.errors import InputError, NotFittedError

__all__ = ["LinearClassifier", "LinearSettings"]

logger = logging.getLogger(__name__)


@dataclass
class LinearSettings:
    """Settings of the ``linear`` method; each can be set with ``--set NAME=VALUE``."""

    char_ngrams: str = field(default="1,3", metadata={
        "help": "Character n-gram range 'min,max' ('0,0': no character features)."})
    word_ngrams: str = field(default="1,2", metadata={
        "help": "Word n-gram range 'min,max' ('0,0': no word features)."})
    words: Literal["cut+sub", "search", "cut"] = field(default="cut+sub", metadata={
        "help": "Word features from rjieba: cut+sub (words and word bigrams, plus the "
                "sub-words of search mode as extra features), search, or cut."})
    segmenter: str = field(default="rjieba", metadata={
        "help": "Word segmenter: rjieba, jieba, char, or a cws model directory (zhtext tag "
                "train); search-mode sub-words always come from rjieba."})
    min_df: int = field(default=2, metadata={"help": "Drop n-grams in fewer documents."})
    C: float = field(default=0.5, metadata={"help": "Inverse regularisation of the plain SVM."})
    C_nb: float = field(default=0.2, metadata={
        "help": "Inverse regularisation of the NB-weighted SVM."})
    nb_weight: float = field(default=1.0, metadata={
        "help": "Weight of the NB-weighted SVM added to the plain one (0: plain SVM only)."})
    cv: int = field(default=2, metadata={"help": "Folds for calibration."})
    class_weights: bool = field(default=False, metadata={
        "help": "Balance classes by inverse frequency."})
    jobs: int = field(default=2, metadata={"help": "Parallel fits (classes at once)."})
    predict_jobs: int = field(default=2, metadata={
        "help": "Processes that featurise large prediction batches (1: this process only)."})
    seed: int = field(default=42, metadata={"help": "Random seed (fold assignment)."})

    def __post_init__(self) -> None:
        for name in ("char_ngrams", "word_ngrams"):
            self._range(name)
        if self.C <= 0 or self.C_nb <= 0:
            raise InputError(f"`C` and `C_nb` should be positive, got {self.C}, {self.C_nb}.")
        if self.nb_weight < 0:
            raise InputError(f"`nb_weight` should be at least 0, got {self.nb_weight}.")
        if self.min_df < 1:
            raise InputError(f"`min_df` should be at least 1, got {self.min_df}.")
        if self.cv < 2:
            raise InputError(f"`cv` should be at least 2, got {self.cv}.")
        if self._range("char_ngrams") == (0, 0) and self._range("word_ngrams") == (0, 0):
            raise InputError("no features: char_ngrams and word_ngrams are both '0,0'")

    def _range(self, name: str) -> tuple[int, int]:
        value = str(getattr(self, name))
        try:
            lo, hi = (int(x) for x in value.split(","))
        except ValueError:
            raise InputError(f"`{name}` should be 'min,max' such as '1,3', got {value!r}."
                             ) from None
        if lo < 0 or hi < lo or (lo == 0 and hi != 0):
            raise InputError(f"`{name}` should be 'min,max' with 1 <= min <= max, or '0,0', "
                             f"got {value!r}.")
        return lo, hi

    @classmethod
    def names(cls) -> list[str]:
        """The setting names."""
        return [f.name for f in fields(cls)]


class _Featurizer:
    """Normalised text -> sparse TF-IDF rows (character and word n-grams)."""

    def __init__(self, settings: LinearSettings) -> None:
        from zhtext.text.normalize import Normalizer

        self.settings = settings
        self._norm = Normalizer()
        self._jieba: Any = None
        self.vectorizers: dict[str, Any] = {}

    def _normal(self, texts: Sequence[str]) -> list[str]:
        norm = self._norm.normalize
        return [norm(t).text.lower() for t in texts]

    def _cutter(self) -> Any:
        if self._jieba is None:
            import rjieba

            self._jieba = rjieba
        return self._jieba

    def _word_analyzer(self) -> Any:
        lo, hi = self.settings._range("word_ngrams")
        mode = self.settings.words

        seg = None
        if self.settings.segmenter != "rjieba":
            from zhtext.text.segment import get_segmenter

            seg = get_segmenter(self.settings.segmenter)

        def analyze(text: str) -> list[str]:
            jb = self._cutter()
            if seg is not None and mode != "search":
                base = seg.cut(text)
            else:
                base = jb.cut_for_search(text) if mode == "search" else jb.cut(text)
            words = [w for w in base if w.strip()]
            out = list(words) if lo == 1 else []
            for n in range(max(2, lo), hi + 1):
                out.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
            if mode == "cut+sub":  # sub-words of long words, marked apart from words
                out.extend("#" + w for w in jb.cut_for_search(text) if w.strip())
            return out

        return analyze

    def _make(self, kind: str, vocabulary: dict[str, int] | None = None) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        common: dict[str, Any] = {"sublinear_tf": True, "dtype": np.float32,
                                  "vocabulary": vocabulary, "lowercase": False}
        if kind == "char":
            return TfidfVectorizer(analyzer="char", ngram_range=self.settings._range(
                "char_ngrams"), min_df=self.settings.min_df, **common)
        return TfidfVectorizer(analyzer=self._word_analyzer(), min_df=self.settings.min_df,
                               **common)

    def kinds(self) -> list[str]:
        out = []
        if self.settings._range("char_ngrams") != (0, 0):
            out.append("char")
        if self.settings._range("word_ngrams") != (0, 0):
            out.append("word")
        return out

    def fit_transform(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import hstack

        normal = self._normal(texts)
        parts = []
        for kind in self.kinds():
            v = self._make(kind)
            try:
                parts.append(v.fit_transform(normal))
            except ValueError as e:  # empty vocabulary
                raise InputError(f"no {kind} features in the training texts ({e}); lower "
                                 "min_df or check the texts") from None
            self.vectorizers[kind] = v
        return hstack(parts, format="csr")

    def transform(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import hstack

        normal = self._normal(texts)
        return hstack([self.vectorizers[k].transform(normal) for k in self.kinds()],
                      format="csr")

    def save(self, d: Path) -> None:
        for kind, v in self.vectorizers.items():
            terms = sorted(v.vocabulary_, key=v.vocabulary_.__getitem__)
            (d / f"{kind}_vocab.json").write_text(json.dumps(terms, ensure_ascii=False),
                                                  encoding="utf-8")
            np.save(d / f"{kind}_idf.npy", v.idf_.astype(np.float32), allow_pickle=False)

    def load(self, d: Path) -> None:
        for kind in self.kinds():
            terms = json.loads((d / f"{kind}_vocab.json").read_text(encoding="utf-8"))
            v = self._make(kind, {t: i for i, t in enumerate(terms)})
            v._validate_vocabulary()
            v.idf_ = np.load(d / f"{kind}_idf.npy", allow_pickle=False)
            self.vectorizers[kind] = v


def _nb_ratio(x_bin: Any, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    p = np.asarray(x_bin[y].sum(axis=0)).ravel() + alpha
    q = np.asarray(x_bin[~y].sum(axis=0)).ravel() + alpha
    return np.asarray(np.log((p / p.sum()) / (q / q.sum())), dtype=np.float32)


class _NBSVM(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """One class against the rest: a linear SVM plus an NB-weighted SVM in one function.

    The two are added into one linear function; as an sklearn binary classifier it can be
    calibrated by ``CalibratedClassifierCV``.
    """

    def __init__(self, C: float = 0.5, C_nb: float = 0.2, nb_weight: float = 1.0,
                 class_weight: str | None = None) -> None:
        self.C = C
        self.C_nb = C_nb
        self.nb_weight = nb_weight
        self.class_weight = class_weight

    def fit(self, x: Any, y: np.ndarray) -> _NBSVM:
        """Fit both SVMs and fold them into ``coef_`` and ``intercept_``."""
        from sklearn.svm import LinearSVC

        y = np.asarray(y).astype(bool)
        self.classes_ = np.array([False, True])
        plain = LinearSVC(C=self.C, class_weight=self.class_weight).fit(x, y)
        coef = plain.coef_.ravel().astype(np.float64)
        intercept = float(plain.intercept_[0])
        if self.nb_weight > 0:
            r = _nb_ratio((x > 0).astype(np.float32).tocsr(), y)
            nb = LinearSVC(C=self.C_nb, class_weight=self.class_weight).fit(
                x.multiply(r).tocsr(), y)
            coef = coef + self.nb_weight * nb.coef_.ravel() * r
            intercept += self.nb_weight * float(nb.intercept_[0])
        self.coef_ = coef.astype(np.float32)
        self.intercept_ = intercept
        return self

    def decision_function(self, x: Any) -> np.ndarray:
        """Signed distance to the boundary (positive: the class)."""
        return np.asarray(x @ self.coef_ + self.intercept_, dtype=np.float64)

    def predict(self, x: Any) -> np.ndarray:
        """Whether each row is of the class."""
        return np.asarray(self.decision_function(x) > 0)


# Featurisation is pure Python (scikit-learn's vectorisers), so large batches are split over
# forked processes. The featuriser reaches the children through fork (shared copy-on-write,
# never pickled): it is set here just before the pool starts and cleared right after.
_PARALLEL_MIN = 4096
_FORK_FEATURES: _Featurizer | None = None


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _transform_shard(texts: list[str]) -> Any:
    assert _FORK_FEATURES is not None
    return _FORK_FEATURES.transform(texts)


def _parallel_transform(features: _Featurizer, texts: list[str], jobs: int) -> Any:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from scipy.sparse import vstack

    global _FORK_FEATURES
    size = -(-len(texts) // jobs)
    shards = [texts[i : i + size] for i in range(0, len(texts), size)]
    _FORK_FEATURES = features
    try:
        with ProcessPoolExecutor(max_workers=len(shards),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_transform_shard, shards))
    finally:
        _FORK_FEATURES = None
    return vstack(parts, format="csr")


def _fit_one(x: Any, y: np.ndarray, s: LinearSettings) -> tuple[np.ndarray, float, float, float]:
    """One class against the rest: (coef, intercept, platt a, platt b)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold

    est = _NBSVM(C=s.C, C_nb=s.C_nb, nb_weight=s.nb_weight,
                 class_weight="balanced" if s.class_weights else None)
    folds = min(s.cv, int(y.sum()), int((~y).sum()))
    if folds < 2:
        est.fit(x, y)
        return est.coef_, est.intercept_, -1.0, 0.0
    cal = CalibratedClassifierCV(est, method="sigmoid",
                                 cv=StratifiedKFold(folds, shuffle=True, random_state=s.seed),
                                 ensemble=False)
    cal.fit(x, y)
    inner = cal.calibrated_classifiers_[0]
    platt = inner.calibrators[0]
    return (inner.estimator.coef_, float(inner.estimator.intercept_), float(platt.a_),
            float(platt.b_))


class LinearClassifier:
    """TF-IDF + NB-weighted linear SVMs with calibrated probabilities."""

    def __init__(self, settings: LinearSettings | None = None) -> None:
        self.settings = settings or LinearSettings()
        self.labels_: list[str] = []
        self.multi_label_ = False
        self._features: _Featurizer | None = None
        self.coef_: np.ndarray | None = None  # (classes, features)
        self.intercept_: np.ndarray | None = None
        self.platt_: np.ndarray | None = None  # (classes, 2): a, b
        self._weights_t: np.ndarray | None = None

    def fit(self, texts: Sequence[str], y: np.ndarray, labels: list[str], *,
            multi_label: bool = False) -> LinearClassifier:
        """Learn from texts and class ids ``(n,)`` (or a 0/1 matrix for multi-label)."""
        from joblib import Parallel, delayed

        self.labels_ = list(labels)
        self.multi_label_ = multi_label
        self._features = _Featurizer(self.settings)
        x = self._features.fit_transform(texts)
        k = len(labels)
        targets = [(y[:, c] > 0) if multi_label else (y == c) for c in range(k)]
        if not multi_label and k == 2:
            targets = [targets[1]]  # one decision for two classes
        results = Parallel(n_jobs=max(1, min(self.settings.jobs, len(targets))),
                           prefer="threads")(
            delayed(_fit_one)(x, t, self.settings) for t in targets)
        self.coef_ = np.vstack([r[0] for r in results])
        self.intercept_ = np.array([r[1] for r in results], dtype=np.float32)
        self.platt_ = np.array([[r[2], r[3]] for r in results], dtype=np.float64)
        self._weights_t = None
        return self

    def _check(self) -> None:
        if self.coef_ is None or self._features is None:
            raise NotFittedError(self)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Raw SVM scores ``(n, decisions)``."""
        self._check()
        assert self._features is not None and self.coef_ is not None
        assert self.intercept_ is not None
        jobs = self.settings.predict_jobs if self.settings.predict_jobs > 0 else (
            os.cpu_count() or 1)
        if jobs > 1 and len(texts) >= _PARALLEL_MIN and _can_fork():
            x = _parallel_transform(self._features, list(texts), jobs)
        else:
            x = self._features.transform(texts)
        if self._weights_t is None:
            self._weights_t = np.ascontiguousarray(self.coef_.T)
        return np.asarray(x @ self._weights_t + self.intercept_, dtype=np.float64)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities ``(n, classes)``."""
        if not len(texts):
            return np.zeros((0, len(self.labels_)), dtype=np.float32)
        d = self.decision_function(texts)
        assert self.platt_ is not None
        p = 1.0 / (1.0 + np.exp(self.platt_[:, 0] * d + self.platt_[:, 1]))
        if self.multi_label_:
            return np.asarray(p, dtype=np.float32)
        if p.shape[1] == 1:
            return np.asarray(np.hstack([1 - p, p]), dtype=np.float32)
        total = p.sum(axis=1, keepdims=True)
        uniform = np.full_like(p, 1.0 / p.shape[1])
        return np.asarray(np.divide(p, total, out=uniform, where=total > 0), dtype=np.float32)

    def save(self, d: Path) -> dict[str, Any]:
        """Write the model into ``d`` (JSON + ``.npy``); returns manifest entries."""
        self._check()
        assert self._features is not None
        lin = d / "linear"
        lin.mkdir()
        self._features.save(lin)
        assert self.coef_ is not None
        np.save(lin / "weights.npy", self.coef_.astype(np.float32), allow_pickle=False)
        np.save(lin / "intercept.npy", np.asarray(self.intercept_, dtype=np.float32),
                allow_pickle=False)
        np.save(lin / "platt.npy", np.asarray(self.platt_, dtype=np.float64),
                allow_pickle=False)
        return {"linear": {"settings": asdict(self.settings)}}

    @classmethod
    def load(cls, d: Path, manifest: dict[str, Any]) -> LinearClassifier:
        """Read a model written by :meth:`save`."""
        known = set(LinearSettings.names())
        raw = manifest.get("linear", {}).get("settings", {})
        obj = cls(LinearSettings(**{k: v for k, v in raw.items() if k in known}))
        obj.labels_ = list(manifest["labels"])
        obj.multi_label_ = bool(manifest.get("multi_label", False))
        lin = d / "linear"
        try:
            obj._features = _Featurizer(obj.settings)
            obj._features.load(lin)
            obj.coef_ = np.load(lin / "weights.npy", allow_pickle=False)
            obj.intercept_ = np.load(lin / "intercept.npy", allow_pickle=False)
            obj.platt_ = np.load(lin / "platt.npy", allow_pickle=False)
        except (OSError, ValueError, KeyError, EOFError) as e:
            raise InputError(f"cannot load the linear model ({type(e).__name__}: {e}); the "
                             "directory is damaged or incomplete (retrain it)",
                             path=str(d)) from None
        n_feat = sum(len(v.vocabulary_) for v in obj._features.vectorizers.values())
        if obj.coef_.shape[1] != n_feat or obj.coef_.shape[0] != len(obj.platt_):
            raise InputError("the linear model's weights do not match its vocabulary; the "
                             "directory is damaged (retrain it)", path=str(d))
        return obj
