"""``--engine ray`` against the local path on 1 million short documents, on one machine.

    python bench/ray_scale.py --work /tmp/br                  # about 15 minutes here
    python bench/ray_scale.py --work /tmp/br --docs 200000    # a quicker look

1. Data: THUCNews titles (train, dev and test splits, cycled) with ids, as 100 JSONL shards
   of 10,000 documents and as one file holding the same documents in the same order.
2. Keywords (the defaults, jsonl output) and ``linear`` predictions (the THUCNews model of
   ``bench/serve_load.py``, trained if missing): the local path with 2 processes
   (``zhtext keywords extract all.jsonl --jobs 2``; ``classify predict``, whose linear model
   featurises in 2 processes by default) against ``--engine ray --workers 2`` on the shards.
   Wall time of the whole command, peak resident memory of each process (sampled every
   0.2 s over the command's process tree), and the outputs compared line for line.
3. Kill and rerun: the Ray keyword job is killed (SIGKILL to its process group) half-way, the
   finished output shards are counted, and a rerun must do only the rest.

Results: bench/results/ray_scale.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
THUC = DATA / "thucnews_titles"
RESULTS = Path(__file__).resolve().parent / "results"
SHARD = 10_000


def make_data(work: Path, docs: int) -> tuple[Path, Path]:
    shards, whole = work / "shards", work / "all.jsonl"
    marker = work / f"data-{docs}.done"
    if marker.is_file():
        return shards, whole
    titles = [ln.split("\t")[0] for name in ("train.txt", "dev.txt", "test.txt")
              if (THUC / name).is_file()
              for ln in (THUC / name).read_text(encoding="utf-8").splitlines() if ln]
    shards.mkdir(parents=True, exist_ok=True)
    for old in shards.glob("*.jsonl"):
        old.unlink()
    with open(whole, "w", encoding="utf-8") as everything:
        for s in range(0, docs, SHARD):
            lines = "".join(json.dumps({"id": f"d{i}", "text": titles[i % len(titles)]},
                                       ensure_ascii=False) + "\n"
                            for i in range(s, min(docs, s + SHARD)))
            (shards / f"part-{s // SHARD:04d}.jsonl").write_text(lines, encoding="utf-8")
            everything.write(lines)
    marker.touch()
    return shards, whole


class TreeMemory:
    """Peak RSS per process of a process tree, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[int, tuple[str, float]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import psutil

        while not self.stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for p in procs:
                try:
                    rss = p.memory_info().rss / 2**20
                    name = " ".join(p.cmdline()[:3])[-60:] or p.name()
                except psutil.Error:
                    continue
                if rss > self.peaks.get(p.pid, ("", 0.0))[1]:
                    self.peaks[p.pid] = (name, rss)
            time.sleep(0.2)

    def done(self) -> list[dict[str, Any]]:
        self.stop.set()
        self.thread.join(timeout=5)
        rows = [{"pid": pid, "process": name, "peak_rss_mb": round(mb)}
                for pid, (name, mb) in self.peaks.items() if mb > 50]
        return sorted(rows, key=lambda r: -r["peak_rss_mb"])


def run(args: list[str], *, kill_after: float | None = None) -> dict[str, Any]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "zhtext", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    mem = TreeMemory(proc.pid)
    try:
        _, err = proc.communicate(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        # the local Ray cluster's processes live in their own sessions: kill them too, as
        # a machine failure would
        subprocess.run(["ray", "stop", "--force"], capture_output=True, check=False)
        _, err = proc.communicate()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "returncode": proc.returncode, "stderr": err[-2000:],
            "processes": mem.done()}


def _concat(d: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(d.glob("*.jsonl")))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--model", type=Path, help="A linear THUCNews classifier directory.")
    args = ap.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    shards, whole = make_data(work, args.docs)
    model = args.model or work / "linear"
    if not (model / "zhtext.json").is_file():
        subprocess.run([sys.executable, "-m", "zhtext", "classify", "train", "--method",
                        "linear", "--train", str(THUC / "train.txt"), "--dev",
                        str(THUC / "dev.txt"), "-o", str(model), "--force"], check=True)
    jobs = {
        "keywords": (["keywords", "extract", str(whole), "--id-col", "id", "-f", "jsonl",
                      "--jobs", "2", "--force", "-q", "-o", str(work / "local-kw.jsonl")],
                     ["keywords", "extract", str(shards), "--id-col", "id", "-f", "jsonl",
                      "--engine", "ray", "--workers", "2", "--force", "-o",
                      str(work / "ray-kw")], work / "local-kw.jsonl", work / "ray-kw"),
        "linear": (["classify", "predict", str(model), str(whole), "--id-col", "id",
                    "--text-col", "text", "--force", "-q", "-o",
                    str(work / "local-cls.jsonl")],
                   ["classify", "predict", str(model), str(shards), "--id-col", "id",
                    "--engine", "ray", "--workers", "2", "--force", "-o",
                    str(work / "ray-cls")], work / "local-cls.jsonl", work / "ray-cls"),
    }
    rows = []
    for name, (local_args, ray_args, local_out, ray_out) in jobs.items():
        local = run(local_args)
        on_ray = run(ray_args)
        for r, label in ((local, "local"), (on_ray, "ray")):
            if r["returncode"] != 0:
                raise SystemExit(f"{name} {label} failed:\n{r['stderr']}")
        same = _concat(ray_out) == local_out.read_text(encoding="utf-8")
        row = {"job": name, "docs": args.docs, "local_seconds": local["seconds"],
               "ray_seconds": on_ray["seconds"],
               "local_docs_per_s": args.docs / local["seconds"],
               "ray_docs_per_s": args.docs / on_ray["seconds"],
               "ray_over_local": local["seconds"] / on_ray["seconds"],
               "identical_output": same, "local_processes": local["processes"],
               "ray_processes": on_ray["processes"]}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)

    # kill half-way, then rerun
    kw = jobs["keywords"][1]
    target = work / "ray-kw-rerun"
    rerun_args = [*(a for a in kw[:-1] if a != "--force"), str(target)]
    if target.exists():
        import shutil

        shutil.rmtree(target)
    killed = run(rerun_args, kill_after=rows[0]["ray_seconds"] / 2)
    finished = len(list(target.glob("*.jsonl")))
    leftovers = len(list(target.glob(".*.tmp")))
    rerun = run(rerun_args)
    rerun_same = _concat(target) == (work / "local-kw.jsonl").read_text(encoding="utf-8")
    shards_total = len(list(shards.glob("*.jsonl")))
    kill = {"killed_after_s": killed["seconds"], "finished_before_kill": finished,
            "temp_files_left": leftovers, "rerun_seconds": rerun["seconds"],
            "rerun_report": rerun["stderr"].strip().splitlines()[-1:],
            "shards": shards_total, "rerun_identical_output": rerun_same}
    print(json.dumps(kill), file=sys.stderr)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ray_scale.json").write_text(json.dumps({"jobs": rows, "kill_rerun": kill},
                                                       indent=2) + "\n", encoding="utf-8")
    print(f"{args.docs:,} documents in {shards_total} shards; 2 processes each way\n")
    print("| job | local --jobs 2 s | local docs/s | ray 2 workers s | ray docs/s | "
          "ray / local | same output | peak RSS MB, local | peak RSS MB, ray |")
    print("|---|---:|---:|---:|---:|---:|---|---|---|")
    for r in rows:
        lp = ", ".join(f"{p['peak_rss_mb']}" for p in r["local_processes"][:4])
        rp = ", ".join(f"{p['peak_rss_mb']}" for p in r["ray_processes"][:6])
        print(f"| {r['job']} | {r['local_seconds']:.1f} | {r['local_docs_per_s']:,.0f} | "
              f"{r['ray_seconds']:.1f} | {r['ray_docs_per_s']:,.0f} | "
              f"**{r['ray_over_local']:.2f}x** | {r['identical_output']} | {lp} | {rp} |")
    print(f"\nkilled after {kill['killed_after_s']:.0f} s with {finished} of {shards_total} "
          f"shards finished ({leftovers} temp files left); the rerun took "
          f"{kill['rerun_seconds']:.0f} s: {' '.join(kill['rerun_report'])}; identical output: "
          f"{rerun_same}")


if __name__ == "__main__":
    main()
