"""Keyword candidates: content words and the phrases they form.

Real keywords are mostly phrases (85% of CSL's gold keywords occur verbatim in the abstract, but
only 37.5% are a single jieba word), so a candidate is a run of 1 to ``max_words`` adjacent
content words. A content word is a word of two or more characters (or a Latin word) that is
not a stop word or a number, and, when a POS filter is set, whose tag is in it. Everything
else ends a run. Text between Chinese quotation marks or book-title marks (“科斯定理”,
《跨国学术网络》) is a candidate too: writers quote the terms they introduce (a quoted list is
split at its commas and other separators). Which candidates are terms is judged afterwards, in
``termhood.py``.

This is the hot path of keyword extraction, so per-token work is done by C-level built-ins
(``map``, ``Counter``, regular expressions over a string of token kinds) rather than by
Python loops.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from zhtext.keywords.accel import fast as _fast
from zhtext.text.chars import HAN_CLASS

__all__ = ["DEFAULT_POS", "QUOTE_MARKS", "CandidateExtractor", "Candidates", "WordValues"]

# jieba's (ICTCLAS-style) tags of content words, plus the coarse classes of the char segmenter.
DEFAULT_POS: frozenset[str] = frozenset(
    ["n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "nrf", "vn", "v", "eng", "l", "a", "an", "b",
     "j", "i", "g", "han"]
)

_SENTENCE_END = frozenset("。！？!?；;\n")
QUOTE_MARKS = "“《\"「『"  # a document with any of these may have quoted-term candidates
_QUOTED = re.compile(r"[“「『《\"]([^“”「」『』《》\"\n]{2,16})[”」』》\"]")
_HAN = re.compile(HAN_CLASS)
# A quoted span is split here: “百利，唇感受，心聆听” quotes three things, not one.
_QUOTE_SEP = re.compile(r"[,，、;；|｜/:：·]+")


class WordValues(dict[str, float]):
    """Word -> value, answering ``missing`` for any other token (what ``values`` needs)."""

    def __init__(self, values: dict[str, float], missing: float = 0.0) -> None:
        super().__init__(values)
        self.missing = missing

    def __missing__(self, key: str) -> float:
        return self.missing


@dataclass
class Candidates:
    """The keyword candidates of one document.

    Attributes:
        words: The document's tokens, in order (they concatenate to the normalised text).
        kinds: One character per token: ``1`` content word, ``3`` affix (a single character
            allowed inside phrases), ``2`` sentence end, ``0`` other.
        count: How often each candidate (word or phrase) occurs as a run of content words.
        single: The content words that occur on their own (as one token).
        starts: For each phrase length n >= 2, the token index of every n-word run.
        keys: For each phrase length n >= 2, the text of every n-word run (as ``starts``).
        in_first: Candidates occurring in the first sentence (``None`` for a document of one
            sentence).
        in_last: Candidates occurring in the last sentence with content (``None`` likewise).
        quoted: Candidates that occur between quotation or book-title marks, in text order
            (a dict used as an ordered set: a set's order changes with the hash seed).
        tags: The POS tag of each token when the document was tagged, else ``None``.
    """

    words: list[str] = field(default_factory=list)
    kinds: str = ""
    count: dict[str, int] = field(default_factory=dict)
    single: dict[str, int] = field(default_factory=dict)
    starts: dict[int, list[int]] = field(default_factory=dict)
    keys: dict[int, list[str]] = field(default_factory=dict)
    in_first: set[str] | None = None
    in_last: set[str] | None = None
    quoted: dict[str, None] = field(default_factory=dict)
    tags: list[str] | None = None

    def __len__(self) -> int:
        return len(self.count)

    def values(
        self,
        word_value: Mapping[str, float],
        weights: Sequence[float],
        *,
        times_count: bool = False,
        compiled: bool = True,
    ) -> dict[str, float]:
        """Each candidate's value.

        A word's value is its own; a phrase of n words is valued at the sum of its words'
        values times ``weights[n - 1]``; with ``times_count`` each value is multiplied by the
        candidate's count (TF-IDF).

        ``word_value`` must be a dict answering every token (a subclass with ``__missing__``).
        ``compiled=False`` forces the pure-Python code (tests compare the two).
        """
        if compiled and _fast is not None and isinstance(word_value, dict):
            out: dict[str, float] = _fast.values(
                self.words, self.single, self.starts, self.keys, word_value, weights,
                self.count if times_count else None,
            )
            for term in self.quoted:
                if term not in out:
                    v = word_value[term]
                    out[term] = v * self.count[term] if times_count else v
            return out
        get = word_value.__getitem__
        out = {}
        if self.starts:
            tv = list(map(get, self.words))
            for n, starts in self.starts.items():
                wn = weights[min(n, len(weights)) - 1]
                if n == 2:
                    sums = [(tv[i] + tv[i + 1]) * wn for i in starts]
                elif n == 3:
                    sums = [(tv[i] + tv[i + 1] + tv[i + 2]) * wn for i in starts]
                else:
                    sums = [sum(tv[i : i + n]) * wn for i in starts]
                out.update(zip(self.keys[n], sums))
        # A string that also occurs as one token is valued as that word.
        out.update(zip(self.single, map(get, self.single)))
        for term in self.quoted:
            out.setdefault(term, get(term))
        if times_count:
            count = self.count
            out = {k: v * count[k] for k, v in out.items()}
        return out


class CandidateExtractor:
    """Find keyword candidates in a document's tokens.

    Args:
        pos: Tags of content words, or ``None`` for no POS filter (tokens are plain words).
        stopwords: Words never part of a candidate.
        max_words: Longest phrase, in words (1 = single words only).
        min_chars: Shortest Chinese word kept (Latin words are kept at any length).
        quotes: Add quoted terms as candidates.
    """

    def __init__(
        self,
        *,
        pos: Iterable[str] | None = None,
        stopwords: Iterable[str] = (),
        max_words: int = 3,
        min_chars: int = 2,
        quotes: bool = True,
    ) -> None:
        self.pos = None if pos is None else frozenset(pos)
        self.stopwords = frozenset(stopwords)
        self.max_words = max_words
        self.min_chars = min_chars
        self.quotes = quotes
        self._runs = {n: re.compile(f"(?=[13]{{{n}}})") for n in range(2, max_words + 1)}
        # token (or (word, tag)) -> kind: one dict look-up per token instead of several tests.
        self._memo: dict[object, str] = {}

    def memo(self) -> dict[object, str]:
        """The token -> kind memo, bounded in size.

        Kinds: ``1`` content word, ``3`` affix (a single Chinese character that is not a stop
        word: it may sit inside a phrase, as in 多+模态 or 沉淀+法, but is no candidate on its
        own), ``2`` sentence end, ``0`` anything else.
        """
        if len(self._memo) > 200_000:  # bound memory on endless vocabularies
            self._memo.clear()
        return self._memo

    def is_content(self, word: str, tag: str | None = None) -> bool:
        """Whether a (tagged) word may be part of a candidate."""
        if self.pos is not None and tag not in self.pos:
            return False
        if word in self.stopwords or word.isdigit():
            return False
        if len(word) < self.min_chars and not (word.isascii() and word.isalpha()):
            return False
        return any(ch.isalpha() for ch in word)

    def _kind(self, token: object) -> str:
        word, tag = token if isinstance(token, tuple) else (token, None)
        assert isinstance(word, str)
        if self.is_content(word, tag):
            return "1"
        if word and (word[0] in _SENTENCE_END or word == "."):
            return "2"
        if (
            len(word) == 1
            and _HAN.match(word)
            and word not in self.stopwords
            and (self.pos is None or tag in self.pos)
        ):
            return "3"
        return "0"

    def __call__(
        self,
        tokens: Sequence[str] | Sequence[tuple[str, str]],
        text: str | None = None,
        *,
        compiled: bool = True,
    ) -> Candidates:
        """The candidates of one document.

        Args:
            tokens: The document's tokens covering its text: words, or ``(word, tag)`` pairs
                (needed when a POS filter is set; their tags are kept in ``tags``).
            text: The document text, needed for quoted terms.
            compiled: Use the compiled code when it was built (``False``: pure Python).
        """
        memo = self.memo()
        toks = tokens if isinstance(tokens, list) else list(tokens)
        tags = [t[1] for t in toks] if toks and isinstance(toks[0], tuple) else None
        if compiled and _fast is not None:
            out = Candidates(*_fast.build(toks, memo, self._kind, tags is not None,
                                          self.max_words))
            out.tags = tags
            if self.quotes and text is not None and any(q in text for q in QUOTE_MARKS):
                self._add_quoted(out, text)
            return out
        kinds_list = list(map(memo.get, toks))
        if None in kinds_list:
            kind_of = self._kind
            for i, k in enumerate(kinds_list):
                if k is None:
                    tok = toks[i]
                    kinds_list[i] = memo[tok] = kind_of(tok)
        kinds = "".join(kinds_list)  # type: ignore[arg-type]
        words: list[str] = (
            [t[0] for t in toks] if tags is not None
            else list(toks)  # type: ignore[arg-type]
        )
        last = kinds.rfind("1")
        if last < 0:
            return Candidates(words, kinds, tags=tags)
        content = [w for w, k in zip(words, kinds) if k == "1"]
        grams: list[str] = content
        starts: dict[int, list[int]] = {}
        keys: dict[int, list[str]] = {}
        affixes = "3" in kinds
        for n, pattern in self._runs.items():
            found = [m.start() for m in pattern.finditer(kinds)]
            if affixes:  # a phrase needs a content word, not only affixes
                found = [i for i in found if "1" in kinds[i : i + n]]
            if not found:
                break
            starts[n] = found
            if n == 2:
                keys[n] = [words[i] + words[i + 1] for i in found]
            elif n == 3:
                keys[n] = [words[i] + words[i + 1] + words[i + 2] for i in found]
            else:
                keys[n] = ["".join(words[i : i + n]) for i in found]
            grams = grams + keys[n]
        count = Counter(grams)
        single = dict.fromkeys(content, 1) if starts else count
        first_end = kinds.find("2")
        in_first: set[str] | None = None
        in_last: set[str] | None = None
        if 0 <= first_end < last:
            # Candidates of the first and of the last sentence: prefixes and suffixes of the
            # (ordered) occurrence lists, found by bisection rather than by testing each one.
            last_start = kinds.rfind("2", 0, last) + 1
            in_first = set(words[:first_end]).intersection(single)
            in_last = set(words[last_start:]).intersection(single)
            for n, found in starts.items():
                in_first.update(keys[n][: bisect_left(found, first_end)])
                in_last.update(keys[n][bisect_left(found, last_start) :])
        out = Candidates(words, kinds, count, single, starts, keys, in_first, in_last, tags=tags)
        if self.quotes and text is not None and any(q in text for q in QUOTE_MARKS):
            self._add_quoted(out, text)
        return out

    def _add_quoted(self, cands: Candidates, text: str) -> None:
        for m in _QUOTED.finditer(text):
            for part in _QUOTE_SEP.split(m.group(1)):
                term = part.strip()
                # No whitespace inside a keyword: the text output separates keywords by spaces.
                if (len(term) < 2 or not _HAN.search(term) or term in self.stopwords
                        or any(c.isspace() for c in term)):
                    continue
                if term not in cands.count:
                    cands.count[term] = text.count(term)
                cands.quoted[term] = None  # in text order: ties rank the same in every process
