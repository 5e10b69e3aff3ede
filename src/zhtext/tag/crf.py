"""The ``crf`` method.

A linear-chain CRF (CRFsuite through python-crfsuite) over character features
(:mod:`zhtext.tag.features`).

CRFsuite trains with L-BFGS and elastic-net regularisation; the model file is CRFsuite's own
binary format (no pickle). Prediction is Viterbi; marginals give per-character confidences.
"""

from __future__ import annotations

import logging
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, Literal

from zhtext.errors import InputError, ZhtextError
from zhtext.params import AT_LEAST_0, POSITIVE
from zhtext.tag import lexicon
from zhtext.tag.backend import DevMetric, Progress, TaggerBackend
from zhtext.tag.features import FeatureSettings, Lexicons, features_of, fold_chars, load_dictionary

__all__ = ["CrfBackend", "CrfSettings", "CrfTagger"]

logger = logging.getLogger(__name__)

DICT_FILE = "dictionary.txt"

# CRFsuite's model file (crf1d): a 48-byte header (magic, file size, model type, version,
# counts, then the offsets of its five chunks), each chunk opening with its own magic and
# size. CRFsuite reads it without bounds checks, so a damaged file would crash the process.
_HEADER = struct.Struct("<4sI4sI3I5I")
_CHUNKS = (b"FEAT", b"CQDB", b"CQDB", b"LFRF", b"AFRF")
_CHUNK_HEAD = struct.Struct("<4sI")


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, hex (read in 1 MiB blocks)."""
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_model_file(path: Path, sha256: str | None = None) -> None:
    """Refuse a file that is not a whole CRFsuite model before CRFsuite opens it.

    The header's magic, type and version, its stored size against the file's, and every
    chunk's magic and extent are checked, then (when given: :meth:`CrfTagger.save` records
    it) the file's SHA-256, which catches damage inside a chunk; CRFsuite would otherwise
    crash the process (a segmentation fault) on a damaged file.

    Raises:
        InputError: The file is empty, truncated, or not a CRFsuite model (names the file).
    """
    def damaged(why: str) -> InputError:
        return InputError(f"the directory is damaged or incomplete: {path.name} {why}; copy "
                          "the model directory again, or train the model again",
                          path=str(path))

    with path.open("rb") as f:
        size = f.seek(0, 2)
        if size < _HEADER.size:
            raise damaged(f"has {size} bytes, too few for a CRFsuite model"
                          if size else "is empty")
        f.seek(0)
        magic, stored, kind, version, *_counts = _HEADER.unpack(f.read(_HEADER.size))
        offsets = _counts[3:]
        if magic != b"lCRF" or kind != b"FOMC":
            raise damaged("is not a CRFsuite model (it does not start with CRFsuite's header)")
        if version != 100:
            raise damaged(f"is a CRFsuite model of an unknown version ({version}, not 100)")
        if stored != size:
            raise damaged(f"has {size} bytes but its header says {stored} (truncated or "
                          "appended to)")
        for offset, want in zip(offsets, _CHUNKS, strict=True):
            head = b""
            if _HEADER.size <= offset <= size - _CHUNK_HEAD.size:
                f.seek(offset)
                head = f.read(_CHUNK_HEAD.size)
            chunk, length = _CHUNK_HEAD.unpack(head) if head else (b"", 0)
            if chunk != want or not _CHUNK_HEAD.size <= length <= size - offset:
                raise damaged(f"has a broken {want.decode()} part at byte {offset}")
    if sha256 is not None and file_sha256(path) != sha256:
        raise damaged("has changed since it was saved (its SHA-256 is not the one "
                      "zhtext.json records)")


@dataclass
class CrfSettings:
    """Settings of the ``crf`` method; each can be set with ``--set NAME=VALUE``."""

    c1: float = field(default=0.05, metadata={"help": "L1 regularisation.",
                                              "range": AT_LEAST_0})
    c2: float = field(default=0.01, metadata={"help": "L2 regularisation.",
                                              "range": AT_LEAST_0})
    max_iterations: int = field(default=150, metadata={"help": "L-BFGS iterations at most.",
                                                       "range": POSITIVE})
    min_freq: int = field(default=1, metadata={
        "help": "Features seen fewer times than this are dropped.", "range": AT_LEAST_0})
    window: int = field(default=2, metadata={"help": "Character unigrams c[-w..w].",
                                             "range": AT_LEAST_0})
    bigrams: bool = field(default=True, metadata={"help": "Character bigram features."})
    classes: bool = field(default=True, metadata={"help": "Character-class features."})
    dictionary: str = field(default="jieba", metadata={
        "help": "Dictionary features: 'jieba' (jieba's dict.txt), a word-per-line file, "
                "or 'none'."})
    segmenter: bool = field(default=True, metadata={
        "help": "Features from rjieba's words and POS tags."})
    trigrams: bool = field(default=False, metadata={"help": "Character trigram features."})
    gazetteer: bool = field(default=True, metadata={
        "help": "NER: matches of the training entities (jackknifed over gazetteer_folds "
                "contiguous folds while training)."})
    gazetteer_folds: int = field(default=5, metadata={
        "help": "NER: folds of the gazetteer's jackknife (each fold's sentences see the "
                "entities of the others only).", "range": POSITIVE})
    affixes: bool = field(default=True, metadata={
        "help": "NER: entity suffixes (公司, 大学, 省 ...) and surnames learned from the "
                "training entities."})
    typed_dictionary: bool = field(default=False, metadata={
        "help": "NER: matches of jieba's dictionary words tagged as names, places, "
                "organisations (off: on a contiguous MSRA dev it cost 0.5 F1)."})
    clusters: bool = field(default=True, metadata={
        "help": "NER: character clusters (32 and 256) learned from the training text."})

    @classmethod
    def names(cls) -> list[str]:
        """The setting names."""
        return [f.name for f in fields(cls)]

    def features(self) -> FeatureSettings:
        """The feature groups these settings ask for."""
        return FeatureSettings(window=self.window, bigrams=self.bigrams, classes=self.classes,
                               dictionary=self.dictionary != "none", segmenter=self.segmenter,
                               trigrams=self.trigrams)


class CrfTagger:
    """A character-level linear-chain CRF tagger (the ``crf`` backend of :class:`Tagger`).

    ``fit`` returns ``self``; the learned tags are ``labels_`` and what training reported
    (seconds, iterations, loss, features) is ``history_``.
    """

    def __init__(self, settings: CrfSettings | None = None, *,
                 unit: Literal["char", "word"] = "char") -> None:
        self.settings = settings or CrfSettings()
        self.unit = unit
        self.labels_: list[str] = []
        self.history_: dict[str, Any] = {}
        self._dictionary: frozenset[str] | None = None
        self._lexicons: Lexicons | None = None  # NER: gazetteer, affixes, clusters
        self._model_path: Path | None = None
        self._tagger: Any = None

    def _dict(self) -> frozenset[str] | None:
        if self._dictionary is None and self.settings.dictionary != "none":
            if self.settings.dictionary == "jieba":
                self._dictionary = load_dictionary()
            else:
                p = Path(self.settings.dictionary)
                if not p.is_file():
                    raise ZhtextError(
                        f"dictionary file {p} not found; give a word-per-line file, 'jieba' "
                        "or 'none'")
                words = (ln.split()[0] for ln in p.read_text(encoding="utf-8").splitlines()
                         if ln.strip())
                self._dictionary = load_dictionary(words)
        return self._dictionary

    def featurize(self, texts: Sequence[Any], lexicons: Lexicons | None = None
                  ) -> list[list[list[str]]]:
        """The feature lists of every character (``unit="word"``: word) of every text.

        ``lexicons`` (default: the model's own) give the NER gazetteer, affix and cluster
        features.
        """
        if self.unit == "word":
            from zhtext.tag.pos import jieba_tags, word_features

            tags = jieba_tags()
            return [word_features(ws, tags) for ws in texts]
        jb = None
        if self.settings.segmenter:
            jb = self.__dict__.get("_jieba")
            if jb is None:
                import rjieba

                jb = self.__dict__["_jieba"] = rjieba.Jieba()  # private, built once
        return features_of(texts, self.settings.features(), self._dict(), jb,
                           lexicons if lexicons is not None else self._lexicons)

    def _train_features(self, texts: Sequence[Any], tags: Sequence[Sequence[str]],
                        entities: bool) -> list[list[list[str]]]:
        """Features of the training texts; for NER, learns the lexicons first.

        The gazetteer is jackknifed: the sentences of each contiguous fold are featurised
        with the entities of the other folds only; prediction uses all of them.
        """
        s = self.settings
        self._lexicons = None
        if not entities or self.unit != "char" or not (
                s.gazetteer or s.affixes or s.clusters or s.typed_dictionary):
            return self.featurize(texts)
        folded = ["".join(fold_chars(t)) for t in texts]
        t0 = time.perf_counter()
        affixes = lexicon.entity_affixes(folded, tags) if s.affixes else None
        clusters = lexicon.char_clusters(folded) if s.clusters else None
        gazetteer, folds = (lexicon.jackknife_gazetteers(folded, tags, s.gazetteer_folds)
                            if s.gazetteer else (None, []))
        typed = lexicon.jieba_typed() if s.typed_dictionary else None
        self._lexicons = Lexicons(gazetteer, affixes, clusters, typed)
        logger.info("CRF: lexicons learned in %.0f s (%d gazetteer entries, %d clustered "
                    "characters)", time.perf_counter() - t0, len(gazetteer or ()),
                    len(clusters or ()))
        if not folds:
            return self.featurize(texts)
        out: list[list[list[str]]] = []
        for a, b, held_out in folds:
            out.extend(self.featurize(texts[a:b], Lexicons(held_out, affixes, clusters, typed)))
        return out

    def fit(self, texts: Sequence[Any], tags: Sequence[Sequence[str]], *,
            work_dir: Path, name: str = "model", progress: Callable[[int, int], None] | None = None,
            entities: bool = False) -> CrfTagger:
        """Train on texts and their per-character tags; the model file goes to ``work_dir``.

        ``entities``: the tags are NER tags (``O`` outside); turns on the gazetteer, affix and
        cluster features the settings ask for.

        Returns:
            ``self``, with ``labels_`` and ``history_`` (featurising and training seconds,
            L-BFGS iterations, final loss, active features).
        """
        t0 = time.perf_counter()
        s = self.settings
        trainer = _trainer_class()(verbose=False)
        trainer.progress = progress
        trainer.total = s.max_iterations
        labels: set[str] = set()
        for feats, ys in zip(self._train_features(texts, tags, entities), tags, strict=True):
            if feats:
                trainer.append(feats, list(ys))
                labels.update(ys)
        self.labels_ = sorted(labels)
        trainer.set_params({"c1": s.c1, "c2": s.c2, "max_iterations": s.max_iterations,
                            "feature.minfreq": s.min_freq,
                            "feature.possible_transitions": True})
        featurized = time.perf_counter() - t0
        logger.info("CRF: %d sentences featurised in %.0f s; training (at most %d iterations)",
                    len(texts), featurized, s.max_iterations)
        work_dir.mkdir(parents=True, exist_ok=True)
        path = work_dir / f"{name}.crfsuite"
        trainer.train(str(path))
        self._model_path = path
        self._tagger = None
        last = trainer.logparser.last_iteration or {}
        self.history_ = {"featurise_seconds": round(featurized, 1),
                         "seconds": round(time.perf_counter() - t0, 1),
                         "iterations": len(trainer.logparser.iterations),
                         "loss": last.get("loss"),
                         "features": last.get("active_features") if last else None}
        return self

    def _open(self) -> Any:
        if self._tagger is None:
            pycrfsuite = _pycrfsuite()
            if self._model_path is None:
                raise ZhtextError("the CRF tagger is not trained; call fit() or load() first")
            tagger = pycrfsuite.Tagger()
            try:
                tagger.open(str(self._model_path))
            except ValueError:  # pycrfsuite: "Invalid model file"
                raise InputError("the directory is damaged or incomplete: CRFsuite cannot "
                                 f"read {self._model_path.name}; copy the model directory "
                                 "again, or train the model again",
                                 path=str(self._model_path)) from None
            self._tagger = tagger
        return self._tagger

    def predict_tags(self, texts: Sequence[Any]) -> list[list[str]]:
        """Viterbi tags of each character."""
        tagger = self._open()
        return [list(tagger.tag(f)) if f else [] for f in self.featurize(texts)]

    def predict_marginals(self, texts: Sequence[Any]) -> list[tuple[list[str], Any]]:
        """Viterbi tags, and each character's marginal probability of every label.

        The marginals are an array of shape ``(characters, len(self.labels_))``.
        """
        import numpy as np

        tagger = self._open()
        out: list[tuple[list[str], Any]] = []
        for f in self.featurize(texts):
            if not f:
                out.append(([], np.zeros((0, len(self.labels_)))))
                continue
            ys = list(tagger.tag(f))
            margs = np.array([[tagger.marginal(y, i) for y in self.labels_]
                              for i in range(len(f))])
            out.append((ys, margs))
        return out

    def save(self, d: Path, name: str = "model") -> dict[str, Any]:
        """Write the model into directory ``d``; the manifest part it needs to load."""
        if self._model_path is None:
            raise ZhtextError("the CRF tagger is not trained")
        d.mkdir(parents=True, exist_ok=True)
        target = d / f"{name}.crfsuite"
        if self._model_path.resolve() != target.resolve():
            target.write_bytes(self._model_path.read_bytes())
        settings = asdict(self.settings)
        if self.settings.dictionary not in ("jieba", "none"):
            words = sorted(self._dict() or ())
            (d / DICT_FILE).write_text("\n".join(words) + "\n", encoding="utf-8")
            settings["dictionary"] = DICT_FILE
        out = {"settings": settings, "labels": self.labels_, "model": target.name,
               "unit": self.unit, "sha256": file_sha256(target)}
        lex = self._lexicons
        if lex is not None:
            files: dict[str, str] = {}  # (the typed dictionary is jieba's: not copied)
            if lex.gazetteer is not None:
                lexicon.write_gazetteer(d / lexicon.GAZETTEER_FILE, lex.gazetteer)
                files["gazetteer"] = lexicon.GAZETTEER_FILE
            if lex.affixes is not None:
                lexicon.write_affixes(d / lexicon.AFFIXES_FILE, lex.affixes)
                files["affixes"] = lexicon.AFFIXES_FILE
            if lex.clusters is not None:
                lexicon.write_clusters(d / lexicon.CLUSTERS_FILE, lex.clusters)
                files["clusters"] = lexicon.CLUSTERS_FILE
            out["lexicons"] = files
        return out

    @classmethod
    def load(cls, d: Path, manifest: dict[str, Any]) -> CrfTagger:
        """Load what :meth:`save` wrote (``manifest``: its part of ``zhtext.json``).

        Raises:
            InputError: The manifest part is not what :meth:`save` writes, or the model file
                is missing or damaged (checked here: CRFsuite would crash on it).
        """
        from zhtext.artifacts import MANIFEST

        where = str(d / MANIFEST)
        if not isinstance(manifest, dict):
            raise InputError(f"a CRF model's entry is {type(manifest).__name__}, not an "
                             "object; the directory is damaged or incomplete", path=where)
        for key, want in (("settings", dict), ("labels", list), ("model", str),
                          ("sha256", str)):
            if key in manifest and not isinstance(manifest[key], want):
                raise InputError(f"the CRF model's {key!r} is {type(manifest[key]).__name__},"
                                 f" not {'an object' if want is dict else want.__name__}; "
                                 "the directory is damaged or incomplete", path=where)
        raw = dict(manifest.get("settings", {}))
        if raw.get("dictionary") == DICT_FILE:
            raw["dictionary"] = str(d / DICT_FILE)
        known = set(CrfSettings.names())
        # a model saved before a feature group existed was trained without it
        for key in ("trigrams", "gazetteer", "affixes", "clusters", "typed_dictionary"):
            raw.setdefault(key, False)
        self = cls(CrfSettings(**{k: v for k, v in raw.items() if k in known}),
                   unit=manifest.get("unit", "char"))
        files = manifest.get("lexicons")
        if files is not None:
            if not isinstance(files, dict) or not all(
                    isinstance(v, str) and "/" not in v and "\\" not in v
                    for v in files.values()):
                raise InputError("the CRF model's 'lexicons' is not an object of file names; "
                                 "the directory is damaged or incomplete", path=where)
            g, a, c = files.get("gazetteer"), files.get("affixes"), files.get("clusters")
            self._lexicons = Lexicons(
                lexicon.read_gazetteer(d / g) if g else None,
                lexicon.read_affixes(d / a) if a else None,
                lexicon.read_clusters(d / c) if c else None,
                lexicon.jieba_typed() if self.settings.typed_dictionary else None)
        self.labels_ = list(manifest.get("labels", []))
        self._model_path = d / str(manifest.get("model", "model.crfsuite"))
        if not self._model_path.is_file():
            raise InputError(f"the directory is damaged or incomplete: it has no "
                             f"{self._model_path.name}; copy the model directory again, or "
                             "train the model again", path=str(d))
        check_model_file(self._model_path, manifest.get("sha256"))
        return self

    def __del__(self) -> None:
        if self._tagger is not None:
            try:
                self._tagger.close()
            except Exception:  # pragma: no cover - interpreter shutdown
                pass



def _pycrfsuite() -> Any:
    try:
        import pycrfsuite
    except ImportError:
        raise ZhtextError("the crf method needs python-crfsuite: pip install "
                          "'zhtext[tag]'") from None
    return pycrfsuite


def _trainer_class() -> Any:
    """``pycrfsuite.Trainer`` that reports each L-BFGS iteration to a progress callback."""
    base: Any = _pycrfsuite().Trainer

    class _Trainer(base):  # type: ignore[misc]
        progress: Callable[[int, int], None] | None = None
        total = 0

        def message(self, message: str) -> None:
            # CRFsuite's log goes to the log parser (for the history) and, once per L-BFGS
            # iteration, to the progress callback; nothing is printed.
            event = self.logparser.feed(message)
            if event == "iteration" and self.progress is not None:
                self.progress(len(self.logparser.iterations), self.total)

    return _Trainer


class CrfBackend(TaggerBackend):
    """The ``crf`` method of :class:`~zhtext.tag.Tagger`: CRFsuite over character features.

    ``pos`` is a pipeline: a character CRF segments (BMES), a word-level CRF tags the words.
    """

    settings_class: ClassVar[Any] = CrfSettings
    piece_chars: ClassVar[int] = 1000
    pos_pipeline: ClassVar[bool] = True
    default_jobs: ClassVar[int] = 2

    def __init__(self, settings: CrfSettings | None = None) -> None:
        super().__init__(settings)
        self.model_: CrfTagger | None = None
        self.pos_model_: CrfTagger | None = None

    def fit(self, texts: Sequence[str], tags: Sequence[Sequence[str]], *, outside: str,
            words: tuple[list[list[str]], list[list[str]]] | None = None,
            dev: tuple[list[str], list[list[str]]] | None = None,
            dev_metric: DevMetric | None = None, output_dir: Path | None = None,
            resume: bool = False, progress: Progress | None = None) -> CrfBackend:
        """Train the character CRF (and for ``pos`` the word CRF); ``dev`` is not used."""
        import tempfile

        # The model files live in a directory kept as long as this backend (save copies them).
        self._work = tempfile.TemporaryDirectory(prefix="zhtext-crf-")
        work = Path(self._work.name)
        model = CrfTagger(self.settings).fit(texts, tags, work_dir=work, progress=progress,
                                             entities=outside == "O")
        self.history_ = {"chars": model.history_}
        self.model_ = model
        self.labels_ = model.labels_
        self.pos_model_ = None
        if words is not None:
            logger.info("training the word-level POS CRF")
            pos = CrfTagger(self.settings, unit="word").fit(words[0], words[1], work_dir=work,
                                                            name="pos", progress=progress)
            self.history_["words"] = pos.history_
            self.pos_model_ = pos
            self.labels_ = pos.labels_
        return self

    def _model(self) -> CrfTagger:
        if self.model_ is None:
            raise ZhtextError("the CRF tagger is not trained; call fit() or load() first")
        return self.model_

    def tags(self, texts: Sequence[str]) -> list[list[str]]:  # noqa: D102
        return self._model().predict_tags(texts)

    def marginals(self, texts: Sequence[str]) -> list[tuple[list[str], Any]]:  # noqa: D102
        return self._model().predict_marginals(texts)

    def word_tags(self, words: Sequence[Sequence[str]]) -> list[list[str]]:  # noqa: D102
        if self.pos_model_ is None:
            raise ZhtextError("this CRF model has no word-level POS model")
        return self.pos_model_.predict_tags(words)

    def save(self, d: Path) -> dict[str, Any]:  # noqa: D102
        model = self._model().save(d, name="model")
        pos = self.pos_model_.save(d, name="pos") if self.pos_model_ is not None else None
        return {"model": model, "pos_model": pos}

    @classmethod
    def load(cls, d: Path, manifest: dict[str, Any], settings: Any) -> CrfBackend:  # noqa: D102
        obj = cls(settings)
        obj.model_ = CrfTagger.load(d, manifest["model"])
        if manifest.get("pos_model"):
            obj.pos_model_ = CrfTagger.load(d, manifest["pos_model"])
        obj.labels_ = list(manifest.get("labels", []))
        obj.history_ = dict(manifest.get("history", {}))
        return obj
