"""Termhood: the evidence that a candidate is a keyword-like unit, not a fragment of a clause.

Two kinds of evidence, from the POS tags of the document's words (jieba's ICTCLAS-style tags):

- **A word's class.** Proper nouns (people, places, organisations, works) are keywords far more
  often than common nouns, and verbs, adjectives, numerals, adverbs and time words almost never
  are on their own. Measured on news titles (CLUE TNEWS train, the top 5 of TF-IDF without
  phrases): 48% of the ``nr`` words chosen were gold keywords, 41% of ``ns``, 17% of ``n``, but
  2% of ``v``, 3% of ``a``, 2% of ``m`` and 5% of ``s`` (心里, 周边).
  :data:`DEFAULT_POS_WEIGHTS` multiplies a single word's score by its class; a weight of 0
  means "never a keyword on its own" (such a word can still be part of a phrase: 学习/v in
  深度学习).
- **A phrase's evidence.** A run of words that occurs twice or more in a document is a unit
  the writer reuses (in CSL abstracts 28% of such phrases chosen were gold keywords); a run seen
  once is mostly an accident of adjacency (6% in both CSL and TNEWS: 劫持妻子, 五角大楼下达).
  A phrase seen once is kept only if it has a term's shape (:func:`term_shape`: it ends in a
  noun or in a verb that heads terms in jieba's dictionary, and holds no other verb, numeral or
  function word), and is weighted down (``single_phrase_weight``) unless it ends in such a
  verb (自然语言处理, 深度学习: the dictionary's evidence) or holds a single character the
  segmenter cut off a word (区块+链, 冯+提莫, 腐竹+机). Quoted terms are exempt: quoting is
  the writer's evidence.
- **Near-duplicates.** The pieces of a phrase the document repeats are dropped when they never
  occur outside it (磷酸铁 and 铁锂电池 inside 磷酸铁锂电池), and the ranking skips a candidate
  nested in or overlapping a chosen one of the same mentions (``rank_candidates``).

The weights were chosen on the dev sets of ``bench/keywords.py`` (CSL papers and TNEWS news
titles, both read at once): they lift TNEWS F1@5 by about a fifth and CSL's slightly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from functools import lru_cache

from zhtext.keywords.candidates import Candidates

__all__ = ["DEFAULT_POS_WEIGHTS", "NOUN_TAGS", "pos_weights_from", "term_heads", "term_shape",
           "weigh"]

_PROPER = ("nr", "nrt", "nrfg", "nrf", "ns", "nt", "nz")
# Verbs, adjectives, numerals, adverbs, time, place, state and distinguishing words, and every
# function class (pronouns, prepositions, conjunctions, particles: 有个/r, 是不是/l is a stop word).
_NEVER_ALONE = ("v", "vd", "vg", "vi", "vq", "a", "ad", "ag", "m", "mq", "d", "df", "dg", "f", "q",
                "t", "tg", "vn", "s", "z", "b", "r", "rr", "rz", "p", "c", "u", "uj", "ul", "uz",
                "ug", "uv", "ud", "k", "y", "e", "o", "zg")

#: Single-word score multipliers by POS tag (tags not listed: 1.0).
DEFAULT_POS_WEIGHTS: Mapping[str, float] = {
    **dict.fromkeys(_PROPER, 1.5),
    "n": 0.8,
    "i": 0.6,
    **dict.fromkeys(_NEVER_ALONE, 0.0),
}

#: Tags a term may end in: nouns of every kind, Latin words, abbreviations, idioms-as-names.
NOUN_TAGS = frozenset(
    ["n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "nrf", "ng", "eng", "j", "vn", "an", "l", "x",
     "un", "g"]
)
# Tags a term never holds: verbs (not verbal nouns), numerals, measure words, adverbs,
# prepositions, conjunctions, particles, pronouns, place and time words, modal particles.
_NOT_IN_TERM = frozenset(
    ["v", "vd", "vg", "vi", "vq", "m", "mq", "q", "d", "df", "dg", "p", "c", "u", "uj", "ul",
     "uz", "ug", "uv", "ud", "r", "rr", "rz", "f", "t", "tg", "ad", "y", "e", "o", "zg"]
)
_HEAD_TAGS = frozenset(["v", "vd", "vi"])  # a verb may end a term when it heads terms


#: A verb heads a term when jieba's dictionary has at least this many noun entries ending in it.
HEAD_MIN_ENTRIES = 5


@lru_cache(maxsize=1)
def term_heads() -> frozenset[str]:
    """Verbs that end terms: 处理 (数据处理, 图像处理), 学习 (机器学习), 识别, 控制, 翻译.

    Derived from jieba's MIT-licensed ``dict.txt``: a word heads terms when at least
    :data:`HEAD_MIN_ENTRIES` noun entries of four or more characters end in it. Clause verbs do
    not (暴跌 1, 下达 3, 属于 0, 劫持 0), so 图像识别 is a term and 五角大楼下达 is not.
    """
    from importlib.resources import files

    nouns = ("n", "nz", "l", "vn", "nt", "ns", "nr", "i", "j")
    counts: Counter[str] = Counter()
    with files("jieba").joinpath("dict.txt").open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and len(parts[0]) >= 4 and parts[2] in nouns:
                w = parts[0]
                counts[w[-2:]] += 1
                if len(w) >= 5:
                    counts[w[-3:]] += 1
    return frozenset(w for w, c in counts.items() if c >= HEAD_MIN_ENTRIES)


def term_shape(words: list[str], tags: list[str]) -> bool:
    """Whether a run of words with these tags has the shape of a term.

    It ends in a noun (:data:`NOUN_TAGS`) or in a verb that heads terms (:func:`term_heads`),
    and holds no other verb, no numeral and no function word: noun + noun (互联网金融),
    adjective or verbal noun + noun (无人银行), noun + 处理 (图像处理), but not 劫持妻子 (verb +
    object), 屠龙记十大 (ends in a numeral) or 国家主权属于 (ends in a clause verb).

    Example:
        >>> term_shape(["无人", "银行"], ["n", "n"]), term_shape(["劫持", "妻子"], ["v", "n"])
        (True, False)
        >>> term_shape(["图像", "处理"], ["n", "v"]), term_shape(["大楼", "下达"], ["n", "v"])
        (True, False)
    """
    if not tags or not _NOT_IN_TERM.isdisjoint(tags[:-1]):
        return False
    last = tags[-1]
    return last in NOUN_TAGS or (last in _HEAD_TAGS and words[-1] in term_heads())


def pos_weights_from(value: str | Mapping[str, float] | None) -> Mapping[str, float] | None:
    """The POS weight table a setting names: ``"default"``, ``"none"`` / ``None``, or a mapping.

    Raises:
        ValueError: Any other value, or a weight that is negative or not a number.
    """
    if value is None or value == "none":
        return None
    if value == "default":
        return DEFAULT_POS_WEIGHTS
    if isinstance(value, Mapping):
        for tag, w in value.items():
            if not isinstance(tag, str) or isinstance(w, bool) or not isinstance(w, (int, float)) \
                    or w < 0:
                raise ValueError(f"pos_weights maps POS tags to numbers 0 or more; got "
                                 f"{tag!r}: {w!r}")
        return {**DEFAULT_POS_WEIGHTS, **value}
    raise ValueError(f"pos_weights must be 'default', 'none' or a mapping of POS tag to "
                     f"weight (e.g. {{\"v\": 0.5}}), got {value!r}")


def weigh(
    scores: dict[str, float],
    cands: Candidates,
    pos_weights: Mapping[str, float] | None,
    single_phrase_weight: float,
) -> dict[str, float]:
    """``scores`` with the termhood evidence applied; candidates without it are dropped.

    Needs ``cands.tags`` (the document was POS-tagged); without tags the scores are returned
    as they are. Quoted terms keep their scores. The pieces of a phrase the document repeats
    are dropped when they never occur outside it (:func:`_fragments`).
    """
    tags = cands.tags
    if tags is None:
        return scores
    out = dict(scores)
    quoted = cands.quoted
    words = cands.words
    kinds = cands.kinds
    if pos_weights is not None:
        tag_of = dict(zip(reversed(words), reversed(tags)))  # each word's first tag
        weight = pos_weights.get
        for word in cands.single:
            w = weight(tag_of.get(word, ""), 1.0)
            if w != 1.0 and word not in quoted:
                if w == 0.0:
                    out.pop(word, None)
                elif word in out:
                    out[word] *= w
    for frag in _fragments(cands):
        if frag not in quoted:
            out.pop(frag, None)
    count = cands.count
    single = cands.single
    once = [(i, n, key) for n, starts in cands.starts.items()
            for i, key in zip(starts, cands.keys[n]) if count[key] == 1]
    for i, n, key in once:
        if key in single or key in quoted or key not in out:
            continue
        if single_phrase_weight == 0.0 or not term_shape(words[i : i + n], tags[i : i + n]):
            del out[key]
        elif tags[i + n - 1] in _HEAD_TAGS:
            continue  # it ends in a verb that heads terms: the dictionary's evidence
        elif "3" in kinds[i : i + n]:
            continue  # a word and a bound character (区块+链, 冯+提莫): one word the segmenter cut
        elif single_phrase_weight != 1.0:
            out[key] *= single_phrase_weight
    return out


def _fragments(cands: Candidates) -> set[str]:
    """Candidates that only ever occur inside one longer phrase the document repeats.

    C-value's reasoning (Frantzi et al. 2000): a string whose every occurrence is nested in
    the same longer candidate is not a term of its own. 磷酸铁锂电池 occurs twice, and so do
    铁锂电池 and 磷酸铁 only inside it: those two are fragments, while 锂电池, also seen in
    三元锂电池, is not. Only phrases seen twice or more count as evidence (in a title every run
    occurs once, and a word is no fragment of an accidental run).
    """
    count = cands.count
    words = cands.words
    out: set[str] = set()
    # one occurrence of each phrase seen twice or more
    repeated = {key: (i, n) for n, starts in cands.starts.items()
                for i, key in zip(starts, cands.keys[n]) if count[key] > 1}
    for key, (i, n) in repeated.items():
        c = count[key]
        for a in range(n):
            for b in range(a + 1, n + 1 if a else n):  # every shorter run inside it
                sub = "".join(words[i + a : i + b])
                if count.get(sub) == c:
                    out.add(sub)
    return out
