"""zhtext keywords at scale: --jobs scaling and peak memory on a large input.

Usage:
    python bench/keywords_scale.py [--size-mb 1024] [--scaling-docs 200000] [--method tfidf]

Builds inputs in a temporary folder from the CSL abstracts (`csl_benchmark/kg/dev.tsv`,
text column), repeated to the size asked for, then runs the `zhtext keywords extract` CLI:

1. `--jobs 1` and `--jobs 2` on the same `--scaling-docs` documents: wall time, docs/s, ratio;
   the two outputs must be identical.
2. `--jobs 2` over an input of `--size-mb` megabytes: wall time and the peak resident memory
   of all its processes together (sampled every 0.2 s with psutil), and of each process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent


def build_input(path: Path, texts: list[str], *, docs: int | None = None,
                size: int | None = None) -> int:
    n = 0
    written = 0
    with open(path, "w", encoding="utf-8") as f:
        while True:
            for t in texts:
                line = t + "\n"
                f.write(line)
                n += 1
                written += len(line.encode("utf-8"))
                if (docs is not None and n >= docs) or (size is not None and written >= size):
                    return n


def run(args: list[str], out: Path) -> tuple[float, int, dict[int, int]]:
    """Run a command, sampling the summed RSS of its process tree; return time, peak, per-pid."""
    t = time.perf_counter()
    with open(out, "wb") as f:
        proc = subprocess.Popen(args, stdout=f, stderr=subprocess.PIPE)
        root = psutil.Process(proc.pid)
        peak = 0
        per: dict[int, int] = {}
        while proc.poll() is None:
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        rss = p.memory_info().rss
                    except psutil.NoSuchProcess:
                        continue
                    total += rss
                    per[p.pid] = max(per.get(p.pid, 0), rss)
                peak = max(peak, total)
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.2)
        err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(args)}\n{err}")
    return time.perf_counter() - t, peak, per


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--scaling-docs", type=int, default=200_000)
    ap.add_argument("--method", default="tfidf")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-scaling", action="store_true")
    ap.add_argument("--memory-jobs", type=int, default=2)
    args = ap.parse_args()

    rows = (args.data / "csl_benchmark" / "kg" / "dev.tsv").read_text(encoding="utf-8")
    texts = [r.split("\t")[1] for r in rows.splitlines() if r.strip()]
    cli = [sys.executable, "-m", "zhtext", "keywords", "extract", "--method", args.method,
           "--format", "jsonl", "--quiet"]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        if not args.skip_scaling:
            small = d / "scaling.txt"
            n = build_input(small, texts, docs=args.scaling_docs)
            t1, m1, _ = run([*cli, str(small), "--jobs", "1"], d / "out1.jsonl")
            t2, m2, _ = run([*cli, str(small), "--jobs", "2"], d / "out2.jsonl")
            same = (d / "out1.jsonl").read_bytes() == (d / "out2.jsonl").read_bytes()
            print(f"\n## --jobs scaling ({args.method}, {n:,} documents, "
                  f"{small.stat().st_size / 1e6:.0f} MB)\n")
            print("| jobs | seconds | docs/s | peak RSS, all processes |")
            print("|---:|---:|---:|---:|")
            print(f"| 1 | {t1:.1f} | {n / t1:,.0f} | {m1 / 2**20:.0f} MiB |")
            print(f"| 2 | {t2:.1f} | {n / t2:,.0f} | {m2 / 2**20:.0f} MiB |")
            print(f"\nspeed-up --jobs 2 / --jobs 1: {t1 / t2:.2f}x; identical output: {same}")
            small.unlink()
        if args.skip_memory:
            return
        big = d / "big.txt"
        n = build_input(big, texts, size=args.size_mb * 2**20)
        jobs = str(args.memory_jobs)
        t, peak, per = run([*cli, str(big), "--jobs", jobs], d / "big.jsonl")
        print(f"\n## memory ({args.method}, --jobs {jobs}, {big.stat().st_size / 2**30:.2f} GiB, "
              f"{n:,} documents)\n")
        print(f"wall time {t:.0f} s ({n / t:,.0f} docs/s); peak RSS of all processes together: "
              f"{peak / 2**20:.0f} MiB")
        for pid, rss in sorted(per.items()):
            print(f"- pid {pid}: peak {rss / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
