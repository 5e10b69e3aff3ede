"""Sharded batch jobs: input shards in, one output shard each, written atomically.

A corpus of millions of documents comes as shards (JSONL, Parquet or plain-text files in a
directory, or a glob). Each input shard ``name.ext`` gives the output shard ``OUT/name.EXT``
(``.jsonl``, or ``.txt`` / ``.tsv`` for those output formats), written aside and renamed when
complete, so an interrupted job leaves only whole output shards and a rerun does the missing
ones. The engine that runs the shards (:mod:`zhtext.ray_engine`) is separate from this module.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from zhtext.errors import InputError

__all__ = ["SHARD_SUFFIXES", "Shard", "Worker", "list_shards", "pending_shards", "read_shard",
           "write_shard"]

SHARD_SUFFIXES = (".jsonl", ".json", ".parquet", ".txt", ".csv", ".tsv")
_JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
#: A predictor: ids and texts of a batch in, the batch's formatted output lines out.
Worker = Callable[[list[str | int], list[str]], str]


@dataclass(frozen=True)
class Shard:
    """An input shard and the output shard it becomes.

    ``prefix`` is put before the line (or row) numbers that serve as ids when a job has
    several shards (``path:``, the path as the input named it), as the local engine does
    with several input files; it is empty for a job of one shard.
    """

    source: Path
    target: Path
    prefix: str = ""

    @property
    def done(self) -> bool:
        """Whether the output shard exists (it appears only when complete)."""
        return self.target.is_file()


def list_shards(inputs: str | Path | Sequence[str | Path], output_dir: Path,
                out_suffix: str) -> list[Shard]:
    """The shards of ``inputs``: a directory or a glob (sorted by path), or files (in order).

    With several shards, each shard's ``prefix`` is its path as the input spells it (a file
    given, a glob's match, the directory joined with the file's name), the path the local
    engine puts before line numbers for the same files.

    Raises:
        InputError: No shard matches, a file given is missing, or two shards would write
            the same output.
    """
    many_inputs = not isinstance(inputs, (str, Path))
    raws = [str(i) for i in inputs] if not isinstance(inputs, (str, Path)) else [str(inputs)]
    if many_inputs and len(raws) == 1:
        many_inputs = False
    names: list[str] = []
    if many_inputs:
        for raw in raws:
            if not Path(raw).is_file():
                raise InputError("no such file: with several inputs --engine ray takes "
                                 "files (or one directory or glob of shards)", path=raw)
        names = raws
    else:
        raw = raws[0]
        if Path(raw).is_dir():
            names = sorted((os.path.join(raw, p.name) for p in Path(raw).iterdir()
                            if p.is_file() and p.suffix in SHARD_SUFFIXES
                            and not p.name.startswith(".")), key=Path)
        elif Path(raw).is_file():
            names = [raw]
        else:
            names = sorted((p for p in glob.glob(raw) if Path(p).is_file()), key=Path)
        if not names:
            raise InputError(f"no input shards: expected a directory or glob of "
                             f"{', '.join(SHARD_SUFFIXES)} files", path=raw)
    many = len(names) > 1
    shards = [Shard(Path(n), output_dir / (Path(n).stem + out_suffix),
                    f"{n}:" if many else "") for n in names]
    seen: dict[Path, Path] = {}
    for s in shards:
        if s.target in seen:
            raise InputError(f"shards {seen[s.target].name} and {s.source.name} would both "
                             f"write {s.target.name}; give the shards distinct names",
                             path=", ".join(raws))
        seen[s.target] = s.source
    return shards


def pending_shards(shards: list[Shard], *, force: bool) -> list[Shard]:
    """The shards still to do: all with ``force``, else those without an output shard.

    Temporary files that a killed run left for these shards are removed (one job writes an
    output directory at a time).
    """
    todo = list(shards) if force else [s for s in shards if not s.done]
    for s in todo:
        if s.target.parent.is_dir():
            for stale in s.target.parent.glob(f".{glob.escape(s.target.name)}.*.tmp"):
                stale.unlink(missing_ok=True)
    return todo


def read_shard(path: Path, *, text_col: str | None, id_col: str | None, batch_size: int,
               encoding: str = "utf-8", prefix: str = "", tabular: bool = False
               ) -> Iterator[tuple[list[str | int], list[str]]]:
    """Batches of (ids, texts) of one shard, streamed, with the local engine's ids.

    JSONL and plain text go through the same reader as the local path of ``keywords
    extract`` and ``tag predict`` (:class:`~zhtext.io.DocumentReader`); with ``tabular``,
    every format goes through the reader of ``classify predict``
    (:func:`zhtext.io.tabular.iter_batches`: CSV / TSV with a header, Parquet, ...), so ids
    and texts match it line for line. Parquet is otherwise read in record batches with
    pyarrow. Ids that are line (or row) numbers get ``prefix`` (``path:`` when the job has
    several shards, as the local engine names the documents of several files).
    """
    if tabular or (path.suffix.lower() in (".parquet", ".pq") and text_col is None):
        # Parquet without --text-col: the column is guessed, as the local engine does.
        from zhtext.io.tabular import iter_batches

        for got, batch in iter_batches(path, text_col=text_col, id_col=id_col,
                                       encoding=encoding, batch_size=batch_size):
            yield ([f"{prefix}{i}" for i in got] if prefix and id_col is None else got), batch
        return
    if path.suffix.lower() in (".parquet", ".pq") and text_col is not None:
        for got, batch in _parquet(path, text_col=text_col, id_col=id_col,
                                   batch_size=batch_size):
            yield ([f"{prefix}{i}" for i in got] if prefix and id_col is None else got), batch
        return
    from zhtext.io import DocumentReader

    reader = DocumentReader([str(path)], fmt="auto", text_col=text_col, id_col=id_col,
                            encoding=encoding)
    # line numbers are the ids of text files, and of JSONL without an id field
    numbered = bool(prefix) and (id_col is None or path.suffix.lower() not in _JSONL_SUFFIXES)
    ids: list[str | int] = []
    texts: list[str] = []
    for doc in reader:
        ids.append(f"{prefix}{doc.id}" if numbered else doc.id)
        texts.append(doc.text)
        if len(texts) >= batch_size:
            yield ids, texts
            ids, texts = [], []
    if texts:
        yield ids, texts


def _parquet(path: Path, *, text_col: str, id_col: str | None, batch_size: int
             ) -> Iterator[tuple[list[str | int], list[str]]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading Parquet needs pyarrow: pip install pyarrow") from None
    try:
        pf = pq.ParquetFile(path)
    except Exception as e:
        raise InputError(f"not a readable Parquet file ({e})", path=str(path)) from None
    names = pf.schema_arrow.names
    for col in (text_col, id_col):
        if col is not None and col not in names:
            raise InputError(f"no column {col!r}; the columns are {', '.join(names)}",
                             path=str(path))
    row = 0
    for batch in pf.iter_batches(batch_size=batch_size,
                                 columns=[c for c in (id_col, text_col) if c]):
        texts = ["" if t is None else str(t) for t in batch.column(text_col).to_pylist()]
        if id_col is not None:
            ids: list[str | int] = list(batch.column(id_col).to_pylist())
        else:
            ids = list(range(row + 1, row + 1 + len(texts)))
        row += len(texts)
        yield ids, texts


def write_shard(shard: Shard, work: Worker, *, text_col: str, id_col: str | None,
                batch_size: int, encoding: str = "utf-8", tabular: bool = False) -> int:
    """Run ``work`` over one input shard into its output shard, atomically; returns rows.

    The output is written to a hidden temporary file beside the target and renamed when
    complete; a failure removes the temporary file and leaves no output shard.
    """
    shard.target.parent.mkdir(parents=True, exist_ok=True)
    tmp = shard.target.with_name(f".{shard.target.name}.{os.getpid()}.tmp")
    rows = 0
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            for ids, texts in read_shard(shard.source, text_col=text_col, id_col=id_col,
                                         batch_size=batch_size, encoding=encoding,
                                         prefix=shard.prefix, tabular=tabular):
                out.write(work(ids, texts))
                rows += len(texts)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, shard.target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return rows
