"""Stop words: from the maintained ``stopwordsiso`` package, a file, or corpus statistics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from zhtext.errors import InputError

__all__ = ["corpus_stopwords", "default_stopwords", "function_words", "load_stopwords"]


@lru_cache(maxsize=1)
def default_stopwords() -> frozenset[str]:
    """The Chinese list of the stopwords-iso project (package ``stopwordsiso``, MIT).

    Tokens that are only punctuation or digits are left out: the POS filter already drops them.
    """
    import stopwordsiso

    words = stopwordsiso.stopwords("zh")
    return frozenset(w for w in words if any(ch.isalpha() for ch in w))


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Words whose most frequent tag in jieba's dictionary is a function class.

    Adverbs, prepositions, conjunctions, particles, pronouns, numerals, measure words and
    time words (正在, 我们, 今天): derived from jieba's MIT-licensed ``dict.txt`` by
    ``tools/make_function_words.py`` and shipped in ``zhtext/resources``. They stand in for
    a POS filter where no tagger runs.
    """
    from importlib.resources import files

    text = files("zhtext.resources").joinpath("function_words.txt").read_text(encoding="utf-8")
    return frozenset(w for w in text.splitlines() if w and not w.startswith("#"))


def load_stopwords(source: str | Path | Iterable[str] | None = "default") -> frozenset[str]:
    """Stop words from a named source.

    Args:
        source: ``"default"`` (stopwords-iso plus the function words of jieba's dictionary),
            ``"stopwords-iso"`` (that list alone), ``"none"`` / ``None`` (no stop words), a path
            to a UTF-8 file with one word per line, or an iterable of words.

    Raises:
        InputError: The file is missing or not UTF-8.
    """
    if source is None or source == "none":
        return frozenset()
    if source == "default":
        return default_stopwords() | function_words()
    if source == "stopwords-iso":
        return default_stopwords()
    if isinstance(source, (str, Path)):
        p = Path(source)
        try:
            text = p.read_text(encoding="utf-8-sig")  # a BOM (Windows editors) is not a word
        except FileNotFoundError:
            raise InputError(
                "stop-word file not found; give a UTF-8 file with one word per line, "
                "or 'default' or 'none'",
                path=str(p),
            ) from None
        except UnicodeDecodeError:
            raise InputError("stop-word file is not UTF-8 text", path=str(p)) from None
        return frozenset(w.strip() for w in text.splitlines() if w.strip())
    return frozenset(w for w in source if w)


def corpus_stopwords(
    doc_freq: Mapping[str, int], n_docs: int, *, max_df: float = 0.5, min_docs: int = 20
) -> frozenset[str]:
    """Words that occur in more than ``max_df`` of the documents of a corpus.

    Derived from the user's own corpus, so a domain's boilerplate ("研究", "方法" in papers,
    "记者" in news) is recognised without a hand-made list. Returns nothing for corpora of
    fewer than ``min_docs`` documents, where document frequencies mean little.
    """
    if n_docs < min_docs:
        return frozenset()
    limit = max_df * n_docs
    return frozenset(w for w, df in doc_freq.items() if df > limit)
