"""Keyword candidates: content words and the phrases they form.

Real keywords are mostly phrases (85% of CSL's gold keywords occur verbatim in the abstract, but
only 37.5% are a single jieba word), so a candidate is a run of 1 to ``max_words`` adjacent
content words: nouns, verbal nouns, verbs, adjectives, Latin words, idioms. Function words,
stop words, punctuation and numbers end a run. Text between Chinese quotation marks or
book-title marks (“科斯定理”, 《跨国学术网络》) is a candidate too: writers quote the terms they
introduce.
"""

from __future__ import annotations

import re
from collections import Counter
from operator import itemgetter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["DEFAULT_POS", "CandidateExtractor", "Candidates"]

# jieba's (ICTCLAS-style) tags of content words, plus the coarse classes of the char segmenter.
DEFAULT_POS: frozenset[str] = frozenset(
    "n nr ns nt nz nrt nrfg nrf vn v eng l a an b j i g han".split()
)

_SENTENCE_END = frozenset("。！？!?；;\n")
_QUOTED = re.compile(r"[“「『《\"]([^“”「」『』《》\"\n]{2,16})[”」』》\"]")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Candidates:
    """The keyword candidates of one document.

    Attributes:
        count: How often each candidate occurs as a run of content words.
        words: The words that make up each multi-word candidate (single words are absent:
            a key missing here is its own one word).
        in_first: Candidates occurring in the document's first sentence.
        in_last: Candidates occurring in its last sentence (the last one with content).
        quoted: Candidates that occur between quotation or book-title marks.
        n_sentences: Number of sentences up to the last content word.
        sequence: With ``keep_sequence``: the document's non-space tokens in order, each the
            content word it is or ``None`` (for co-occurrence windows).
    """

    count: dict[str, int] = field(default_factory=dict)
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    in_first: set[str] = field(default_factory=set)
    in_last: set[str] = field(default_factory=set)
    quoted: set[str] = field(default_factory=set)
    n_sentences: int = 1
    sequence: list[str | None] | None = None

    def __len__(self) -> int:
        return len(self.count)

    def words_of(self, key: str) -> tuple[str, ...]:
        """The words of a candidate."""
        return self.words.get(key) or (key,)


_OTHER, _CONTENT, _BOUNDARY = "0", "1", "2"
_word = itemgetter(0)


class CandidateExtractor:
    """Find keyword candidates in POS-tagged tokens.

    Args:
        pos: Tags of content words.
        stopwords: Words never part of a candidate.
        max_words: Longest phrase, in words (1 = single words only).
        min_chars: Shortest single Chinese word kept (Latin words are kept at any length).
        quotes: Add quoted terms as candidates.
    """

    def __init__(
        self,
        *,
        pos: Iterable[str] = DEFAULT_POS,
        stopwords: Iterable[str] = (),
        max_words: int = 3,
        min_chars: int = 2,
        quotes: bool = True,
    ) -> None:
        self.pos = frozenset(pos)
        self.stopwords = frozenset(stopwords)
        self.max_words = max_words
        self.min_chars = min_chars
        self.quotes = quotes
        # (word, tag) -> kind: one dict look-up per token instead of several tests.
        self._memo: dict[tuple[str, str], str] = {}

    def is_content(self, word: str, tag: str) -> bool:
        """Whether a tagged word may be part of a candidate."""
        return (
            tag in self.pos
            and (len(word) >= self.min_chars or tag == "eng")
            and word not in self.stopwords
            and not word.isdigit()
            and not word.isspace()
        )

    def _kind(self, word: str, tag: str) -> str:
        if self.is_content(word, tag):
            return _CONTENT
        if word[0] in _SENTENCE_END or word == ".":
            return _BOUNDARY
        return _OTHER

    def kinds(self, tagged: Sequence[tuple[str, str]]) -> str:
        """One character per token: ``1`` content word, ``2`` sentence end, ``0`` other."""
        memo = self._memo
        if len(memo) > 500_000:  # bound memory on endless vocabularies
            memo.clear()
        kinds = list(map(memo.get, tagged))
        if None in kinds:
            kind_of = self._kind
            for i, k in enumerate(kinds):
                if k is None:
                    wt = tagged[i]
                    kinds[i] = memo[wt] = kind_of(*wt)
        return "".join(kinds)  # type: ignore[arg-type]

    def __call__(
        self,
        tagged: Sequence[tuple[str, str]],
        text: str | None = None,
        *,
        keep_sequence: bool = False,
    ) -> Candidates:
        """The candidates of one document given as ``(word, tag)`` pairs.

        The work is done with comprehensions and ``Counter`` over a per-token sequence in
        which every non-content token is ``None``, rather than with loops over tokens: this is
        the hot path of keyword extraction.

        Args:
            tagged: The document's tokens with tags, covering the text.
            text: The document text, needed for quoted terms.
            keep_sequence: Also return the token sequence (see :class:`Candidates`).
        """
        kinds = self.kinds(tagged)
        last = kinds.rfind("1")
        if last < 0:
            return Candidates(sequence=[] if keep_sequence else None)
        words = list(map(_word, tagged))
        seq: list[str | None] = [w if k == "1" else None for w, k in zip(words, kinds)]
        first_end = kinds.find("2")
        if first_end < 0 or first_end > last:
            first_end = len(kinds)
        last_start = kinds.rfind("2", 0, last) + 1
        n_sentences = kinds.count("2", 0, last) + 1
        count, multi = self._grams(seq)
        in_first = set(self._grams(seq[:first_end], words_of=False)[0])
        in_last = (
            set(self._grams(seq[last_start:], words_of=False)[0])
            if last_start > 0
            else in_first
        )
        sequence = None
        if keep_sequence:
            sequence = [w for w, k in zip(seq, words) if w is not None or not k.isspace()]
        out = Candidates(count, multi, in_first, in_last, set(), n_sentences, sequence)
        if self.quotes and text is not None and any(q in text for q in "“《\"「『"):
            self._add_quoted(out, text)
        return out

    def _grams(
        self, seq: list[str | None], *, words_of: bool = True
    ) -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
        """Counts of the 1..max_words-grams of content words, and the words of the longer ones."""
        unigrams = [w for w in seq if w is not None]
        if self.max_words < 2 or len(unigrams) < 2:
            return Counter(unigrams), {}
        grams: list[tuple[str, ...]] = [
            (a, b) for a, b in zip(seq, seq[1:]) if a is not None and b is not None
        ]
        for n in range(3, self.max_words + 1):
            grams += [
                g  # type: ignore[misc]
                for g in zip(*(seq[i:] for i in range(n)))
                if None not in g
            ]
        keys = ["".join(g) for g in grams]
        count = Counter(unigrams)
        count.update(keys)
        multi = dict(zip(keys, grams)) if words_of else {}
        return count, multi

    def _add_quoted(self, cands: Candidates, text: str) -> None:
        for m in _QUOTED.finditer(text):
            term = m.group(1).strip()
            if not _HAN.search(term) or term in self.stopwords:
                continue
            if term not in cands.count:
                cands.count[term] = text.count(term)
            cands.quoted.add(term)
