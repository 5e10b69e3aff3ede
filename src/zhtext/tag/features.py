"""Character features for the CRF tagger.

N-grams, character classes, a dictionary, and the words of a dictionary segmenter; for NER
also what the model learned from its training data (:class:`Lexicons`: a gazetteer of the
training entities, entity suffixes and surnames, character clusters; see
:mod:`zhtext.tag.lexicon`).

Each character gets a list of feature strings (python-crfsuite takes them as binary
features). Characters are folded one by one (NFKC: full-width digits and letters to ASCII,
Latin lower-cased) so that ``１９９８`` and ``1998`` look alike while every offset stays that of
the original text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["FeatureSettings", "Lexicons", "char_class", "fold_chars", "load_dictionary",
           "sentence_features"]

_CN_DIGITS = frozenset("零〇○一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟")
_DATE = frozenset("年月日时分秒号")


@lru_cache(maxsize=65536)
def _fold(c: str) -> str:
    f = unicodedata.normalize("NFKC", c)
    return (f if len(f) == 1 else c).lower()


def fold_chars(text: str) -> list[str]:
    """One folded character per character of ``text`` (same length)."""
    return [_fold(c) for c in text]


@lru_cache(maxsize=65536)
def char_class(c: str) -> str:
    """A one-letter class.

    Digit ``d``, Chinese numeral ``n``, date unit ``t``, Latin ``l``, punctuation ``p``, space
    ``s``, Han ``h``, other ``o``.
    """
    if c.isdigit():
        return "d"
    if c in _CN_DIGITS:
        return "n"
    if c in _DATE:
        return "t"
    if c.isascii() and c.isalpha():
        return "l"
    if c.isspace():
        return "s"
    cat = unicodedata.category(c)
    if cat[0] in "PS":
        return "p"
    if cat == "Lo":
        return "h"
    return "o"


@dataclass(frozen=True)
class FeatureSettings:
    """Which feature groups the CRF uses."""

    window: int = 2  # unigrams c[-w..w]
    bigrams: bool = True
    classes: bool = True
    dictionary: bool = True  # words of the dictionary starting / ending at each character
    segmenter: bool = True  # position (B/M/E/S) and POS of the character's rjieba word
    max_word: int = 6
    trigrams: bool = False  # c[-1..1], c[-2..0], c[0..2]


@dataclass(frozen=True)
class Lexicons:
    """What a NER model learned from its training data (:mod:`zhtext.tag.lexicon`).

    Each is optional; ``None`` leaves its features out.
    """

    gazetteer: Any = None  # lexicon.Gazetteer
    affixes: Any = None  # lexicon.Affixes
    clusters: dict[str, tuple[int, ...]] | None = None
    typed: Any = None  # lexicon.Gazetteer of jieba's name / place / organisation words


_SUFFIX_AHEAD = 8  # characters the suffix features look ahead


def _bucket(d: int) -> str:
    return str(d) if d < 4 else ("4" if d < 6 else "6")


def _match_feats(joined: str, gaz: Any, prefix: str, out: list[list[str]]) -> None:
    """Longest matches of a gazetteer: ``{prefix}s`` (start, with length), ``i``, ``e``."""
    n = len(joined)
    entries = gaz.entries
    inside: list[str | None] = [None] * n
    ends: list[str | None] = [None] * n
    for i in range(n):
        for length in range(min(gaz.max_len, n - i), 1, -1):
            t = entries.get(joined[i:i + length])
            if t is not None:
                j = i + length - 1
                out[i].append(f"{prefix}s:{t}")
                out[i].append(f"{prefix}s:{t}:{min(length, 6)}")
                if ends[j] is None:
                    ends[j] = t
                for m in range(i + 1, j):
                    if inside[m] is None:
                        inside[m] = t
                break
    for i in range(n):
        if ends[i] is not None:
            out[i].append(f"{prefix}e:{ends[i]}")
        if inside[i] is not None:
            out[i].append(f"{prefix}i:{inside[i]}")


def _lexicon_feats(c: list[str], lex: Lexicons) -> list[list[str]]:
    n = len(c)
    out: list[list[str]] = [[] for _ in range(n)]
    joined = "".join(c)
    for prefix, gaz in (("g", lex.gazetteer), ("j", lex.typed)):
        if gaz is not None and gaz.max_len:
            _match_feats(joined, gaz, prefix, out)
    aff = lex.affixes
    if aff is not None:
        for label, sfx in aff.suffixes.items():
            # nearest position j >= i where a suffix of ``label`` ends
            marks = [False] * n
            for j in range(n):
                if c[j] in sfx or (j and joined[j - 1:j + 1] in sfx):
                    marks[j] = True
            nxt = -1
            for i in range(n - 1, -1, -1):
                if marks[i]:
                    nxt = i
                if nxt >= 0 and nxt - i <= _SUFFIX_AHEAD:
                    out[i].append(f"sf:{label}:{_bucket(nxt - i)}")
        if aff.surnames:
            for i in range(n):
                if c[i] in aff.surnames:
                    out[i].append("sn0")
                    if i + 1 < n:
                        out[i + 1].append("sn-1")
                    if i + 2 < n:
                        out[i + 2].append("sn-2")
    cl = lex.clusters
    if cl is not None:
        k = [cl.get(x) for x in c]
        levels = max((len(v) for v in cl.values()), default=0)
        for level in range(levels):
            ids = ["<s>", "<s>"] + [str(v[level]) if v else "?" for v in k] + ["</s>", "</s>"]
            for i in range(n):
                p = i + 2
                f = out[i]
                for off in (-2, -1, 0, 1, 2):
                    f.append(f"k{level}{off}:{ids[p + off]}")
                if level == 0:
                    f.append(f"kb-1:{ids[p - 1]}_{ids[p]}")
                    f.append(f"kb0:{ids[p]}_{ids[p + 1]}")
    return out


def load_dictionary(words: Iterable[str] | None = None) -> frozenset[str]:
    """A word set: the given words, or jieba's dictionary (its ``dict.txt``, MIT) by default."""
    if words is not None:
        return frozenset(w for w in words if len(w) > 1)
    import importlib.resources

    path = importlib.resources.files("jieba") / "dict.txt"
    out = set()
    with path.open(encoding="utf-8") as f:
        for line in f:
            w = line.split(" ", 1)[0]
            if len(w) > 1:
                out.add(w)
    return frozenset(out)


