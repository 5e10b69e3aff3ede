"""What every keyword method shares: settings, text analysis, ranking and records."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from zhtext.errors import InputError, ZhtextError
from zhtext.keywords.accel import fast as _fast
from zhtext.keywords.candidates import CandidateExtractor, Candidates
from zhtext.keywords.termhood import pos_weights_from, weigh
from zhtext.params import Estimator, is_int, is_number, json_ready
from zhtext.records import Keyword
from zhtext.text.normalize import NormalizedText, Normalizer
from zhtext.text.segment import Segmenter, get_segmenter, segmenter_from_params
from zhtext.text.stopwords import load_stopwords
from zhtext.text.userdict import DictEntry

__all__ = ["KeywordExtractor"]

logger = logging.getLogger(__name__)

# How much a phrase of n words is worth against a single word with the same statistics.
# Tuned on the CSL keyword dev set (see bench/keywords.py).
LENGTH_WEIGHTS = (1.0, 0.9, 0.5, 0.4, 0.3)


class KeywordExtractor(Estimator):
    """Base class of the keyword methods: an estimator with scikit-learn's protocol.

    The constructor only stores the settings; they are checked on first use (or by
    :meth:`check`). ``get_params`` / ``set_params`` / ``sklearn.base.clone`` work as for any
    scikit-learn estimator, ``fit`` returns ``self``, and ``transform`` (the keywords of each
    text) and ``score`` (F1 at ``top_k`` against gold keywords) let a ``Pipeline`` or
    ``GridSearchCV`` use an extractor.

    Args:
        segmenter: ``"rjieba"`` (default), ``"jieba"``, ``"char"``, or a :class:`Segmenter`.
        user_dict: A jieba-format user dictionary (path or parsed entries).
        stopwords: ``"default"`` (stopwords-iso plus function words of jieba's dictionary),
            ``"stopwords-iso"``, ``"none"``, a file path, or a list of words.
        pos: POS tags of content words (e.g. ``["n", "vn", "ns"]`` or ``"n,vn,ns"``), or
            ``None`` for no POS filter: stop words and function words then decide, which
            measured as good on CSL and is twice as fast (no tagger runs).
        phrases: Merge adjacent content words into phrase candidates.
        max_words: Longest phrase in words (used when ``phrases``).
        t2s: Convert traditional to simplified characters before extraction.
        position_weight: Bonus for candidates in the first or last sentence of a document
            (where leads, titles and conclusions sit): ``1 + w`` for each of the two.
        quotes: Quoted terms (between “” or 《》) are candidates.
        top_k: Keywords per document of :meth:`transform`, :meth:`score`, and of
            :meth:`extract` when it is not given one.
        pos_weights: Single-word score multipliers by POS tag: ``"default"`` (proper nouns
            up, common nouns a little down, verbs, adjectives, numerals, adverbs and time words
            never a keyword on their own; see :mod:`zhtext.keywords.termhood`), ``"none"``,
            or a mapping such as ``{"v": 0.5}`` laid over the default. Needs a segmenter with
            POS tags (rjieba, jieba); the document is tagged when set.
        single_phrase_weight: Weight of a phrase that occurs only once in the document (no
            evidence that it is a unit). Such a phrase must also have a term's shape (ends in
            a noun, or in a verb that heads terms in jieba's dictionary such as 处理; no other
            verb, numeral or function word); one ending in such a verb, or holding a single
            character cut off a word (区块+链), is not weighted down. ``0`` drops them, ``1``
            turns the rule off.
    """

    method: ClassVar[str] = "base"
    _requires_fit = False

    def __init__(
        self,
        *,
        segmenter: str | Segmenter = "rjieba",
        user_dict: str | Path | Sequence[DictEntry] | None = None,
        stopwords: str | Path | Iterable[str] | None = "default",
        pos: str | Iterable[str] | None = None,
        phrases: bool = True,
        max_words: int = 3,
        t2s: bool = False,
        position_weight: float = 1.0,
        quotes: bool = True,
        top_k: int = 5,
        pos_weights: str | Mapping[str, float] | None = "default",
        single_phrase_weight: float = 0.3,
    ) -> None:
        self.segmenter = segmenter
        self.user_dict = user_dict
        self.stopwords = stopwords
        self.pos = pos
        self.phrases = phrases
        self.max_words = max_words
        self.t2s = t2s
        self.position_weight = position_weight
        self.quotes = quotes
        self.top_k = top_k
        self.pos_weights = pos_weights
        self.single_phrase_weight = single_phrase_weight

    def _validate(self) -> None:
        """Check the settings' values (scikit-learn checks them on use, not in ``__init__``).

        Raises:
            ZhtextError: A value out of range; the message names the setting.
        """
        if not is_int(self.max_words) or self.max_words < 1:
            raise ZhtextError(f"max_words must be a whole number of at least 1, "
                              f"got {self.max_words!r}")
        if not is_number(self.position_weight) or self.position_weight < 0:
            raise ZhtextError(f"position_weight must be a number, 0 or more, "
                              f"got {self.position_weight!r}")
        if not is_int(self.top_k) or self.top_k < 1:
            raise ZhtextError(f"top_k must be a whole number of at least 1, got {self.top_k!r}")
        try:
            pos_weights_from(self.pos_weights)
        except ValueError as e:
            raise ZhtextError(str(e)) from None
        if not is_number(self.single_phrase_weight) or not 0 <= self.single_phrase_weight <= 1:
            raise ZhtextError(f"single_phrase_weight must be a number from 0 to 1, "
                              f"got {self.single_phrase_weight!r}")

    # -- components, built on first use ---------------------------------------------------

    def _components(self) -> tuple[Normalizer, Segmenter, CandidateExtractor]:
        comp = self.__dict__.get("_comp")
        if comp is None:
            self._validate()
            seg = (
                self.segmenter
                if not isinstance(self.segmenter, str)
                else get_segmenter(self.segmenter, user_dict=self.user_dict)
            )
            stop = set(load_stopwords(self.stopwords)) | set(self._extra_stopwords())
            pos: Iterable[str] | None
            if isinstance(self.pos, str):
                pos = self.pos.replace(",", " ").split() or None
            else:
                pos = self.pos
            cands = CandidateExtractor(
                pos=pos if seg.has_pos else None,
                stopwords=stop,
                max_words=self.max_words if self.phrases else 1,
                min_chars=2 if seg.has_pos else 1,
                quotes=self.quotes and self.phrases,
            )
            comp = (Normalizer(nfkc=True, t2s=self.t2s), seg, cands)
            self.__dict__["_comp"] = comp
            # Termhood needs POS tags: without a tagging segmenter it is off.
            weights = pos_weights_from(self.pos_weights) if seg.has_pos else None
            self.__dict__["_termhood"] = (
                weights, self.single_phrase_weight if seg.has_pos else 1.0
            )
        return comp

    def check(self) -> None:
        """Validate the settings that name things (segmenter, files) without loading models.

        Raises:
            ZhtextError: An unknown segmenter, or a missing or malformed user dictionary or
                stop-word file, so that a batch job fails before it starts.
        """
        from zhtext.text.segment import SEGMENTER_NAMES
        from zhtext.text.userdict import read_user_dict

        self._validate()
        if isinstance(self.segmenter, str):
            if self.segmenter not in SEGMENTER_NAMES and not Path(self.segmenter).is_dir():
                raise ZhtextError(f"unknown segmenter {self.segmenter!r}; expected one of: "
                                  f"{', '.join(SEGMENTER_NAMES)}, or the directory of a model "
                                  "trained with 'zhtext tag train --task cws'")
            if self.segmenter == "char" and self.user_dict is not None:
                raise ZhtextError("the 'char' segmenter has no dictionary, so it cannot take a "
                                  "user dictionary; use --segmenter rjieba or jieba")
        if isinstance(self.user_dict, (str, Path)):
            read_user_dict(self.user_dict)
        if isinstance(self.stopwords, (str, Path)) and self.stopwords not in (
            "default", "none", "stopwords-iso"
        ):
            load_stopwords(self.stopwords)

    def _extra_stopwords(self) -> Iterable[str]:
        return ()

    def _reset(self) -> None:
        self.__dict__.pop("_comp", None)
        self.__dict__.pop("_termhood", None)

    def _uses_tags(self) -> bool:
        """Whether documents are POS-tagged (a POS filter, or termhood evidence to weigh)."""
        cands = self._components()[2]
        weights, phrase_weight = self.__dict__["_termhood"]
        return cands.pos is not None or weights is not None or phrase_weight != 1.0

    def _params_changed(self) -> None:
        self._reset()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_termhood", None)
        comp = state.pop("_comp", None)
        if comp is not None and not isinstance(self.segmenter, str):
            state["segmenter"] = comp[1]
        return state

    def analyze(self, text: str) -> tuple[NormalizedText, Candidates]:
        """Normalise, segment and find the candidates of one text (exposed for inspection)."""
        nt = self._components()[0].normalize(text)
        return nt, self._candidates(nt)

    def _candidates(self, nt: NormalizedText) -> Candidates:
        _, seg, cands = self._components()
        tokens = seg.tag(nt.text) if self._uses_tags() else seg.cut(nt.text)
        return cands(tokens, nt.text)

    # -- the public verbs -----------------------------------------------------------------

    def fit(self, texts: Iterable[str], y: Any = None) -> KeywordExtractor:
        """Learn corpus statistics; the base methods need none and return ``self``.

        ``y`` is ignored (it is there for scikit-learn's ``Pipeline`` and grid search).
        """
        self._validate()
        return self

    def transform(self, texts: Iterable[str]) -> list[list[Keyword]]:
        """The ``top_k`` keywords of each text (:meth:`extract` with the ``top_k`` setting)."""
        return self.extract(texts)

    def score(self, texts: Iterable[str], keywords: Iterable[Iterable[str]]) -> float:
        """Micro-averaged F1 at ``top_k`` against gold keywords (what grid search maximises).

        Hits are counted over all documents and divided by all predictions (precision) and
        all gold keywords (recall); matching is exact after this extractor's normalisation.

        Example:
            >>> from zhtext.keywords import TfidfKeywords
            >>> TfidfKeywords(top_k=2).score(["深度学习推动了自然语言处理的发展。"],
            ...                              [["深度学习", "自然语言处理"]])
            1.0
        """
        docs = _text_list(texts)
        predicted = self.extract(docs)
        norm = self._components()[0]
        hits = n_pred = n_gold = 0
        for pred, gold in zip(predicted, keywords, strict=True):
            gset = {norm.normalize(g).text.strip() for g in gold if g.strip()}
            top = {k.text for k in pred}
            hits += len(gset & top)
            n_pred += len(top)
            n_gold += len(gset)
        return 2 * hits / (n_pred + n_gold) if n_pred + n_gold else 0.0

    def extract(self, texts: Iterable[str], top_k: int | None = None) -> list[list[Keyword]]:
        """The keywords of each text, best first.

        Args:
            texts: The documents (a list of strings; empty documents give empty lists).
            top_k: How many keywords per document, at most (default: the ``top_k`` setting).

        Returns:
            One list of :class:`~zhtext.records.Keyword` per document, in input order.

        Raises:
            ZhtextError: ``texts`` is a single string, or ``top_k`` is not positive.
        """
        docs = _text_list(texts)
        k = self._top_k(top_k)
        return [self._extract_one(t, k) for t in docs]

    def _top_k(self, top_k: int | None) -> int:
        self._components()  # checks the settings on first use
        self._check_fitted()
        k = self.top_k if top_k is None else top_k
        if not is_int(k) or k < 1:
            raise ZhtextError(f"top_k must be a whole number of at least 1, got {k!r}")
        return k

    def _extract_one(self, text: str, top_k: int) -> list[Keyword]:
        if not text or text.isspace():
            return []
        return self._extract_normalized(self._components()[0].normalize(text), top_k)

    def _extract_normalized(self, nt: NormalizedText, top_k: int) -> list[Keyword]:
        cands = self._candidates(nt)
        if not cands.count:
            return []
        return self._select(nt, cands, self._weigh(cands, self._score(cands)), top_k)

    def _score(self, cands: Candidates) -> dict[str, float]:
        """Each candidate's score before the position bonus."""
        raise NotImplementedError

    def _weigh(self, cands: Candidates, scores: dict[str, float]) -> dict[str, float]:
        """``scores`` with the termhood evidence (POS class, phrase evidence) applied."""
        self._components()
        weights, phrase_weight = self.__dict__["_termhood"]
        if weights is None and phrase_weight == 1.0:
            return scores
        return weigh(scores, cands, weights, phrase_weight)

    def _select(
        self, nt: NormalizedText, cands: Candidates, scores: dict[str, float], top_k: int
    ) -> list[Keyword]:
        """Apply the position bonus, rank, drop redundant candidates, and build records."""
        if _fast is not None:
            ranked = _fast.rank(scores, cands.count, cands.in_first, cands.in_last,
                                self.position_weight, top_k)
            return self._records(nt, ranked)
        return self._records(nt, rank_candidates(scores, cands, self.position_weight, top_k))

    @staticmethod
    def _records(nt: NormalizedText, ranked: list[tuple[str, float]]) -> list[Keyword]:
        out = []
        text = nt.text
        for key, score in ranked:
            pos = text.find(key)
            start, end = nt.span(pos, pos + len(key))
            out.append(Keyword(nt.original[start:end], float(score), start, end, key))
        return out

    # -- persistence ----------------------------------------------------------------------

    def _config(self) -> dict[str, Any]:
        """The settings, JSON-ready, as stored in ``zhtext.json`` (the segmenter as params)."""
        seg = self._components()[1]
        stop = self.stopwords
        if isinstance(stop, Path):
            stop = str(stop)
        elif stop is not None and not isinstance(stop, str):
            stop = sorted(stop)
        return {
            "segmenter": seg.get_params(),
            "stopwords": stop,
            "pos": self.pos if self.pos is None or isinstance(self.pos, str) else sorted(self.pos),
            "phrases": self.phrases,
            "max_words": self.max_words,
            "t2s": self.t2s,
            "position_weight": self.position_weight,
            "quotes": self.quotes,
            "top_k": self.top_k,
            "pos_weights": (self.pos_weights if self.pos_weights is None
                            or isinstance(self.pos_weights, str) else dict(self.pos_weights)),
            "single_phrase_weight": self.single_phrase_weight,
        }

    @classmethod
    def _kwargs_from_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        kw = dict(params)
        kw["segmenter"] = segmenter_from_params(kw.get("segmenter") or {"name": "rjieba"})
        # Models saved before termhood existed rank as they did when they were saved.
        kw.setdefault("pos_weights", "none")
        kw.setdefault("single_phrase_weight", 1.0)
        return kw

    def _save_parts(self, directory: Path) -> dict[str, str]:
        """Write fitted state into ``directory``; return manifest entries naming the files."""
        return {}

    def _load_parts(self, directory: Path, manifest: dict[str, Any]) -> None:
        """Read fitted state written by :meth:`_save_parts`."""

    def save(self, path: str | Path, *, force: bool = False) -> Path:
        """Save settings and fitted state as a zhtext artifact directory.

        The directory appears complete or not at all. An existing one is an error unless
        ``force``.

        Raises:
            NotFittedError: The method needs ``fit`` (supervised, TextRank with word2vec).
            InputError: ``path`` exists and ``force`` is not given.
        """
        from zhtext.artifacts import write_artifact

        self._check_fitted()

        def parts(tmp: Path) -> dict[str, Any]:
            return {"params": json_ready(self._config()), "files": self._save_parts(tmp)}

        return write_artifact(path, task="keywords", method=self.method, build=parts, force=force)

    @classmethod
    def load(cls, path: str | Path, manifest: dict[str, Any] | None = None) -> KeywordExtractor:
        """Read an extractor saved by :meth:`save` (``KeywordExtractor.load`` reads any method).

        Args:
            path: The artifact directory.
            manifest: Its ``zhtext.json`` when already read (default: read from ``path``).

        Raises:
            InputError: Not a keyword artifact, or one of another method than this class.
        """
        from zhtext.artifacts import read_manifest
        from zhtext.keywords.registry import load_extractor

        d = Path(path)
        m = read_manifest(d) if manifest is None else manifest
        if m.get("task") != "keywords":
            raise InputError(f"is a {m.get('task')!r} artifact, not a keyword extractor "
                             "('zhtext keywords fit' and 'zhtext keywords train' make those)",
                             path=str(d))
        obj = load_extractor(d, m)
        if not isinstance(obj, cls):
            raise InputError(f"holds a {type(obj).__name__} (method {m.get('method')!r}), not "
                             f"a {cls.__name__}; load it with zhtext.load", path=str(d))
        return obj


def _text_list(texts: Iterable[str]) -> list[str]:
    if isinstance(texts, str):
        raise ZhtextError("extract() takes a list of texts, got a single string; for one text "
                          "use extract([text])[0]")
    return list(texts)


def rank_candidates(
    scores: dict[str, float], cands: Candidates, position_weight: float, top_k: int
) -> list[tuple[str, float]]:
    """The best ``top_k`` candidates, best first, as ``(key, score)`` (pure-Python version).

    Candidates in the first or last sentence get ``1 + position_weight`` for each; a candidate
    never seen outside a better-ranked chosen phrase that contains it adds nothing ("控制器"
    under "镇定控制器" when it only occurs there) and is skipped; so is a phrase that occurs no
    less often than a chosen part of it (自然语言处理 after 自然语言 when every 自然语言 is
    followed by 处理: the same mention twice), and a candidate that overlaps a chosen one
    (磷酸铁 after 铁锂电池: two pieces of 磷酸铁锂电池). The top k says k different things.
    """
    if position_weight and cands.in_first is not None and cands.in_last is not None:
        scores = dict(scores)
        factor = 1.0 + position_weight
        for key in cands.in_first.intersection(scores):
            scores[key] *= factor
        for key in cands.in_last.intersection(scores):
            scores[key] *= factor
    counts = cands.count
    out: list[tuple[str, float]] = []
    for key in sorted(scores, key=scores.__getitem__, reverse=True):
        count = counts[key]
        if any(redundant(key, count, o, counts[o]) for o, _ in out):
            continue
        out.append((key, scores[key]))
        if len(out) == top_k:
            break
    return out


def redundant(key: str, count: int, other: str, other_count: int) -> bool:
    """Whether ``key`` (seen ``count`` times) adds nothing beside the chosen ``other``.

    It is a part never seen outside ``other``, a phrase that only repeats its chosen part
    ``other``, or it overlaps ``other`` (the rule of :func:`rank_candidates`; the compiled
    ranking has the same test).
    """
    return ((count <= other_count and key in other) or (count >= other_count and other in key)
            or overlap(key, other))


def overlap(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` overlap without one holding the other (磷酸铁 / 铁锂电池).

    Example:
        >>> overlap("磷酸铁", "铁锂电池"), overlap("锂电池", "铁锂电池"), overlap("电池", "回收")
        (True, False, False)
    """
    if a in b or b in a:
        return False
    return any(a.endswith(b[:k]) or b.endswith(a[:k]) for k in range(1, min(len(a), len(b))))
