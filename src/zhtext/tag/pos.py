"""Word-level POS tagging for the ``crf`` method: a CRF over the words of a segmentation.

``pos`` with ``crf`` is a pipeline: the character CRF segments, this CRF tags the words. Word
features: the word, its neighbours (two each side), first and last characters and two-character
affixes, length, character classes, and the tag jieba's dictionary gives the word.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from zhtext.tag.features import char_class, fold_chars

__all__ = ["jieba_tags", "word_features"]


@lru_cache(maxsize=1)
def jieba_tags() -> dict[str, str]:
    """Word -> POS tag from jieba's ``dict.txt`` (MIT), read from the installed package."""
    import importlib.resources

    out: dict[str, str] = {}
    path = importlib.resources.files("jieba") / "dict.txt"
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                out[parts[0]] = parts[2]
    return out


def word_features(words: Sequence[str], dictionary: dict[str, str]) -> list[list[str]]:
    """The feature strings of each word of one sentence."""
    folded = ["".join(fold_chars(w)) for w in words]
    n = len(folded)
    pad = ["<s>", "<s>", *folded, "</s>", "</s>"]
    out: list[list[str]] = []
    for i, w in enumerate(folded):
        k = i + 2
        classes = "".join(sorted({char_class(c) for c in w}))
        f = ["b", f"w:{w}", f"w-1:{pad[k - 1]}", f"w+1:{pad[k + 1]}",
             f"w-2:{pad[k - 2]}", f"w+2:{pad[k + 2]}",
             f"w-1w:{pad[k - 1]}|{w}", f"ww+1:{w}|{pad[k + 1]}",
             f"p1:{w[0]}", f"s1:{w[-1]}", f"len:{min(len(w), 6)}", f"cls:{classes}"]
        if len(w) > 1:
            f.append(f"p2:{w[:2]}")
            f.append(f"s2:{w[-2:]}")
        if len(w) > 2:
            f.append(f"p1s1:{w[0]}{w[-1]}")
        tag = dictionary.get(w)
        f.append(f"jt:{tag}" if tag else "jt:-")
        if i + 1 < n:
            f.append(f"jt+1:{dictionary.get(folded[i + 1], '-')}")
        if i > 0:
            f.append(f"jt-1:{dictionary.get(folded[i - 1], '-')}")
        out.append(f)
    return out
