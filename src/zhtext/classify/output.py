"""Prediction output lines of a classifier: what ``classify predict`` writes, per batch.

One class serves the local command and the ``--engine ray`` workers, so both write the same
lines for the same rows; :func:`stream_prediction_lines` runs it over a stream of rows in
worker processes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Literal

__all__ = ["PredictionLines", "empty_warning", "load_prediction_lines",
           "stream_prediction_lines"]

logger = logging.getLogger(__name__)


class PredictionLines:
    """A batch of ids and texts in, its prediction lines out (``jsonl`` or ``tsv``).

    ``jsonl``: ``{"id", "label", "score", "scores"}`` (``"labels"`` too for multi-label models);
    ``tsv``: id, label(s), score. An empty or whitespace-only text keeps its line with no
    label: ``"label": null`` (``"scores": {}``) in JSONL, empty label and score fields in TSV.
    """

    def __init__(self, classifier: Any, fmt: Literal["jsonl", "tsv"] = "jsonl") -> None:
        self.classifier = classifier
        self.fmt = fmt

    def __call__(self, ids: list[str | int], texts: list[str]) -> str:
        """The output lines of one batch, in its order."""
        return self.lines(ids, texts)[0]

    def lines(self, ids: list[str | int], texts: list[str]) -> tuple[str, list[str | int]]:
        """The output lines of one batch, and the ids of its texts that got no label."""
        clf = self.classifier
        lines = []
        empty: list[str | int] = []
        for doc_id, p in zip(ids, clf.predict(texts), strict=True):
            if p.label is None:
                empty.append(doc_id)
            if self.fmt == "jsonl":
                lines.append(json.dumps({"id": doc_id, **p.to_dict(
                    multi_label=clf.multi_label)}, ensure_ascii=False) + "\n")
            elif p.label is None:
                lines.append(f"{doc_id}\t\t\n")
            else:
                shown = ",".join(p.labels) if clf.multi_label else p.label
                lines.append(f"{doc_id}\t{shown}\t{p.score:.6f}\n")
        return "".join(lines), empty


def load_prediction_lines(model_dir: str, fmt: Literal["jsonl", "tsv"]) -> PredictionLines:
    """Load a classifier directory into :class:`PredictionLines` (a Ray worker's start-up).

    A linear classifier featurises in its own process here: the engine runs one worker per
    CPU already.
    """
    from zhtext.classify.classifier import TextClassifier
    from zhtext.parallel import no_forking

    clf = TextClassifier.load(model_dir)
    no_forking(clf)
    return PredictionLines(clf, fmt)


@dataclass(frozen=True)
class _ModelDir:
    """What a worker needs to load its own :class:`PredictionLines`: sent instead of a model."""

    path: str
    fmt: Literal["jsonl", "tsv"]


def _ready(source: PredictionLines | _ModelDir) -> PredictionLines:
    if isinstance(source, PredictionLines):
        return source
    return load_prediction_lines(source.path, source.fmt)


def _chunk_lines(lines: PredictionLines, chunk: list[tuple[str | int, str]]
                 ) -> list[tuple[int, str, list[str | int]]]:
    # One tuple per chunk: a single object to send back to the parent.
    if not chunk:
        return [(0, "", [])]
    text, empty = lines.lines([i for i, _ in chunk], [t for _, t in chunk])
    return [(len(chunk), text, empty)]


def empty_warning(ids: list[str | int], shown: int = 20) -> str:
    """The one warning of a run whose empty texts got no label, naming them."""
    listed = ", ".join(map(str, ids[:shown])) + (", ..." if len(ids) > shown else "")
    s = "" if len(ids) == 1 else "s"
    return (f"{len(ids)} empty text{s} got no label (ids {listed}): their lines say "
            "\"label\": null (an empty label field in TSV)")


def stream_prediction_lines(
    model: str | Path | PredictionLines,
    rows: Iterable[tuple[str | int, str]],
    *,
    fmt: Literal["jsonl", "tsv"] = "jsonl",
    jobs: int = 1,
    chunk_size: int = 8192,
) -> Generator[tuple[int, str], None, None]:
    """Prediction lines of ``(id, text)`` rows, in order: ``(rows, lines)`` per chunk.

    Memory stays bounded whatever the input: rows are read as workers need them (at most
    ``2 * jobs`` chunks ahead of the output). Empty and whitespace-only texts keep their
    line with no label; once the output is complete, one warning names them.

    Args:
        model: A classifier directory (each worker loads it: the model is neither pickled
            nor held by this process), or :class:`PredictionLines` (sent to each worker once).
        rows: The input.
        fmt: ``jsonl`` or ``tsv`` (with a directory; ``PredictionLines`` have their own).
        jobs: Worker processes (1: this process).
        chunk_size: Rows per chunk given to a worker.

    Raises:
        InputError: The model cannot be loaded (also for an empty input).
    """
    from zhtext.parallel import chunked, ordered_map

    source: PredictionLines | _ModelDir = (model if isinstance(model, PredictionLines)
                                           else _ModelDir(str(model), fmt))
    # An empty chunk first: every run loads the model, so a damaged one is reported even
    # for an empty input, before any output.
    chunks = chain([[]], chunked(rows, chunk_size))
    empty: list[str | int] = []
    for n, text, none in ordered_map(_chunk_lines, source, chunks, jobs=jobs, setup=_ready):
        empty.extend(none)
        yield n, text
    if empty:
        logger.warning("%s", empty_warning(empty))
