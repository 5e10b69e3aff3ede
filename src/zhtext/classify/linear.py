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

import copy
import json
import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from zhtext.classify.backend import ClassifierBackend
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


_WHITESPACE_RUNS = re.compile(r"\s\s+")  # as scikit-learn's character analyzer
#: Texts featurised at once: bounds the memory of the n-gram strings of a batch.
_SLICE = 2048
_KEY_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd: distinct lengths give distinct multiples


class _CharNgrams:
    """Character n-grams of a text, as scikit-learn's ``analyzer="char"`` makes them."""

    def __init__(self, lo: int, hi: int) -> None:
        self.lo = lo
        self.hi = hi

    def __call__(self, text: str) -> list[str]:
        text = _WHITESPACE_RUNS.sub(" ", text)
        size = len(text)
        lo = self.lo
        grams = list(text) if lo == 1 else []
        lo = max(lo, 2)
        for n in range(lo, min(self.hi + 1, size + 1)):
            grams.extend([text[i : i + n] for i in range(size - n + 1)])
        return grams


class _WordNgrams:
    """Word n-grams of a text (and the sub-words of search mode, marked with ``#``)."""

    def __init__(self, lo: int, hi: int, mode: str, segmenter: str) -> None:
        self.lo = lo
        self.hi = hi
        self.mode = mode
        self.segmenter = segmenter
        self._setup()

    def _setup(self) -> None:
        import rjieba

        self._jieba: Any = rjieba
        self._seg: Any = None
        if self.segmenter != "rjieba":
            from zhtext.text.segment import get_segmenter

            self._seg = get_segmenter(self.segmenter)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_jieba", "_seg")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._setup()

    def __call__(self, text: str) -> list[str]:
        jb, mode, lo = self._jieba, self.mode, self.lo
        if self._seg is not None and mode != "search":
            base = self._seg.cut(text)
        else:
            base = jb.cut_for_search(text) if mode == "search" else jb.cut(text)
        words = [w for w in base if w.strip()]
        out = list(words) if lo == 1 else []
        for n in range(max(2, lo), self.hi + 1):
            out.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
        if mode == "cut+sub":  # sub-words of long words, marked apart from words
            out.extend("#" + w for w in jb.cut_for_search(text) if w.strip())
        return out


class _Vocabulary:
    """Terms to feature columns, in about 30 bytes a term (a dict of strings takes ~110).

    The terms are kept as one string; lookups go through the sorted 64-bit keys of the
    terms: ``hash()`` (computed in each process: string hashes differ between processes)
    mixed with the length, since CPython hashes a string's code units, so that ``"2n"`` and
    ``"渲"`` (U+6E32) share a ``hash()``. A token outside the vocabulary is taken for a term
    only if their keys collide, about once in 2**64 / len(vocabulary) (~10**13) tokens;
    should two terms share a key, an exact dictionary is used instead.
    """

    def __init__(self, terms: Sequence[str]) -> None:
        if not len(terms):
            raise ValueError("empty vocabulary")
        self._joined = "".join(terms)
        self._ends = np.cumsum(np.fromiter(map(len, terms), np.int64, len(terms)))
        self._index(terms)

    @staticmethod
    def _keys(strings: Sequence[str]) -> np.ndarray:
        n = len(strings)
        hashes = np.fromiter(map(hash, strings), np.int64, n).view(np.uint64)
        keys: np.ndarray = hashes ^ (np.fromiter(map(len, strings), np.uint64, n) * _KEY_MIX)
        return keys

    def _index(self, terms: Sequence[str]) -> None:
        hashes = self._keys(terms)
        order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[order]
        self._columns = order
        self._exact: dict[str, int] | None = None
        same = np.flatnonzero(self._hashes[1:] == self._hashes[:-1])
        if same.size:
            for i in same:
                if terms[order[i]] == terms[order[i + 1]]:
                    raise ValueError(f"the term {terms[order[i]]!r} is in the vocabulary twice")
            self._exact = {t: i for i, t in enumerate(terms)}

    def __len__(self) -> int:
        return len(self._ends)

    def terms(self) -> list[str]:
        """The terms in column order."""
        joined, ends = self._joined, self._ends.tolist()
        return [joined[a:b] for a, b in zip([0, *ends[:-1]], ends)]

    def columns(self, tokens: list[str]) -> np.ndarray:
        """The column of each token, -1 for a token outside the vocabulary."""
        n = len(tokens)
        if self._exact is not None:
            get = self._exact.get
            return np.fromiter((get(t, -1) for t in tokens), np.int64, n)
        # Searching the distinct keys in order is several times faster than one by one.
        keys, where = np.unique(self._keys(tokens), return_inverse=True)
        pos = np.searchsorted(self._hashes, keys)
        pos[pos == len(self._hashes)] = 0
        return np.where(self._hashes[pos] == keys, self._columns[pos], -1)[where]

    def __getstate__(self) -> dict[str, Any]:
        return {"joined": self._joined, "ends": self._ends}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._joined, self._ends = state["joined"], state["ends"]
        self._index(self.terms())


