"""Encoder training and use say zhtext's own lines, not transformers' (issue 18, defect 12).

A fresh head on an encoder makes transformers print a LOAD REPORT (missing and unexpected
keys, ~20 lines) and, in version 5, notes on layers "not sharded" and model types; a person
training a classifier has nothing to do about either. Here the real CLI runs on a tiny encoder
and stderr is read whole: only zhtext's summary may be there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.classify.conftest import make_corpus
from tests.processes import HANG_GUARD
from tests.tiny_encoder import build_tiny_encoder

pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")

NOISE = ("LOAD REPORT", "not sharded", "Some weights", "newly initialized", "model of type",
         "UNEXPECTED", "MISSING", "FutureWarning", "Loading weights", "Writing model")


def _zhtext(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1",
           "TOKENIZERS_PARALLELISM": "false"}
    return subprocess.run([sys.executable, "-m", "zhtext", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=HANG_GUARD)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("loads")
    texts, labels = make_corpus(6)
    (d / "train.tsv").write_text("".join(f"{t}\t{y}\n" for t, y in zip(texts, labels)),
                                 encoding="utf-8")
    (d / "new.txt").write_text("".join(t + "\n" for t in texts[:3]), encoding="utf-8")
    build_tiny_encoder(d / "enc", texts)
    return d


def _noise(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if any(n in line for n in NOISE)]


@pytest.mark.parametrize("method", ["bert-cnn"])
def test_training_and_predicting_print_no_load_report(work: Path, method: str) -> None:
    out = _zhtext("classify", "train", "--method", method, "--model", "enc", "--train",
                  "train.tsv", "-o", method, "--set", "epochs=1", "--set", "batch_size=8",
                  cwd=work)
    assert out.returncode == 0, out.stderr
    assert not _noise(out.stderr), out.stderr
    assert f"saved {method} model" in out.stderr
    pred = _zhtext("classify", "predict", method, "new.txt", cwd=work)
    assert pred.returncode == 0, pred.stderr
    assert len(pred.stdout.splitlines()) == 3
    assert not _noise(pred.stderr), pred.stderr
