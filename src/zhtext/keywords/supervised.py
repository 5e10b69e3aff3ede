"""Supervised keywords: a tagger trained on documents with gold keywords.

Training marks every occurrence of a document's gold keywords in its text (longest first, no
overlaps) as a ``KW`` span and trains an NER-style tagger (:class:`~zhtext.tag.tagger.Tagger`,
CRF by default) on them. Extraction tags the document; each predicted keyword is scored by the
tagger's confidence (mean marginal probability of its characters' tags) plus a bonus for each
further occurrence. When the tagger finds fewer than ``top_k``, TF-IDF candidates fill the
rest, ranked below every tagged keyword (``fill=False`` turns that off).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from zhtext.errors import ZhtextError
from zhtext.keywords.base import KeywordExtractor, _text_list, redundant
from zhtext.records import Keyword
from zhtext.text.normalize import NormalizedText, Normalizer
from zhtext.text.segment import Segmenter
from zhtext.text.userdict import DictEntry

__all__ = ["SupervisedKeywords", "keyword_spans"]

logger = logging.getLogger(__name__)

TAGGER_DIR = "tagger"
RANKER_FILE = "ranker.json"
KEYPHRASES_FILE = "keyphrases.json"
LABEL = "KW"


def keyword_spans(text: str, keywords: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every occurrence of the keywords in ``text``, longest keywords first, without overlaps.

    Example:
        >>> keyword_spans("深度学习与学习率", ["学习", "深度学习"])
        [(0, 4, 'KW'), (5, 7, 'KW')]
    """
    taken = [False] * len(text)
    spans: list[tuple[int, int, str]] = []
    for kw in sorted({k.strip() for k in keywords if k.strip()}, key=len, reverse=True):
        start = text.find(kw)
        while start >= 0:
            end = start + len(kw)
            if not any(taken[start:end]):
                spans.append((start, end, LABEL))
                for i in range(start, end):
                    taken[i] = True
            start = text.find(kw, start + 1)
    return sorted(spans)


def keyphrase_stats(texts: Sequence[str], gold: Sequence[set[str]]) -> dict[str, list[int]]:
    """Per gold keyword: ``[documents where it is a keyword, documents containing it]``.

    KEA's keyphrase frequency, from the training documents.
    """
    as_keyword: dict[str, int] = {}
    for g in gold:
        for k in g:
            as_keyword[k] = as_keyword.get(k, 0) + 1
    return {k: [n, sum(1 for t in texts if k in t)] for k, n in as_keyword.items()
            if len(k) > 1}


def _keyphraseness(stat: list[int] | None) -> list[float]:
    if not stat:
        return [0.0, 0.0]
    return [stat[0] / (stat[1] + 1.0), math.log1p(stat[0])]


_LOG_COUNT = 5  # the feature row's log count of the candidate's occurrences


