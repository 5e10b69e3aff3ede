"""The texts ``tag predict`` reads, streamed: one text per line, or JSONL with ``"text"``.

Lines end at CRLF, LF or a bare CR; an empty line is a text (its output keeps its place),
a last empty line (the file's final newline) is not. The file is decoded block by block, so
memory does not grow with it, and a byte that cannot be decoded is reported with its line
(UTF-8) or its position (other encodings), as when the file was read whole.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path

from zhtext.errors import InputError

__all__ = ["iter_texts"]

_NEWLINES = re.compile(r"\r\n|\r|\n")
_BLOCK = 1 << 20


def iter_texts(path: str | Path, encoding: str = "utf-8") -> Iterator[str]:
    """The texts of ``path``: its lines, or the ``"text"`` of each line of a JSONL file.

    A file ending in ``.jsonl`` or ``.json`` is JSONL.

    Raises:
        InputError: The file is missing or cannot be decoded, or a JSONL line is not an
            object with a ``"text"`` field (naming the line).
    """
    p = Path(path)
    lines = enumerate(_lines(_blocks(p, encoding)), 1)
    if p.suffix.lower() not in (".jsonl", ".json"):
        for _, line in lines:
            yield line
        return
    for lineno, line in lines:
        try:
            yield str(json.loads(line)["text"])
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError('expected one JSON object with a "text" field per line',
                             path=str(p), line=lineno) from None


def _lines(blocks: Iterator[str]) -> Iterator[str]:
    rest = ""
    for block in blocks:
        text = rest + block
        # A CR at the end may be the first half of a CRLF: wait for the next block.
        held = "\r" if text.endswith("\r") else ""
        parts = _NEWLINES.split(text[:-1] if held else text)
        rest = parts.pop() + held
        yield from parts
    parts = _NEWLINES.split(rest)
    if parts[-1] == "":
        parts.pop()
    yield from parts


def _blocks(p: Path, encoding: str) -> Iterator[str]:
    utf8 = encoding.lower().replace("-", "") in ("utf8", "utf8sig")
    try:  # opened first: a missing file is named before an unknown encoding, as read whole
        f = open(p, "rb")  # noqa: SIM115 - closed below, generator-safe
        decoder = codecs.getincrementaldecoder("utf-8" if utf8 else encoding)()
    except LookupError as e:
        f.close()
        raise InputError(f"cannot be read as {encoding}: {e}", path=str(p)) from None
    except OSError as e:
        if utf8 and isinstance(e, FileNotFoundError):
            raise InputError("no such file; check the path", path=str(p)) from None
        if utf8 and isinstance(e, IsADirectoryError):
            raise InputError("is a directory; give a file", path=str(p)) from None
        raise InputError(f"cannot be read as {encoding}: {_os_error(p)}", path=str(p)) from None
    fed = 0  # bytes given to the decoder so far
    newlines = 0  # newline bytes among them
    first = True
    with f:
        while True:
            block = f.read(_BLOCK)
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as e:
                seen = pending + block  # what the decoder was decoding
                at = fed - len(pending) + e.start
                if utf8:
                    line = newlines - pending.count(b"\n") + seen[: e.start].count(b"\n") + 1
                    raise InputError(
                        f"is not UTF-8 (byte 0x{seen[e.start]:02x}); convert it, e.g. "
                        f"`iconv -f gb18030 -t utf-8 {p.name}`", path=str(p), line=line
                    ) from None
                raise InputError(f"cannot be read as {encoding}: "
                                 f"{_decode_message(e, seen, at)}", path=str(p)) from None
            fed += len(block)
            newlines += block.count(b"\n")
            if first and text:
                if utf8:
                    text = text.removeprefix("\ufeff")  # as utf-8-sig: a BOM at the start
                first = False
            if text:
                yield text
            if not block:
                return


def _os_error(p: Path) -> str:
    try:  # the message of reading the file whole
        with open(p, "rb"):
            pass
    except OSError as e:
        return str(e)
    return "cannot open the file"


def _decode_message(e: UnicodeDecodeError, seen: bytes, at: int) -> str:
    """``str(e)`` as if the whole file had been decoded (positions from its start)."""
    if e.end == e.start + 1:
        return (f"'{e.encoding}' codec can't decode byte 0x{seen[e.start]:02x} in position "
                f"{at}: {e.reason}")
    return (f"'{e.encoding}' codec can't decode bytes in position {at}-"
            f"{at + e.end - e.start - 1}: {e.reason}")
