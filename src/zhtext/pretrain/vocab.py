"""A Chinese BERT vocabulary: every CJK character a token, WordPiece for the rest.

The way Google's Chinese BERT and BERT-wwm build theirs: the normaliser puts spaces around
each CJK character (``handle_chinese_chars``), so a character is a word of its own and gets
its own token, while Latin script and digits are split into WordPiece units ("##" marks a
continuation). Built with the Hugging Face ``tokenizers`` trainer and saved as a standard
``BertTokenizerFast`` directory (``tokenizer.json``, ``vocab.txt``) that ``from_pretrained``
reads.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhtext.errors import InputError
from zhtext.text.chars import is_han

__all__ = ["SPECIAL_TOKENS", "VocabStats", "build_vocab", "corpus_stats", "save_tokenizer"]

logger = logging.getLogger(__name__)

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass
class VocabStats:
    """What one pass over a corpus found."""

    documents: int = 0
    characters: int = 0
    cjk_characters: int = 0
    char_counts: Counter[str] = field(default_factory=Counter)

    def charset(self, min_count: int) -> list[str]:
        """The characters (not spaces) seen at least ``min_count`` times, most frequent first."""
        return [c for c, n in self.char_counts.most_common()
                if n >= min_count and not c.isspace()]


def corpus_stats(texts: Iterable[str], lowercase: bool = True) -> VocabStats:
    """Count documents and characters of a corpus (one streaming pass)."""
    stats = VocabStats()
    for t in texts:
        if lowercase:
            t = t.lower()
        stats.documents += 1
        stats.characters += len(t)
        stats.char_counts.update(t)
    stats.cjk_characters = sum(n for c, n in stats.char_counts.items() if is_han(c))
    return stats


def build_vocab(texts: Iterable[str], *, vocab_size: int = 21128, min_count: int = 2,
                lowercase: bool = True, stats: VocabStats | None = None,
                name: str = "the corpus") -> tuple[Any, VocabStats]:
    """Train a BERT WordPiece vocabulary on a corpus; returns a ``BertTokenizerFast``.

    Args:
        texts: The corpus (iterated twice: once to count, once to train, unless ``stats``).
        vocab_size: The vocabulary size, special tokens included. It must hold the corpus's
            character set (the characters seen ``min_count`` times), since each is a token.
        min_count: Characters and WordPiece merges seen fewer times stay out (``[UNK]``).
        lowercase: Lower-case Latin letters first (as ``bert-base-chinese`` does).
        stats: The counts of an earlier pass over ``texts``.
        name: How errors name the corpus.

    Raises:
        InputError: The corpus is empty or has no Chinese text, or ``vocab_size`` is smaller
            than its character set.
    """
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertTokenizerFast  # type: ignore[attr-defined]

    if stats is None:
        stats = corpus_stats(texts, lowercase)
    if stats.documents == 0 or not stats.char_counts:
        raise InputError("the corpus is empty (no non-blank documents); give text files, "
                         "JSONL or dataset files with Chinese text", path=name)
    if stats.cjk_characters == 0:
        raise InputError(f"the corpus has no Chinese (CJK) characters in its "
                         f"{stats.documents:,} documents; a Chinese BERT vocabulary needs "
                         "Chinese text (check the file and --text-col)", path=name)
    chars = stats.charset(min_count)
    needed = len(chars) + len(SPECIAL_TOKENS)
    if vocab_size < needed:
        raise InputError(f"--vocab-size {vocab_size} is smaller than the corpus's character "
                         f"set: {len(chars):,} characters occur at least {min_count} times, and "
                         f"each is a token, so the vocabulary needs at least {needed:,} entries "
                         f"(plus room for WordPiece units); raise --vocab-size or --min-count")
    wp = BertWordPieceTokenizer(clean_text=True, handle_chinese_chars=True,
                                strip_accents=None if not lowercase else True,
                                lowercase=lowercase)
    wp.train_from_iterator(_lines(texts), vocab_size=vocab_size, min_frequency=min_count,
                           limit_alphabet=len(chars), special_tokens=SPECIAL_TOKENS,
                           show_progress=False, wordpieces_prefix="##")
    vocab = wp.get_vocab()
    logger.info("vocabulary: %d tokens (%d characters in the corpus seen %d+ times)",
                len(vocab), len(chars), min_count)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        files = wp.save_model(tmp)
        tokenizer = BertTokenizerFast(files[0], do_lower_case=lowercase,
                                      tokenize_chinese_chars=True,
                                      strip_accents=None if not lowercase else True)
    tokenizer.model_max_length = 512
    return tokenizer, stats


def save_tokenizer(tokenizer: Any, directory: Path) -> None:
    """``save_pretrained`` plus ``vocab.txt``, one token a line in id order.

    transformers 5 writes only ``tokenizer.json``; BERT tooling elsewhere (transformers 4's
    slow ``BertTokenizer``, other frameworks) reads ``vocab.txt``, so a shared model has both.
    """
    tokenizer.save_pretrained(str(directory))
    vocab_file = Path(directory) / "vocab.txt"
    if vocab_file.exists():
        return
    by_id = sorted(tokenizer.get_vocab().items(), key=lambda kv: kv[1])
    if [i for _, i in by_id] != list(range(len(by_id))):  # not a dense WordPiece vocabulary
        return
    vocab_file.write_text("".join(f"{t}\n" for t, _ in by_id), encoding="utf-8")


def _lines(texts: Iterable[str]) -> Iterator[str]:
    for t in texts:
        if t.strip():
            yield t
