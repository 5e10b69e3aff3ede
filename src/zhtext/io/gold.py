"""Documents with gold keywords: CSL's TSV layout, or JSONL."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from zhtext.errors import InputError
from zhtext.io.files import check_encoding, check_file, decode_error

__all__ = ["GoldDocument", "read_gold"]


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """A document and its gold keywords."""

    text: str
    keywords: tuple[str, ...]


def _column(spec: str, header: list[str] | None, width: int, what: str, path: str) -> int:
    if spec.lstrip("-").isdigit():
        i = int(spec)
        if not -width <= i < width:
            raise InputError(f"{what} column {i} is out of range: rows have {width} columns",
                             path=path, line=1)
        return i % width
    if header is None or spec not in header:
        raise InputError(
            f"no {what} column named {spec!r}"
            + (f" (columns: {', '.join(header)})" if header else
               " and the file has no header; give a column number, e.g. 1"),
            path=path, line=1,
        )
    return header.index(spec)


def read_gold(
    path: str | Path,
    *,
    text_col: str | None = None,
    keywords_col: str | None = None,
    sep: str = "_",
    encoding: str = "utf-8",
    fmt: str = "auto",
) -> Iterator[GoldDocument]:
    """Read gold keywords from TSV or JSONL.

    TSV (``.tsv`` / ``.txt`` / anything not JSONL): columns by number (0-based; negative
    counts from the end) or by header name; by default the text is the second-to-last column
    and the keywords, joined by ``sep``, the last (CSL's ``prompt, text_a, text_b`` layout).
    JSONL: fields ``text`` and ``keywords`` (a list, or a string joined by ``sep``). ``fmt``
    is ``tsv``, ``jsonl`` or ``auto`` (JSONL for ``.jsonl`` / ``.json`` / ``.ndjson``).

    Raises:
        InputError: A missing file, column or field, naming the file and line.
    """
    p = check_file(path, what="gold file")
    check_encoding(encoding)
    with open(p, encoding=encoding, newline="") as f:
        try:
            if fmt == "jsonl" or (fmt == "auto"
                                  and p.suffix.lower() in (".jsonl", ".json", ".ndjson")):
                yield from _read_jsonl(f, str(p), text_col or "text", keywords_col or "keywords",
                                       sep)
            else:
                yield from _read_tsv(f, str(p), text_col, keywords_col, sep)
        except UnicodeDecodeError as e:
            raise decode_error(p, e, encoding) from None


def _read_tsv(f: Iterable[str], path: str, text_col: str | None, kw_col: str | None,
              sep: str) -> Iterator[GoldDocument]:
    reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
    header: list[str] | None = None
    ti = ki = -1
    for lineno, row in enumerate(reader, 1):
        if lineno == 1:
            named = [c for c in (text_col, kw_col) if c and not c.lstrip("-").isdigit()]
            if named:
                header = row
            ti = _column(text_col or "-2", header, len(row), "text", path)
            ki = _column(kw_col or "-1", header, len(row), "keywords", path)
            if header is not None:
                continue
        if not row or not any(c.strip() for c in row):
            continue
        if max(ti, ki) >= len(row):
            raise InputError(
                f"expected at least {max(ti, ki) + 1} tab-separated columns, got {len(row)}",
                path=path, line=lineno,
            )
        kws = tuple(k.strip() for k in row[ki].split(sep) if k.strip())
        yield GoldDocument(row[ti], kws)


def _read_jsonl(f: Iterable[str], path: str, text_col: str, kw_col: str,
                sep: str) -> Iterator[GoldDocument]:
    for lineno, line in enumerate(f, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"not valid JSON ({e.msg})", path=path, line=lineno) from None
        if not isinstance(rec, dict) or text_col not in rec or kw_col not in rec:
            raise InputError(
                f"expected an object with fields {text_col!r} and {kw_col!r}; "
                "choose them with --text-col / --keywords-col",
                path=path, line=lineno,
            )
        kws = rec[kw_col]
        if isinstance(kws, str):
            kws = kws.split(sep)
        if not isinstance(kws, list):
            raise InputError(f"field {kw_col!r} should be a list of keywords",
                             path=path, line=lineno)
        yield GoldDocument(str(rec[text_col]), tuple(str(k).strip() for k in kws if str(k).strip()))
