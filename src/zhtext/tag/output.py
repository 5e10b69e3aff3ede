"""Tagging output lines: what ``tag predict`` writes, per batch (local and Ray paths alike).

:func:`stream_tag_lines` runs :class:`TagLines` over a stream of texts in worker processes.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Literal

__all__ = ["TagLines", "load_tag_lines", "stream_tag_lines"]

TagFormat = Literal["jsonl", "conll", "sighan"]


class TagLines:
    """A batch of texts in, its tagging output out.

    ``jsonl``: ``{"id", "text", "entities": [...]}`` (ner) or ``{"id", "text", "tokens":
    [...]}`` (cws / pos) with offsets; ``conll``: a character and its tag per line, a blank
    line after each text; ``sighan``: the words of each text separated by spaces.
    """

    def __init__(self, tagger: Any, fmt: TagFormat = "jsonl") -> None:
        self.tagger = tagger
        self.fmt = fmt

    def __call__(self, ids: list[str | int], texts: list[str]) -> str:
        """The output of one batch, in its order (``ids`` are written in JSONL)."""
        from zhtext.schemes import Scheme, to_tags

        tagger = self.tagger
        out: list[str] = []
        for doc_id, text, ss in zip(ids, texts, tagger.predict_spans(texts), strict=True):
            if self.fmt == "sighan":
                out.append(" ".join(text[s:e] for s, e, _ in ss if text[s:e].strip()) + "\n")
            elif self.fmt == "conll":
                scheme: Scheme = "bio" if tagger.task == "ner" else "bmes"
                for c, t in zip(text, to_tags(len(text), ss, scheme), strict=True):
                    if not c.isspace():
                        out.append(f"{c} {t}\n")
                out.append("\n")
            elif tagger.task == "ner":
                out.append(json.dumps({"id": doc_id, "text": text, "entities": [
                    {"text": text[s:e], "start": s, "end": e, "label": t}
                    for s, e, t in ss]}, ensure_ascii=False) + "\n")
            else:
                out.append(json.dumps({"id": doc_id, "text": text, "tokens": [
                    {"text": text[s:e], "start": s, "end": e, "pos": t or None}
                    for s, e, t in ss]}, ensure_ascii=False) + "\n")
        return "".join(out)


def load_tag_lines(model_dir: str, fmt: TagFormat) -> TagLines:
    """Load a tagger directory into :class:`TagLines` (a Ray worker's start-up)."""
    from zhtext.artifacts import load

    return TagLines(load(model_dir), fmt)


@dataclass(frozen=True)
class _ModelDir:
    """What a worker needs to load its own :class:`TagLines`: sent instead of a model."""

    path: str
    fmt: TagFormat


def _ready(source: TagLines | _ModelDir) -> TagLines:
    if isinstance(source, TagLines):
        return source
    return load_tag_lines(source.path, source.fmt)


def _chunk_lines(lines: TagLines, chunk: list[tuple[str | int, str]]) -> list[tuple[int, str]]:
    # One string per chunk: a single object to send back to the parent.
    return [(len(chunk), lines([i for i, _ in chunk], [t for _, t in chunk]) if chunk else "")]


def stream_tag_lines(
    model: str | Path | TagLines,
    texts: Iterable[str] | Iterable[tuple[str | int, str]],
    *,
    fmt: TagFormat = "jsonl",
    jobs: int = 1,
    chunk_size: int = 256,
) -> Generator[tuple[int, str], None, None]:
    """The tagging output of ``texts``, in order: ``(texts, output)`` per chunk.

    Memory stays bounded whatever the input: texts are read as workers need them (at most
    ``2 * jobs`` chunks ahead of the output).

    Args:
        model: A tagger directory (each worker loads it; this process never does), or
            :class:`TagLines` (sent to each worker once).
        texts: The input: texts (their ids are their numbers from 1), or ``(id, text)``.
        fmt: ``jsonl``, ``conll`` or ``sighan`` (with a directory).
        jobs: Worker processes (1: this process).
        chunk_size: Texts per chunk given to a worker.

    Raises:
        InputError: The model cannot be loaded (also for an empty input).
    """
    from zhtext.parallel import chunked, ordered_map

    source: TagLines | _ModelDir = (model if isinstance(model, TagLines)
                                    else _ModelDir(str(model), fmt))
    # An empty chunk first: the model is loaded (and a damaged one reported) even for an
    # empty input, before any output.
    rows = (t if isinstance(t, tuple) else (i, t) for i, t in enumerate(texts, 1))
    chunks = chain([[]], chunked(rows, chunk_size))
    yield from ordered_map(_chunk_lines, source, chunks, jobs=jobs, setup=_ready)
