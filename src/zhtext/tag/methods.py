"""The tagging methods by name: one line each (a :class:`~zhtext.tag.backend.TaggerBackend`)."""

from __future__ import annotations

from zhtext.registry import Methods

__all__ = ["METHODS"]

METHODS = Methods("tag", {
    "crf": "zhtext.tag.crf:CrfBackend",
    "bert": "zhtext.tag.neural:BertBackend",
}, aliases={"crf.v1": "crf", "bert.v1": "bert"})
