"""Prediction input as a stream: the ids and texts of a data file, batch by batch.

:func:`~zhtext.classify.data.read_data` reads a whole file (training and evaluation need
it all); :func:`iter_batches` reads the same formats with the same column choices, guesses
and error messages one batch at a time, so ``classify predict`` runs over inputs of any size
in bounded memory. Guesses look at the first rows, as ``read_data`` does (for JSONL, the
fields named in the first rows: a known text field name that only appears further down is
not guessed). An error is raised when its row is reached.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any, Literal

from zhtext.classify.data import (
    _FIELD_LIMIT,
    _SNIFF_ROWS,
    DataFormat,
    Row,
    _decode_error,
    _detect_format,
    _looks_like_header,
    _parse_labels,
    _preview,
    _to_data,
    _usual_width,
)
from zhtext.errors import InputError

__all__ = ["count_rows", "iter_batches"]


def iter_batches(
    path: str | Path,
    *,
    text_col: str | int | None = None,
    id_col: str | int | None = None,
    fmt: DataFormat = "auto",
    header: bool | None = None,
    encoding: str = "utf-8",
    batch_size: int = 8192,
) -> Iterator[tuple[list[str | int], list[str]]]:
    """``(ids, texts)`` of successive batches of at most ``batch_size`` rows of a data file.

    The arguments are those of :func:`~zhtext.classify.data.read_data` for unlabelled
    input; ids are the id column's values, else the line (or row) numbers.

    Raises:
        InputError: As ``read_data``: the file is missing or malformed, has no rows, a
            column does not exist or cannot be guessed, a row has the wrong number of fields.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file; check the path" if not p.exists() else
                         "is a folder, not a data file", path=str(p))
    try:
        "".encode(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}; use e.g. utf-8 or gbk") from None
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # as read_data: no BOM reaches the CSV parser
    kind = _detect_format(p, fmt, encoding)
    columns: list[str] | None
    if kind in ("csv", "tsv"):
        rows, columns = _delimited(p, "," if kind == "csv" else "\t", header, encoding)
    elif kind == "jsonl":
        rows, columns = _jsonl(p, encoding)
        wanted = [c for c in (text_col, id_col) if isinstance(c, str)]
        if any(c not in columns for c in wanted):
            # read_data knows the fields of every record: name them all in the error, or
            # accept a field that first appears further down.
            columns = _jsonl_fields(p, encoding)
    elif kind == "parquet":
        rows, columns = _parquet(p, batch_size)
    else:
        rows, columns = _text(p, encoding), None
    batches = _batches(rows, batch_size)
    first = next(batches, [])
    data = _to_data(first, columns, p, text_col=text_col, label_col=None, id_col=id_col,
                    require_labels=False)
    tcol, lcol = data.text_col, data.label_col
    while True:
        if data.labels:  # a list in a label column is an error of read_data too
            _parse_labels(data, multi_label=False, label_sep=",", label_names=None,
                          require_labels=False)
        yield data.ids, data.texts
        batch = next(batches, None)
        if batch is None:
            return
        data = _to_data(batch, columns, p, text_col=tcol, label_col=lcol, id_col=id_col,
                        require_labels=False)


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch


def _delimited(p: Path, delimiter: str, header: bool | None, encoding: str
               ) -> tuple[Iterator[Row], list[str] | None]:
    raw = _delimited_rows(p, delimiter, encoding)
    sample = list(islice(raw, _SNIFF_ROWS + 1))  # a header row and _SNIFF_ROWS rows
    if not sample:
        return iter(()), None
    if header is None:
        header = _looks_like_header(sample)
    columns: list[str] | None = None
    if header:
        columns = [str(c).strip() for c in sample[0][1]]
        sample = sample[1:]
    width = len(columns) if columns is not None else _usual_width(sample)

    def checked() -> Iterator[Row]:
        for line, cells in chain(sample, raw):
            if len(cells) != width:
                sep = "tab" if delimiter == "\t" else "comma"
                raise InputError(
                    f"expected {width} {sep}-separated fields, found {len(cells)}: "
                    f"{_preview(delimiter.join(map(str, cells)))}; fix the row or remove it",
                    path=str(p), line=line)
            yield line, cells

    return checked(), columns


