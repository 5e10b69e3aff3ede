"""Word vectors for TextRank with embeddings: trained with gensim, or from an encoder."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from zhtext.errors import InputError, ZhtextError

__all__ = ["WordVectors"]


class WordVectors:
    """Unit-length word vectors looked up by word; unknown words get zero vectors.

    Stored as ``vectors.npy`` (loaded with ``allow_pickle=False``) and ``vocab.json``.
    """

    def __init__(self, words: Sequence[str], vectors: np.ndarray) -> None:
        if len(words) != len(vectors):
            raise ZhtextError(f"{len(words)} words but {len(vectors)} vectors")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self.vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
        self.index = {w: i for i, w in enumerate(words)}
        self._encoder: Any = None

    @property
    def dim(self) -> int:
        """The vector size."""
        return int(self.vectors.shape[1])

    def matrix(self, words: Sequence[str]) -> np.ndarray:
        """Rows of unit vectors for ``words`` (zeros for unknown words)."""
        if self._encoder is not None:
            missing = [w for w in dict.fromkeys(words) if w not in self.index]
            if missing:
                self._add(missing, self._encoder.encode(
                    missing, convert_to_numpy=True, normalize_embeddings=True,
                    show_progress_bar=False))
        out = np.zeros((len(words), self.dim), dtype=self.vectors.dtype)
        for row, w in enumerate(words):
            i = self.index.get(w)
            if i is not None:
                out[row] = self.vectors[i]
        return out

    def _add(self, words: Sequence[str], vectors: np.ndarray) -> None:
        if len(self.index) > 200_000:  # a cache, not a vocabulary: keep it bounded
            self.index.clear()
            self.vectors = self.vectors[:0]
        base = len(self.vectors)
        self.vectors = np.vstack([self.vectors, vectors.astype(self.vectors.dtype)])
        for k, w in enumerate(words):
            self.index[w] = base + k

    @classmethod
    def train(
        cls, sentences: Iterable[list[str]], *, vector_size: int = 100, seed: int = 0,
        min_count: int = 2, epochs: int = 5, workers: int = 1,
    ) -> WordVectors:
        """Train word2vec (gensim) on tokenised sentences.

        Raises:
            ZhtextError: gensim is missing, or the corpus is too small to learn any vector.
        """
        try:
            from gensim.models import Word2Vec
        except ImportError:
            raise ZhtextError(
                "word2vec embeddings need gensim: pip install 'zhtext[embeddings]'"
            ) from None
        corpus = list(sentences)
        if not any(corpus):
            raise ZhtextError("cannot train word vectors on an empty corpus")
        model = Word2Vec(corpus, vector_size=vector_size, window=5, min_count=min_count,
                         sg=1, epochs=epochs, seed=seed, workers=workers)
        if len(model.wv) == 0:
            raise ZhtextError(
                f"no word occurs {min_count} times in the corpus; give a larger corpus"
            )
        return cls(list(model.wv.index_to_key), np.asarray(model.wv.vectors, dtype=np.float32))

    @classmethod
    def from_encoder(cls, model: str) -> WordVectors:
        """Vectors computed on demand by a sentence-transformers model (hub name or directory)."""
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ZhtextError(
                "encoder embeddings need sentence-transformers: pip install 'zhtext[encoders]'"
            ) from None
        from zhtext.neural.training import quiet_transformers

        try:
            with quiet_transformers(loading=True):  # no load report of transformers' own
                encoder = SentenceTransformer(model, device="cpu", trust_remote_code=False)
        except Exception as e:  # the library raises many kinds for a missing model
            raise ZhtextError(
                f"cannot load sentence-transformers model {model!r}: {e}. Give a local "
                "directory, or a hub name on a machine with access to the hub"
            ) from None
        get_dim = (getattr(encoder, "get_embedding_dimension", None)
                   or encoder.get_sentence_embedding_dimension)
        dim = int(get_dim() or 0)
        obj = cls([], np.zeros((0, dim), dtype=np.float32))
        obj._encoder = encoder
        return obj

    def save(self, vectors_path: Path, vocab_path: Path) -> None:
        """Write ``vectors.npy`` and ``vocab.json``."""
        np.save(vectors_path, self.vectors, allow_pickle=False)
        words = sorted(self.index, key=self.index.__getitem__)
        vocab_path.write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, vectors_path: Path, vocab_path: Path) -> WordVectors:
        """Read vectors written by :meth:`save` (no unpickling)."""
        try:
            vectors = np.load(vectors_path, allow_pickle=False)
            words = json.loads(vocab_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InputError(f"cannot read word vectors: {e}", path=str(vectors_path)) from None
        return cls(words, vectors)
