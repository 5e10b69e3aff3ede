"""``--engine ray``: sharded batch jobs on Ray Data.

The shards of a job (:mod:`zhtext.shards`) become a Ray dataset with one row per shard;
``map_batches`` runs an actor class over it with ``concurrency=workers``: each actor builds the
predictor once (the same class the local path uses: keyword, label or tag output lines) and
then streams shard after shard through it, writing each output shard atomically. Ray's
streaming executor hands the next shard to whichever actor is free, so a cluster's workers
stay busy, and rows are never collected in the driver. Output shards must be on a file system
all workers share (a local directory on one machine; NFS or similar on a cluster).

Ray is an optional extra (``pip install 'zhtext[ray]'``); ``--address`` joins a running
cluster, without it a local one is started for the job and stopped after it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

from zhtext.errors import InputError, ZhtextError
from zhtext.shards import Shard, Worker, write_shard

__all__ = ["run_shards"]

logger = logging.getLogger(__name__)


class _ShardTask:
    """A Ray actor: one predictor, many shards."""

    def __init__(self, make_worker: Callable[[], Worker], options: dict[str, Any]) -> None:
        self.work = make_worker()
        self.options = options

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        import resource
        from pathlib import Path

        out: dict[str, list[Any]] = {"source": [], "rows": [], "seconds": [], "pid": [],
                                     "max_rss_mb": [], "error": []}
        for source, target, prefix in zip(batch["source"], batch["target"], batch["prefix"]):
            start = time.perf_counter()
            error = ""
            try:
                rows = write_shard(Shard(Path(str(source)), Path(str(target)), str(prefix)),
                                   self.work, **self.options)
            except ZhtextError as e:  # bad input: reported by the driver as the local path would
                rows, error = 0, str(e)
            out["error"].append(error)
            out["source"].append(str(source))
            out["rows"].append(rows)
            out["seconds"].append(time.perf_counter() - start)
            out["pid"].append(os.getpid())
            out["max_rss_mb"].append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return out


def run_shards(
    shards: list[Shard],
    make_worker: Callable[[], Worker],
    *,
    workers: int = 2,
    address: str | None = None,
    text_col: str | None = None,
    id_col: str | None = None,
    batch_size: int = 1024,
    encoding: str = "utf-8",
    progress: bool = False,
    tabular: bool = False,
) -> list[dict[str, Any]]:
    """Run ``make_worker()``'s predictor over ``shards`` on Ray; one record per shard done.

    Args:
        shards: The shards to do (see :func:`zhtext.shards.pending_shards`).
        make_worker: Builds the predictor; called once in each Ray worker (it must pickle:
            a module-level function or a ``functools.partial`` of one).
        workers: Actors, each one process with one CPU.
        address: A running Ray cluster (``ray://...`` or ``auto``); ``None`` starts a local
            one with ``workers`` CPUs.
        text_col: Text field of JSONL / Parquet shards.
        id_col: Id field (default: the line or row number within the shard, after the
            shard's ``prefix``: ``path:line`` when the job has several shards, as the local
            engine names the documents of several files).
        batch_size: Documents per predictor call.
        encoding: Encoding of text shards.
        progress: Ray Data's progress bars.
        tabular: Read the shards as ``classify predict`` reads its inputs (data files: CSV
            / TSV with a header, JSONL, Parquet, text) rather than as documents.

    Raises:
        InputError: Ray is not installed, or a shard holds bad input (its error, as the local
            path reports it).
    """
    if not shards:
        return []
    if not logger.isEnabledFor(logging.INFO):  # Ray Data's execution notes only with -v
        os.environ.setdefault("RAY_DATA_LOG_LEVEL", "WARNING")
    try:
        import ray
    except ImportError:
        raise InputError("--engine ray needs Ray: pip install 'zhtext[ray]'") from None
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage reports from here
    ray_loggers = [logging.getLogger(n) for n in ("ray", "ray.data")]
    levels = [lg.level for lg in ray_loggers]
    if not logger.isEnabledFor(logging.INFO):  # Ray Data's execution notes only with -v
        for lg in ray_loggers:
            lg.setLevel(logging.WARNING)
    started = False
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                  "configure_logging": False}
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(num_cpus=workers, **kwargs)
        started = True
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = progress
        ctx.verbose_stats_logs = False
        ds = ray.data.from_items([{"source": str(s.source), "target": str(s.target),
                                   "prefix": s.prefix} for s in shards],
                                 override_num_blocks=len(shards))
        options = {"text_col": text_col, "id_col": id_col, "batch_size": batch_size,
                   "encoding": encoding, "tabular": tabular}
        done = ds.map_batches(_ShardTask, fn_constructor_kwargs={
            "make_worker": make_worker, "options": options}, batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=min(workers, len(shards))), num_cpus=1)
        results = []
        for row in done.iter_rows():
            if row["error"]:
                raise InputError(str(row["error"]))
            results.append(dict(row))
            logger.info("shard %s: %d rows in %.1f s (worker %s)", row["source"],
                        row["rows"], row["seconds"], row["pid"])
        return results
    finally:
        if started:
            ray.shutdown()
        for lg, lv in zip(ray_loggers, levels):
            lg.setLevel(lv)