def _sums_in_order(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Per row of a CSR layout, the float64 sum of its values added one after the other."""
    from scipy.sparse import csr_matrix

    rows = csr_matrix((values, np.zeros(len(values), dtype=np.int32), indptr),
                      shape=(len(indptr) - 1, 1))
    return np.asarray(rows @ np.ones(1), dtype=np.float64)


class _Featurizer:
    """Normalised text -> sparse TF-IDF rows (character and word n-grams).

    Fitted with scikit-learn's ``TfidfVectorizer`` (sublinear TF, smoothed IDF, rows scaled to
    unit length per kind), then kept as vocabularies and IDF arrays: ``transform`` gives the
    same rows as the vectoriser would, bit for bit, without scikit-learn or a dictionary of a
    million strings, and the featuriser can be sent to other processes.
    """

    def __init__(self, settings: LinearSettings) -> None:
        from zhtext.text.normalize import Normalizer

        self.settings = settings
        self._norm = Normalizer()
        self.analyzers: dict[str, Any] = {}
        if settings._range("char_ngrams") != (0, 0):
            self.analyzers["char"] = _CharNgrams(*settings._range("char_ngrams"))
        if settings._range("word_ngrams") != (0, 0):
            self.analyzers["word"] = _WordNgrams(*settings._range("word_ngrams"),
                                                 settings.words, settings.segmenter)
        self.vocabularies: dict[str, _Vocabulary] = {}
        self.idf: dict[str, np.ndarray] = {}

    def _normal(self, texts: Sequence[str]) -> list[str]:
        norm = self._norm.normalize
        return [norm(t).text.lower() for t in texts]

    def kinds(self) -> list[str]:
        """The feature kinds, in column order: ``char``, then ``word``."""
        return list(self.analyzers)

    @property
    def n_features(self) -> int:
        """Columns of the rows."""
        return sum(len(v) for v in self.vocabularies.values())

    def fit_transform(self, texts: Sequence[str]) -> Any:
        """Learn the vocabularies and IDF from ``texts``; their TF-IDF rows."""
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        normal = self._normal(texts)
        parts = []
        for kind, analyzer in self.analyzers.items():
            v = TfidfVectorizer(analyzer=analyzer, min_df=self.settings.min_df,
                                sublinear_tf=True, dtype=np.float32, lowercase=False)
            try:
                parts.append(v.fit_transform(normal))
            except ValueError as e:  # empty vocabulary
                raise InputError(f"no {kind} features in the training texts ({e}); lower "
                                 "min_df or check the texts") from None
            self.vocabularies[kind] = _Vocabulary(
                sorted(v.vocabulary_, key=v.vocabulary_.__getitem__))
            self.idf[kind] = np.asarray(v.idf_, dtype=np.float32)
        return hstack(parts, format="csr")

    def _rows(self, kind: str, normal: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, value) of the non-zero TF-IDF values of one kind, row by row."""
        from itertools import chain

        analyze, vocab = self.analyzers[kind], self.vocabularies[kind]
        grams = [analyze(t) for t in normal]
        lengths = np.fromiter(map(len, grams), np.int64, len(grams))
        columns = vocab.columns(list(chain.from_iterable(grams)))
        rows = np.repeat(np.arange(len(grams), dtype=np.int64), lengths)
        known = columns >= 0
        # Counting as scikit-learn's CountVectorizer: per row, columns ascending.
        keys, counts = np.unique(rows[known] * len(vocab) + columns[known],
                                 return_counts=True)
        rows, columns = np.divmod(keys, len(vocab))
        # TfidfTransformer: 1 + log(tf), times IDF (float32); then the l2 norm of each row as
        # scikit-learn's normalize(): squares in float32 added in float64 in column order,
        # the division in float64.
        values = counts.astype(np.float32)
        np.log(values, out=values)
        values += 1.0
        values *= self.idf[kind][columns]
        indptr = np.zeros(len(normal) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(normal)), out=indptr[1:])
        norms = np.sqrt(_sums_in_order((values * values).astype(np.float64), indptr))
        values = (values / norms[rows]).astype(np.float32)
        return rows, columns, values

    def transform(self, texts: Sequence[str]) -> Any:
        """TF-IDF rows of ``texts`` (CSR, ``float32``), the kinds side by side."""
        from scipy.sparse import csr_matrix

        normal = self._normal(texts)
        rows, columns, values = [], [], []
        offset = 0
        for kind in self.kinds():
            r, c, v = self._rows(kind, normal)
            rows.append(r)
            columns.append(c + offset)
            values.append(v)
            offset += len(self.vocabularies[kind])
        # Row by row, the character columns then the word columns (as scipy's hstack).
        order = np.argsort(np.concatenate(rows), kind="stable")
        indptr = np.zeros(len(normal) + 1, dtype=np.int32)
        np.cumsum(np.bincount(np.concatenate(rows), minlength=len(normal)), out=indptr[1:])
        return csr_matrix((np.concatenate(values)[order],
                           np.concatenate(columns)[order].astype(np.int32), indptr),
                          shape=(len(normal), offset))

    def save(self, d: Path) -> None:
        """Write ``{kind}_vocab.json`` (terms in column order) and ``{kind}_idf.npy``."""
        for kind, vocab in self.vocabularies.items():
            (d / f"{kind}_vocab.json").write_text(json.dumps(vocab.terms(), ensure_ascii=False),
                                                  encoding="utf-8")
            np.save(d / f"{kind}_idf.npy", self.idf[kind].astype(np.float32), allow_pickle=False)

    def load(self, d: Path) -> None:
        """Read what :meth:`save` wrote."""
        for kind in self.kinds():
            terms = json.loads((d / f"{kind}_vocab.json").read_text(encoding="utf-8"))
            if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
                raise ValueError(f"{kind}_vocab.json is not a list of terms")
            vocab = _Vocabulary(terms)
            del terms
            idf = np.load(d / f"{kind}_idf.npy", allow_pickle=False)
            if idf.shape != (len(vocab),):
                raise ValueError(f"{kind}_idf.npy has {idf.size} values for {len(vocab)} terms")
            self.vocabularies[kind] = vocab
            self.idf[kind] = np.asarray(idf, dtype=np.float32)


