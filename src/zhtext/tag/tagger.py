"""``Tagger``: segmentation, POS and NER behind one facade.

Word segmentation (``cws``), POS tagging (``pos``) and NER (``ner``) behind one
estimator-shaped facade, with the methods ``crf`` (CRFsuite over character features) and
``bert`` (any encoder, token classification, optional CRF layer).

Every task is per-character tagging underneath: segmentation in BMES, POS as BMES joined with
the word's tag (``bert``) or, for ``crf``, segmentation followed by a word-level CRF; NER in
BIOES. Predictions are :class:`~zhtext.records.Token` / :class:`~zhtext.records.Entity` with
offsets into the text as given: characters are normalised one by one for the features only.
Long texts are cut at sentence ends into pieces the model can take, never truncated.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from zhtext.errors import InputError, ZhtextError
from zhtext.params import MethodEstimator, json_ready
from zhtext.records import Entity, Sentence, Token
from zhtext.schemes import Span, split_tag, to_spans, to_tags
from zhtext.tag.backend import Progress, TaggerBackend
from zhtext.tag.methods import METHODS

__all__ = ["METHODS", "TASKS", "Tagger", "backend_class", "method_settings", "predict_jobs",
           "settings_class"]

logger = logging.getLogger(__name__)

TASKS = ("cws", "pos", "ner")
VOCABULARY_FILE = "vocabulary.txt"


def backend_class(method: str) -> type[TaggerBackend]:
    """The backend class of a method name (or alias), built in or a plug-in's.

    Raises:
        ZhtextError: Unknown method (the valid names are listed).
    """
    if not isinstance(method, str) or method not in METHODS:
        raise ZhtextError(f"unknown method {method!r}; expected one of: "
                          f"{', '.join(METHODS.names())}")
    cls = METHODS.get(method)
    if not (isinstance(cls, type) and issubclass(cls, TaggerBackend)):
        raise ZhtextError(f"tagging method {method!r} ({cls!r}) is not a TaggerBackend")
    return cls


def predict_jobs(manifest: Mapping[str, Any]) -> int:
    """Processes ``tag predict`` starts by default for a saved model (its method's)."""
    method = manifest.get("method")
    if manifest.get("task") != "tag" or not isinstance(method, str) or method not in METHODS:
        return 1  # not a tagger: loading it says so
    return backend_class(method).default_jobs


def settings_class(method: str) -> Any:
    """The settings dataclass of a method."""
    return backend_class(method).settings_class


def method_settings(method: str) -> dict[str, str]:
    """Setting name -> help text of a method."""
    return {f.name: str(f.metadata.get("help", "")) for f in fields(settings_class(method))}


def pieces(text: str, limit: int) -> list[tuple[int, int]]:
    """Cut ``text`` into ``(start, end)`` pieces of at most ``limit`` characters.

    Cuts fall at sentence ends where possible; a sentence longer than ``limit`` is cut at it.
    """
    if len(text) <= limit:
        return [(0, len(text))]
    from zhtext.text.sentences import sentence_spans

    out: list[tuple[int, int]] = []
    start = 0
    end = 0
    for _, b in sentence_spans(text):
        if b - start > limit and end > start:
            out.append((start, end))
            start = end
        while b - start > limit:
            out.append((start, start + limit))
            start += limit
        end = b
    if len(text) > start:
        out.append((start, len(text)))
    return [p for p in out if p[1] > p[0]]


class Tagger(MethodEstimator):
    """A trainable tagger for Chinese segmentation, POS and named entities.

    An estimator with scikit-learn's protocol: the constructor stores the settings (their
    names are checked at once, their values by ``fit``); ``get_params`` lists ``task``,
    ``method`` and every setting of the method (given or default), so ``sklearn.base.clone``
    and ``set_params`` work; ``fit`` returns ``self``; learned state ends in ``_``
    (``labels_``, ``vocabulary_``, ``history_``, ``model_``).

    Args:
        task: ``cws``, ``pos`` or ``ner``.
        method: ``crf`` (default; fast on a CPU) or ``bert`` (needs ``model=``).
        settings: Method settings as a mapping (the older spelling of ``**params``).
        **params: Method settings by name (see :func:`method_settings`), e.g. ``c1=0.1`` or
            ``model="bert-base-chinese"``. They differ by method, so they are keywords of
            the method rather than of this class.

    Raises:
        ZhtextError: Unknown task, method or setting (the valid names are listed).

    Example:
        >>> from zhtext.records import Sentence
        >>> data = [Sentence("我爱北京", [(0, 1, ""), (1, 2, ""), (2, 4, "")], words=True)] * 20
        >>> tagger = Tagger("cws", dictionary="none", segmenter=False)
        >>> [t.text for t in tagger.fit(data).predict(["我爱北京"])[0]]
        ['我', '爱', '北京']
    """

    def __init__(self, task: str = "cws", method: str = "crf", *,
                 settings: Mapping[str, Any] | None = None, **params: Any) -> None:
        if task not in TASKS:
            raise ZhtextError(f"unknown task {task!r}; expected one of: {', '.join(TASKS)}")
        self.task = task
        self._store_settings(method, {**dict(settings or {}), **params})

    _settings_class = staticmethod(settings_class)

    @property
    def settings(self) -> Any:
        """The method's settings dataclass, from the settings given and the defaults.

        Raises:
            ZhtextError: A value of the wrong type or out of range.
        """
        if self.task not in TASKS:
            raise ZhtextError(f"unknown task {self.task!r}; expected one of: "
                              f"{', '.join(TASKS)}")
        return self._method_settings()

    def _is_fitted(self) -> bool:
        return getattr(self, "model_", None) is not None

    @property
    def labels(self) -> list[str]:
        """The tags the model predicts (``labels_``; ``[]`` before ``fit``)."""
        return list(getattr(self, "labels_", []))

    @property
    def vocabulary(self) -> frozenset[str]:
        """The training words of a cws / pos model (``vocabulary_``)."""
        return getattr(self, "vocabulary_", frozenset())

    @property
    def history(self) -> dict[str, Any]:
        """What training reported (``history_``)."""
        return dict(getattr(self, "history_", {}))

    # ------------------------------------------------------------------ data

    def _check(self, sentences: Sequence[Sentence], what: str) -> None:
        if not sentences:
            raise InputError(f"no {what} sentences")
        for s in sentences:
            path, _, line = s.source.rpartition(":")
            where: dict[str, Any] = {"path": path or None,
                                     "line": int(line) if line.isdigit() else None}
            if not s.text.strip():
                raise InputError("empty sentence; remove it or give it text", **where)
            if self.task in ("cws", "pos"):
                covered = sum(b - a for a, b, _ in s.spans)
                if not s.words and covered != len(s.text):
                    raise InputError(
                        f"this holds entities (spans with gaps, O tags), but task {self.task!r}"
                        " needs segmented words; use --task ner, or give segmentation data "
                        "(People's Daily word/TAG, BMES, SIGHAN)", **where)
            if self.task == "pos" and all(not t for _, _, t in s.spans):
                raise InputError("the words have no POS tags; use --task cws, or give "
                                 "word/TAG data", **where)
            if self.task == "ner" and s.words and len(s.spans) > 1:
                raise InputError(
                    "this holds segmented words, not entities; use --task cws or pos, or "
                    "give NER data (CoNLL BIO/BIOES/BMES with O, or CLUENER JSON)", **where)

    def _char_tags(self, s: Sentence) -> list[str]:
        n = len(s.text)
        if self.task == "cws" or (self.task == "pos" and backend_class(self.method).pos_pipeline):
            return to_tags(n, [(a, b, "") for a, b, _ in s.spans], "bmes")
        if self.task == "pos":
            return to_tags(n, s.spans, "bmes")
        return to_tags(n, s.spans, "bioes")

    @property
    def outside(self) -> str:
        """The tag of a character outside every span (``S`` for words, ``O`` for entities)."""
        return "O" if self.task == "ner" else "S"

    # ------------------------------------------------------------------ training

    def fit(self, sentences: Sequence[Sentence], dev: Sequence[Sentence] | None = None, *,
            output_dir: str | Path | None = None, resume: bool = False, force: bool = False,
            progress: Progress | None = None, work_dir: str | Path | None = None) -> Tagger:
        """Train on annotated sentences (see :func:`zhtext.io.tagged.read_tagged`).

        With ``output_dir`` the run is the one ``zhtext tag train -o DIR`` makes: the
        directory must not exist (unless ``force``, or ``resume`` of an interrupted run); a
        checkpointed method (``bert``) writes ``training.json`` and ``checkpoints/`` into it
        first, and the trained model (with ``metrics.json`` / ``report.html`` on ``dev``, if
        given) is saved there at the end.

        Args:
            sentences: Training data.
            dev: Dev data (``bert``: early stopping and the best checkpoint).
            output_dir: The run and model directory (see above).
            resume: ``bert``: continue from the newest checkpoint in ``output_dir`` (or
                ``work_dir``); with ``output_dir`` the run's settings must be the same.
            force: Replace an existing ``output_dir``.
            progress: Called with ``(done, total)`` as training advances (``crf``).
            work_dir: ``bert``: where checkpoints go (``work_dir/checkpoints``), without a
                run directory or a saved model.

        Returns:
            ``self``; what training reported is in ``history_``.

        Raises:
            InputError: Bad data, ``output_dir`` exists (without ``force`` / ``resume``) or
                does not fit ``resume``.
        """
        if output_dir is None:
            return self._fit(sentences, dev, work_dir=work_dir, resume=resume,
                             progress=progress)
        if work_dir is not None:
            raise ZhtextError("give output_dir (the run and model directory) or work_dir "
                              "(checkpoints only), not both")
        checkpointed = backend_class(self.method).checkpointed
        if resume and not checkpointed:
            raise InputError(f"--resume applies to checkpointed runs (bert); a {self.method} "
                             "model trains in one go; train again with --force")
        from zhtext.neural.runs import train_run

        def train(work: Path | None) -> None:
            self._fit(sentences, dev, work_dir=work, resume=resume, progress=progress)

        def finish() -> tuple[Any, None]:
            if dev is None:
                return None, None
            report = self.evaluate(dev)
            report.extra.update({"train_sentences": len(sentences),
                                 "train_seconds": round(self.train_seconds_ or 0.0, 1)})
            return report, None

        _ = self.settings  # the values checked before a run directory is made for them
        train_run(self, output_dir, train=train, checkpointed=checkpointed, force=force,
                  resume=resume, method=f"{self.task}/{self.method}",
                  params=json_ready(self._params), source=f"{len(sentences)} sentences (Python)",
                  finish=finish)
        return self

    def _fit(self, sentences: Sequence[Sentence], dev: Sequence[Sentence] | None, *,
             work_dir: str | Path | None, resume: bool, progress: Progress | None) -> Tagger:
        settings = self.settings  # checks the values
        self.settings_: Any = settings  # what the model trains with (a backend may resolve it)
        self._check(sentences, "training")
        if dev is not None:
            self._check(dev, "dev")
        t0 = time.perf_counter()
        texts = [s.text for s in sentences]
        tags = [self._char_tags(s) for s in sentences]
        self.vocabulary_: frozenset[str] = (
            frozenset(s.text[a:b] for s in sentences for a, b, _ in s.spans)
            if self.task in ("cws", "pos") else frozenset())
        backend = backend_class(self.method)(settings)
        words = None
        if self.task == "pos" and backend.pos_pipeline:
            words = ([[s.text[a:b] for a, b, _ in s.spans] for s in sentences],
                     [[t for _, _, t in s.spans] for s in sentences])
        dev_pair = None
        if dev is not None:
            dev_pair = ([s.text for s in dev], [self._char_tags(s) for s in dev])
        backend.fit(texts, tags, outside=self.outside, words=words, dev=dev_pair,
                    dev_metric=self._dev_metric,
                    output_dir=Path(work_dir) if work_dir is not None else None, resume=resume,
                    progress=progress)
        self.model_: Any = backend
        self.history_: dict[str, Any] = dict(backend.history_)
        self.labels_: list[str] = list(backend.labels_)
        self.train_seconds_: float | None = time.perf_counter() - t0
        return self

    def _dev_metric(self, gold: list[list[str]], pred: list[list[str]]) -> float:
        tp = n_gold = n_pred = 0
        for g, p in zip(gold, pred, strict=True):
            gs, ps = set(to_spans(g)), set(to_spans(p))
            tp += len(gs & ps)
            n_gold += len(gs)
            n_pred += len(ps)
        return 2 * tp / (n_gold + n_pred) if n_gold + n_pred else 0.0

    # ------------------------------------------------------------------ prediction

    def _require(self) -> None:
        self._check_fitted()

    def _piece_limit(self) -> int:
        return int(self.model_.piece_chars)

    def predict_char_tags(self, texts: Sequence[str]) -> list[list[str]]:
        """The per-character tags of each text (pieces of long texts joined back)."""
        self._require()
        flat: list[str] = []
        owner: list[tuple[int, int]] = []
        for i, text in enumerate(texts):
            for a, b in pieces(text, self._piece_limit()):
                flat.append(text[a:b])
                owner.append((i, a))
        tagged = self.model_.tags(flat)
        out: list[list[str]] = [[] for _ in texts]
        for (i, _), tags in zip(owner, tagged, strict=True):
            out[i].extend(tags)
        return out

    def predict_spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """Words (``(start, end, pos)``, pos ``""`` for cws) or entities of each text."""
        char_tags = self.predict_char_tags(texts)
        spans = [to_spans(t) for t in char_tags]
        if self.task == "pos" and self.model_.pos_pipeline:
            words = [[text[a:b] for a, b, _ in ss] for text, ss in zip(texts, spans, strict=True)]
            wtags = self.model_.word_tags(words)
            spans = [[(a, b, t) for (a, b, _), t in zip(ss, ts, strict=True)]
                     for ss, ts in zip(spans, wtags, strict=True)]
        elif self.task == "cws":
            spans = [[(a, b, "") for a, b, _ in ss] for ss in spans]
        return spans

    def char_marginals(self, texts: Sequence[str]) -> list[tuple[list[str], Any]]:
        """Per text, the predicted character tags and marginal probabilities.

        The predicted character tags and each character's probability of every label in
        :attr:`labels` (an array ``(characters, labels)``; CRF or bert marginals).
        """
        import numpy as np

        self._require()
        out: list[tuple[list[str], Any]] = []
        for text in texts:
            tags: list[str] = []
            probs: list[Any] = []
            for a, b in pieces(text, self._piece_limit()):
                ys, p = self.model_.marginals([text[a:b]])[0]
                tags.extend(ys)
                probs.append(p)
            out.append((tags, np.concatenate(probs) if probs
                        else np.zeros((0, len(self.labels_)))))
        return out

    def predict(self, texts: Sequence[str]) -> list[list[Token]] | list[list[Entity]]:
        """Tokens (cws, pos) or entities (ner) of each text, offsets into that text."""
        spans = self.predict_spans(texts)
        if self.task == "ner":
            return [[Entity(text[a:b], t, a, b) for a, b, t in ss]
                    for text, ss in zip(texts, spans, strict=True)]
        return [[Token(text[a:b], a, b, t or None) for a, b, t in ss]
                for text, ss in zip(texts, spans, strict=True)]

    def tag_words(self, words: Sequence[Sequence[str]]) -> list[list[str]]:
        """POS tags of given words (gold segmentation); ``pos`` only."""
        self._require()
        if self.task != "pos":
            raise ZhtextError(f"tag_words needs a pos model; this one is {self.task!r}")
        if self.model_.pos_pipeline:
            return list(self.model_.word_tags(words))
        # bert: tag the joined text, then give each word the tag of its first character
        texts = ["".join(ws) for ws in words]
        out: list[list[str]] = []
        for ws, tags in zip(words, self.predict_char_tags(texts), strict=True):
            row, i = [], 0
            for w in ws:
                row.append(split_tag(tags[i])[1] if w else "")
                i += len(w)
            out.append(row)
        return out

    def evaluate(self, sentences: Sequence[Sentence]) -> Any:
        """Scores on annotated sentences: a :class:`~zhtext.evaluate.tagging.TaggingReport`."""
        from zhtext.evaluate.tagging import evaluate_spans

        self._check(sentences, "evaluation")
        texts = [s.text for s in sentences]
        t0 = time.perf_counter()
        pred = self.predict_spans(texts)
        seconds = time.perf_counter() - t0
        gold = [list(s.spans) for s in sentences]
        if self.task == "cws":
            gold = [[(a, b, "") for a, b, _ in g] for g in gold]
        if self.task == "ner":
            unknown = {t for g in gold for _, _, t in g} - self.entity_types()
            if unknown:
                raise InputError(f"the data has entity types the model does not know: "
                                 f"{', '.join(sorted(unknown))}; the model's types are "
                                 f"{', '.join(sorted(self.entity_types()))}")
        gold_seg = None
        if self.task == "pos":
            gold_seg = self.tag_words([[s.text[a:b] for a, b, _ in s.spans] for s in sentences])
        report = evaluate_spans(self.task, texts, gold, pred,
                                vocabulary=self.vocabulary_ if self.task != "ner" else None,
                                gold_seg_tags=gold_seg, sources=[s.source for s in sentences])
        chars = sum(len(t) for t in texts)
        report.extra.update({"method": self.method, "sentences_per_second":
                             round(len(texts) / seconds, 1) if seconds else None,
                             "characters_per_second": round(chars / seconds) if seconds
                             else None})
        return report

    def entity_types(self) -> set[str]:
        """NER: the entity types the model knows."""
        return {split_tag(t)[1] for t in self.labels if split_tag(t)[1]}

    def as_segmenter(self, name: str = "model") -> Any:
        """This cws/pos model as a :class:`~zhtext.text.segment.Segmenter`."""
        from zhtext.tag.segmenter import TaggerSegmenter

        return TaggerSegmenter(self, name=name)

    # ------------------------------------------------------------------ artifacts

    def save(self, path: str | Path, *, force: bool = False,
             report: Any = None, extra_files: Callable[[Path], None] | None = None) -> Path:
        """Write the model directory atomically.

        It holds the ``zhtext.json`` manifest, the model files, ``vocabulary.txt`` for cws/pos,
        and ``metrics.json`` / ``report.html`` when a report is given.
        """
        from zhtext.artifacts import write_artifact

        self._require()

        def build(tmp: Path) -> dict[str, Any]:
            files = self.model_.save(tmp)
            if self.vocabulary_:
                (tmp / VOCABULARY_FILE).write_text("\n".join(sorted(self.vocabulary_)) + "\n",
                                                   encoding="utf-8")
            if report is not None:
                from zhtext.evaluate.tagging import write_tagging_report

                (tmp / "metrics.json").write_text(
                    json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")
                write_tagging_report(tmp / "report.html", report)
            if extra_files is not None:
                extra_files(tmp)
            settings = getattr(self, "settings_", None) or self.settings
            return {"tag_task": self.task, "settings": json_ready(asdict(settings)),
                    "labels": self.labels_, "model": files.get("model"),
                    "pos_model": files.get("pos_model"),
                    "history": self.history_,
                    "train_seconds": round(getattr(self, "train_seconds_", 0.0) or 0.0, 1)}

        return write_artifact(path, task="tag", method=self.method, build=build, force=force)

    @classmethod
    def load(cls, path: str | Path, manifest: dict[str, Any] | None = None) -> Tagger:
        """Load a model directory written by :meth:`save` (or ``zhtext tag train``).

        Args:
            path: The model directory.
            manifest: Its ``zhtext.json`` when already read (default: read from ``path``).
        """
        from zhtext.artifacts import MANIFEST, read_manifest

        d = Path(path)
        m = read_manifest(d) if manifest is None else manifest
        if m.get("task") != "tag":
            raise InputError(f"is a {m.get('task')!r} model, not a tagger (zhtext tag train "
                             "makes those)", path=str(d))
        where = str(d / MANIFEST)
        damaged = "the directory is damaged or incomplete; train the model again"
        for key in ("tag_task", "method"):
            if key not in m:
                raise InputError(f"has no {key!r}; {damaged}", path=where)
        if m["tag_task"] not in TASKS:
            raise InputError(f"'tag_task' is {m['tag_task']!r}, not one of {', '.join(TASKS)}"
                             f"; {damaged}", path=where)
        method = m["method"]
        if not isinstance(method, str) or method not in METHODS:
            raise InputError(f"the model's method {method!r} is not known here (the methods "
                             f"are {', '.join(METHODS.names())}); a plug-in's method needs "
                             "that plug-in installed", path=where)
        for key in backend_class(method).manifest_fields:
            if key not in m:
                raise InputError(f"has no {key!r} (a {method} tagger's model files); "
                                 f"{damaged}", path=where)
        for key, want in (("settings", dict), ("labels", list), ("history", dict)):
            if key in m and not isinstance(m[key], want):
                raise InputError(f"{key!r} is {type(m[key]).__name__}, not "
                                 f"{'an object' if want is dict else 'a list'}; {damaged}",
                                 path=where)
        known = set(method_settings(method))
        self = cls(str(m["tag_task"]), method,
                   **{k: v for k, v in dict(m.get("settings", {})).items() if k in known})
        self.settings_ = self.settings
        self.labels_ = list(m.get("labels", []))
        self.history_ = dict(m.get("history", {}))
        self.train_seconds_ = m.get("train_seconds")
        self.model_ = backend_class(method).load(d, m, self.settings_)
        vocab = d / VOCABULARY_FILE
        self.vocabulary_ = (frozenset(vocab.read_text(encoding="utf-8").split("\n")) - {""}
                            if vocab.is_file() else frozenset())
        return self
