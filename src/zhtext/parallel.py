"""An order-keeping, memory-bounded process pool for batch jobs.

Workers are started with ``forkserver`` (else ``spawn``), never forked from the caller: they
receive the job's state (a keyword extractor, a model, or what a worker needs to load one)
explicitly, once, through the pool initializer, then chunks of items. At most ``2 * jobs``
chunks are in flight, so a huge input is never read ahead into memory, and results come back
in input order. Nothing is kept at module level in the calling process, so several threads
may each run a pool.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, TypeVar

__all__ = ["chunked", "no_forking", "ordered_map"]

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


class _WorkerState:
    """The job state inside one worker process, made ready on the first chunk."""

    def __init__(self, state: Any, setup: Callable[[Any], Any] | None) -> None:
        self.state = state
        self.setup = setup

    def get(self) -> Any:
        if self.setup is not None:
            # Errors of the set-up (a damaged model, say) reach the caller as the error of
            # this chunk, with their type and message: an initializer's error would only
            # break the pool.
            self.state = self.setup(self.state)
            self.setup = None
        return self.state


# Set by the pool initializer in worker processes only (each has its own module); the
# calling process never assigns it.
_in_worker: _WorkerState | None = None


def _init_worker(state: Any, setup: Callable[[Any], Any] | None) -> None:
    global _in_worker
    # Ctrl-C goes to the whole process group: the caller stops the pool, and workers do
    # not print a traceback each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _in_worker = _WorkerState(state, setup)


def _run_chunk(fn: Callable[[Any, list[Any]], list[Any]], chunk: list[Any]) -> list[Any]:
    assert _in_worker is not None, "run only in pool workers"
    return fn(_in_worker.get(), chunk)


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
    state: Any,
    chunks: Iterable[list[T]],
    *,
    jobs: int = 1,
    setup: Callable[[Any], S] | None = None,
) -> Iterator[R]:
    """Apply ``fn(state, chunk)`` to every chunk and yield the results in order.

    Args:
        fn: A module-level function (it is sent to worker processes by reference).
        state: Sent to each worker once (pickled); with ``jobs == 1`` used as is.
        chunks: The input, in chunks; read as workers take them (at most ``2 * jobs``
            ahead of the results yielded).
        jobs: Worker processes; 1 runs everything in this process. 0 or less means one per
            CPU core.
        setup: If given, ``setup(state)`` is what ``fn`` receives, made once in each process
            before its first chunk: for example, ``state`` is a model directory and
            ``setup`` loads it, so the model is never pickled nor held by the caller. Its
            errors are raised here, as those of ``fn``.

    Closing the iterator early (an error while consuming it, a closed output pipe) drops
    the chunks not started and waits only for those running.
    """
    if jobs <= 0:
        jobs = os.cpu_count() or 1
    if jobs == 1:
        local = _WorkerState(state, setup)
        for chunk in chunks:
            yield from fn(local.get(), chunk)
        return
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(),
                               initializer=_init_worker, initargs=(state, setup))
    pending: deque[Future[list[R]]] = deque()
    try:
        for chunk in chunks:
            pending.append(pool.submit(_run_chunk, fn, chunk))
            if len(pending) >= 2 * jobs:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def no_forking(obj: Any) -> None:
    """Keep a loaded linear classifier from starting processes to featurise a huge batch.

    For callers that run in threads (a server) or are one worker among several already (a
    Ray actor): the classifier then featurises in the calling process.
    """
    from dataclasses import is_dataclass, replace

    model: Any = getattr(obj, "model_", None)
    settings = getattr(model, "settings", None)
    if is_dataclass(settings) and not isinstance(settings, type) and \
            getattr(settings, "predict_jobs", 1) != 1:
        model.settings = replace(settings, predict_jobs=1)