def _load_transposed(path: Path) -> np.ndarray:
    """A 2-D ``.npy`` array as its transpose in C order, without a second full copy."""
    from numpy.lib import format as npy

    with open(path, "rb") as f:
        version = npy.read_magic(f)
        if version not in ((1, 0), (2, 0)):
            matrix = np.load(path, allow_pickle=False)
            return np.ascontiguousarray(matrix.T, dtype=np.float32)
        read_header = npy.read_array_header_1_0 if version == (1, 0) else \
            npy.read_array_header_2_0
        shape, fortran, dtype = read_header(f)
        if len(shape) != 2 or dtype.hasobject:
            raise ValueError(f"expected a matrix of numbers, got shape {shape}, {dtype}")
        rows, cols = shape
        if fortran:  # the bytes are the transpose, in C order
            block = np.fromfile(f, dtype=dtype, count=rows * cols)
            if block.size != rows * cols:
                raise ValueError("the file is truncated")
            return block.reshape(cols, rows).astype(np.float32, copy=False)
        out = np.empty((cols, rows), dtype=np.float32)
        for r in range(rows):
            line = np.fromfile(f, dtype=dtype, count=cols)
            if line.size != cols:
                raise ValueError("the file is truncated")
            out[:, r] = line
    return out


def _decision_chunk(model: LinearClassifier, texts: list[str]) -> list[np.ndarray]:
    """A worker's share of :meth:`LinearClassifier.decision_function`."""
    return [model._decision(texts)]


# Batches this large are featurised in worker processes (smaller ones do not pay for starting
# them: a worker imports NumPy, SciPy and rjieba and receives the model).
_PARALLEL_MIN = 65536


