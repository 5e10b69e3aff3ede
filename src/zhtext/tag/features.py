"""Character features for the CRF tagger.

N-grams, character classes, a dictionary, and the words of a dictionary segmenter.

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

__all__ = ["FeatureSettings", "char_class", "fold_chars", "load_dictionary", "sentence_features"]

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
                      jieba: Any = None) -> list[list[str]]:
    """The feature strings of each character of ``text``."""
    n = len(text)
    c = fold_chars(text)
    w = settings.window
    pad = ["<s>"] * w + c + ["</s>"] * w
    cls = ["^"] * w + [char_class(x) for x in c] + ["$"] * w
    out: list[list[str]] = []
    seg = _segmenter_feats(text, jieba) if settings.segmenter and jieba is not None else None
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
        out.append(f)
    return out


def features_of(texts: Sequence[str], settings: FeatureSettings,
                dictionary: frozenset[str] | None, jieba: Any = None) -> list[list[list[str]]]:
    """:func:`sentence_features` for many texts.

    ``jieba`` is an ``rjieba.Jieba`` instance for the segmenter features.
    """
    return [sentence_features(t, settings, dictionary=dictionary, jieba=jieba) for t in texts]
