"""Regenerate src/zhtext/resources/function_words.txt from jieba's dictionary.

A word is a function word when the POS tag jieba's dictionary (dict.txt, MIT licence) gives
it most often is a function class: adverbs, prepositions, conjunctions, particles, pronouns,
numeral-classifier compounds and measure words, modal and onomatopoeic words, time words.
Plain numerals (tag m) are left out: jieba tags many technical compounds that way (三维,
多元, 二维), and keeping them measured better on the CSL keyword dev set. These extend the stop
words of the keyword extractors, which run without a POS tagger by default.

Usage:
    python tools/make_function_words.py [--min-freq 3]
"""

from __future__ import annotations

import argparse
import importlib.util
from collections import Counter, defaultdict
from pathlib import Path

FUNCTION_TAGS = {
    "d", "p", "c", "u", "uj", "ul", "uv", "uz", "ud", "ug", "r", "rr", "rz", "rg", "mq", "q",
    "y", "e", "o", "h", "k", "zg", "t", "tg",
}
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "zhtext" / "resources" / "function_words.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-freq", type=int, default=3)
    args = ap.parse_args()
    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    tags: defaultdict[str, Counter[str]] = defaultdict(Counter)
    with open(path, encoding="utf-8") as f:
        for line in f:
            word, freq, tag = line.split()
            tags[word][tag] += int(freq)
    words = sorted(
        w for w, c in tags.items()
        if c.most_common(1)[0][0] in FUNCTION_TAGS and sum(c.values()) >= args.min_freq
    )
    header = ("# Function words derived from jieba's dict.txt (MIT) by "
              "tools/make_function_words.py; do not edit by hand.\n")
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} words to {OUT}")


if __name__ == "__main__":
    main()