class SupervisedKeywords(KeywordExtractor):
    """Keywords from a tagger trained on gold keywords (see the module doc).

    Args:
        method_settings: Settings of the tagger's method (``crf`` by default).
        tagger_method: ``crf`` or ``bert``.
        fill: Also score TF-IDF's top ``candidates`` with the tagger (besides the spans it
            tags itself).
        repeat_bonus: Score added per further occurrence (log-scaled).
        tfidf_weight: Weight of the candidate's TF-IDF score (relative to the document's best).
        candidates: TF-IDF candidates scored per document.
        segmenter, user_dict, stopwords, pos, phrases, max_words, t2s, position_weight,
            quotes, top_k, pos_weights, single_phrase_weight: The shared settings (see
            :class:`~zhtext.keywords.base.KeywordExtractor`), used by the TF-IDF candidates.
    """

    method: ClassVar[str] = "supervised"
    _requires_fit = True
    _requires_y = True

    def __init__(
        self,
        *,
        tagger_method: str = "crf",
        method_settings: Mapping[str, Any] | None = None,
        fill: bool = True,
        repeat_bonus: float = 0.1,
        tfidf_weight: float = 0.3,
        candidates: int = 20,
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
        super().__init__(segmenter=segmenter, user_dict=user_dict, stopwords=stopwords, pos=pos,
                         phrases=phrases, max_words=max_words, t2s=t2s,
                         position_weight=position_weight, quotes=quotes, top_k=top_k,
                         pos_weights=pos_weights, single_phrase_weight=single_phrase_weight)
        self.tagger_method = tagger_method
        self.method_settings = method_settings
        self.fill = fill
        self.repeat_bonus = repeat_bonus
        self.tfidf_weight = tfidf_weight
        self.candidates = candidates

    def _is_fitted(self) -> bool:
        return getattr(self, "tagger_", None) is not None

    def _validate(self) -> None:
        super()._validate()
        self._tagger().settings  # noqa: B018  (the tagger's settings: names, types, ranges)

    def _tagger(self) -> Any:
        from zhtext.tag.tagger import Tagger

        return Tagger("ner", self.tagger_method, settings=dict(self.method_settings or {}))

    def fit(self, texts: Iterable[str], keywords: Iterable[Iterable[str]] | None = None,
            *, dev: Sequence[tuple[str, Sequence[str]]] | None = None) -> SupervisedKeywords:
        """Train the tagger on documents and their gold keywords.

        Raises:
            ZhtextError: No keywords were given, or none occurs in the texts.
        """
        if keywords is None:
            raise ZhtextError("supervised keywords need gold keywords to train on: "
                              "fit(texts, keywords), or 'zhtext keywords train --train GOLD'")
        from zhtext.records import Sentence

        self._validate()
        norm = Normalizer()
        sentences = []
        gold: list[set[str]] = []
        found = total = 0
        for i, (text, kws) in enumerate(zip(texts, keywords, strict=True)):
            nt = norm.normalize(text).text
            kw = [norm.normalize(k).text for k in kws]
            spans = keyword_spans(nt, kw)
            found += len({nt[a:b] for a, b, _ in spans})
            total += len(set(kw))
            if nt.strip():
                sentences.append(Sentence(nt, spans, f"document {i + 1}"))
                gold.append(set(kw))
        if not found:
            raise ZhtextError("none of the gold keywords occurs in its document's text; "
                              "supervised keywords learn from keywords that appear in the text")
        logger.info("%d documents; %d of %d gold keywords occur in their text", len(sentences),
                    found, total)
        from zhtext.report.progress import progress

        self.ranker_: dict[str, Any] | None = None
        stages = 3 if len(sentences) >= 20 else 1
        with progress("keywords: training") as bar:
            if stages == 3:
                self._fit_ranker(sentences, gold, bar)
            self.keyphrases_: dict[str, list[int]] = keyphrase_stats(
                [s.text for s in sentences], gold)
            self.tagger_: Any = self._fit_tagger(sentences, bar, stages, stages, "final tagger")
        self.n_docs_ = len(sentences)
        return self

    def _fit_tagger(self, sentences: Sequence[Any], bar: Any, stage: int, stages: int,
                    what: str) -> Any:
        """A tagger trained on ``sentences``, its progress shown as stage ``stage``.

        On a terminal the bar follows the tagger's iterations (CRF) or steps (bert); the log
        gets one INFO line per stage.
        """
        import time

        from zhtext.report.numbers import shown

        label = f"keywords: {what} ({stage}/{stages})"
        bar.restart(label)
        logger.info("training the %s (%d of %d) on %s documents", what, stage, stages,
                    shown(len(sentences)))
        t0 = time.perf_counter()
        tagger = self._tagger()
        advance = (lambda done, total: bar.update(done, total=total)) if bar.shown else None
        if self.tagger_method == "crf":
            tagger.fit(sentences, progress=advance)
        else:  # a checkpointed method: its checkpoints go to a scratch directory
            import tempfile

            with tempfile.TemporaryDirectory(prefix="zhtext-keywords-") as work:
                tagger.fit(sentences, progress=advance, work_dir=work)
        logger.info("trained the %s in %s s", what, shown(time.perf_counter() - t0, "seconds"))
        return tagger

    def _fill(self) -> KeywordExtractor:
        fill = self.__dict__.get("_fill_extractor")
        if fill is None:
            from zhtext.keywords.tfidf import TfidfKeywords

            shared = set(KeywordExtractor._get_param_names()) - {"segmenter", "user_dict"}
            fill = TfidfKeywords(segmenter=self._components()[1],
                                 **{k: getattr(self, k) for k in shared})
            self.__dict__["_fill_extractor"] = fill
        return fill

    def _reset(self) -> None:
        super()._reset()
        self.__dict__.pop("_fill_extractor", None)

    def extract(self, texts: Iterable[str], top_k: int | None = None) -> list[list[Keyword]]:
        """The keywords of each text, best first (one tagger batch for all texts)."""
        docs = _text_list(texts)
        top_k = self._top_k(top_k)
        norm = self._components()[0]
        nts = [norm.normalize(t) for t in docs]
        marginals = self.tagger_.char_marginals([nt.text for nt in nts])
        return [self._rank(nt, tags, probs, top_k) if nt.text.strip() else []
                for nt, (tags, probs) in zip(nts, marginals, strict=True)]

    @staticmethod
    def _keyness(probs: Any, labels: Sequence[str]) -> Any:
        """Per character: log P(B|S), log P(I|M), log P(E|S), log P(S) from the marginals."""
        import numpy as np

        from zhtext.schemes import split_tag

        prefix = [split_tag(t)[0] for t in labels]

        def col(*ps: str) -> Any:
            idx = [i for i, p in enumerate(prefix) if p in ps]
            return np.log(np.clip(probs[:, idx].sum(axis=1), 1e-9, 1.0))

        return col("B"), col("I", "M"), col("E"), col("S")

    def _features(self, nt: NormalizedText, tags: list[str], probs: Any,
                  labels: Sequence[str], keyphrases: dict[str, list[int]] | None = None
                  ) -> tuple[list[str], list[list[float]]]:
        """The candidates of one document and their ranking features.

        Candidates: the tagger's own spans and every TF-IDF candidate (content words and
        phrases of up to ``max_words`` words). Features: the tagger's confidence in the
        candidate as one span (geometric mean of its characters' boundary marginals, best
        occurrence), whether the tagger tagged it, TF-IDF (relative to the document's best,
        and as a reciprocal rank), count, first position, first / last sentence, length; and
        the unsupervised default's view of it (its score after the termhood evidence, its
        reciprocal rank, whether it is in its top 5), so the ranker starts from the default.
        """
        from zhtext.schemes import to_spans

        text = nt.text
        n = max(len(text), 1)
        begin, inside, end, single = self._keyness(probs, labels)
        tagged = {text[a:b].strip() for a, b, _ in to_spans(tags)}
        fill = self._fill()
        cands = fill._candidates(nt)
        tfidf = fill._score(cands) if cands.count else {}
        top = max(tfidf.values(), default=1.0) or 1.0
        # the unsupervised default's view: scores after the termhood evidence, and its ranking
        weighed = fill._weigh(cands, tfidf) if tfidf else {}
        wtop = max(weighed.values(), default=1.0) or 1.0
        chosen = {k.norm: i for i, k in enumerate(fill._select(nt, cands, weighed, 10))}
        rank = {k: i for i, (k, _) in enumerate(sorted(tfidf.items(), key=lambda kv: -kv[1]))}
        first = cands.in_first or set()
        last = cands.in_last or set()
        keys: list[str] = []
        rows: list[list[float]] = []
        stats = getattr(self, "keyphrases_", {}) if keyphrases is None else keyphrases
        known = {k for k in stats if k in text}
        for key in sorted(tagged | set(tfidf) | known):
            if len(key) < 2 and not key.isascii():
                continue
            best = -30.0
            count = 0
            first_at = -1
            start = text.find(key)
            while start >= 0:
                stop = start + len(key)
                count += 1
                if first_at < 0:
                    first_at = start
                if stop - start == 1:
                    lp = float(single[start])
                else:
                    lp = (float(begin[start]) + float(inside[start + 1:stop - 1].sum())
                          + float(end[stop - 1])) / (stop - start)
                best = max(best, lp)
                start = text.find(key, start + 1)
            if count == 0:
                continue
            keys.append(key)
            tf = tfidf.get(key, 0.0)
            # math.log(count) is row[_LOG_COUNT]
            rows.append([math.exp(best), best / 10.0, float(key in tagged),
                         tf / top, 1.0 / (rank.get(key, 99) + 1),
                         math.log(count), first_at / n, float(key in first),
                         float(key in last), min(len(key), 12) / 12.0,
                         float(key.isascii()), tf / count / 10.0,
                         float(len(key) == 2), float(len(key) >= 6),
                         best / 10.0 * tf / top, *_keyphraseness(stats.get(key))])
        # how often each candidate is part of a longer one (heads of term families)
        inside = [sum(1 for other in keys if key != other and key in other) for key in keys]
        around = [sum(1 for other in keys if key != other and other in key) for key in keys]
        for row, a, b, key in zip(rows, inside, around, keys, strict=True):
            row.extend([math.log1p(a), math.log1p(b)])
            # appended last: rankers saved before these features read the rows' prefix
            at = chosen.get(key)
            row.extend([weighed.get(key, 0.0) / wtop, 0.0 if at is None else 1.0 / (at + 1),
                        float(at is not None and at < 5)])
        return keys, rows

    def _rank(self, nt: NormalizedText, tags: list[str], probs: Any,
              top_k: int) -> list[Keyword]:
        keys, rows = self._features(nt, tags, probs, self.tagger_.labels_, self.keyphrases_)
        if not keys:
            return []
        scores = self._score_rows(rows)
        ranked = sorted(zip(keys, scores, strict=True), key=lambda kv: (-kv[1], kv[0]))
        count = {key: round(math.exp(row[_LOG_COUNT]))
                 for key, row in zip(keys, rows, strict=True)}
        out: list[tuple[str, float]] = []
        for key, score in ranked:
            # the unsupervised methods' near-duplicate rule
            if any(redundant(key, count[key], k, count[k]) for k, _ in out):
                continue
            out.append((key, score))
            if len(out) == top_k:
                break
        return self._records(nt, [(key, self._probability(score)) for key, score in out])

    def _probability(self, score: float) -> float:
        """A ranking score as the probability shown to users.

        Ranking uses the raw score, so two keywords whose probabilities both round to 1.0
        keep their order. With a ranker: the logistic function of its log-odds. Without
        one: the tagger's confidence plus 0.3 x relative TF-IDF, divided by its maximum 1.3.
        """
        if getattr(self, "ranker_", None) is None:
            return min(max(score / 1.3, 0.0), 1.0)
        if score >= 0:
            return 1.0 / (1.0 + math.exp(-score))
        e = math.exp(score)
        return e / (1.0 + e)

    def _score_rows(self, rows: list[list[float]]) -> list[float]:
        """Ranking scores: the ranker's log-odds (or, untrained, confidence + TF-IDF)."""
        import numpy as np

        x = np.asarray(rows, dtype=float)
        ranker = getattr(self, "ranker_", None)
        if ranker is None:  # untrained ranker: the tagger's confidence plus TF-IDF
            return (x[:, 0] + 0.3 * x[:, 3]).tolist()  # type: ignore[no-any-return]
        w = np.asarray(ranker["coef"], dtype=float)
        x = x[:, : len(w)]  # a ranker saved before the last features were added
        z = (x - np.asarray(ranker["mean"])) / np.asarray(ranker["scale"])
        return (z @ w + float(ranker["intercept"])).tolist()  # type: ignore[no-any-return]

    def _fit_ranker(self, sentences: Sequence[Any], gold: Sequence[set[str]],
                    bar: Any) -> None:
        """Fit the candidate ranker, cross-fitted.

        Each half's features come from a tagger (and keyword statistics) of the other half, so
        the ranker learns how far to trust them on unseen text.
        """
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        norm = self._components()[0]
        half = len(sentences) // 2
        folds = [(range(0, half), range(half, len(sentences))),
                 (range(half, len(sentences)), range(0, half))]
        xs: list[list[float]] = []
        ys: list[int] = []
        for fold, (train_idx, eval_idx) in enumerate(folds, 1):
            t = self._fit_tagger([sentences[i] for i in train_idx], bar, fold, 3,
                                 f"tagger for the ranker, half {fold}")
            bar.status("ranking features")
            stats = keyphrase_stats([sentences[i].text for i in train_idx],
                                    [gold[i] for i in train_idx])
            texts = [sentences[i].text for i in eval_idx]
            for i, (tags, probs) in zip(eval_idx, t.char_marginals(texts), strict=True):
                keys, rows = self._features(norm.normalize(sentences[i].text), tags, probs,
                                            t.labels_, stats)
                xs.extend(rows)
                ys.extend(int(k in gold[i]) for k in keys)
        x = np.asarray(xs)
        scaler = StandardScaler().fit(x)
        lr = LogisticRegression(C=1.0, max_iter=1000).fit(scaler.transform(x), ys)
        self.ranker_ = {"coef": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0]),
                        "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist()}
        logger.info("keyword ranker: %d candidates, %d keywords", len(ys), sum(ys))

    def _config(self) -> dict[str, Any]:
        return {**super()._config(), "tagger_method": self.tagger_method,
                "method_settings": dict(self.method_settings or {}), "fill": self.fill,
                "repeat_bonus": self.repeat_bonus, "tfidf_weight": self.tfidf_weight,
                "candidates": self.candidates}

    def _save_parts(self, directory: Path) -> dict[str, str]:
        self._check_fitted()
        self.tagger_.save(directory / TAGGER_DIR)
        if self.ranker_ is not None:
            (directory / RANKER_FILE).write_text(json.dumps(self.ranker_, indent=2) + "\n",
                                                 encoding="utf-8")
        (directory / KEYPHRASES_FILE).write_text(
            json.dumps(self.keyphrases_, ensure_ascii=False) + "\n", encoding="utf-8")
        return {"tagger": TAGGER_DIR, "keyphrases": KEYPHRASES_FILE,
                **({"ranker": RANKER_FILE} if self.ranker_ else {})}

    def _load_parts(self, directory: Path, manifest: dict[str, Any]) -> None:
        from zhtext.tag.tagger import Tagger

        sub = (manifest.get("files") or {}).get("tagger", TAGGER_DIR)
        self.tagger_ = Tagger.load(directory / sub)
        self.keyphrases_ = {}
        self.ranker_ = None
        kp = (manifest.get("files") or {}).get("keyphrases")
        if kp:
            self.keyphrases_ = json.loads((directory / kp).read_text(encoding="utf-8"))
        ranker = (manifest.get("files") or {}).get("ranker")
        if ranker:
            self.ranker_ = json.loads((directory / ranker).read_text(encoding="utf-8"))
