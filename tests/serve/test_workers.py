"""``zhtext serve --workers N``: worker processes on one port, checked models, clean stops.

Each test starts the real command on a free loopback port with the session's tiny models and
waits only for what it can observe (a port that answers, a process that exits); the timeouts
are hang guards, never speed limits.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from tests.processes import HANG_GUARD, default_sigint, wait_for

pytest.importorskip("fastapi", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("uvicorn", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("httpx", reason="the server tests need httpx (in the dev extras)")
pytest.importorskip("psutil", reason="the worker tests count processes with psutil (dev "
                    "extras)")

import httpx
import psutil

from zhtext.serve.workers import (
    ENV_VAR,
    STARTUP_FAILURE,
    WorkerConfig,
    create_app_from_env,
    default_workers,
)

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1"}
TIMEOUT = 300.0  # one HTTP request: a hang guard (httpx's default of 5 s fails when loaded)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(*args: str, new_session: bool = False) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "zhtext", "serve", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            preexec_fn=default_sigint, start_new_session=new_session)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/health", timeout=5.0).status_code == 200
    except httpx.TransportError:
        return False


def _workers(proc: subprocess.Popen[str]) -> list[psutil.Process]:
    """The worker processes (multiprocessing's resource tracker is not one)."""
    return [c for c in psutil.Process(proc.pid).children()
            if "spawn_main" in " ".join(c.cmdline())]


def _gone(pids: list[int]) -> bool:
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return not alive


def _start(model_dirs: dict[str, Path], *extra: str,
           new_session: bool = False) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    proc = _serve(f"news={model_dirs['news']}", f"ner={model_dirs['ner']}", "--port", str(port),
                  "--workers", "2", *extra, new_session=new_session)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: _healthy(url), what="the server answers /health", proc=proc)
    # /health answers as soon as one worker listens: wait for the second to be up too.
    wait_for(lambda: len(_workers(proc)) == 2, what="two worker processes", proc=proc)
    return proc, url


def _stop_and_check(proc: subprocess.Popen[str], everything: list[int]) -> tuple[str, str]:
    out, err = proc.communicate(timeout=HANG_GUARD)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert err.rstrip().endswith("zhtext serve: stopped")
    wait_for(lambda: _gone(everything), what="every worker process has ended")
    return out, err


def test_two_workers_answer_on_one_port_and_sigterm_stops_them_all(
        model_dirs: dict[str, Path]) -> None:
    proc, url = _start(model_dirs, "--max-batch", "4")
    try:
        workers = _workers(proc)
        assert len({w.pid for w in workers}) == 2 and proc.pid not in {w.pid for w in workers}
        children = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
        statuses = Counter()
        for i in range(12):  # a new connection each time: either worker may answer
            r = httpx.post(url + "/v1/classify", json={"texts": ["央行下调利率，股市上涨"]},
                           timeout=TIMEOUT)
            assert r.status_code == 200 and r.json()["results"][0]["label"] == "财经", r.text
            statuses["/v1/classify", 200] += 1
            if i % 4 == 0:
                r = httpx.post(url + "/v1/tag", json={"texts": ["陈静今天考察北京的气象局。"]},
                               timeout=TIMEOUT)
                assert r.status_code == 200 and r.json()["model"] == "ner"
                statuses["/v1/tag", 200] += 1
        r = httpx.post(url + "/v1/classify", json={"texts": ["a"] * 5}, timeout=TIMEOUT)
        assert r.status_code == 422 and "--max-batch" in r.json()["error"]  # in every worker
        statuses["/v1/classify", 422] += 1
        proc.send_signal(signal.SIGTERM)
        out, err = _stop_and_check(proc, children)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert f"{url}/" in err and "news (classify linear)" in err and "ner (tag crf)" in err
    assert "2 worker processes" in err and "MB each" in err
    log = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    # one access-log line per request, whole lines (the workers share standard output)
    assert Counter((x["path"], x["status"]) for x in log if x["path"] != "/health") == statuses


def test_ctrl_c_stops_the_server_and_its_workers(model_dirs: dict[str, Path]) -> None:
    proc, url = _start(model_dirs, "--no-access-log", new_session=True)
    try:
        children = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
        r = httpx.post(url + "/v1/classify", json={"texts": ["女排夺得冠军"]}, timeout=TIMEOUT)
        assert r.status_code == 200
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole process group
        out, _ = _stop_and_check(proc, children)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert out == ""  # --no-access-log


def test_a_bad_model_directory_stops_startup_before_any_worker(
        model_dirs: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "half-copied"
    bad.mkdir()
    (bad / "zhtext.json").write_text(json.dumps({"format_version": 1, "task": "classify",
                                                 "method": "linear", "labels": ["a", "b"]}))
    port = _free_port()
    proc = _serve(str(model_dirs["news"]), str(bad), "--port", str(port), "--workers", "2")
    out, err = proc.communicate(timeout=HANG_GUARD)
    assert proc.returncode == 1
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    # one line from the check before the workers (a worker's would say "error: worker PID")
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: "), err
    assert out == ""
    with socket.socket() as s:  # nothing listens
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_the_worker_factory_exits_as_a_startup_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A worker that cannot build its app exits with uvicorn's start-up failure code.

    uvicorn's supervisor then stops the other workers instead of restarting this one forever.
    """
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(SystemExit) as info:
        create_app_from_env()
    assert info.value.code == STARTUP_FAILURE
    assert ENV_VAR in capsys.readouterr().err
    monkeypatch.setenv(ENV_VAR, WorkerConfig(models=[str(tmp_path / "nowhere")]).to_env())
    with pytest.raises(SystemExit) as info:
        create_app_from_env()
    assert info.value.code == STARTUP_FAILURE
    err = capsys.readouterr().err
    assert err.startswith("error: worker ") and "nowhere: model directory not found" in err


def test_the_worker_config_round_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = WorkerConfig(models=["新闻=/m/新闻"], settings={"max_batch": 3}, access_log=False,
                       log_level=20)
    monkeypatch.setenv(ENV_VAR, cfg.to_env())
    assert WorkerConfig.from_env() == cfg
    monkeypatch.setenv(ENV_VAR, "{}")
    with pytest.raises(ValueError, match="not a zhtext serve configuration"):
        WorkerConfig.from_env()


def test_one_worker_per_core_by_default() -> None:
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        os.cpu_count()
    assert default_workers() == expected
