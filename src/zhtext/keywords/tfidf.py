"""TF-IDF keywords over words and phrases."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from zhtext.errors import ZhtextError
from zhtext.keywords.accel import fast as _fast
from zhtext.keywords.base import LENGTH_WEIGHTS, KeywordExtractor
from zhtext.keywords.candidates import QUOTE_MARKS, Candidates
from zhtext.keywords.idf import IdfTable, builtin_idf
from zhtext.params import is_number
from zhtext.records import Keyword
from zhtext.text.normalize import NormalizedText
from zhtext.text.segment import Segmenter
from zhtext.text.stopwords import corpus_stopwords
from zhtext.text.userdict import DictEntry

__all__ = ["TfidfKeywords"]

logger = logging.getLogger(__name__)

IdfSource = Literal["builtin", "fitted", "mixed"]


class TfidfKeywords(KeywordExtractor):
    """TF-IDF keywords, with multi-word phrases scored as units (the default method).

    A candidate's score is its count in the document times its IDF (for a phrase, the sum of
    its words' IDF, weighted down with length), times a bonus for appearing in the first or
    last sentence and for being quoted. Without ``fit`` the built-in table is used (jieba's
    MIT-licensed ``idf.txt``); ``fit`` learns IDF from your own corpus.

    Args:
        idf: After ``fit``: ``"mixed"`` (default) uses the corpus IDF for words the corpus has
            and the built-in table, rescaled, for the rest; ``"fitted"`` uses only the corpus.
        max_df: During ``fit``, words in more than this share of documents become stop words
            (only for corpora of 20 documents or more). ``1.0`` turns this off.
        quote_boost: Multiplier for quoted terms.
        segmenter, user_dict, stopwords, pos, phrases, max_words, t2s, position_weight,
            quotes, top_k, pos_weights, single_phrase_weight: Shared settings, see
            :class:`~zhtext.keywords.base.KeywordExtractor`.

    Example:
        >>> kw = TfidfKeywords().extract(["自然语言处理是人工智能的重要方向。"], top_k=2)[0]
        >>> [k.text for k in kw]
        ['自然语言处理', '人工智能']
    """

    method = "tfidf"

    def __init__(
        self,
        *,
        idf: IdfSource = "mixed",
        max_df: float = 0.5,
        quote_boost: float = 1.5,
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
        self.idf = idf
        self.max_df = max_df
        self.quote_boost = quote_boost

    def _validate(self) -> None:
        super()._validate()
        if self.idf not in ("builtin", "fitted", "mixed"):
            raise ZhtextError(f"idf must be 'builtin', 'fitted' or 'mixed', got {self.idf!r}")
        if not is_number(self.max_df) or not 0.0 < self.max_df <= 1.0:
            raise ZhtextError(f"max_df must be a number in (0, 1], got {self.max_df!r}")
        if not is_number(self.quote_boost) or self.quote_boost < 0:
            raise ZhtextError(f"quote_boost must be a number, 0 or more, got {self.quote_boost!r}")

    def _extra_stopwords(self) -> Iterable[str]:
        return getattr(self, "corpus_stopwords_", ())

    def _table(self) -> IdfTable:
        fitted: IdfTable | None = getattr(self, "idf_", None)
        if fitted is None or self.idf == "builtin":
            return builtin_idf()
        if self.idf == "fitted":
            return fitted
        mixed = self.__dict__.get("_mixed")
        if mixed is None:
            mixed = fitted.with_fallback(builtin_idf())
            self.__dict__["_mixed"] = mixed
        return mixed

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_mixed", None)
        return state

    def _reset(self) -> None:
        super()._reset()
        self.__dict__.pop("_mixed", None)

    def fit(self, texts: Iterable[str], y: Any = None) -> TfidfKeywords:
        """Learn IDF (and corpus stop words) from a corpus, one string per document.

        ``y`` is ignored (it is there for scikit-learn's ``Pipeline`` and grid search).

        Raises:
            ZhtextError: The corpus has no documents or no words.
        """
        self._reset()
        self.corpus_stopwords_: frozenset[str] = frozenset()
        norm, seg, _ = self._components()

        def docs() -> Iterable[set[str]]:
            for text in texts:
                if text and not text.isspace():
                    yield {w for w in seg.cut(norm.normalize(text).text)
                           if not w.isspace() and any(ch.isalnum() for ch in w)}

        self.idf_, df, n = IdfTable.fit(docs())
        if self.max_df < 1.0:
            self.corpus_stopwords_ = corpus_stopwords(df, n, max_df=self.max_df)
        self.n_docs_ = n
        self._reset()
        logger.info("fitted IDF on %d documents, %d words", n, len(self.idf_))
        if n < 100:
            logger.warning(
                "IDF fitted on only %d document(s): document frequencies from so few documents "
                "are unreliable; fit on a larger corpus, or use the built-in table", n)
        return self

    def _extract_normalized(self, nt: NormalizedText, top_k: int) -> list[Keyword]:
        _, seg, cands = self._components()
        if (_fast is None or self._uses_tags()
                or (cands.quotes and any(q in nt.text for q in QUOTE_MARKS))):
            # Without the compiled module, with POS tags, or with quoted terms: step by step.
            return super()._extract_normalized(nt, top_k)
        # Everything else: one fused compiled pass from tokens to the ranked top k.
        ranked = _fast.tfidf_top(seg.cut(nt.text), cands.memo(), cands._kind, False,
                                 cands.max_words,
                                 self._table().idf, LENGTH_WEIGHTS, self.position_weight,
                                 top_k)
        return self._records(nt, ranked)

    def _score(self, cands: Candidates) -> dict[str, float]:
        table = self._table()
        scores = cands.values(table.lookup(), LENGTH_WEIGHTS, times_count=True)
        for term in cands.quoted:
            if term not in table.idf:  # a quoted phrase: the IDF of the words inside it
                scores[term] = cands.count[term] * sum(table[w] for w in self._subwords(term))
            scores[term] *= self.quote_boost
        return scores

    def _subwords(self, term: str) -> list[str]:
        return [w for w in self._components()[1].cut(term) if not w.isspace()]

    def _save_parts(self, directory: Path) -> dict[str, str]:
        fitted: IdfTable | None = getattr(self, "idf_", None)
        if fitted is None:
            return {}
        data = fitted.to_json()
        data["n_docs"] = self.n_docs_
        data["corpus_stopwords"] = sorted(self.corpus_stopwords_)
        (directory / "idf.json").write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        return {"idf": "idf.json"}

    def _load_parts(self, directory: Path, manifest: dict[str, Any]) -> None:
        name = manifest.get("files", {}).get("idf")
        if not name:
            return
        data = json.loads((directory / name).read_text(encoding="utf-8"))
        self.idf_ = IdfTable.from_json(data)
        self.n_docs_ = int(data.get("n_docs", 0))
        self.corpus_stopwords_ = frozenset(data.get("corpus_stopwords", []))

    def _config(self) -> dict[str, Any]:
        return {**super()._config(), "idf": self.idf, "max_df": self.max_df,
                "quote_boost": self.quote_boost}

