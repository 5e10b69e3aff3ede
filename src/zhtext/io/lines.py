"""The lines of a text file, streamed: decoded block by block, split on CRLF, LF and CR.

Memory does not grow with the file, and a byte that cannot be decoded is reported with its
line (for UTF-8 and the other encodings in which a newline is one byte) as when the file was read
whole. The tagged-format readers (:mod:`zhtext.io.tagged`) read their files through it.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from zhtext.io.files import check_encoding, check_file, decode_error, is_utf8, is_utf16

__all__ = ["read_lines"]

_NEWLINES = re.compile(r"\r\n|\r|\n")
_BLOCK = 1 << 20


def read_lines(path: str | Path, encoding: str = "utf-8", *, option: bool = True
               ) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` of a text file, split on CRLF, LF and bare CR.

    A BOM at the start of a UTF-8 file is dropped; the last empty line (after the file's
    final newline) is not a line. ``option`` says whether the command has an ``--encoding``
    option (for the hint of a decoding error).

    Raises:
        InputError: The file is missing, is a folder, or cannot be decoded (with the line of
            the first bad byte).
    """
    p = check_file(path)
    check_encoding(encoding)
    yield from enumerate(_lines(_blocks(p, encoding, option)), 1)


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


def _blocks(p: Path, encoding: str, option: bool) -> Iterator[str]:
    utf8 = is_utf8(encoding)
    decoder = codecs.getincrementaldecoder("utf-8" if utf8 else encoding)()
    newlines = 0  # newline bytes among them
    first = True
    with open(p, "rb") as f:
        while True:
            block = f.read(_BLOCK)
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as e:
                seen = pending + block  # what the decoder was decoding
                line = None
                if not is_utf16(encoding):
                    line = newlines - pending.count(b"\n") + seen[: e.start].count(b"\n") + 1
                # The bad bytes with what follows them, to show them and tell GBK apart.
                window = seen[e.start:] + f.read(64)
                at = UnicodeDecodeError(e.encoding, window, 0, e.end - e.start, e.reason)
                raise decode_error(p, at, encoding, line=line, option=option,
                                   raw=window) from None
            newlines += block.count(b"\n")
            if first and text:
                if utf8:
                    text = text.removeprefix("\ufeff")  # as utf-8-sig: a BOM at the start
                first = False
            if text:
                yield text
            if not block:
                return
