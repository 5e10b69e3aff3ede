"""A reader that goes away (``zhtext ... | head -1``) ends the command quietly with exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DOC = "深度学习推动了自然语言处理的快速发展。神经网络模型在机器翻译中效果显著。\n"


def run_into_closed_pipe(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run zhtext with stdout a real pipe whose reading end is already closed.

    The first write fails with EPIPE, whatever the timing: no sleep, no race.
    """
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "zhtext", *args], stdout=write_end,
                              stderr=subprocess.PIPE, cwd=cwd, timeout=300,
                              env={**os.environ, "HF_HUB_OFFLINE": "1"})
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [
    ["keywords", "extract", "docs.txt"],
    ["keywords", "extract", "docs.txt", "--format", "jsonl"],
    ["classify", "settings", "linear"],
    ["topics", "--help"],
    ["--help"],
])
def test_closed_stdout_exits_zero_quietly(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "docs.txt").write_text(DOC * 200, encoding="utf-8")
    out = run_into_closed_pipe(args, tmp_path)
    err = out.stderr.decode()
    assert out.returncode == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert "error" not in err.lower(), err
