"""zhtext keywords at scale: the CLI against the API and jieba, --jobs scaling, peak memory.

Usage:
    python bench/keywords_scale.py --cli-only [--cli-docs 20000] [--repeats 3]
    python bench/keywords_scale.py [--size-mb 1024] [--scaling-docs 200000] [--method tfidf]

Builds inputs in a temporary folder from the CSL abstracts (`csl_benchmark/kg/dev.tsv`,
text column), repeated to the size asked for, then runs the `zhtext keywords extract` CLI:

0. The CLI against the Python API and jieba on the same `--cli-docs` documents, interleaved
   over `--repeats` repetitions (the order rotates each time): the API is single-process
   `get_extractor(method).extract(texts, 5)` on the file's lines already in memory, the
   extractor loaded beforehand; the CLI is `zhtext keywords extract FILE -o OUT` with its
   defaults, a subprocess timed end to end (start-up, imports, loading, reading, extraction,
   formatting, the atomic write), and again with `--jobs 1`; jieba is a Python loop of
   `jieba.analyse.extract_tags(line, topK=5)` over the lines of the same file (dictionary
   loaded beforehand). The CLI's output must equal the API's keywords.
1. `--jobs 1` and `--jobs 2` on the same `--scaling-docs` documents: wall time, docs/s, ratio;
   the two outputs must be identical.
2. `--jobs 2` over an input of `--size-mb` megabytes: wall time and the peak resident memory
   of all its processes together (sampled every 0.2 s with psutil), and of each process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from zhcli import zhtext_command

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


def timed_cli(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its children) of one command, end to end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(args)}\n"
                 f"{proc.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def cli_against_api(d: Path, texts: list[str], *, docs: int, repeats: int, method: str,
                    top_k: int = 5) -> None:
    """Section 0: API, CLI (defaults and --jobs 1) and jieba docs/s, interleaved."""
    import jieba
    import jieba.analyse

    from zhtext.keywords import get_extractor

    path = d / "csl.txt"
    n = build_input(path, texts, docs=docs)
    lines = path.read_text(encoding="utf-8").split("\n")[:-1]
    assert len(lines) == n
    extractor = get_extractor(method)
    expected = extractor.extract(lines, top_k)  # also loads the extractor before timing
    jieba.setLogLevel(60)
    jieba.initialize()
    out = d / "cli-out.txt"
    cli = [*zhtext_command(), "keywords", "extract", str(path), "-o", str(out), "--force"]
    if method != "tfidf":
        cli += ["--method", method]
    if top_k != 5:
        cli += ["--top-k", str(top_k)]

    def api() -> tuple[float, float]:
        t, c = time.perf_counter(), time.process_time()
        extractor.extract(lines, top_k)
        return time.perf_counter() - t, time.process_time() - c

    def jieba_loop() -> tuple[float, float]:
        t, c = time.perf_counter(), time.process_time()
        with open(path, encoding="utf-8") as f:
            for line in f:
                jieba.analyse.extract_tags(line.rstrip("\n"), topK=top_k)
        return time.perf_counter() - t, time.process_time() - c

    runs = {
        "api": api,
        "cli": lambda: timed_cli(cli),
        "cli1": lambda: timed_cli([*cli, "--jobs", "1"]),
        "jieba": jieba_loop,
    }
    names = list(runs)
    got: dict[str, list[tuple[float, float]]] = {k: [] for k in names}
    for rep in range(repeats):
        for name in names[rep % len(names):] + names[: rep % len(names)]:
            got[name].append(runs[name]())
            if name == "cli":
                written = out.read_text(encoding="utf-8").split("\n")[:-1]
                want = [" ".join(k.text for k in kws) for kws in expected]
                if written != want:
                    sys.exit("the CLI's keywords differ from the API's")

    def rate(name: str, i: int) -> float:
        return n / got[name][i][0]

    print(f"\n## CLI against the API and jieba ({method}, {n:,} documents, "
          f"{path.stat().st_size / 1e6:.1f} MB, {repeats} repetitions interleaved, "
          f"{os.cpu_count()} cores)\n")
    print("| repetition | API docs/s | CLI docs/s (defaults) | CLI/API | CLI --jobs 1 docs/s "
          "| --jobs 1/API | jieba docs/s | CLI/jieba | --jobs 1/jieba |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    cols: list[list[float]] = [[] for _ in range(8)]
    for i in range(repeats):
        row = [rate("api", i), rate("cli", i), rate("cli", i) / rate("api", i), rate("cli1", i),
               rate("cli1", i) / rate("api", i), rate("jieba", i),
               rate("cli", i) / rate("jieba", i), rate("cli1", i) / rate("jieba", i)]
        for c, v in zip(cols, row):
            c.append(v)
        print(f"| {i + 1} | " + " | ".join(_fmt(j, v) for j, v in enumerate(row)) + " |")
    med = [statistics.median(c) for c in cols]
    print("| **median** | " + " | ".join(f"**{_fmt(j, v)}**" for j, v in enumerate(med)) + " |")
    cpu = {k: statistics.median(c for _, c in v) for k, v in got.items()}
    wall = {k: statistics.median(w for w, _ in v) for k, v in got.items()}
    print(f"\nmedian wall / CPU seconds: API {wall['api']:.2f} / {cpu['api']:.2f}, CLI "
          f"{wall['cli']:.2f} / {cpu['cli']:.2f}, CLI --jobs 1 {wall['cli1']:.2f} / "
          f"{cpu['cli1']:.2f}, jieba {wall['jieba']:.2f} / {cpu['jieba']:.2f}; the CLI's "
          f"keywords equal the API's: True")
    print(f"CLI: {' '.join(cli)}")
    path.unlink()


def _fmt(col: int, value: float) -> str:
    return f"{value:.2f}x" if col in (2, 4, 6, 7) else f"{value:,.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--scaling-docs", type=int, default=200_000)
    ap.add_argument("--method", default="tfidf")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-scaling", action="store_true")
    ap.add_argument("--memory-jobs", type=int, default=2)
    ap.add_argument("--cli-docs", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-cli", action="store_true", help="skip section 0")
    ap.add_argument("--cli-only", action="store_true", help="only section 0")
    args = ap.parse_args()
    if args.cli_only:
        args.skip_scaling = args.skip_memory = True

    rows = (args.data / "csl_benchmark" / "kg" / "dev.tsv").read_text(encoding="utf-8")
    texts = [r.split("\t")[1] for r in rows.splitlines() if r.strip()]
    cli = [sys.executable, "-m", "zhtext", "keywords", "extract", "--method", args.method,
           "--format", "jsonl", "--quiet"]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        if not args.skip_cli:
            cli_against_api(d, texts, docs=args.cli_docs, repeats=args.repeats,
                            method=args.method)
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
