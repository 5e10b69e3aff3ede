"""Micro-batching: concurrent requests share model calls, each gets its own results."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("uvicorn", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("httpx", reason="the server tests need httpx (in the dev extras)")

import httpx
from tests.processes import HANG_GUARD

from zhtext.records import Prediction
from zhtext.serve.app import create_app
from zhtext.serve.batching import BatcherClosedError, MicroBatcher
from zhtext.serve.config import ServeSettings
from zhtext.serve.models import ModelRegistry, ServedModel


class Recorder:
    """A model function that records each call and answers ``text:key`` per text.

    With ``gate``, a call waits for it to be set (and sets ``running`` first): a test so holds a
    batch in the worker for as long as it needs, whatever the machine's speed.
    """

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.calls: list[tuple[list[str], Any]] = []
        self.threads: set[str] = set()
        self.gate = gate
        self.running = threading.Event()

    def __call__(self, texts: list[str], key: Any) -> list[str]:
        self.calls.append((list(texts), key))
        self.threads.add(threading.current_thread().name)
        self.running.set()
        if self.gate is not None:
            self.gate.wait()
        if "fail" in texts:
            raise ValueError("model failed")
        return [f"{t}:{key}" for t in texts]


def test_concurrent_requests_share_one_call_and_keep_their_order() -> None:
    rec = Recorder()

    async def main() -> list[list[str]]:
        b: MicroBatcher[str] = MicroBatcher(rec, max_wait=0.05, max_texts=100, name="t")
        try:
            return await asyncio.gather(*(b.submit([f"{i}a", f"{i}b"], "k") for i in range(6)))
        finally:
            await b.aclose()

    out = asyncio.run(main())
    assert out == [[f"{i}a:k", f"{i}b:k"] for i in range(6)]
    assert len(rec.calls) == 1 and len(rec.calls[0][0]) == 12
    assert rec.threads == {next(iter(rec.threads))} and "zhtext-t" in next(iter(rec.threads))


def test_different_options_are_separate_calls() -> None:
    rec = Recorder()

    async def main() -> list[list[str]]:
        b: MicroBatcher[int] = MicroBatcher(rec, max_wait=0.05, name="t")
        try:
            return await asyncio.gather(b.submit(["x"], 1), b.submit(["y"], 2),
                                        b.submit(["z"], 1))
        finally:
            await b.aclose()

    assert asyncio.run(main()) == [["x:1"], ["y:2"], ["z:1"]]
    assert sorted((tuple(t), k) for t, k in rec.calls) == [(("x", "z"), 1), (("y",), 2)]


def test_max_texts_caps_a_batch() -> None:
    rec = Recorder()

    async def main() -> None:
        b: MicroBatcher[str] = MicroBatcher(rec, max_wait=0.05, max_texts=4, name="t")
        try:
            out = await asyncio.gather(*(b.submit([str(i)], "") for i in range(10)))
            assert out == [[f"{i}:"] for i in range(10)]
            big = await b.submit([str(i) for i in range(9)], "")  # larger than max: one call
            assert len(big) == 9
        finally:
            await b.aclose()

    asyncio.run(main())
    sizes = [len(t) for t, _ in rec.calls]
    assert sizes[:-1] == [4, 4, 2] and sizes[-1] == 9


def test_a_failing_batch_fails_its_requests_only() -> None:
    rec = Recorder()

    async def main() -> None:
        b: MicroBatcher[str] = MicroBatcher(rec, max_wait=0.05, name="t")
        try:
            results = await asyncio.gather(b.submit(["ok"], ""), b.submit(["fail"], ""),
                                           return_exceptions=True)
            assert all(isinstance(r, ValueError) for r in results)
            assert await b.submit(["again"], "") == ["again:"]  # the batcher goes on
        finally:
            await b.aclose()

    asyncio.run(main())


def test_close_fails_waiting_requests_and_restarts_on_demand() -> None:
    gate = threading.Event()
    rec = Recorder(gate)

    async def main() -> None:
        b: MicroBatcher[str] = MicroBatcher(rec, max_wait=0.0, name="t")
        first = asyncio.ensure_future(b.submit(["slow"], ""))
        # "slow" is running in the worker (held there by the gate)
        assert await asyncio.to_thread(rec.running.wait, HANG_GUARD)
        second = asyncio.ensure_future(b.submit(["waiting"], ""))
        await asyncio.sleep(0)  # "waiting" is queued
        await b.aclose()
        gate.set()
        for fut in (first, second):
            with pytest.raises(BatcherClosedError):
                await fut
        assert await b.submit(["new"], "") == ["new:"]
        await b.aclose()

    try:
        asyncio.run(main())
    finally:
        gate.set()
    assert rec.calls == [(["slow"], ""), (["new"], "")]  # "waiting" never ran


def test_cancelled_request_is_skipped() -> None:
    rec = Recorder()

    async def main() -> None:
        b: MicroBatcher[str] = MicroBatcher(rec, max_wait=0.05, name="t")
        gone = asyncio.ensure_future(b.submit(["gone"], ""))
        kept = asyncio.ensure_future(b.submit(["kept"], ""))
        await asyncio.sleep(0)
        gone.cancel()
        assert await kept == ["kept:"]
        await b.aclose()

    asyncio.run(main())
    assert rec.calls == [(["kept"], "")]


class CountingClassifier:
    multi_label = False
    labels_ = ("甲", "乙")

    def __init__(self) -> None:
        self.batches: list[int] = []

    def predict(self, texts: list[str]) -> list[Prediction]:
        self.batches.append(len(texts))
        time.sleep(0.02)  # a neural model's forward pass
        return [Prediction("甲" if "甲" in t else "乙", 0.9, {}, ()) for t in texts]


@pytest.mark.parametrize("batched", [True, False])
def test_app_batches_concurrent_requests_for_batched_models(batched: bool) -> None:
    clf = CountingClassifier()
    reg = ModelRegistry([ServedModel(name="m", task="classify", method="textcnn",
                                     path="/models/m", obj=clf, batched=batched)])
    # the requests are gathered until all 8 texts wait (batch_size) or for at most a second: a
    # short window would split them on a loaded machine
    app = create_app(reg, settings=ServeSettings(batch_wait_ms=1000, batch_size=8))

    async def main() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await asyncio.gather(*(
                c.post("/v1/classify", json={"texts": [f"{'甲' if i % 2 else '乙'}{i}"]})
                for i in range(8)))

    responses = asyncio.run(main())
    labels = [r.json()["results"][0]["label"] for r in responses]
    assert labels == ["甲" if i % 2 else "乙" for i in range(8)]
    assert sum(clf.batches) == 8
    if batched:
        assert len(clf.batches) < 4  # gathered into a few calls
    else:
        assert clf.batches == [1] * 8  # fast models run each request directly