class LinearClassifier(ClassifierBackend):
    """TF-IDF + NB-weighted linear SVMs with calibrated probabilities (method ``linear``)."""

    settings_class: ClassVar[Any] = LinearSettings

    def __init__(self, settings: LinearSettings | None = None) -> None:
        self.settings: LinearSettings = settings or LinearSettings()
        self.labels_: list[str] = []
        self.multi_label_ = False
        self._features: _Featurizer | None = None
        self._weights_t: np.ndarray | None = None  # (features, classes), C order
        self.intercept_: np.ndarray | None = None
        self.platt_: np.ndarray | None = None  # (classes, 2): a, b

    @property
    def coef_(self) -> np.ndarray | None:
        """The weights, ``(classes, features)`` (a view of the transposed matrix kept)."""
        return None if self._weights_t is None else self._weights_t.T

    @classmethod
    def default_jobs(cls, manifest: Mapping[str, Any]) -> int:
        """The saved ``predict_jobs`` setting (2 unless set)."""
        settings = manifest.get("linear", {}).get("settings", {})
        return int(settings.get("predict_jobs", 2))

    def thread_safe(self) -> bool:
        """With a dictionary segmenter (no model of its own) any thread may predict."""
        from zhtext.text.segment import is_dictionary_segmenter

        return is_dictionary_segmenter(self.settings.segmenter)

    def fit(self, texts: Sequence[str], y: np.ndarray, labels: list[str], *,
            multi_label: bool = False, dev: tuple[Sequence[str], np.ndarray] | None = None,
            work_dir: Path | None = None, resume: bool = False) -> LinearClassifier:
        """Learn from texts and class ids ``(n,)`` (or a 0/1 matrix for multi-label).

        ``dev``, ``work_dir`` and ``resume`` do not apply (no early stopping, no checkpoints).
        """
        from joblib import Parallel, delayed

        from zhtext.classify.nbsvm import fit_one

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
            delayed(fit_one)(x, t, self.settings) for t in targets)
        self._weights_t = np.ascontiguousarray(np.vstack([r[0] for r in results]).T,
                                               dtype=np.float32)
        self.intercept_ = np.array([r[1] for r in results], dtype=np.float32)
        self.platt_ = np.array([[r[2], r[3]] for r in results], dtype=np.float64)
        return self

    def _check(self) -> None:
        if self._weights_t is None or self._features is None:
            raise NotFittedError(self)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        """Raw SVM scores ``(n, decisions)``.

        Batches of at least ``_PARALLEL_MIN`` texts are featurised in ``predict_jobs`` worker
        processes, each given this model once and then chunks of texts.
        """
        self._check()
        jobs = self.settings.predict_jobs if self.settings.predict_jobs > 0 else (
            os.cpu_count() or 1)
        if jobs > 1 and len(texts) >= _PARALLEL_MIN:
            from zhtext.parallel import chunked, ordered_map

            parts = list(ordered_map(_decision_chunk, self.single_process(),
                                     chunked(texts, _SLICE), jobs=jobs))
            return np.vstack(parts)
        return self._decision(texts)

    def _decision(self, texts: Sequence[str]) -> np.ndarray:
        assert self._features is not None and self._weights_t is not None
        assert self.intercept_ is not None
        parts = [np.zeros((0, self._weights_t.shape[1]), dtype=np.float32)]
        for a in range(0, len(texts), _SLICE):
            parts.append(self._features.transform(texts[a : a + _SLICE]) @ self._weights_t)
        return np.asarray(np.vstack(parts) + self.intercept_, dtype=np.float64)

    def single_process(self) -> LinearClassifier:
        """This model (sharing its arrays), set to featurise in the calling process only."""
        from dataclasses import replace

        if self.settings.predict_jobs == 1:
            return self
        other = copy.copy(self)
        other.settings = replace(self.settings, predict_jobs=1)
        return other

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
        assert self._features is not None and self.coef_ is not None
        lin = d / "linear"
        lin.mkdir()
        self._features.save(lin)
        np.save(lin / "weights.npy", np.ascontiguousarray(self.coef_, dtype=np.float32),
                allow_pickle=False)
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
            obj._weights_t = _load_transposed(lin / "weights.npy")
            obj.intercept_ = np.load(lin / "intercept.npy", allow_pickle=False)
            obj.platt_ = np.load(lin / "platt.npy", allow_pickle=False)
        except (OSError, ValueError, KeyError, EOFError) as e:
            raise InputError(f"cannot load the linear model ({type(e).__name__}: {e}); the "
                             "directory is damaged or incomplete (retrain it)",
                             path=str(d)) from None
        assert obj.platt_ is not None
        if (obj._weights_t.shape[0] != obj._features.n_features
                or obj._weights_t.shape[1] != len(obj.platt_)):
            raise InputError("the linear model's weights do not match its vocabulary; the "
                             "directory is damaged (retrain it)", path=str(d))
        return obj
