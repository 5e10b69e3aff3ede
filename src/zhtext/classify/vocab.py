"""Token vocabularies for models trained from scratch (TextCNN): characters or words.

A :class:`Vocab` maps tokens to ids (0 padding, 1 unknown), built from training text with a
minimum count, and saved as JSON. It encodes texts into fixed-width windows: a text longer
than ``max_length`` becomes several overlapping windows (``stride`` tokens apart), each
scored by the model, and their scores are aggregated per text, so nothing is cut silently.
Character bigrams are hashed (CRC32, stable across processes) into ``bigram_buckets`` ids,
and, for character units, the word each character belongs to (rjieba's segmentation, words of
two or more characters) into ``word_buckets`` ids: a character model that also knows the words.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from zhtext.errors import InputError
from zhtext.text.normalize import Normalizer

__all__ = ["Encoded", "TokenUnit", "Vocab"]

TokenUnit = Literal["char", "word"]

PAD, UNK = 0, 1


@dataclass
class Encoded:
    """Texts as windows of ids; window ``i`` belongs to text ``owner[i]``."""

    input_ids: list[list[int]]
    bigram_ids: list[list[int]]
    owner: list[int]
    word_ids: list[list[int]] = field(default_factory=list)


class Vocab:
    """Token <-> id table with the text processing that produces the tokens.

    Args:
        unit: ``char`` (every character a token; Latin words and numbers kept whole) or
            ``word`` (the segmenter's words).
        segmenter: Segmenter name for ``word`` units.
        lowercase: Fold Latin letters to lower case.
    """

    def __init__(self, unit: TokenUnit = "char", *, segmenter: str = "rjieba",
                 lowercase: bool = True) -> None:
        if unit not in ("char", "word"):
            raise InputError(f"unknown token unit {unit!r}; expected 'char' or 'word'")
        self.unit = unit
        self.segmenter = segmenter
        self.lowercase = lowercase
        self.itos: list[str] = ["[PAD]", "[UNK]"]
        self.stoi: dict[str, int] = {"[PAD]": PAD, "[UNK]": UNK}
        self._normalizer = Normalizer()
        self._seg: Any = None

    def __len__(self) -> int:
        return len(self.itos)

    def _normal(self, text: str) -> str:
        t = self._normalizer.normalize(text).text
        return t.lower() if self.lowercase else t

    def _segmenter(self) -> Any:
        if self._seg is None:
            from zhtext.text.segment import get_segmenter

            self._seg = get_segmenter(self.segmenter)
        return self._seg

    def tokens(self, text: str) -> list[str]:
        """The tokens of one text (normalised: NFKC, full-width folded, lower-cased)."""
        t = self._normal(text)
        if self.unit == "char":
            return [c for c in t if not c.isspace()]
        return [w for w in self._segmenter().cut(t) if w.strip()]

    def build(self, texts: Iterable[str], *, min_count: int = 1,
              max_size: int | None = None) -> Vocab:
        """Learn the table from training texts; returns ``self``."""
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(self.tokens(text))
        items = sorted(((tok, n) for tok, n in counts.items() if n >= min_count),
                       key=lambda kv: (-kv[1], kv[0]))
        if max_size is not None:
            items = items[: max(0, max_size - 2)]
        self.itos = ["[PAD]", "[UNK]"] + [tok for tok, _ in items]
        self.stoi = {tok: i for i, tok in enumerate(self.itos)}
        return self

    def encode(
        self,
        texts: Sequence[str],
        *,
        max_length: int,
        stride: int | None = None,
        bigram_buckets: int = 0,
        word_buckets: int = 0,
    ) -> Encoded:
        """Windows of ids for each text (an empty text gives one all-padding window)."""
        if max_length < 1:
            raise InputError(f"max_length should be positive, got {max_length}")
        step = stride or max(1, max_length // 2)
        stoi = self.stoi
        out = Encoded([], [], [])
        memo: dict[str, int] = {}  # word -> bucket, for this call only
        for i, text in enumerate(texts):
            t = self._normal(text)
            toks = ([c for c in t if not c.isspace()] if self.unit == "char"
                    else [w for w in self._segmenter().cut(t) if w.strip()])
            ids = [stoi.get(tok, UNK) for tok in toks]
            bigrams = ([_bucket(a + b, bigram_buckets) for a, b in zip(toks, [*toks[1:], ""])]
                       if bigram_buckets else [])
            words = (self._word_of_char(t, word_buckets, memo)
                     if word_buckets and self.unit == "char" else [])
            starts = range(0, max(1, len(ids) - max_length + step), step)
            for s in starts:
                out.input_ids.append(ids[s : s + max_length])
                out.bigram_ids.append(bigrams[s : s + max_length] if bigram_buckets else [])
                if word_buckets:
                    out.word_ids.append(words[s : s + max_length])
                out.owner.append(i)
                if s + max_length >= len(ids):
                    break
        return out

    def _word_of_char(self, t: str, buckets: int, memo: dict[str, int]) -> list[int]:
        """Per character of normalised ``t``, the hashed id of its word (0: one-char words)."""
        out: list[int] = []
        for w in self._segmenter().cut(t):
            n = len(w)
            if n > 1 and (" " in w or not w.isprintable()):
                n = sum(1 for c in w if not c.isspace())
            elif n == 1 and w.isspace():
                n = 0
            if n == 1:
                out.append(0)
            elif n:
                b = memo.get(w)
                if b is None:
                    b = memo[w] = _bucket(w, buckets)
                out.extend([b] * n)
        return out

    def distinct_pieces(self, texts: Iterable[str], *, words: bool) -> tuple[int, int]:
        """Count the different bigrams (and, with ``words``, multi-character words) in ``texts``.

        These are the sizes the hashed tables need (see :func:`table_rows`).
        """
        bigrams: set[str] = set()
        seen_words: set[str] = set()
        for text in texts:
            t = self._normal(text)
            toks = ([c for c in t if not c.isspace()] if self.unit == "char"
                    else [w for w in self._segmenter().cut(t) if w.strip()])
            bigrams.update(a + b for a, b in zip(toks, [*toks[1:], ""]))
            if words:
                seen_words.update(w for w in self._segmenter().cut(t) if len(w.strip()) > 1)
        return len(bigrams), len(seen_words)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings and table."""
        return {"unit": self.unit, "segmenter": self.segmenter, "lowercase": self.lowercase,
                "tokens": self.itos}

    def save(self, path: Path) -> None:
        """Write ``vocab.json``."""
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Vocab:
        """Read a table written by :meth:`save`."""
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            vocab = cls(d["unit"], segmenter=d.get("segmenter", "rjieba"),
                        lowercase=bool(d.get("lowercase", True)))
            vocab.itos = list(d["tokens"])
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise InputError(f"cannot read the vocabulary ({e}); the model directory is "
                             "damaged", path=str(path)) from None
        vocab.stoi = {tok: i for i, tok in enumerate(vocab.itos)}
        return vocab


def table_rows(distinct: int, cap: int) -> int:
    """Rows of a hashed table for ``distinct`` pieces.

    Twice as many (few collisions), a power of two, at least 16, at most ``cap`` (the setting;
    0 keeps the table off).
    """
    if cap <= 0:
        return 0
    return min(cap, max(16, 1 << max(0, 2 * distinct - 1).bit_length()))


def _bucket(bigram: str, buckets: int) -> int:
    # 0 is padding; CRC32 is stable across runs and processes (unlike hash()).
    return 1 + zlib.crc32(bigram.encode("utf-8")) % (buckets - 1)
