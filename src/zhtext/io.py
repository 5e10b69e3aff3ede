"""Reading documents and writing results: the only place zhtext touches user files.

Documents stream: one is read, decoded and handed on at a time, so memory does not grow with
the input. Problems are reported as :class:`~zhtext.errors.InputError` naming the file, the
line and the fix. Outputs are written atomically: to a temporary file beside the target, then
renamed over it.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from zhtext.errors import InputError

__all__ = ["Document", "DocumentReader", "InputFormat", "atomic_write"]

InputFormat = Literal["auto", "text", "jsonl"]

_JSONL_SUFFIXES = {".jsonl", ".json", ".ndjson"}


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
        bad = raw[e.start : e.start + 2]
        line_start = raw.rfind(b"\n", 0, e.start) + 1
        line += raw.count(b"\n", 0, e.start)
        if _looks_binary(raw):
            hint = "this looks like a binary file, not text; give a text file"
        elif encoding.replace("-", "").lower() in ("utf8", "utf8sig") and _looks_gbk(raw):
            hint = ("the file looks GBK/GB18030-encoded (common for Chinese files from "
                    "Windows): pass --encoding gbk")
        else:
            hint = "pass the file's encoding with --encoding (e.g. gbk, big5, utf-16)"
        raise InputError(
            f"cannot decode bytes {bad.hex(' ')} at byte {e.start - line_start + 1} of the line "
            f"as {encoding}; {hint}",
            path=path,
            line=line,
        ) from None
    except LookupError:
        raise InputError(
            f"unknown encoding {encoding!r}; use a name such as utf-8, gbk, gb18030 or big5"
        ) from None


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:4096]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return control > max(2, len(sample) // 50)


def _looks_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


class DocumentReader:
    """Stream documents from files, folders or standard input.

    Args:
        sources: Paths, or ``"-"`` for standard input. Empty means standard input.
        fmt: ``"text"`` (one document per line), ``"jsonl"`` (one JSON object per line), or
            ``"auto"`` (JSONL for ``.jsonl`` / ``.json`` / ``.ndjson`` files, else text).
        text_col: The text field of JSONL records.
        id_col: The id field of JSONL records (default: the line number).
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
        text_col: str = "text",
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
            p = Path(src)
            if not p.exists():
                raise InputError("no such file or folder; check the path", path=src)
            if p.is_dir():
                if not self.doc_per_file:
                    raise InputError(
                        "is a folder; pass --doc-per-file to read each file in it as one "
                        "document, or give the files themselves",
                        path=src,
                    )
                files = self._folder_files(p)
                if not files:
                    raise InputError("folder has no files to read", path=src)
                if total >= 0:
                    total += sum(f.stat().st_size for f in files)
            elif total >= 0:
                total += p.stat().st_size
        self.total_bytes = total if total >= 0 else None
        try:
            "".encode(self.encoding)
        except LookupError:
            raise InputError(
                f"unknown encoding {self.encoding!r}; use a name such as utf-8, gbk, gb18030 "
                "or big5"
            ) from None

    @staticmethod
    def _folder_files(folder: Path) -> list[Path]:
        return sorted(
            f for f in folder.rglob("*")
            if f.is_file() and not any(part.startswith(".") for part in f.relative_to(folder).parts)
        )

    def _format_of(self, path: str) -> Literal["text", "jsonl"]:
        if self.fmt != "auto":
            return self.fmt
        return "jsonl" if Path(path).suffix.lower() in _JSONL_SUFFIXES else "text"

    def __iter__(self) -> Iterator[Document]:
        many = len(self.sources) > 1
        for src in self.sources:
            if src != "-" and Path(src).is_dir():
                for f in self._folder_files(Path(src)):
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
        if b"\x00" in raw and not self.encoding.lower().replace("-", "").startswith("utf16"):
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
        try:
            f = open(src, "rb")  # noqa: SIM115 - closed below, generator-safe
        except OSError as e:
            raise InputError(f"cannot open file: {e.strerror}", path=src) from None
        with f:
            yield from self._read_lines(f, src, prefix)

    def _read_lines(self, stream: IO[bytes], name: str, prefix: str) -> Iterator[Document]:
        fmt = self._format_of(name)
        utf16 = self.encoding.lower().replace("-", "").startswith("utf16")
        if utf16:  # line splitting on bytes does not work for UTF-16
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
        if self.text_col not in record:
            keys = ", ".join(map(repr, list(record)[:10])) or "none"
            raise InputError(
                f"no text field {self.text_col!r} (fields: {keys}); choose one with --text-col",
                path=name, line=lineno,
            )
        text = record[self.text_col]
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise InputError(
                f"field {self.text_col!r} should be a string, got {type(text).__name__} "
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


# Exclusive creation of a new file, as tempfile.mkstemp opens its files.
_CREATE_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                 | getattr(os, "O_BINARY", 0))


def _create_temp(dest: Path) -> tuple[int, str]:
    """A new, empty temporary file beside ``dest``, as (descriptor, path).

    Created with mode 0o666, which the kernel masks with the process's umask (and a default
    ACL, if the folder has one): the file gets the permissions any new file would, as an
    output for sharing should, without reading or changing the umask. (``mkstemp`` would
    make it private, 0o600, and putting that right needs the umask, which can only be read
    by setting it: process-wide state that races with other threads.)
    """
    for _ in range(100):
        name = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(name, _CREATE_FLAGS, 0o666), str(name)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary file name beside {dest}")  # pragma: no cover


@contextmanager
def atomic_write(
    path: str | Path, *, force: bool = False, encoding: str = "utf-8"
) -> Iterator[IO[str]]:
    """Write a text file atomically: into a temporary file beside it, renamed on success.

    Raises:
        InputError: The file exists and ``force`` is false.
    """
    dest = Path(path)
    if dest.exists() and not force:
        raise InputError("output file already exists; pass --force to overwrite it",
                         path=str(dest))
    if dest.is_dir():
        raise InputError("output path is a folder; give a file name", path=str(dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(dest)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="\n") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, dest)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
