"""Documents to extract from, fit on or predict: lines of text, JSONL records, table rows, files.

Documents stream: one is read, decoded and handed on at a time, so memory does not grow with
the input. Problems are reported as :class:`~zhtext.errors.InputError` naming the file, the
line and the fix.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from zhtext.errors import InputError
from zhtext.io.files import check_encoding, check_file, decode_error, is_utf16, walk

__all__ = ["Document", "DocumentReader", "InputFormat"]

InputFormat = Literal["auto", "text", "jsonl", "csv", "tsv", "parquet"]

#: The values of ``--input-format`` for documents.
FORMATS: tuple[str, ...] = ("auto", "text", "jsonl", "csv", "tsv", "parquet")

_JSONL_SUFFIXES = {".jsonl", ".json", ".ndjson"}
_TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet"}


@dataclass(frozen=True, slots=True)
class Document:
    """One input document: its id (id column, file name, or line number) and text."""

    id: str | int
    text: str


def _decode(raw: bytes, encoding: str, path: str, line: int) -> str:
    """Decode one line (or a whole file starting at ``line``), naming where it fails."""
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as e:
        line_start = raw.rfind(b"\n", 0, e.start) + 1
        raise decode_error(path, e, encoding, line=line + raw.count(b"\n", 0, e.start),
                           column=e.start - line_start + 1, raw=raw) from None
    except LookupError:
        check_encoding(encoding)
        raise


class DocumentReader:
    """Stream documents from files, folders or standard input.

    Args:
        sources: Paths, or ``"-"`` for standard input. Empty means standard input.
        fmt: ``"text"`` (one document per line), ``"jsonl"`` (one JSON object per line),
            ``"csv"`` / ``"tsv"`` / ``"parquet"`` (one document per row, read as
            ``classify`` reads data: the header detected, Chinese ones too, and the text
            column guessed), or ``"auto"`` (by suffix: ``.jsonl`` / ``.json`` / ``.ndjson``,
            ``.csv``, ``.tsv``, ``.parquet``; anything else is text).
        text_col: The text field of JSONL records (default ``text``) or the text column of a
            table (default: guessed from the header and the cells).
        id_col: The id field or column (default: the line number).
        doc_per_file: Each file of a folder (or each file given) is one document.
        encoding: Text encoding of the inputs.

    Empty and whitespace-only lines are documents too: they keep their place in the output.
    ``bytes_read`` and ``total_bytes`` serve progress bars.

    Example:
        >>> docs = list(DocumentReader(["corpus.txt"]))  # doctest: +SKIP
    """

    def __init__(
        self,
        sources: Sequence[str | Path] = (),
        *,
        fmt: InputFormat = "auto",
        text_col: str | None = None,
        id_col: str | None = None,
        doc_per_file: bool = False,
        encoding: str = "utf-8",
        stdin: IO[bytes] | None = None,
    ) -> None:
        self.sources = [str(s) for s in sources] or ["-"]
        self.fmt = fmt
        self.text_col = text_col
        self.id_col = id_col
        self.doc_per_file = doc_per_file
        self.encoding = encoding
        self._stdin = stdin
        self.bytes_read = 0
        self.total_bytes: int | None = None
        self._check()

    def _check(self) -> None:
        total = 0
        for src in self.sources:
            if src == "-":
                total = -1 if total >= 0 else total
                continue
            p = check_file(src, folders=True)
            if p.is_dir():
                if not self.doc_per_file:
                    raise InputError(
                        "is a folder; pass --doc-per-file to read each file in it as one "
                        "document, or give the files themselves",
                        path=src,
                    )
                files = walk(p)
                if not files:
                    raise InputError("folder has no files to read", path=src)
                if total >= 0:
                    total += sum(f.stat().st_size for f in files)
            elif total >= 0:
                total += p.stat().st_size
        self.total_bytes = total if total >= 0 else None
        check_encoding(self.encoding)

    def _format_of(self, path: str) -> str:
        if self.fmt != "auto":
            return self.fmt
        suffix = Path(path).suffix.lower()
        if suffix in _JSONL_SUFFIXES:
            return "jsonl"
        return _TABLE_SUFFIXES.get(suffix, "text")

    def __iter__(self) -> Iterator[Document]:
        many = len(self.sources) > 1
        for src in self.sources:
            if src != "-" and Path(src).is_dir():
                for f in walk(Path(src)):
                    yield self._whole_file(f, str(f.relative_to(src)))
            elif self.doc_per_file and src != "-":
                yield self._whole_file(Path(src), Path(src).name)
            else:
                yield from self._lines(src, prefix=f"{src}:" if many else "")

    def _whole_file(self, path: Path, doc_id: str) -> Document:
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise InputError(f"cannot read file: {e.strerror}", path=str(path)) from None
        self.bytes_read += len(raw)
        self._check_binary(raw, str(path), raw.count(b"\n", 0, max(raw.find(b"\x00"), 0)) + 1)
        text = _decode(raw, self.encoding, str(path), 1)
        return Document(doc_id, text.lstrip("\ufeff"))

    def _check_binary(self, raw: bytes, path: str, line: int) -> None:
        if b"\x00" in raw and not is_utf16(self.encoding):
            raise InputError(
                "contains NUL bytes: this looks like a binary file, not text (if it is "
                "UTF-16 text, pass --encoding utf-16)",
                path=path,
                line=line,
            )

    def _lines(self, src: str, *, prefix: str) -> Iterator[Document]:
        if src == "-":
            stream = self._stdin if self._stdin is not None else sys.stdin.buffer
            name = "<stdin>"
            yield from self._read_lines(stream, name, prefix)
            return
        if self._format_of(src) in ("csv", "tsv", "parquet"):
            yield from self._rows(src, prefix=prefix)
            return
        try:
            f = open(src, "rb")  # noqa: SIM115 - closed below, generator-safe
        except OSError as e:
            raise InputError(f"cannot open file: {e.strerror}", path=src) from None
        with f:
            yield from self._read_lines(f, src, prefix)

    def _rows(self, src: str, *, prefix: str) -> Iterator[Document]:
        """The rows of a CSV, TSV or Parquet file, through the one table reader."""
        from zhtext.io.tabular import count_rows, iter_batches

        size = Path(src).stat().st_size
        rows = max(count_rows(src), 1)
        col: str | int | None = self.text_col
        if isinstance(col, str) and col.isdigit():
            col = int(col)
        for ids, texts in iter_batches(src, text_col=col, id_col=self.id_col,
                                       fmt=self._format_of(src),  # type: ignore[arg-type]
                                       encoding=self.encoding):
            self.bytes_read += min(size, size * len(texts) // rows)
            for doc_id, text in zip(ids, texts):
                if self.id_col is None and prefix:
                    doc_id = f"{prefix}{doc_id}"
                yield Document(doc_id, text)

    def _read_lines(self, stream: IO[bytes], name: str, prefix: str) -> Iterator[Document]:
        fmt = self._format_of(name)
        if fmt in ("csv", "tsv", "parquet"):
            raise InputError(f"{fmt} cannot be read from standard input; give the file",
                             path=name)
        if is_utf16(self.encoding):  # line splitting on bytes does not work for UTF-16
            import io as _io

            text_stream = _io.TextIOWrapper(stream, encoding=self.encoding, newline=None)
            for lineno, line in enumerate(text_stream, 1):
                self.bytes_read += len(line) * 2
                yield self._document(line.rstrip("\r\n"), fmt, name, lineno, prefix)
            return
        for lineno, raw in enumerate(stream, 1):
            self.bytes_read += len(raw)
            if b"\x00" in raw:
                self._check_binary(raw, name, lineno)
            text = _decode(raw, self.encoding, name, lineno).rstrip("\r\n")
            if lineno == 1:
                text = text.lstrip("\ufeff")
            yield self._document(text, fmt, name, lineno, prefix)

    def _document(self, line: str, fmt: str, name: str, lineno: int, prefix: str) -> Document:
        if fmt == "text":
            return Document(f"{prefix}{lineno}" if prefix else lineno, line)
        if not line.strip():
            return Document(f"{prefix}{lineno}" if prefix else lineno, "")
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(
                f"not valid JSON ({e.msg} at column {e.colno}); each line of a JSONL file must "
                "be one JSON object, or pass --format text for plain text",
                path=name,
                line=lineno,
            ) from None
        if not isinstance(record, dict):
            raise InputError(
                f"expected a JSON object per line, got {type(record).__name__}",
                path=name, line=lineno,
            )
        field = self.text_col or "text"
        if field not in record:
            keys = ", ".join(map(repr, list(record)[:10])) or "none"
            raise InputError(
                f"no text field {field!r} (fields: {keys}); choose one with --text-col",
                path=name, line=lineno,
            )
        text = record[field]
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise InputError(
                f"field {field!r} should be a string, got {type(text).__name__} "
                f"{str(text)[:40]!r}",
                path=name, line=lineno,
            )
        doc_id: Any = f"{prefix}{lineno}" if prefix else lineno
        if self.id_col is not None:
            if self.id_col not in record:
                raise InputError(
                    f"no id field {self.id_col!r}; fix --id-col or add the field",
                    path=name, line=lineno,
                )
            doc_id = record[self.id_col]
            if not isinstance(doc_id, (str, int)):
                doc_id = json.dumps(doc_id, ensure_ascii=False)
        return Document(doc_id, text)