def _delimited_rows(p: Path, delimiter: str, encoding: str) -> Iterator[Row]:
    # As read_data: csv's field limit (a process setting) is raised while the file is read.
    old_limit = csv.field_size_limit(_FIELD_LIMIT)
    reader: Any = None
    try:
        with open(p, encoding=encoding, newline="") as f:
            quoting: Literal[0, 1, 2, 3] = (csv.QUOTE_NONE if delimiter == "\t"
                                            else csv.QUOTE_MINIMAL)
            reader = csv.reader(f, delimiter=delimiter, quoting=quoting)
            prev_line = 0
            for cells in reader:
                line = prev_line + 1
                prev_line = reader.line_num
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                if line == 1 and cells[0].startswith("\ufeff"):
                    cells[0] = cells[0][1:]
                yield line, list(cells)
    except UnicodeDecodeError as e:
        raise _decode_error(p, e, encoding) from None
    except csv.Error as e:
        raise InputError(f"malformed {'TSV' if delimiter == chr(9) else 'CSV'} ({e}); check "
                         "quoting", path=str(p),
                         line=(reader.line_num if reader is not None else 0) or None) from None
    finally:
        csv.field_size_limit(old_limit)


def _records(p: Path, encoding: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with open(p, encoding=encoding) as f:
            for line, raw in enumerate(f, 1):
                if line == 1:
                    raw = raw.lstrip("\ufeff")
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except json.JSONDecodeError as e:
                    raise InputError(f"not valid JSON ({e.msg} at column {e.colno}); each line "
                                     "must be one JSON object", path=str(p), line=line) from None
                if not isinstance(record, dict):
                    raise InputError(f"expected a JSON object, got {type(record).__name__}",
                                     path=str(p), line=line)
                yield line, record
    except UnicodeDecodeError as e:
        raise _decode_error(p, e, encoding) from None


def _fields(records: Iterator[tuple[int, dict[str, Any]]]) -> list[str]:
    seen: dict[str, None] = {}
    for _, record in records:
        seen.update(dict.fromkeys(record))
    return list(seen)


def _jsonl(p: Path, encoding: str) -> tuple[Iterator[Row], list[str]]:
    records = _records(p, encoding)
    sample = list(islice(records, _SNIFF_ROWS))
    rows = ((line, [record]) for line, record in chain(sample, records))
    return rows, _fields(iter(sample))


def _jsonl_fields(p: Path, encoding: str) -> list[str]:
    return _fields(_records(p, encoding))


def _text(p: Path, encoding: str) -> Iterator[Row]:
    try:
        with open(p, encoding=encoding) as f:
            for i, line in enumerate(f, 1):
                text = line.rstrip("\r\n")
                yield i, [text.lstrip("\ufeff") if i == 1 else text]
    except UnicodeDecodeError as e:
        raise _decode_error(p, e, encoding) from None


def _parquet(p: Path, batch_size: int) -> tuple[Iterator[Row], list[str]]:
    try:
        import pandas  # type: ignore[import-untyped]  # noqa: F401  (batches become frames)
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading Parquet needs pyarrow: pip install pyarrow") from None
    try:
        pf = pq.ParquetFile(p)
    except Exception as e:
        raise InputError(f"cannot read as Parquet ({type(e).__name__}: {e})",
                         path=str(p)) from None
    columns = [str(c) for c in pf.schema_arrow.names]

    def rows() -> Iterator[Row]:
        i = 0
        try:
            for batch in pf.iter_batches(batch_size=batch_size):
                for r in batch.to_pandas().to_dict(orient="records"):
                    i += 1
                    yield i, [dict(zip(columns, r.values()))]
        except InputError:
            raise
        except Exception as e:
            raise InputError(f"cannot read as Parquet ({type(e).__name__}: {e})",
                             path=str(p)) from None

    return rows(), columns


def count_rows(path: str | Path) -> int:
    """About how many rows a data file has (lines; Parquet rows), for a progress bar."""
    p = Path(path)
    if p.suffix.lower() in (".parquet", ".pq"):
        try:
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(p).metadata.num_rows)
        except Exception:
            return 0
    n = 0
    with open(p, "rb") as f:
        while block := f.read(1 << 20):
            n += block.count(b"\n")
    return n
