"""Pretraining benchmark: a small Chinese BERT pretrained here, then fine-tuned against random init.

    python bench/pretrain.py --work /tmp/bp --jobs 2            # everything (about 2 hours here)
    python bench/pretrain.py --work /tmp/bp --model DIR         # skip pretraining, use DIR
    python bench/pretrain.py --work /tmp/bp --runs bert,ner --jobs 2

1. Pretraining, as a user runs it: ``zhtext pretrain mlm <THUCNews train titles> <People's Daily
   1998 text> -o WORK/pretrained --size tiny --steps 16000 --max-minutes 50 --set batch_size=32
   --set learning_rate=1e-3`` (a 2-layer, 128-wide BERT, whole-word masking with rjieba words,
   no dropout while pretraining; no dev or held-back split is in the corpus). An interrupted
   pretraining is continued with ``--resume``. A 4-layer, 256-wide BERT (``--size small``)
   reached only ~3,000 steps in 45 minutes here and stayed on the unigram plateau (loss 6.3).
2. Fine-tuning, each run ``zhtext classify train --method M --model WORK/pretrained`` with the
   default settings on one fixed slice, the first 30,000 rows of THUCNews ``train.txt``, with
   the next 2,000 rows as the early-stopping set (``--dev``); then ``zhtext classify evaluate``
   on ``dev.txt``, which no run sees before. Pretrained against ``--set init=random`` (the same
   architecture with fresh weights), for ``bert`` and ``bert-cnn``, and ``--lora`` against full
   fine-tuning, each with seeds 42 and 43 and otherwise identical settings; ``linear`` and
   ``textcnn`` with their defaults on the same slice.
3. NER: ``zhtext tag train --task ner --method bert`` with its defaults on 10,000 MSRA training
   sentences (the early-stopping set is 1,000 more), scored with ``zhtext tag evaluate`` on the
   MSRA dev split of issue 5 (5% of train, seed 42, none of whose sentences is trained on),
   pretrained against random initialisation, seeds 42 and 43.

Each finished run leaves WORK/results/NAME.json, so a rerun skips it.
Results: bench/results/pretrain.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"
THUC = DATA / "thucnews_titles"
CORPUS = [THUC / "train.txt", DATA / "pku_peoples_daily_199801" / "199801.utf8.txt"]
MSRA = DATA / "msra_ner" / "train.txt"
RUNS = ("bert", "bert-cnn", "lora", "ner", "baselines")


def _cli(args: list[str], threads: int, log: Path) -> float:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": str(threads),
           "MKL_NUM_THREADS": str(threads)}
    start = time.perf_counter()
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("$ zhtext " + " ".join(args) + "\n")
        fh.flush()
        subprocess.run([sys.executable, "-m", "zhtext", *args], check=True, env=env,
                       stdout=fh, stderr=subprocess.STDOUT)
    return time.perf_counter() - start


def pretrain(work: Path, steps: int, minutes: float) -> Path:
    out = work / "pretrained"
    if (out / "pretrain_metrics.json").is_file():
        return out
    args = ["-v", "pretrain", "mlm", *map(str, CORPUS), "-o", str(out), "--size", "tiny",
            "--steps", str(steps), "--max-minutes", str(minutes), "--set", "batch_size=32",
            "--set", "learning_rate=1e-3"]
    if (out / "training.json").is_file():
        args.append("--resume")
    _cli(args, os.cpu_count() or 2, work / "pretrain.log")
    return out


def slices(work: Path) -> dict[str, Path]:
    """The fixed fine-tuning slices (written once)."""
    d = work / "data"
    d.mkdir(parents=True, exist_ok=True)
    paths = {k: d / f"{k}.tsv" for k in ("train", "select")}
    paths |= {"ner_train": d / "msra_train10k.conll", "ner_select": d / "msra_select1k.conll",
              "ner_dev": d / "msra_dev.conll"}
    if not paths["train"].is_file():
        rows = THUC.joinpath("train.txt").read_text(encoding="utf-8").splitlines()
        paths["train"].write_text("\n".join(rows[:30000]) + "\n", encoding="utf-8")
        paths["select"].write_text("\n".join(rows[30000:32000]) + "\n", encoding="utf-8")
    if not paths["ner_dev"].is_file():
        from zhtext.io.tagged import read_tagged, split_dev

        train, dev = split_dev(read_tagged(MSRA), 0.05, seed=42)
        _write_conll(paths["ner_train"], train[:10000])
        _write_conll(paths["ner_select"], train[10000:11000])
        _write_conll(paths["ner_dev"], dev)
    return paths


def _write_conll(path: Path, sentences: list[Any]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for s in sentences:
            tags = ["O"] * len(s.text)
            for start, end, label in s.spans:
                tags[start] = f"B-{label}"
                for i in range(start + 1, end):
                    tags[i] = f"I-{label}"
            fh.writelines(f"{c} {t}\n" for c, t in zip(s.text, tags, strict=True) if c.strip())
            fh.write("\n")


def plan(runs: set[str], model: Path, seeds: list[int], ner_seeds: list[int],
         data: dict[str, Path]) -> list[dict[str, Any]]:
    """Every run: its name, group, train command and evaluate command (model dir as {out})."""
    out: list[dict[str, Any]] = []

    def classify(name: str, group: str, method: str, extra: list[str]) -> None:
        out.append({"name": name, "group": group, "kind": "classify", "train": [
            "classify", "train", "--method", method, "--train", str(data["train"]),
            "--dev", str(data["select"]), "-o", "{out}", "--force", *extra]})

    common = ["--model", str(model)]
    for method in ("bert", "bert-cnn"):
        if method in runs:
            for seed in seeds:
                for init in ("pretrained", "random"):
                    classify(f"{method}-{init}-s{seed}", f"{method} {init}", method,
                             [*common, "--set", f"seed={seed}", "--set", f"init={init}"])
    if "lora" in runs:
        for seed in seeds:
            if "bert" not in runs:
                classify(f"bert-pretrained-s{seed}", "bert pretrained", "bert",
                         [*common, "--set", f"seed={seed}", "--set", "init=pretrained"])
            classify(f"lora-s{seed}", "bert pretrained + lora", "bert",
                     [*common, "--set", f"seed={seed}", "--lora"])
    if "ner" in runs:
        for seed in ner_seeds:
            for init in ("pretrained", "random"):
                out.append({"name": f"ner-{init}-s{seed}", "group": f"ner {init}",
                            "kind": "tag", "train": [
                                "tag", "train", "--task", "ner", "--method", "bert",
                                "--train", str(data["ner_train"]),
                                "--dev", str(data["ner_select"]), "-o", "{out}", "--force",
                                "--model", str(model),
                                "--set", f"seed={seed}", "--set", f"init={init}"]})
    if "baselines" in runs:  # the methods without an encoder, defaults, on the same slice
        classify("linear", "linear", "linear", [])
        classify("textcnn", "textcnn", "textcnn", [])
    return out


def execute(run: dict[str, Any], work: Path, data: dict[str, Path], threads: int
            ) -> dict[str, Any]:
    res_file = work / "results" / f"{run['name']}.json"
    if res_file.is_file():
        return json.loads(res_file.read_text(encoding="utf-8"))
    model_dir = work / "runs" / run["name"]
    log = work / "logs" / f"{run['name']}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [a.replace("{out}", str(model_dir)) for a in run["train"]]
    trained = model_dir.with_name(model_dir.name + ".trained.json")  # a model to evaluate again
    try:
        done = json.loads(trained.read_text(encoding="utf-8")) if trained.is_file() else {}
        if done.get("command") == command and (model_dir / "zhtext.json").is_file():
            seconds = done["seconds"]
        else:
            seconds = _cli(command, threads, log)
            trained.write_text(json.dumps({"command": command, "seconds": seconds}),
                               encoding="utf-8")
        eval_dir = work / "eval" / run["name"]
        if run["kind"] == "classify":
            _cli(["classify", "evaluate", str(model_dir), str(THUC / "dev.txt"), "-o",
                  str(eval_dir), "--force"], threads, log)
        else:
            _cli(["tag", "evaluate", str(model_dir), str(data["ner_dev"]), "-o",
                  str(eval_dir), "--force"], threads, log)
    except subprocess.CalledProcessError as e:  # reported, not retried silently: see the log
        print(f"{run['name']}: failed ({e.returncode}); see {log}", flush=True)
        return {"name": run["name"], "group": run["group"], "failed": True}
    m = json.loads((eval_dir / "metrics.json").read_text(encoding="utf-8"))
    if run["kind"] == "classify":
        score = {"accuracy": m["accuracy"], "macro_f1": m.get("macro_f1",
                                                              m.get("macro", {}).get("f1"))}
    else:
        score = {"f1": m["f1"], "precision": m["precision"], "recall": m["recall"]}
    result = {"name": run["name"], "group": run["group"], "train_seconds": round(seconds, 1),
              **score}
    res_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = res_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=2), encoding="utf-8")
    tmp.replace(res_file)
    print(f"{run['name']}: {score} in {seconds:.0f} s", flush=True)
    return result


def table(pre: dict[str, Any], results: list[dict[str, Any]]) -> str:
    lines = [f"pretraining: {pre.get('parameters', 0):,} parameters, {pre.get('steps')} steps "
             f"({pre.get('epochs_done')} epochs of {pre.get('corpus_tokens', 0):,} tokens) in "
             f"{pre.get('train_seconds', 0) / 60:.1f} min, "
             f"{pre.get('tokens_per_second', 0):,.0f} tokens/s, held-out MLM loss "
             f"{pre.get('held_out_loss')}, accuracy {pre.get('held_out_accuracy')}", "",
             "| run | seeds | THUCNews dev accuracy / MSRA dev F1 (mean) | per seed | "
             "train s (mean) |", "|---|---:|---:|---|---:|"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        if not r.get("failed"):
            groups.setdefault(r["group"], []).append(r)
    for g, rs in groups.items():
        key = "f1" if g.startswith("ner") else "accuracy"
        vals = [r[key] for r in rs]
        lines.append(f"| {g} | {len(rs)} | {statistics.mean(vals):.4f} | "
                     f"{', '.join(f'{v:.4f}' for v in vals)} | "
                     f"{statistics.mean(r['train_seconds'] for r in rs):.0f} |")
    means = {g: statistics.mean(r["f1" if g.startswith("ner") else "accuracy"] for r in rs)
             for g, rs in groups.items()}
    lines.append("")
    for a, b in (("bert pretrained", "bert random"), ("bert-cnn pretrained", "bert-cnn random"),
                 ("bert pretrained + lora", "bert pretrained"),
                 ("ner pretrained", "ner random")):
        if a in means and b in means:
            lines.append(f"{a} - {b}: {100 * (means[a] - means[b]):+.2f} points")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, required=True, help="Models, logs and slices go here.")
    ap.add_argument("--model", type=Path, help="A pretrained model dir (skips pretraining).")
    ap.add_argument("--runs", default=",".join(RUNS), help=f"Comma-separated: {RUNS}.")
    ap.add_argument("--seeds", default="42,43", help="Seeds of the classification runs.")
    ap.add_argument("--ner-seeds", default="42,43", help="Seeds of the NER runs.")
    ap.add_argument("--steps", type=int, default=16000, help="Pretraining steps.")
    ap.add_argument("--minutes", type=float, default=50, help="Pretraining time limit.")
    ap.add_argument("--jobs", type=int, default=1, help="Fine-tuning runs at once.")
    args = ap.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    model = args.model.resolve() if args.model else pretrain(work, args.steps, args.minutes)
    pre = json.loads((model / "pretrain_metrics.json").read_text(encoding="utf-8"))
    data = slices(work)
    runs = plan(set(args.runs.split(",")), model, [int(s) for s in args.seeds.split(",")],
                [int(s) for s in args.ner_seeds.split(",")], data)
    threads = max(1, (os.cpu_count() or 2) // args.jobs)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda r: execute(r, work, data, threads), runs))
    text = table(pre, results)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pretrain.json").write_text(json.dumps(
        {"pretraining": {k: v for k, v in pre.items() if k != "settings"}, "model": str(model),
         "runs": results}, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
