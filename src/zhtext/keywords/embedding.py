"""KeyBERT-style keywords: candidates ranked by similarity to the document, diversified by MMR."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from zhtext.errors import ZhtextError
from zhtext.keywords.base import KeywordExtractor
from zhtext.keywords.candidates import Candidates
from zhtext.params import is_int, is_number
from zhtext.records import Keyword
from zhtext.text.normalize import NormalizedText
from zhtext.text.segment import Segmenter
from zhtext.text.userdict import DictEntry

__all__ = ["EmbeddingKeywords", "mmr"]


def mmr(
    doc: np.ndarray, cands: np.ndarray, top_k: int, diversity: float = 0.5
) -> list[tuple[int, float]]:
    """Maximal marginal relevance over unit vectors.

    Picks candidates one by one, maximising
    ``(1 - diversity) * sim(c, doc) - diversity * max sim(c, picked)``.

    Returns:
        ``(index, similarity to the document)`` of the picked candidates, in pick order.

    Example:
        >>> d = np.array([1.0, 0.0]); c = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0]])
        >>> [i for i, _ in mmr(d, c, 2, diversity=0.9)]
        [0, 2]
    """
    if not 0.0 <= diversity <= 1.0:
        raise ZhtextError(f"diversity must be a number between 0 and 1, got {diversity}")
    relevance = cands @ doc
    if len(cands) == 0:
        return []
    pairwise = cands @ cands.T
    picked = [int(np.argmax(relevance))]
    remaining = set(range(len(cands))) - set(picked)
    while remaining and len(picked) < top_k:
        rest = np.fromiter(remaining, dtype=np.int64)
        redundancy = pairwise[np.ix_(rest, np.asarray(picked, dtype=np.int64))].max(axis=1)
        value = (1.0 - diversity) * relevance[rest] - diversity * redundancy
        best = int(rest[int(np.argmax(value))])
        picked.append(best)
        remaining.discard(best)
    return [(i, float(relevance[i])) for i in picked]


class EmbeddingKeywords(KeywordExtractor):
    """Keywords whose embedding is closest to the document's, made diverse with MMR.

    The candidates are zhtext's (content words and phrases, Chinese-aware); the encoder is
    any sentence-transformers model, by hub name or local directory
    (``pip install 'zhtext[encoders]'``). Scores are cosine similarities to the document.

    Args:
        model: sentence-transformers model name or directory.
        diversity: MMR trade-off: 0 ranks by relevance only, 1 by novelty only.
        max_candidates: Only the most frequent candidates of a long document are embedded.
        batch_size: Encoder batch size.
        device: ``"cpu"``, ``"cuda"`` or ``None`` (the library picks).
        segmenter, user_dict, stopwords, pos, phrases, max_words, t2s, position_weight,
            quotes, top_k, pos_weights, single_phrase_weight: Shared settings, see
            :class:`~zhtext.keywords.base.KeywordExtractor`.

    Example:
        >>> kw = EmbeddingKeywords(model="path/to/model")  # doctest: +SKIP
    """

    method = "embedding"

    def __init__(
        self,
        *,
        model: str | Path,
        diversity: float = 0.3,
        max_candidates: int = 200,
        batch_size: int = 64,
        device: str | None = "cpu",
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
        self.model = model
        self.diversity = diversity
        self.max_candidates = max_candidates
        self.batch_size = batch_size
        self.device = device

    def _validate(self) -> None:
        super()._validate()
        if not self.model or not isinstance(self.model, (str, Path)):
            raise ZhtextError("EmbeddingKeywords needs a model: a sentence-transformers name "
                              f"or directory, got {self.model!r}")
        if not is_number(self.diversity) or not 0.0 <= self.diversity <= 1.0:
            raise ZhtextError(f"diversity must be a number between 0 and 1, got {self.diversity!r}")
        if not is_int(self.max_candidates) or self.max_candidates < 1:
            raise ZhtextError(f"max_candidates must be a whole number of at least 1, "
                              f"got {self.max_candidates!r}")
        if not is_int(self.batch_size) or self.batch_size < 1:
            raise ZhtextError(f"batch_size must be a whole number of at least 1, "
                              f"got {self.batch_size!r}")

    def _encoder(self) -> Any:
        enc = self.__dict__.get("_enc")
        if enc is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise ZhtextError(
                    "the embedding method needs sentence-transformers: "
                    "pip install 'zhtext[encoders]'"
                ) from None
            from zhtext.neural.training import quiet_transformers

            try:
                with quiet_transformers(loading=True):  # no load report of transformers' own
                    enc = SentenceTransformer(str(self.model), device=self.device,
                                              trust_remote_code=False)
            except Exception as e:  # the library raises many kinds for a missing model
                raise ZhtextError(
                    f"cannot load sentence-transformers model {str(self.model)!r}: {e}. Give a "
                    "local directory, or a hub name on a machine with access to the hub"
                ) from None
            self.__dict__["_enc"] = enc
        return enc

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_enc", None)
        return state

    def _reset(self) -> None:
        super()._reset()
        self.__dict__.pop("_enc", None)

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = self._encoder().encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                     normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)

    def _extract_normalized(self, nt: NormalizedText, top_k: int) -> list[Keyword]:
        cands = self._candidates(nt)
        if not cands.count:
            return []
        keys = sorted(cands.count, key=cands.count.__getitem__, reverse=True)
        keys = keys[: self.max_candidates]
        vectors = self._encode([nt.text, *keys])
        picked = mmr(vectors[0], vectors[1:], 2 * top_k, self.diversity)
        # The MMR pick order is the ranking (not the raw similarity).
        chosen: list[tuple[str, float]] = []
        for i, sim in picked:
            key = keys[i]
            count = cands.count[key]
            if any(count <= cands.count[o] and key in o for o, _ in chosen):
                continue
            chosen.append((key, sim))
            if len(chosen) == top_k:
                break
        return self._records(nt, chosen)

    def _score(self, cands: Candidates) -> dict[str, float]:  # pragma: no cover
        # _extract_normalized ranks by MMR directly.
        raise NotImplementedError

    def _config(self) -> dict[str, Any]:
        return {**super()._config(), "model": str(self.model), "diversity": self.diversity,
                "max_candidates": self.max_candidates, "batch_size": self.batch_size,
                "device": self.device}
