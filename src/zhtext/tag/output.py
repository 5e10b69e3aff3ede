"""Tagging output lines: what ``tag predict`` writes, per batch (local and Ray paths alike)."""

from __future__ import annotations

import json
from typing import Any, Literal

__all__ = ["TagLines", "load_tag_lines"]

TagFormat = Literal["jsonl", "conll", "sighan"]


class TagLines:
    """A batch of texts in, its tagging output out.

    ``jsonl``: ``{"text", "entities": [...]}`` (ner) or ``{"text", "tokens": [...]}`` (cws /
    pos) with offsets; ``conll``: a character and its tag per line, a blank line after each
    text; ``sighan``: the words of each text separated by spaces.
    """

    def __init__(self, tagger: Any, fmt: TagFormat = "jsonl") -> None:
        self.tagger = tagger
        self.fmt = fmt

    def __call__(self, ids: list[str | int], texts: list[str]) -> str:
        """The output of one batch, in its order (``ids`` are not written)."""
        from zhtext.tag.schemes import Scheme, to_tags

        tagger = self.tagger
        out: list[str] = []
        for text, ss in zip(texts, tagger.predict_spans(texts), strict=True):
            if self.fmt == "sighan":
                out.append(" ".join(text[s:e] for s, e, _ in ss if text[s:e].strip()) + "\n")
            elif self.fmt == "conll":
                scheme: Scheme = "bio" if tagger.task == "ner" else "bmes"
                for c, t in zip(text, to_tags(len(text), ss, scheme), strict=True):
                    if not c.isspace():
                        out.append(f"{c} {t}\n")
                out.append("\n")
            elif tagger.task == "ner":
                out.append(json.dumps({"text": text, "entities": [
                    {"text": text[s:e], "start": s, "end": e, "label": t}
                    for s, e, t in ss]}, ensure_ascii=False) + "\n")
            else:
                out.append(json.dumps({"text": text, "tokens": [
                    {"text": text[s:e], "start": s, "end": e, "pos": t or None}
                    for s, e, t in ss]}, ensure_ascii=False) + "\n")
        return "".join(out)


def load_tag_lines(model_dir: str, fmt: TagFormat) -> TagLines:
    """Load a tagger directory into :class:`TagLines` (a Ray worker's start-up)."""
    from zhtext.artifacts import load

    return TagLines(load(model_dir), fmt)
