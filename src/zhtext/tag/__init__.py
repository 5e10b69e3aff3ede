"""Token tasks: word segmentation (``cws``), POS tagging (``pos``) and NER (``ner``).

``Tagger`` trains and applies them (methods ``crf`` and ``bert``); ``read_tagged`` reads
People's Daily, CoNLL, CLUENER JSON and SIGHAN files. CRFsuite, torch and transformers load
only when a method needs them.
"""

from __future__ import annotations

from zhtext.records import Entity, Token
from zhtext.schemes import convert, to_spans, to_tags
from zhtext.tag.formats import Sentence, read_tagged, split_dev
from zhtext.tag.tagger import METHODS, TASKS, Tagger, method_settings

__all__ = [
    "METHODS",
    "TASKS",
    "Entity",
    "Sentence",
    "Tagger",
    "Token",
    "convert",
    "method_settings",
    "read_tagged",
    "split_dev",
    "to_spans",
    "to_tags",
]
