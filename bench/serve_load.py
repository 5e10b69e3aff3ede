"""Load test of ``zhtext serve`` on loopback with ApacheBench (``ab -k -c 8 -t 60``).

    python bench/serve_load.py --work /tmp/bs                       # default workers, then 1
    python bench/serve_load.py --work /tmp/bs --workers default     # only the default
    python bench/serve_load.py --work /tmp/bs --seconds 60 --concurrency 8 --workers default,1,2

1. ``zhtext classify train --method linear`` on all THUCNews training titles (the defaults, as
   ``bench/classify.py`` trains it), unless WORK/linear exists (a few minutes).
2. For each ``--workers`` value: ``zhtext serve WORK/linear --port P [--workers N]`` in its own
   process, as a user starts it ("default": no ``--workers``, one worker process per core).
3. For each endpoint (``/v1/classify`` unless ``--endpoints`` says otherwise): ``ab -k -c C -t
   S -n 10000000`` posts ``{"texts": [title]}``, one THUCNews dev title per request (ab sends
   one body: a title of median length), after a 5 s warm-up. ``-n`` after ``-t`` lifts the
   50,000-request cap that ``-t`` implies. Requests per second, failed and non-2xx responses
   come from ab's report, p50 / p99 from its ``-e`` percentile table (milliseconds). The
   resident memory of every server process (the command and all its workers, psutil) is
   summed after the warm-up, sampled every second during the run (the peak is kept) and at the
   end; the load average (``/proc/loadavg``) is read before and after the run.

Results: bench/results/serve_load.json and a table on stdout. ``ab`` is Debian's
``apache2-utils``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
THUC = DATA / "thucnews_titles"
RESULTS = Path(__file__).resolve().parent / "results"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _processes(pid: int) -> list[Any]:
    import psutil

    proc = psutil.Process(pid)
    return [proc, *proc.children(recursive=True)]


def _rss_mb(pid: int) -> tuple[float, int]:
    """The summed resident memory of ``pid`` and its descendants, and how many there are."""
    import psutil

    total, n = 0, 0
    for p in _processes(pid):
        try:
            total += p.memory_info().rss
            n += 1
        except psutil.NoSuchProcess:
            pass
    return total / 2**20, n


def _loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return list(os.getloadavg())


def _ab(url: str, body: Path, seconds: int, concurrency: int, csv: Path) -> dict[str, Any]:
    cmd = ["ab", "-k", "-c", str(concurrency), "-t", str(seconds), "-n", "10000000", "-q",
           "-p", str(body), "-T", "application/json", "-e", str(csv), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    def field(name: str, default: str | None = None) -> str:
        m = re.search(rf"^{re.escape(name)}:\s+(\S+)", out, re.M)
        if m is None:
            if default is None:
                raise SystemExit(f"no {name!r} in ab's report:\n{out}")
            return default
        return m.group(1)

    pct = {}
    for line in csv.read_text().splitlines()[1:]:
        p, ms = line.split(",")
        pct[int(float(p))] = float(ms)
    return {"command": " ".join(cmd), "requests": int(field("Complete requests")),
            "seconds": float(field("Time taken for tests")),
            "requests_per_s": float(field("Requests per second")),
            "failed": int(field("Failed requests")),
            "non_2xx": int(field("Non-2xx responses", "0")),
            "keep_alive_requests": int(field("Keep-Alive requests", "0")),
            "p50_ms": pct[50], "p90_ms": pct[90], "p99_ms": pct[99], "max_ms": pct[100]}


class _PeakRss(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(1.0):
            self.peak = max(self.peak, _rss_mb(self.pid)[0])


def _serve(model: Path, workers: str, work: Path, env: dict[str, str]) -> tuple[Any, str, Any]:
    port = _free_port()
    cmd = [sys.executable, "-m", "zhtext", "-v", "serve", str(model), "--port", str(port),
           "--no-access-log"]
    if workers != "default":
        cmd += ["--workers", workers]
    log = open(work / f"server-{workers}.log", "w")  # noqa: SIM115 (open while it runs)
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(1500):
        if server.poll() is not None:
            raise SystemExit(f"the server exited; see {work / f'server-{workers}.log'}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        raise SystemExit("the server did not start; see " + log.name)
    # /health answers once one worker listens: wait until every worker has started (each loads
    # the model itself), as uvicorn logs it with -v.
    from zhtext.serve.workers import default_workers

    want = default_workers() if workers == "default" else int(workers)
    for _ in range(3000):
        started = Path(log.name).read_text(encoding="utf-8").count(
            "Application startup complete")
        if started >= want:
            break
        if server.poll() is not None:
            raise SystemExit(f"the server exited; see {log.name}")
        time.sleep(0.2)
    else:
        raise SystemExit(f"not every worker started; see {log.name}")
    return server, base, log


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[2:]))
    ap.add_argument("--work", type=Path, required=True,
                    help="Working directory: the trained model (WORK/linear), bodies, logs.")
    ap.add_argument("--seconds", type=int, default=60, help="ab -t (default: 60).")
    ap.add_argument("--concurrency", type=int, default=8, help="ab -c (default: 8).")
    ap.add_argument("--workers", default="default,1",
                    help="Comma-separated server --workers values to measure in turn; "
                    "'default' starts the server without --workers (default: default,1).")
    ap.add_argument("--endpoints", default="/v1/classify",
                    help="Comma-separated endpoints (default: /v1/classify; also /v1/keywords).")
    args = ap.parse_args()
    if shutil.which("ab") is None:
        raise SystemExit("needs ApacheBench: apt-get install apache2-utils")
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    model = work / "linear"
    if not (model / "zhtext.json").is_file():
        subprocess.run([sys.executable, "-m", "zhtext", "classify", "train", "--method",
                        "linear", "--train", str(THUC / "train.txt"), "--dev",
                        str(THUC / "dev.txt"), "-o", str(model), "--force"], check=True,
                       env=env)
    titles = sorted((ln.split("\t")[0] for ln in
                     THUC.joinpath("dev.txt").read_text(encoding="utf-8").splitlines() if ln),
                    key=len)
    title = titles[len(titles) // 2]
    body = work / "body.json"
    body.write_text(json.dumps({"texts": [title]}, ensure_ascii=False), encoding="utf-8")

    rows = []
    for workers in args.workers.split(","):
        server, base, log = _serve(model, workers.strip(), work, env)
        try:
            for endpoint in args.endpoints.split(","):
                url = base + endpoint
                _ab(url, body, 5, args.concurrency, work / "warmup.csv")
                before, n_procs = _rss_mb(server.pid)
                load_before = _loadavg()
                peak = _PeakRss(server.pid)
                peak.start()
                row = {"workers": workers, "endpoint": endpoint, "title": title,
                       **_ab(url, body, args.seconds, args.concurrency, work / "ab.csv")}
                peak.stop.set()
                peak.join()
                row["load_before"], row["load_after"] = load_before, _loadavg()
                row["processes"] = n_procs
                row["rss_after_warmup_mb"] = before
                row["rss_peak_mb"] = peak.peak
                row["rss_after_mb"] = _rss_mb(server.pid)[0]
                rows.append(row)
                print(json.dumps(row, ensure_ascii=False), file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=120)
            log.close()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "serve_load.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False)
                                             + "\n", encoding="utf-8")
    print(f"ab -k -c {args.concurrency} -t {args.seconds}, one title per request "
          f"({len(title)} characters)\n")
    print("| workers | endpoint | requests | requests/s | failed | non-2xx | p50 ms | p99 ms | "
          "max ms | processes | RSS all MB (after warm-up / peak / end) | load avg (1 min) "
          "before → after |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        print(f"| {r['workers']} | {r['endpoint']} | {r['requests']:,} | "
              f"**{r['requests_per_s']:,.0f}** | {r['failed']} | {r['non_2xx']} | "
              f"{r['p50_ms']:.1f} | **{r['p99_ms']:.1f}** | {r['max_ms']:.0f} | "
              f"{r['processes']} | {r['rss_after_warmup_mb']:.0f} / {r['rss_peak_mb']:.0f} / "
              f"{r['rss_after_mb']:.0f} | {r['load_before'][0]:.2f} → "
              f"{r['load_after'][0]:.2f} |")


if __name__ == "__main__":
    main()
