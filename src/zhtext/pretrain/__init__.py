"""Pretraining a Chinese BERT: vocabulary, whole-word-masking MLM, streamed corpora.

Example:
    >>> from zhtext.pretrain import Corpus, build_vocab  # doctest: +SKIP
    >>> tokenizer, stats = build_vocab(Corpus(["news.txt"]), vocab_size=8000)  # doctest: +SKIP
"""

from __future__ import annotations

from zhtext.pretrain.corpus import Corpus, CorpusFormat, has_cjk
from zhtext.pretrain.mlm import SIZES, PretrainResult, PretrainSettings, pretrain_mlm
from zhtext.pretrain.vocab import build_vocab, corpus_stats

__all__ = ["SIZES", "Corpus", "CorpusFormat", "PretrainResult", "PretrainSettings",
           "build_vocab", "corpus_stats", "has_cjk", "pretrain_mlm"]
