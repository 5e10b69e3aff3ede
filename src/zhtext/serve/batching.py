"""Micro-batching: concurrent requests for one model gathered into one ``predict`` call.

A neural model predicts 16 texts in little more time than one, so requests that arrive
within a few milliseconds of each other are worth answering together. Each
:class:`MicroBatcher` owns one worker thread: the event loop gathers waiting requests, the
worker runs the model, and the loop hands each request its slice of the results. Because a
model only ever runs in its batcher's thread, models that must not run in two threads at once
(CRFsuite taggers, gensim) are safe too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["BatcherClosedError", "MicroBatcher"]

logger = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)


class BatcherClosedError(RuntimeError):
    """The batcher was closed (the server is shutting down)."""


@dataclass
class _Item(Generic[K]):
    texts: list[str]
    key: K
    future: asyncio.Future[list[Any]]


class MicroBatcher(Generic[K]):
    """Gathers concurrent calls for one model into few ``run`` calls in one worker thread.

    Args:
        run: ``run(texts, key) -> results``, one result per text, in order. Requests are
            combined only when their keys (e.g. the request options) are equal.
        max_wait: Seconds to wait for more requests after the first one arrives (0: take only
            what is already waiting).
        max_texts: Stop gathering at this many texts (a larger single request runs alone).
        name: For the worker thread's name and log messages.

    Example:
        >>> async def demo():
        ...     b = MicroBatcher(lambda texts, key: [t.upper() for t in texts], max_wait=0.005)
        ...     out = await asyncio.gather(b.submit(["a"], ()), b.submit(["b", "c"], ()))
        ...     await b.aclose()
        ...     return out
        >>> asyncio.run(demo())
        [['A'], ['B', 'C']]
    """

    def __init__(self, run: Callable[[list[str], K], list[Any]], *, max_wait: float = 0.005,
                 max_texts: int = 64, name: str = "model") -> None:
        if max_wait < 0:
            raise ValueError(f"max_wait should be 0 or more, got {max_wait}")
        if max_texts < 1:
            raise ValueError(f"max_texts should be at least 1, got {max_texts}")
        self._run = run
        self.max_wait = max_wait
        self.max_texts = max_texts
        self.name = name
        self._pending: deque[_Item[K]] = deque()
        self._pending_texts = 0
        self._wake: asyncio.Event | None = None
        self._full: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._inflight: list[_Item[K]] = []
        self.calls = 0  # model calls made so far (for tests and statistics)

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start gathering in ``loop`` (again, after :meth:`aclose` or in a new loop)."""
        self._pending.clear()
        self._pending_texts = 0
        self._inflight = []
        self._wake, self._full = asyncio.Event(), asyncio.Event()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1,
                                                thread_name_prefix=f"zhtext-{self.name}")
        self._loop = loop
        self._task = loop.create_task(self._collect(), name=f"zhtext-batcher-{self.name}")

    async def submit(self, texts: list[str], key: K) -> list[Any]:
        """Run ``texts`` with the next batch; returns their results in order.

        Raises:
            BatcherClosedError: The batcher was closed while the request waited.
            Exception: Whatever ``run`` raised for the batch this request was part of.
        """
        loop = asyncio.get_running_loop()
        if self._task is None or self._loop is not loop or self._task.done():
            self._start(loop)
        assert self._wake is not None and self._full is not None
        item: _Item[K] = _Item(texts, key, loop.create_future())
        self._pending.append(item)
        self._pending_texts += len(texts)
        self._wake.set()
        if self._pending_texts >= self.max_texts:
            self._full.set()
        return await item.future

    def _take(self) -> list[_Item[K]]:
        """Waiting items, oldest first, up to ``max_texts`` texts (at least one item)."""
        items: list[_Item[K]] = []
        n = 0
        while self._pending and (not items or n + len(self._pending[0].texts) <= self.max_texts):
            item = self._pending.popleft()
            items.append(item)
            n += len(item.texts)
        self._pending_texts -= n
        assert self._wake is not None and self._full is not None
        if self._pending_texts < self.max_texts:
            self._full.clear()
        if not self._pending:
            self._wake.clear()
        return items

    async def _collect(self) -> None:
        assert self._wake is not None and self._full is not None
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            if not self._pending:
                self._wake.clear()
                continue
            if self.max_wait > 0 and self._pending_texts < self.max_texts:
                with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                    await asyncio.wait_for(self._full.wait(), self.max_wait)
            groups: dict[K, list[_Item[K]]] = {}
            for item in self._take():
                if not item.future.done():  # a request whose client went away is dropped
                    groups.setdefault(item.key, []).append(item)
            for key, group in groups.items():
                texts = [t for item in group for t in item.texts]
                self.calls += 1
                self._inflight = group
                try:
                    results = await loop.run_in_executor(self._executor, self._run, texts, key)
                    if len(results) != len(texts):
                        raise RuntimeError(f"{self.name}: {len(results)} results for "
                                           f"{len(texts)} texts")
                except Exception as e:
                    logger.debug("%s: batch of %d texts failed: %s", self.name, len(texts), e)
                    for item in group:
                        if not item.future.done():
                            item.future.set_exception(e)
                    continue
                a = 0
                for item in group:
                    b = a + len(item.texts)
                    if not item.future.done():
                        item.future.set_result(results[a:b])
                    a = b
                self._inflight = []

    async def aclose(self) -> None:
        """Stop gathering, fail the requests still waiting, and end the worker thread.

        A later :meth:`submit` starts the batcher again.
        """
        task, loop, self._task, self._loop = self._task, self._loop, None, None
        if task is not None and not task.done():
            if loop is asyncio.get_running_loop():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            else:  # started in another (possibly closed) event loop
                with contextlib.suppress(RuntimeError):
                    task.cancel()
        for item in [*self._inflight, *self._pending]:
            if not item.future.done():
                item.future.set_exception(BatcherClosedError("the server is shutting down"))
        self._pending.clear()
        self._inflight = []
        self._pending_texts = 0
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
