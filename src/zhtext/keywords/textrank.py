"""TextRank keywords, optionally on a graph weighted by word-embedding similarity."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from zhtext.errors import NotFittedError, ZhtextError
from zhtext.keywords.accel import fast as _fast
from zhtext.keywords.base import LENGTH_WEIGHTS, KeywordExtractor
from zhtext.keywords.candidates import Candidates, WordValues
from zhtext.keywords.vectors import WordVectors
from zhtext.params import is_int, is_number
from zhtext.text.segment import Segmenter
from zhtext.text.userdict import DictEntry

__all__ = ["TextRankKeywords", "pagerank"]

logger = logging.getLogger(__name__)


def pagerank(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
    *,
    damping: float = 0.85,
    max_iter: int = 100,
    tol: float = 1e-4,
) -> np.ndarray:
    """Weighted PageRank by power iteration over an edge list (both directions given).

    Scores follow TextRank's form ``s = (1 - d) + d * sum_j w_ji / out_j * s_j``; iteration
    stops when no score moves by more than ``tol`` or after ``max_iter`` rounds.

    Example:
        >>> s = pagerank(3, np.array([0, 1, 1, 2]), np.array([1, 0, 2, 1]), np.ones(4))
        >>> bool(s[1] > s[0])
        True
    """
    if n == 0 or len(src) == 0:
        return np.ones(n)
    if n <= 2000:
        w = np.bincount(src * n + dst, weights=weight, minlength=n * n).reshape(n, n)
        return pagerank_dense(w, damping=damping, max_iter=max_iter, tol=tol)
    scores = np.ones(n)
    out = np.bincount(src, weights=weight, minlength=n)
    norm = np.divide(weight, out[src], out=np.zeros_like(weight), where=out[src] > 0)
    for _ in range(max_iter):
        new = (1.0 - damping) + damping * np.bincount(dst, weights=norm * scores[src],
                                                      minlength=n).astype(np.float64)
        delta = np.abs(new - scores).max()
        scores = new
        if delta < tol:
            break
    return scores


def pagerank_dense(
    w: np.ndarray, *, damping: float = 0.85, max_iter: int = 100, tol: float = 1e-4
) -> np.ndarray:
    """PageRank of a small graph given as a dense weight matrix ``w[i, j]`` (edge i -> j).

    A document's word graph has tens to hundreds of nodes: one dense mat-vec per round is far
    cheaper there than the fixed cost of several sparse numpy calls.
    """
    n = w.shape[0]
    out = w.sum(axis=1)
    out[out == 0] = 1.0
    m = (w / out[:, None]).T * damping  # m[j, i] = d * w_ij / out_i
    base = 1.0 - damping
    scores = np.ones(n)
    done = 0
    while done < max_iter:
        prev = scores
        for _ in range(4):  # test convergence every few rounds: the test costs as much
            scores = m @ scores
            scores += base
        done += 4
        if np.abs(scores - prev).max() < tol:
            break
    return scores


class TextRankKeywords(KeywordExtractor):
    """TextRank over content words co-occurring within a window; phrases score as units.

    Words are nodes; two content words within ``window`` tokens of each other are joined by an
    edge weighted by how often they co-occur. With ``embeddings``, each edge weight is further
    multiplied by ``(1 + cos) / 2`` of the two words' vectors, so semantically close words
    reinforce each other (TextRank with embeddings). A phrase scores the sum of its words'
    ranks, weighted down with length.

    Args:
        window: Co-occurrence window in tokens (jieba uses 5).
        damping: PageRank damping factor.
        max_iter: Most power-iteration rounds.
        tol: Convergence threshold on the largest score change.
        embeddings: ``None``; ``"word2vec"`` to train word vectors on the corpus given to
            ``fit`` (gensim); or a sentence-transformers model name or directory whose
            embeddings of the words are used.
        vector_size: Dimensions of word2vec vectors.
        segmenter, user_dict, stopwords, pos, phrases, max_words, t2s, position_weight,
            quotes, top_k, pos_weights, single_phrase_weight: Shared settings, see
            :class:`~zhtext.keywords.base.KeywordExtractor`.

    Example:
        >>> kw = TextRankKeywords().extract(["深度学习推动了自然语言处理的发展。"], top_k=1)[0]
        >>> kw[0].text
        '深度学习'
    """

    method = "textrank"

    def __init__(
        self,
        *,
        window: int = 5,
        damping: float = 0.85,
        max_iter: int = 100,
        tol: float = 1e-4,
        embeddings: str | None = None,
        vector_size: int = 100,
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
        self.window = window
        self.damping = damping
        self.max_iter = max_iter
        self.tol = tol
        self.embeddings = embeddings
        self.vector_size = vector_size

    def _validate(self) -> None:
        super()._validate()
        if not is_int(self.window) or self.window < 2:
            raise ZhtextError(f"window must be a whole number of at least 2, got {self.window!r}")
        if not is_number(self.damping) or not 0.0 < self.damping < 1.0:
            raise ZhtextError(f"damping must be a number between 0 and 1, got {self.damping!r}")
        if not is_int(self.max_iter) or self.max_iter < 1:
            raise ZhtextError(f"max_iter must be a whole number of at least 1, "
                              f"got {self.max_iter!r}")
        if not is_int(self.vector_size) or self.vector_size < 1:
            raise ZhtextError(f"vector_size must be a whole number of at least 1, "
                              f"got {self.vector_size!r}")

    def _needs_fit(self) -> bool:
        return self.embeddings == "word2vec"  # vectors trained on the corpus given to fit

    def _is_fitted(self) -> bool:
        return not self._needs_fit() or getattr(self, "vectors_", None) is not None

    def fit(self, texts: Iterable[str], y: Any = None) -> TextRankKeywords:
        """Train word vectors on a corpus (only with ``embeddings="word2vec"``).

        ``y`` is ignored (it is there for scikit-learn's ``Pipeline`` and grid search).
        """
        self._validate()
        if self.embeddings != "word2vec":
            return self
        norm, seg, _ = self._components()

        def sentences() -> Iterable[list[str]]:
            for text in texts:
                if text and not text.isspace():
                    yield [w for w in seg.cut(norm.normalize(text).text) if not w.isspace()]

        self.vectors_ = WordVectors.train(sentences(), vector_size=self.vector_size)
        return self

    def _vectors(self) -> WordVectors | None:
        if self.embeddings is None:
            return None
        if self.embeddings == "word2vec":
            vec: WordVectors | None = getattr(self, "vectors_", None)
            if vec is None:
                raise NotFittedError(self)
            return vec
        enc = self.__dict__.get("_encoder")
        if enc is None:
            enc = WordVectors.from_encoder(self.embeddings)
            self.__dict__["_encoder"] = enc
        return enc

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_encoder", None)
        return state

    def _reset(self) -> None:
        super()._reset()
        self.__dict__.pop("_encoder", None)

    def word_ranks(self, cands: Candidates) -> dict[str, float]:
        """The TextRank score of every content word of a document."""
        words, kinds = cands.words, cands.kinds
        if self.embeddings is None and _fast is not None:
            ranks: dict[str, float] = _fast.textrank(words, kinds, self.window, self.damping,
                                                     self.max_iter, self.tol)
            return ranks
        return self._word_ranks_numpy(cands)

    def _word_ranks_numpy(self, cands: Candidates) -> dict[str, float]:
        """``word_ranks`` in numpy (used with embeddings, and without the compiled module)."""
        words, kinds = cands.words, cands.kinds
        vocab = {w: i for i, w in enumerate(dict.fromkeys(
            [w for w, k in zip(words, kinds) if k == "1"]))}
        n = len(vocab)
        if n == 0:
            return {}
        get = vocab.get
        ids = np.array([get(w, -1) if k == "1" else -1 for w, k in zip(words, kinds)],
                       dtype=np.int64)
        srcs, dsts = [], []
        for d in range(1, self.window):
            a, b = ids[:-d], ids[d:]
            keep = (a >= 0) & (b >= 0) & (a != b)
            srcs.append(a[keep])
            dsts.append(b[keep])
        # Undirected: each co-occurrence adds weight 1 both ways (duplicates add up).
        s = np.concatenate(srcs + dsts)
        t = np.concatenate(dsts + srcs)
        vectors = self._vectors()
        if len(s) == 0:  # no two content words near each other: all equal
            return dict.fromkeys(vocab, 1.0)
        opts = {"damping": self.damping, "max_iter": self.max_iter, "tol": self.tol}
        if n <= 2000:
            w = np.bincount(s * n + t, minlength=n * n).reshape(n, n).astype(np.float64)
            if vectors is not None:
                mat = vectors.matrix(list(vocab))  # unit rows, zeros for unknown words
                w *= (1.0 + mat @ mat.T) / 2.0
            ranks = pagerank_dense(w, **opts)  # type: ignore[arg-type]
        else:
            weight = np.ones(len(s))
            if vectors is not None and len(s):
                mat = vectors.matrix(list(vocab))
                weight *= (1.0 + np.einsum("ij,ij->i", mat[s], mat[t])) / 2.0
            ranks = pagerank(n, s, t, weight, **opts)  # type: ignore[arg-type]
        return dict(zip(vocab, ranks.tolist()))

    def _score(self, cands: Candidates) -> dict[str, float]:
        rank = self.word_ranks(cands)
        values = cands.values(WordValues(rank, 0.0), LENGTH_WEIGHTS)
        for term in cands.quoted:
            if term not in rank:  # a quoted phrase: the ranks of the words inside it
                values[term] = sum(rank.get(w, 0.0) for w in self._subwords(term))
        return values

    def _subwords(self, term: str) -> list[str]:
        return [w for w in self._components()[1].cut(term) if not w.isspace()]

    def _config(self) -> dict[str, Any]:
        return {**super()._config(), "window": self.window, "damping": self.damping,
                "max_iter": self.max_iter, "tol": self.tol, "embeddings": self.embeddings,
                "vector_size": self.vector_size}

    def _save_parts(self, directory: Path) -> dict[str, str]:
        vec: WordVectors | None = getattr(self, "vectors_", None)
        if vec is None:
            return {}
        vec.save(directory / "vectors.npy", directory / "vocab.json")
        return {"vectors": "vectors.npy", "vocab": "vocab.json"}

    def _load_parts(self, directory: Path, manifest: dict[str, Any]) -> None:
        files = manifest.get("files", {})
        if files.get("vectors"):
            self.vectors_ = WordVectors.load(directory / files["vectors"],
                                             directory / files["vocab"])


