"""``--engine ray``: the options and the run shared by the predict / extract commands."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from zhtext.errors import InputError
from zhtext.shards import Worker

__all__ = ["Address", "Engine", "Workers", "run_sharded"]

Engine = Annotated[str, typer.Option(
    "--engine", help="local: this process (and --jobs); ray: Ray Data over a directory or glob "
    "of JSONL / Parquet / text shards, one output shard each in -o DIR (finished shards are "
    "skipped on a rerun).")]
Workers = Annotated[int, typer.Option(
    "--workers", min=1, help="--engine ray: worker processes (each loads the model once).")]
Address = Annotated[str | None, typer.Option(
    "--address", help="--engine ray: a running Ray cluster to join (default: start a local "
    "one).")]


def check_engine(engine: str, **local_only: bool) -> None:
    """Refuse an unknown ``--engine``, and options the Ray engine does not read.

    ``local_only`` maps an option's flag (``doc_per_file`` for ``--doc-per-file``) to whether
    it was given. The Ray engine reads each shard as lines, JSONL or table rows by its suffix;
    an option that would change how documents are read locally must not be dropped silently
    there (the records would differ by engine).
    """
    if engine not in ("local", "ray"):
        raise typer.BadParameter(f"{engine!r}; expected local or ray", param_hint="--engine")
    given = [f"--{name.replace('_', '-')}" for name, on in local_only.items() if on]
    if engine == "ray" and given:
        raise typer.BadParameter(
            f"{', '.join(given)} applies to --engine local only: the Ray engine reads each "
            "shard by its suffix (.txt lines, .jsonl records, .csv/.tsv/.parquet rows); leave "
            f"{'it' if len(given) == 1 else 'them'} out or use --engine local",
            param_hint="--engine")


def run_sharded(inputs: list[str] | None, output: Path | None, *, suffix: str,
                make_worker: Callable[[], Worker], workers: int, address: str | None,
                text_col: str | None, id_col: str | None, batch_size: int, encoding: str,
                force: bool, quiet: bool, tabular: bool | None = None) -> None:
    """List the shards, skip the finished ones, run the rest on Ray, print a summary.

    ``inputs`` is one directory or glob of shards, or several files (each one shard). Ids
    are those of ``--engine local`` for the same files (``path:line`` with several shards).
    ``tabular``: read the shards as ``classify predict`` reads data files (CSV / TSV with a
    header ...); ``None`` decides by the worker (a ``zhtext.classify`` predictor reads data
    files; callers should say it).
    """
    from zhtext.cli.common import show_progress
    from zhtext.ray_engine import run_shards
    from zhtext.shards import list_shards, pending_shards

    if not inputs or "-" in inputs:
        raise InputError("--engine ray reads files, not standard input: give a directory "
                         "or a glob of shards (quote the glob), or the files")
    if output is None:
        raise InputError("--engine ray writes one output shard per input shard: give the "
                         "output directory with -o DIR")
    if output.exists() and not output.is_dir():
        raise InputError("output path is a file; --engine ray needs a directory",
                         path=str(output))
    if tabular is None:
        func = getattr(make_worker, "func", make_worker)  # a functools.partial, usually
        tabular = str(getattr(func, "__module__", "")).startswith("zhtext.classify")
    shards = list_shards(inputs, output, suffix)
    todo = pending_shards(shards, force=force)
    skipped = len(shards) - len(todo)
    start = time.perf_counter()
    done = run_shards(todo, make_worker, workers=workers, address=address, text_col=text_col,
                      id_col=id_col, batch_size=batch_size, encoding=encoding,
                      progress=show_progress(quiet), tabular=tabular)
    rows = sum(int(r["rows"]) for r in done)
    seconds = time.perf_counter() - start
    typer.echo(f"{len(done)} shard(s), {rows:,} rows in {seconds:.1f} s "
               f"({rows / max(seconds, 1e-9):,.0f} rows/s) to {output}"
               + (f"; {skipped} finished shard(s) skipped" if skipped else ""), err=True)
