"""Schemathesis' own CLI against a live ``zhtext serve`` (two workers, the default limits).

``test_contract.py`` fuzzes the ASGI app in-process with small limits; this runs ``st run
--checks all`` as a user would, over loopback, against the server as started by default. Only
the deterministic phases run (the schema's examples and its boundary cases, such as a batch
one text over ``maxItems`` with every text at ``maxLength``: the requests that found 413
answers where a 422 was due), so the test is bounded and cannot flake; no network is used.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from tests.processes import HANG_GUARD, default_sigint, wait_for

pytest.importorskip("fastapi", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("uvicorn", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("httpx", reason="the server tests need httpx (in the dev extras)")
pytest.importorskip("schemathesis", reason="the API contract test needs schemathesis (in the "
                    "dev extras)")

import httpx

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1", "HF_HUB_OFFLINE": "1",
       "NO_COLOR": "1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url + "/health", timeout=5.0).status_code == 200
    except httpx.TransportError:
        return False


def test_st_run_checks_all_finds_nothing(model_dirs: dict[str, Path], tmp_path: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "zhtext", "serve", str(model_dirs["news"]), str(model_dirs["ner"]),
         "--port", str(port), "--workers", "2", "--no-access-log"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV,
        preexec_fn=default_sigint)
    try:
        wait_for(lambda: _healthy(url), what="the server answers /health", proc=server)
        st = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "run", f"{url}/openapi.json",
             "--checks", "all", "--phases", "examples,coverage", "--no-color",
             "--request-timeout", "300", "--report-dir", str(tmp_path / "report")],
            capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=HANG_GUARD)
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=HANG_GUARD)
    summary = st.stdout[st.stdout.find("SUMMARY"):]
    assert st.returncode == 0, st.stdout[-6000:] + st.stderr[-2000:]
    assert "Failures:" not in summary and "passed" in summary, summary
    assert server.returncode == 0 and "Traceback" not in err, err
