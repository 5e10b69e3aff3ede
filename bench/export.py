"""ONNX export benchmark: onnxruntime int8 against PyTorch fp32, same machine, same inputs.

    python bench/export.py --work /tmp/bx                          # about 25 minutes here
    python bench/export.py --work /tmp/bx --encoder /tmp/bp/pretrained

1. Models, as a user makes them, on the fixed THUCNews slice of ``bench/pretrain.py`` (the
   first 30,000 training titles, the next 2,000 for early stopping): ``zhtext classify train``
   with the defaults for ``textcnn``, ``bert`` and ``bert-cnn``. The encoder is ``--encoder``
   (e.g. the one ``bench/pretrain.py`` pretrains), else a tiny BERT given 300 pretraining steps
   here. A BERT-base-shaped encoder (12 layers, 768 wide) is added for speed only: its
   classifier trains for a few steps, so its accuracy means nothing.
2. ``zhtext export M --format onnx -o M.onnx`` and ``... --int8 -o M.int8`` (parity checked on
   the 2,000 selection titles).
3. Every model scores all 10,000 THUCNews dev titles through the Python API (accuracy, and the
   share of titles whose top class matches the PyTorch model's; the speed-only model the
   first 2,000). Speed, best of 3 passes over the first 2,000 dev titles in batches of 32
   with 2 threads for both runtimes: the forward pass alone on the same padded batches
   (tokenization done beforehand), and end to end through ``predict_proba``.

Results: bench/results/export.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pretrain import THUC, _cli, slices  # the same fixed slices

RESULTS = Path(__file__).resolve().parent / "results"
THREADS = 2


def _models(work: Path, encoder: Path | None, data: dict[str, Path]) -> dict[str, Path]:
    log = work / "export.log"
    if encoder is None:
        encoder = work / "encoder"
        if not (encoder / "config.json").is_file():
            _cli(["pretrain", "mlm", str(data["train"]), "-o", str(encoder), "--size", "tiny",
                  "--steps", "300", "--set", "batch_size=32", "--force"], THREADS, log)
    base = work / "encoder-base"
    if not (base / "config.json").is_file():
        _cli(["pretrain", "mlm", str(data["select"]), "-o", str(base), "--size", "base",
              "--vocab", str(encoder), "--steps", "2", "--force"], THREADS, log)
    small = work / "data" / "base-train.tsv"
    small.write_text("\n".join(data["select"].read_text(encoding="utf-8").splitlines()[:320])
                     + "\n", encoding="utf-8")
    plan: dict[str, list[str]] = {
        "textcnn": ["--method", "textcnn"],
        "bert": ["--method", "bert", "--model", str(encoder)],
        "bert-cnn": ["--method", "bert-cnn", "--model", str(encoder)],
        "bert-base-shape": ["--method", "bert", "--model", str(base), "--set", "epochs=1",
                            "--set", "max_length=32"],
    }
    out = {}
    for name, args in plan.items():
        d = work / "models" / name
        if not (d / "zhtext.json").is_file():
            train = small if name == "bert-base-shape" else data["train"]
            _cli(["classify", "train", *args, "--train", str(train), "--dev",
                  str(data["select"]), "-o", str(d), "--force"], THREADS, log)
        for suffix, extra in ((".onnx", []), (".int8", ["--int8"])):
            target = d.with_name(name + suffix)
            if not (target / "zhtext.json").is_file():
                _cli(["export", str(d), "--format", "onnx", *extra, "-o", str(target),
                      "--check", str(data["select"]), "--force",
                      "--min-agreement", "0"], THREADS, log)
        out[name] = d
    return out


def _rate(clf: Any, texts: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        clf.predict_proba(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def _batches(clf: Any, texts: list[str], size: int = 32) -> list[dict[str, Any]]:
    """The padded batches ``predict_proba`` makes of ``texts`` (windows sorted by length)."""
    from zhtext.classify.neural import pad_windows

    neural = clf.model_
    feats, owner = neural._encode(texts)
    order = sorted(range(len(owner)), key=lambda i: len(feats["input_ids"][i]))
    return [pad_windows([{k: v[i] for k, v in feats.items()} for i in order[a : a + size]],
                        neural._pad_id()) for a in range(0, len(order), size)]


def _model_rate(clf: Any, batches: list[dict[str, Any]]) -> float:
    """Windows per second of the forward pass alone (tokenization done beforehand)."""
    n = sum(len(b["input_ids"]) for b in batches)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for b in batches:
            clf.model_._logits(b)
        best = min(best, time.perf_counter() - start)
    return n / best


def _size_mb(d: Path) -> float:
    return sum(f.stat().st_size for f in d.rglob("*") if f.is_file()) / 2**20


def measure(name: str, d: Path, dev: tuple[list[str], list[str]]) -> dict[str, Any]:
    import numpy as np
    import torch

    from zhtext.artifacts import load

    torch.set_num_threads(THREADS)
    texts, labels = dev
    if name.endswith("-shape"):  # speed only (an untrained classifier): 2,000 titles do
        texts, labels = texts[:2000], labels[:2000]
    row: dict[str, Any] = {"model": name}
    ref = None
    for runtime, path in (("torch", d), ("onnx", d.with_name(name + ".onnx")),
                          ("int8", d.with_name(name + ".int8"))):
        clf = load(path)
        clf.model_.settings.predict_batch_size = 32
        proba = clf.predict_proba(texts)
        pred = np.asarray(clf.labels_)[proba.argmax(1)]
        if ref is None:
            ref = pred
        row[f"{runtime}_accuracy"] = float((pred == np.asarray(labels)).mean())
        row[f"{runtime}_agreement"] = float((pred == ref).mean())
        row[f"{runtime}_per_s"] = _rate(clf, texts[:2000])
        row[f"{runtime}_model_per_s"] = _model_rate(clf, _batches(clf, texts[:2000]))
        row[f"{runtime}_mb"] = _size_mb(path)
        print(f"  {name} {runtime}: {row[f'{runtime}_per_s']:.0f}/s "
              f"(model alone {row[f'{runtime}_model_per_s']:.0f}/s) "
              f"acc {row[f'{runtime}_accuracy']:.4f}", file=sys.stderr)
    row["int8_speedup"] = row["int8_per_s"] / row["torch_per_s"]
    row["int8_model_speedup"] = row["int8_model_per_s"] / row["torch_model_per_s"]
    row["onnx_speedup"] = row["onnx_per_s"] / row["torch_per_s"]
    row["accuracy_change_points"] = 100 * (row["int8_accuracy"] - row["torch_accuracy"])
    return row


def table(rows: list[dict[str, Any]]) -> str:
    out = ["| model | forward pass /s: PyTorch fp32 | ONNX fp32 | ONNX int8 | **int8 / PyTorch** "
           "| end to end /s: PyTorch | ONNX int8 | int8 / PyTorch | accuracy fp32 | accuracy "
           "int8 | change (points) | top-1 agreement | size MB fp32 / int8 |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['model']} | {r['torch_model_per_s']:,.0f} | "
                   f"{r['onnx_model_per_s']:,.0f} | {r['int8_model_per_s']:,.0f} | "
                   f"**{r['int8_model_speedup']:.2f}x** | {r['torch_per_s']:,.0f} | "
                   f"{r['int8_per_s']:,.0f} | {r['int8_speedup']:.2f}x | "
                   f"{r['torch_accuracy']:.4f} | {r['int8_accuracy']:.4f} | "
                   f"{r['accuracy_change_points']:+.2f} | {r['int8_agreement']:.4f} | "
                   f"{r['torch_mb']:.1f} / {r['int8_mb']:.1f} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--encoder", type=Path, help="Encoder directory for bert / bert-cnn.")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    data = slices(args.work)
    models = _models(args.work, args.encoder, data)
    rows_in = [line.split("\t") for line in
               THUC.joinpath("dev.txt").read_text(encoding="utf-8").splitlines() if line]
    dev = ([r[0] for r in rows_in], [r[1] for r in rows_in])
    rows = [measure(name, d, dev) for name, d in models.items()]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "export.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(table(rows))


if __name__ == "__main__":
    main()
