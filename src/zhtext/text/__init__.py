"""Chinese text processing: normalisation, sentences, segmentation, stop words."""

from __future__ import annotations

from zhtext.text.normalize import NormalizedText, Normalizer, fullwidth_to_halfwidth, normalize
from zhtext.text.segment import (
    SEGMENTER_NAMES,
    CharSegmenter,
    JiebaSegmenter,
    RjiebaSegmenter,
    Segmenter,
    get_segmenter,
    tokenize,
)
from zhtext.text.sentences import sentence_spans, split_sentences
from zhtext.text.stopwords import corpus_stopwords, default_stopwords, load_stopwords
from zhtext.text.userdict import DictEntry, parse_user_dict, read_user_dict

__all__ = [
    "SEGMENTER_NAMES",
    "CharSegmenter",
    "DictEntry",
    "JiebaSegmenter",
    "NormalizedText",
    "Normalizer",
    "RjiebaSegmenter",
    "Segmenter",
    "corpus_stopwords",
    "default_stopwords",
    "fullwidth_to_halfwidth",
    "get_segmenter",
    "load_stopwords",
    "normalize",
    "parse_user_dict",
    "read_user_dict",
    "sentence_spans",
    "split_sentences",
    "tokenize",
]
