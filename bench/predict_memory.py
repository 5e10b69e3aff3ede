"""Peak memory and speed of ``zhtext classify predict`` on 1M THUCNews titles.

Usage:
    python bench/predict_memory.py --work /tmp/h4
    python bench/predict_memory.py --work /tmp/h4 --src /tmp/h4/before/src  # another version

(``git archive COMMIT src | tar -x -C /tmp/h4/before`` exports an older version's sources.)

In ``--work`` it trains the linear THUCNews model if ``news-linear/`` is missing, with
``zhtext classify train --method linear --train .../train.txt --dev .../dev.txt -o
WORK/news-linear``, and builds ``titles_1m.txt`` if missing: the titles of ``train.txt``
(first column), repeated, to 1,000,000 lines. Then it runs what a user runs, with the default
options,

    zhtext classify predict WORK/news-linear WORK/titles_1m.txt -o WORK/out.jsonl --format jsonl

sampling the resident memory (RSS) of the whole process tree (the command and every process
it starts) every 0.2 s with psutil. It prints the peak of the summed RSS, each process's own
peak, the wall time and titles/s, and the SHA-256 of the output, so that runs of two versions
can be checked for the same output.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

from zhcli import zhtext_command

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "thucnews_titles"


def build_titles(train: Path, path: Path, n: int) -> None:
    titles = [line.split("\t", 1)[0] for line in
              train.read_text(encoding="utf-8").splitlines() if line.strip()]
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        written = 0
        while written < n:
            for t in titles[: n - written]:
                f.write(t + "\n")
            written += min(len(titles), n - written)
    tmp.replace(path)


def run_sampled(cmd: list[str], env: dict[str, str], interval: float = 0.2
                ) -> tuple[float, float, int, dict[int, tuple[str, int]]]:
    """Run ``cmd``: wall seconds, CPU seconds, peak summed RSS of its tree, each pid's peak.

    CPU time is the last user + system time sampled of each process (a process's last
    0.2 s may be missed): the runs of this shared machine take longer when other jobs run,
    the CPU time of the command much less so.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, env=env)
    root = psutil.Process(proc.pid)
    peak = 0
    per: dict[int, tuple[str, int]] = {}
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        total = 0
        for p in procs:
            try:
                with p.oneshot():
                    rss = p.memory_info().rss
                    times = p.cpu_times()
                    name = " ".join(p.cmdline()[:6])[-90:]
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            total += rss
            cpu[p.pid] = times.user + times.system
            if rss > per.get(p.pid, ("", 0))[1]:
                per[p.pid] = (name, rss)
        peak = max(peak, total)
        time.sleep(interval)
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.wait()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return seconds, sum(cpu.values()), peak, per


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, required=True,
                    help="Directory for the model, the input and the output.")
    ap.add_argument("--data", type=Path, default=DATA,
                    help="The thucnews_titles directory (train.txt, dev.txt).")
    ap.add_argument("--titles", type=int, default=1_000_000, help="Input lines.")
    ap.add_argument("--src", type=Path, default=None,
                    help="Run the zhtext in this source directory (put first on PYTHONPATH), "
                    "e.g. an export of an older commit, to compare with it.")
    args = ap.parse_args()
    env = dict(os.environ)
    if args.src is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(args.src.resolve()), *filter(None, [env.get("PYTHONPATH")])])

    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    zh = zhtext_command()
    model = work / "news-linear"
    if not (model / "zhtext.json").is_file():
        print(f"training {model} ...", file=sys.stderr)
        subprocess.run([*zh, "classify", "train", "--method", "linear", "--train",
                        str(args.data / "train.txt"), "--dev", str(args.data / "dev.txt"),
                        "-o", str(model)], check=True)
    titles = work / ("titles_1m.txt" if args.titles == 1_000_000 else f"titles_{args.titles}.txt")
    if not titles.is_file() or count_lines(titles) != args.titles:
        build_titles(args.data / "train.txt", titles, args.titles)
    out = work / "out.jsonl"
    out.unlink(missing_ok=True)
    cmd = [*zh, "classify", "predict", str(model), str(titles), "-o", str(out),
           "--format", "jsonl"]
    load = os.getloadavg()[0]
    seconds, cpu_seconds, peak, per = run_sampled(cmd, env)
    lines = count_lines(out)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    print(f"command: {' '.join(cmd)}"
          + (f" (PYTHONPATH={env['PYTHONPATH']})" if args.src is not None else ""))
    print(f"titles: {args.titles:,}; output lines: {lines:,}; output sha256: {digest[:16]}")
    print(f"peak RSS all processes: {peak / 2**20:.0f} MiB")
    print(f"wall time: {seconds:.1f} s; titles/s: {args.titles / seconds:,.0f}")
    print(f"CPU time of all processes: {cpu_seconds:.0f} s ({args.titles / cpu_seconds:,.0f} "
          f"titles per CPU second); load average before the run {load:.1f}, after "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    biggest = sorted(per.items(), key=lambda kv: -kv[1][1])[:8]
    print(f"processes seen: {len(per)}; the largest:")
    for pid, (name, rss) in sorted(biggest):
        print(f"  pid {pid}: peak {rss / 2**20:.0f} MiB  {name}")


if __name__ == "__main__":
    main()
