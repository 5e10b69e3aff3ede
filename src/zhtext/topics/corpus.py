"""Tokenised corpora for topic models, spooled to disk so that nothing holds the whole corpus."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from zhtext.text.normalize import Normalizer
from zhtext.text.segment import Segmenter, get_segmenter
from zhtext.text.stopwords import load_stopwords

__all__ = ["CONTENT_POS", "TokenFile", "Tokenizer"]

# Nouns, names, places, organisations, verbal nouns, idioms, abbreviations, Latin words: the
# words that say what a document is about.
CONTENT_POS = frozenset(["n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "vn", "l", "j", "eng"])


class Tokenizer:
    """Normalise, segment and keep the content words of a text.

    Args:
        segmenter: A segmenter name or instance (POS tags are needed).
        pos: Tags of the words kept.
        stopwords: Stop-word source (see :func:`zhtext.text.load_stopwords`).
        min_chars: Shortest word kept.
    """

    def __init__(
        self,
        *,
        segmenter: str | Segmenter = "rjieba",
        pos: Iterable[str] = CONTENT_POS,
        stopwords: str | Path | Iterable[str] | None = "default",
        min_chars: int = 2,
    ) -> None:
        self.segmenter = get_segmenter(segmenter)
        self.pos = frozenset(pos)
        self.stopwords = load_stopwords(stopwords)
        self.min_chars = min_chars
        self.normalizer = Normalizer()

    def __call__(self, text: str) -> list[str]:
        """The content words of ``text``, in order."""
        if not text or text.isspace():
            return []
        tagged = self.segmenter.tag(self.normalizer.normalize(text).text)
        stop, pos, n = self.stopwords, self.pos, self.min_chars
        return [w for w, t in tagged
                if t in pos and len(w) >= n and w not in stop and not w.isdigit()]


class TokenFile:
    """Token lists written one JSON array per line; iterable any number of times."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0

    def write(self, docs: Iterable[list[str]]) -> TokenFile:
        """Write the documents' tokens; return ``self``."""
        with open(self.path, "w", encoding="utf-8") as f:
            for tokens in docs:
                f.write(json.dumps(tokens, ensure_ascii=False) + "\n")
                self.count += 1
        return self

    def __iter__(self) -> Iterator[list[str]]:
        with open(self.path, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)

    def __len__(self) -> int:
        return self.count
