"""``zhtext serve`` as a user runs it: a real process on a loopback port, signals, exit codes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("uvicorn", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("httpx", reason="the server tests need httpx (in the dev extras)")

import httpx
from tests.processes import HANG_GUARD

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}
# Limit of one HTTP request: a hang guard, not a speed limit (httpx's default of 5 s can fail
# on a loaded machine).
TIMEOUT = 300.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "zhtext", "serve", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)


def _wait_healthy(proc: subprocess.Popen[str], url: str, timeout: float = HANG_GUARD) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _, err = proc.communicate()
            pytest.fail(f"server exited with {proc.returncode}: {err}")
        try:
            if httpx.get(url + "/health", timeout=5.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    proc.communicate()
    pytest.fail(f"server did not become healthy in {timeout:.0f} s: it hangs")


def test_serve_answers_then_stops_cleanly_on_sigterm(model_dirs: dict[str, Path]) -> None:
    port = _free_port()
    # --workers 1: the single-process path (several workers: tests/serve/test_workers.py)
    proc = _serve(f"news={model_dirs['news']}", "--port", str(port), "--max-batch", "2",
                  "--workers", "1", "--max-body-bytes", str(1 << 20))
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, url)
        assert httpx.get(url + "/health", timeout=TIMEOUT).json()["status"] == "ok"
        r = httpx.post(url + "/v1/classify", json={"texts": ["央行下调利率，股市上涨"]},
                       timeout=TIMEOUT)
        assert r.status_code == 200 and r.json()["results"][0]["label"] == "财经"
        r = httpx.post(url + "/v1/classify", json={"texts": ["a", "b", "c"]}, timeout=TIMEOUT)
        assert r.status_code == 422 and "--max-batch" in r.json()["error"]  # option applied
        r = httpx.post(url + "/v1/classify", content=b"x" * (50 << 20), timeout=TIMEOUT,
                       headers={"content-type": "application/json"})
        assert r.status_code == 413  # refused on Content-Length
        r = httpx.post(url + "/v1/classify", content=iter([b"x" * 65536] * 40),
                       timeout=TIMEOUT, headers={"content-type": "application/json"})
        assert r.status_code == 413  # refused while streaming (chunked, no Content-Length)
        assert httpx.get(url + "/health", timeout=TIMEOUT).status_code == 200
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=HANG_GUARD)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert f"http://127.0.0.1:{port}/" in err and "news (classify linear)" in err
    assert err.rstrip().endswith("zhtext serve: stopped")
    log = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [(x["path"], x["status"]) for x in log][-5:] == [
        ("/v1/classify", 200), ("/v1/classify", 422), ("/v1/classify", 413),
        ("/v1/classify", 413), ("/health", 200)]
    assert log[-5]["batch"] == 1 and log[-5]["model"] == "news"


def test_bad_model_directory_stops_startup(model_dirs: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "half-copied"
    bad.mkdir()
    (bad / "zhtext.json").write_text(json.dumps({"format_version": 1, "task": "classify",
                                                 "method": "linear", "labels": ["a", "b"]}))
    port = _free_port()
    proc = _serve(str(model_dirs["news"]), str(bad), "--port", str(port))
    out, err = proc.communicate(timeout=HANG_GUARD)
    assert proc.returncode == 1
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: ")
    assert out == ""
    with socket.socket() as s:  # nothing listens: it did not start half-way
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = _serve("--port", str(port))
        _, err = proc.communicate(timeout=HANG_GUARD)
    assert proc.returncode == 1
    assert err.startswith(f"error: cannot listen on 127.0.0.1:{port}") and "Traceback" not in err


def test_help_and_imports_stay_light() -> None:
    code = ("import sys\nimport zhtext.serve, zhtext.serve.models, zhtext.serve.batching\n"
            "from zhtext.cli.app import app\n"
            "try:\n    app(['serve', '--help'])\nexcept SystemExit:\n    pass\n"
            "print('MODS', ' '.join(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=ENV).stdout
    assert "--max-body-bytes" in out and "--batch-wait-ms" in out
    mods = set(out.split("MODS", 1)[1].split())
    assert not mods & {"fastapi", "uvicorn", "starlette", "torch", "sklearn", "numpy"}


def test_help_at_80_columns_shows_every_option_name_whole() -> None:
    """No option name is cut with an ellipsis (``--graceful-timeo…`` was, issue 18)."""
    out = subprocess.run([sys.executable, "-m", "zhtext", "serve", "--help"], check=True,
                         capture_output=True, text=True,
                         env={**ENV, "COLUMNS": "80", "TERM": "dumb"}).stdout
    assert "…" not in out
    for name in ("--graceful-timeout", "--workers", "--no-access-log", "--max-text-chars",
                 "--batch-wait-ms"):
        assert name in out, name
    flat = " ".join("".join(" " if c in "│╭╮╰╯─" else c for c in out).split())
    assert "(default: one per core)" in flat and "its own copy of the models" in flat
