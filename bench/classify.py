"""Classification benchmark: train with the CLI's defaults, score dev, time predictions.

    python bench/classify.py                       # everything (about 45 minutes here)
    python bench/classify.py --methods linear      # one method
    python bench/classify.py --datasets thucnews --methods linear,textcnn

For each dataset and method it runs exactly what a user runs,
``zhtext classify train --method M --train train --dev dev -o DIR`` (default settings), and
times it; then loads the model through the Python API and measures dev accuracy and macro-F1,
batched predictions per second over the whole dev file (best of 3), and single-title latency
(median of 300 calls). ``--encoders`` adds bert, bert-cnn and bert + LoRA trained end to end on
a small slice with a tiny encoder built here (no hub): saved, reloaded, same predictions.
Results go to bench/results/classify.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"

DATASETS = {
    "thucnews": (DATA / "thucnews_titles" / "train.txt", DATA / "thucnews_titles" / "dev.txt"),
    "chnsenticorp": (DATA / "chnsenticorp" / "train.tsv", DATA / "chnsenticorp" / "dev.tsv"),
}


def _train_cli(method: str, train: Path, dev: Path, out: Path, extra: list[str]) -> float:
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "zhtext", "classify", "train", "--method", method,
           "--train", str(train), "--dev", str(dev), "-o", str(out), *extra]
    subprocess.run(cmd, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return time.perf_counter() - start


def _measure(model_dir: Path, dev: Path) -> dict[str, float]:
    from zhtext.classify import TextClassifier
    from zhtext.io.tabular import read_data

    clf = TextClassifier.load(model_dir)
    data = read_data(dev)
    report = clf.evaluate(data.texts, data.single_labels())
    clf.predict(data.texts[:256])  # warm-up
    best = min(_timed(lambda: clf.predict(data.texts)) for _ in range(3))
    lat = []
    for text in data.texts[:300]:
        t = time.perf_counter()
        clf.predict([text])
        lat.append(time.perf_counter() - t)
    size = sum(f.stat().st_size for f in model_dir.rglob("*") if f.is_file())
    return {"accuracy": report.accuracy, "macro_f1": report.macro["f1"],
            "predictions_per_second": len(data) / best,
            "latency_ms_median": 1000 * statistics.median(lat),
            "latency_ms_p95": 1000 * sorted(lat)[int(0.95 * len(lat))],
            "model_mb": size / 2**20}


def _timed(fn: object) -> float:
    t = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t


def _encoders(train: Path, dev: Path, work: Path, n_train: int, n_dev: int) -> list[dict]:
    """bert / bert-cnn / LoRA end to end with a tiny encoder built from the training slice."""
    import numpy as np
    import torch
    from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast

    from zhtext.classify import TextClassifier
    from zhtext.io.tabular import read_data

    tr, dv = read_data(train), read_data(dev)
    texts, labels = tr.texts[:n_train], tr.single_labels()[:n_train]
    dev_texts, dev_labels = dv.texts[:n_dev], dv.single_labels()[:n_dev]
    enc = work / "tiny-encoder"
    enc.mkdir()
    chars = sorted({c for t in texts for c in t if not c.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    (enc / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    BertForMaskedLM(BertConfig(vocab_size=len(vocab), hidden_size=128, num_hidden_layers=2,
                               num_attention_heads=2, intermediate_size=256,
                               max_position_embeddings=128)).save_pretrained(enc)
    BertTokenizerFast(vocab_file=str(enc / "vocab.txt")).save_pretrained(enc)
    rows = []
    for method, lora in (("bert", False), ("bert-cnn", False), ("bert", True)):
        name = method + (" --lora" if lora else "")
        clf = TextClassifier(method, model=str(enc), lora=lora, epochs=3, tensorboard=False,
                             learning_rate=1e-3 if lora else 5e-4)
        t = time.perf_counter()
        clf.fit(texts, labels, dev_texts=dev_texts, dev_labels=dev_labels)
        seconds = time.perf_counter() - t
        out = clf.save(work / name.replace(" ", ""))
        again = TextClassifier.load(out)
        same = bool(np.allclose(again.predict_proba(dev_texts), clf.predict_proba(dev_texts),
                                atol=1e-5))
        report = again.evaluate(dev_texts, dev_labels)
        rows.append({"dataset": f"thucnews slice ({n_train} train / {n_dev} dev)",
                     "method": f"{name} (tiny random encoder)", "train_seconds": seconds,
                     "accuracy": report.accuracy, "macro_f1": report.macro["f1"],
                     "reloaded_same_predictions": same})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--methods", default="linear,textcnn")
    parser.add_argument("--datasets", default="thucnews,chnsenticorp")
    parser.add_argument("--encoders", action="store_true",
                        help="Also bert / bert-cnn / LoRA with a tiny local encoder.")
    parser.add_argument("--encoder-train", type=int, default=3000)
    parser.add_argument("--encoder-dev", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="Keep the trained models here.")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="zhtext-bench-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        for ds in args.datasets.split(","):
            train, dev = DATASETS[ds]
            for method in args.methods.split(","):
                out = work / f"{ds}-{method}"
                seconds = _train_cli(method, train, dev, out, ["--force"] if out.exists()
                                     else [])
                row = {"dataset": ds, "method": method, "train_seconds": seconds,
                       **_measure(out, dev)}
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
        if args.encoders:
            train, dev = DATASETS["thucnews"]
            rows += _encoders(train, dev, work, args.encoder_train, args.encoder_dev)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "classify.json").write_text(json.dumps(rows, indent=2), encoding="utf-8")
    cols = ["dataset", "method", "accuracy", "macro_f1", "train_seconds",
            "predictions_per_second", "latency_ms_median", "latency_ms_p95", "model_mb",
            "reloaded_same_predictions"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c, "")
            cells.append(f"{v:.4f}" if isinstance(v, float) and c in ("accuracy", "macro_f1")
                         else f"{v:,.1f}" if isinstance(v, float) else str(v))
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
