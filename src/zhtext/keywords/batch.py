"""Keyword extraction over a stream of documents, formatted for output, in parallel."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Literal

from zhtext.io import Document
from zhtext.keywords.base import KeywordExtractor
from zhtext.parallel import ordered_map
from zhtext.records import Keyword

__all__ = ["KeywordLines", "OutputFormat", "auto_jobs", "extract_lines", "format_keywords"]

OutputFormat = Literal["text", "tsv", "jsonl"]

logger = logging.getLogger(__name__)

# Documents per chunk sent to a worker; a chunk is also cut when its text passes _CHUNK_CHARS.
_CHUNK_DOCS = 256
_CHUNK_CHARS = 1 << 20

# The default --jobs: inputs of at least AUTO_JOBS_BYTES are spread over one process per
# available core, at most AUTO_JOBS_MAX. Each process loads its own dictionary and IDF table
# (about a second of CPU, 120 MiB), so on smaller inputs one process finishes first.
AUTO_JOBS_BYTES = 4 << 20
AUTO_JOBS_MAX = 4


def auto_jobs(input_bytes: int | None, cores: int | None = None) -> int:
    """The number of processes for an input of ``input_bytes`` (``None``: unknown, a pipe).

    One process for unknown or small inputs; for inputs of ``AUTO_JOBS_BYTES`` or more, one
    per core this process may run on (``cores``, by default from the CPU affinity), at most
    ``AUTO_JOBS_MAX``.
    """
    if input_bytes is None or input_bytes < AUTO_JOBS_BYTES:
        return 1
    if cores is None:
        try:
            cores = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):  # pragma: no cover - not Linux
            cores = os.cpu_count() or 1
    return max(1, min(cores, AUTO_JOBS_MAX))


def format_keywords(doc_id: str | int, keywords: list[Keyword], fmt: OutputFormat) -> str:
    """One document's keywords as output text (ending in a newline unless empty TSV).

    ``text``: the keywords on one line, separated by spaces; ``tsv``: one line per keyword
    with id, rank, keyword, score; ``jsonl``: ``{"id": ..., "keywords": [...]}``.
    """
    if fmt == "jsonl":
        return json.dumps({"id": doc_id, "keywords": [k.to_dict() for k in keywords]},
                          ensure_ascii=False) + "\n"
    if fmt == "tsv":
        return "".join(f"{doc_id}\t{r}\t{k.text}\t{k.score:.6g}\n"
                       for r, k in enumerate(keywords, 1))
    return " ".join(k.text for k in keywords) + "\n"


class KeywordLines:
    """A batch of ids and texts in, its keyword output out (``--engine ray`` workers).

    The same formatting as :func:`extract_lines`, so both paths write the same lines.
    """

    def __init__(self, extractor: KeywordExtractor, top_k: int = 5,
                 fmt: OutputFormat = "jsonl") -> None:
        self.extractor = extractor
        self.top_k = top_k
        self.fmt = fmt

    def __call__(self, ids: list[str | int], texts: list[str]) -> str:
        """The output of one batch, in its order."""
        results = self.extractor.extract(texts, self.top_k)
        return "".join(format_keywords(i, kws, self.fmt) for i, kws in zip(ids, results))


def _chunks(docs: Iterable[Document]) -> Iterator[list[tuple[str | int, str]]]:
    # Plain (id, text) tuples: they pickle several times faster than record objects, which
    # matters when a parent process feeds two busy workers.
    chunk: list[tuple[str | int, str]] = []
    chars = 0
    for doc in docs:
        chunk.append((doc.id, doc.text))
        chars += len(doc.text)
        if len(chunk) >= _CHUNK_DOCS or chars >= _CHUNK_CHARS:
            yield chunk
            chunk = []
            chars = 0
    if chunk:
        yield chunk


State = tuple[KeywordExtractor, int, OutputFormat]


def _work(state: State, chunk: list[tuple[str | int, str]]) -> list[str]:
    extractor, top_k, fmt = state
    results = extractor.extract([text for _, text in chunk], top_k)
    # One string per chunk: a single object to send back to the parent.
    return ["".join(format_keywords(i, kws, fmt) for (i, _), kws in zip(chunk, results))]


def extract_lines(
    extractor: KeywordExtractor,
    docs: Iterable[Document],
    *,
    top_k: int = 5,
    fmt: OutputFormat = "jsonl",
    jobs: int = 1,
) -> Iterator[str]:
    """Extract and format the keywords of each document, in input order.

    Yields the formatted output of successive chunks of documents (each a string of whole
    lines). Memory stays bounded whatever the input size: documents are read as they are
    needed. With ``jobs > 1`` the work is spread over that many processes (0 or less: one
    per core).

    On Linux, when this process runs no other thread, the workers are forked from it after
    it has extracted the first chunk itself, so they start with the extractor loaded (its
    dictionary and IDF table: about a second of CPU each otherwise); the first item is
    yielded once they run. Elsewhere, or from a process with threads (a server), they
    start afresh (:func:`zhtext.parallel.ordered_map`).
    """
    state: State = (extractor, top_k, fmt)
    chunks = _chunks(docs)
    if jobs <= 0:
        jobs = os.cpu_count() or 1
    if jobs == 1:
        for chunk in chunks:
            yield from _work(state, chunk)
        return
    if not _fork_is_safe():
        logger.debug("%d worker processes, started afresh", jobs)
        yield from ordered_map(_work, state, chunks, jobs=jobs)
        return
    first = next(chunks, None)
    if first is None:
        return
    head = _work(state, first)  # loads the extractor in this process, before the fork
    logger.debug("%d worker processes, forked with the extractor loaded", jobs)
    yield from _forked_map(state, head, chunks, jobs)


def _fork_is_safe() -> bool:
    """Whether this process may fork: Linux, and no thread but this one.

    (Another thread could hold a lock at the fork, which the children would inherit held.)
    """
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1  # native threads count too
    except OSError:  # pragma: no cover - /proc not mounted
        return threading.active_count() == 1


# The job of a forked worker. Set only in the workers, by the pool's initializer (the parent
# never assigns it); a forked worker inherits the state itself, not a pickled copy.
_worker_state: State | None = None


def _init_forked(state: State) -> None:
    global _worker_state
    _worker_state = state


def _forked_work(chunk: list[tuple[str | int, str]]) -> list[str]:
    assert _worker_state is not None
    return _work(_worker_state, chunk)


def _forked_map(
    state: State, head: list[str], chunks: Iterator[list[tuple[str | int, str]]], jobs: int
) -> Iterator[str]:
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                             initializer=_init_forked, initargs=(state,)) as pool:
        pool.submit(int)  # the pool forks all its workers at the first task: now
        yield from head
        pending: deque[Future[list[str]]] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(_forked_work, chunk))
                if len(pending) >= 2 * jobs:  # bounded read-ahead, as ordered_map
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()
