"""An order-keeping, memory-bounded process pool for batch jobs.

Workers receive the job's state (for example a keyword extractor) once, at start-up, then
chunks of items; at most ``2 * jobs`` chunks are in flight, so a huge input is never read
ahead into memory, and results come back in input order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

__all__ = ["chunked", "no_forking", "ordered_map"]

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

# The job state inside a worker process, set once by the pool initializer. It lives only in
# pool workers (never in the parent), which is how process pools hand state to workers.
_worker_state: Any = None


def _init_worker(state: Any) -> None:
    global _worker_state
    _worker_state = state


def _run_chunk(fn: Callable[[Any, list[Any]], list[Any]], chunk: list[Any]) -> list[Any]:
    return fn(_worker_state, chunk)


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Successive lists of at most ``size`` items."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def ordered_map(
    fn: Callable[[S, list[T]], list[R]],
    state: S,
    chunks: Iterable[list[T]],
    *,
    jobs: int = 1,
) -> Iterator[R]:
    """Apply ``fn(state, chunk)`` to every chunk and yield the results in order.

    Args:
        fn: A module-level function (it is sent to worker processes by reference).
        state: Sent to each worker once (pickled); with ``jobs == 1`` used as is.
        chunks: The input, in chunks.
        jobs: Worker processes; 1 runs everything in this process. 0 or less means one per
            CPU core.
    """
    if jobs <= 0:
        jobs = os.cpu_count() or 1
    if jobs == 1:
        for chunk in chunks:
            yield from fn(state, chunk)
        return
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=_context(), initializer=_init_worker, initargs=(state,)
    ) as pool:
        pending: deque[Future[list[R]]] = deque()
        it = iter(chunks)
        try:
            for chunk in it:
                pending.append(pool.submit(_run_chunk, fn, chunk))
                if len(pending) >= 2 * jobs:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()


def no_forking(obj: Any) -> None:
    """Keep a loaded linear classifier from forking processes to featurise a huge batch.

    For callers that run in threads (a server) or are one worker among several already (a
    Ray actor): the classifier then featurises in the calling process.
    """
    from dataclasses import is_dataclass, replace

    model: Any = getattr(obj, "model_", None)
    settings = getattr(model, "settings", None)
    if is_dataclass(settings) and not isinstance(settings, type) and \
            getattr(settings, "predict_jobs", 1) != 1:
        model.settings = replace(settings, predict_jobs=1)
