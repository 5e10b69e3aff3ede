"""Load test of ``zhtext serve`` on loopback with Debian's ``wrk``.

    python bench/serve_load.py --work /tmp/bs                 # about 4 minutes here
    python bench/serve_load.py --work /tmp/bs --seconds 60 --connections 8

1. ``zhtext classify train --method linear`` on all THUCNews training titles (the defaults, as
   ``bench/classify.py`` trains it), unless WORK/linear exists.
2. ``zhtext serve WORK/linear --port P`` (the built-in keyword extractor is always served), in
   its own process, as a user starts it.
3. For each endpoint, ``wrk -t1 -cN`` posts single short documents, ``{"texts": [title]}``,
   rotating through the 10,000 THUCNews dev titles: 10 s of warm-up, then the measured run.
   wrk's Lua ``done`` hook reports requests, errors (socket and non-2xx) and latency
   percentiles. The server's resident memory is read after warm-up and after each run.

Results: bench/results/serve_load.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
THUC = DATA / "thucnews_titles"
RESULTS = Path(__file__).resolve().parent / "results"

LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {}
for line in io.lines("%(bodies)s") do bodies[#bodies + 1] = line end
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d %%.0f %%.0f %%.0f %%.0f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    import psutil

    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


def _wrk(url: str, script: Path, seconds: int, connections: int) -> dict[str, Any]:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
                          "-s", str(script), url], capture_output=True, text=True, check=True)
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("RESULT"))
    v = [float(x) for x in line.split()[1:]]
    return {"requests": int(v[0]), "seconds": v[1] / 1e6, "requests_per_s": v[0] / (v[1] / 1e6),
            "errors": int(sum(v[2:7])), "non_2xx": int(v[5]), "p50_ms": v[7] / 1e3,
            "p99_ms": v[8] / 1e3, "p999_ms": v[9] / 1e3, "max_ms": v[10] / 1e3}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--connections", type=int, default=8)
    args = ap.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    model = work / "linear"
    if not (model / "zhtext.json").is_file():
        subprocess.run([sys.executable, "-m", "zhtext", "classify", "train", "--method",
                        "linear", "--train", str(THUC / "train.txt"), "--dev",
                        str(THUC / "dev.txt"), "-o", str(model), "--force"], check=True,
                       env=env)
    titles = [ln.split("\t")[0] for ln in
              THUC.joinpath("dev.txt").read_text(encoding="utf-8").splitlines() if ln]
    bodies = work / "bodies.jsonl"
    bodies.write_text("".join(json.dumps({"texts": [t]}, ensure_ascii=False) + "\n"
                              for t in titles), encoding="utf-8")
    script = work / "post.lua"
    script.write_text(LUA % {"bodies": bodies}, encoding="utf-8")

    port = _free_port()
    log = open(work / "server.log", "w")  # noqa: SIM115 (open while the server runs)
    server = subprocess.Popen([sys.executable, "-m", "zhtext", "serve", str(model), "--port",
                               str(port)], env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(base + "/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not start; see " + str(work / "server.log"))
        for endpoint in ("/v1/classify", "/v1/keywords"):
            _wrk(base + endpoint, script, 10, args.connections)  # warm-up
            before = _rss_mb(server.pid)
            row = {"endpoint": endpoint, **_wrk(base + endpoint, script, args.seconds,
                                                args.connections)}
            row["rss_after_warmup_mb"] = before
            row["rss_after_mb"] = _rss_mb(server.pid)
            row["rss_growth_pct"] = 100 * (row["rss_after_mb"] / before - 1)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "serve_load.json").write_text(json.dumps(rows, indent=2) + "\n",
                                             encoding="utf-8")
    print(f"{args.connections} connections, {args.seconds} s, single-title requests\n")
    print("| endpoint | requests | requests/s | errors | p50 ms | p99 ms | max ms | RSS after "
          "warm-up MB | RSS at end MB | growth |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['endpoint']} | {r['requests']:,} | **{r['requests_per_s']:,.0f}** | "
              f"{r['errors']} | {r['p50_ms']:.1f} | **{r['p99_ms']:.1f}** | {r['max_ms']:.0f} | "
              f"{r['rss_after_warmup_mb']:.0f} | {r['rss_after_mb']:.0f} | "
              f"{r['rss_growth_pct']:+.1f}% |")


if __name__ == "__main__":
    main()
