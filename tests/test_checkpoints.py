"""Resuming picks the newest checkpoint that was written to the end."""

from __future__ import annotations

import json
from pathlib import Path

from zhtext.neural.training import last_checkpoint


def _safetensors(path: Path, n_bytes: int, *, cut: int = 0) -> None:
    header = json.dumps({"w": {"dtype": "F32", "shape": [n_bytes // 4],
                               "data_offsets": [0, n_bytes]}}).encode()
    data = len(header).to_bytes(8, "little") + header + b"\0" * n_bytes
    path.write_bytes(data[: len(data) - cut])


def _checkpoint(root: Path, step: int, *, state: str = '{"global_step": 1}',
                cut: int = 0) -> Path:
    d = root / f"checkpoint-{step}"
    d.mkdir(parents=True)
    (d / "trainer_state.json").write_text(state, encoding="utf-8")
    _safetensors(d / "model.safetensors", 64, cut=cut)
    return d


def test_interrupted_checkpoints_are_skipped(tmp_path: Path) -> None:
    good = _checkpoint(tmp_path, 10)
    _checkpoint(tmp_path, 20, state="")  # interrupted while writing the trainer state
    _checkpoint(tmp_path, 30, cut=16)  # interrupted while writing the weights
    (tmp_path / "checkpoint-40").mkdir()  # nothing written yet
    assert last_checkpoint(tmp_path) == str(good)
    assert last_checkpoint(tmp_path / "missing") is None
    newest = _checkpoint(tmp_path, 50)
    assert last_checkpoint(tmp_path) == str(newest)