def _segmenter_feats(text: str, jb: Any) -> list[str]:
    feats: list[str] = []
    for word, pos in jb.tag(text, True):
        n = len(word)
        if n == 1:
            feats.append(f"j:S-{pos}")
        else:
            feats.append(f"j:B-{pos}")
            feats.extend(f"j:M-{pos}" for _ in range(n - 2))
            feats.append(f"j:E-{pos}")
    return feats


def sentence_features(text: str, settings: FeatureSettings, *,
                      dictionary: frozenset[str] | None = None,
                      jieba: Any = None, lexicons: Lexicons | None = None) -> list[list[str]]:
    """The feature strings of each character of ``text``.

    ``lexicons``: a NER model's gazetteer, affix and cluster features (off when ``None``).
    """
    n = len(text)
    c = fold_chars(text)
    w = settings.window
    pad = ["<s>"] * w + c + ["</s>"] * w
    cls = ["^"] * w + [char_class(x) for x in c] + ["$"] * w
    out: list[list[str]] = []
    seg = _segmenter_feats(text, jieba) if settings.segmenter and jieba is not None else None
    lex = _lexicon_feats(c, lexicons) if lexicons is not None else None
    ds: list[int] = [0] * n
    de: list[int] = [0] * n
    dm: list[int] = [0] * n
    if settings.dictionary and dictionary:
        joined = "".join(c)
        for i in range(n):
            for length in range(2, min(settings.max_word, n - i) + 1):
                if joined[i:i + length] in dictionary:
                    j = i + length - 1
                    ds[i] = max(ds[i], length)
                    de[j] = max(de[j], length)
                    for k in range(i + 1, j):
                        dm[k] = max(dm[k], length)
    for i in range(n):
        k = i + w
        f = ["b"]
        for off in range(-w, w + 1):
            f.append(f"u{off}:{pad[k + off]}")
        if settings.bigrams:
            f.append(f"b-1:{pad[k - 1]}{pad[k]}")
            f.append(f"b0:{pad[k]}{pad[k + 1]}")
            f.append(f"s:{pad[k - 1]}{pad[k + 1]}")
            if w >= 2:
                f.append(f"b-2:{pad[k - 2]}{pad[k - 1]}")
                f.append(f"b1:{pad[k + 1]}{pad[k + 2]}")
        if settings.trigrams and w >= 2:
            f.append(f"tr-1:{pad[k - 1]}{pad[k]}{pad[k + 1]}")
            f.append(f"tr-2:{pad[k - 2]}{pad[k - 1]}{pad[k]}")
            f.append(f"tr0:{pad[k]}{pad[k + 1]}{pad[k + 2]}")
        if settings.classes:
            f.append(f"t:{cls[k - 1]}{cls[k]}{cls[k + 1]}")
            f.append(f"t0:{cls[k]}")
        if ds[i] or de[i] or dm[i]:
            f.append(f"ds:{ds[i]}")
            f.append(f"de:{de[i]}")
            f.append(f"dm:{dm[i]}")
            f.append(f"du:{pad[k]}{ds[i]}{de[i]}{dm[i]}")
        if seg is not None:
            f.append(seg[i])
            f.append(f"ju:{pad[k]}{seg[i][2:]}")
        if lex is not None:
            f.extend(lex[i])
        out.append(f)
    return out


def features_of(texts: Sequence[str], settings: FeatureSettings,
                dictionary: frozenset[str] | None, jieba: Any = None,
                lexicons: Lexicons | None = None) -> list[list[list[str]]]:
    """:func:`sentence_features` for many texts.

    ``jieba`` is an ``rjieba.Jieba`` instance for the segmenter features.
    """
    return [sentence_features(t, settings, dictionary=dictionary, jieba=jieba,
                              lexicons=lexicons) for t in texts]
