"""Token tasks: word segmentation (``cws``), POS tagging (``pos``) and NER (``ner``).

``Tagger`` trains and applies them (methods ``crf`` and ``bert``) on
:class:`~zhtext.records.Sentence` records, which :func:`zhtext.io.tagged.read_tagged` reads
from People's Daily, CoNLL, CLUENER JSON and SIGHAN files. CRFsuite, torch and transformers load
only when a method needs them.
"""

from __future__ import annotations

from zhtext.records import Entity, Sentence, Token
from zhtext.schemes import convert, to_spans, to_tags
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
    "to_spans",
    "to_tags",
]
