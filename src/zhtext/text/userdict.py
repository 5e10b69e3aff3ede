"""User dictionaries in jieba's format, read by zhtext for every dictionary backend."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from zhtext.errors import InputError

__all__ = ["DictEntry", "parse_user_dict", "read_user_dict"]

# jieba's own rule: a word (which may contain spaces), then an optional frequency and an
# optional POS tag, separated by single spaces.
_LINE = re.compile(r"^(.+?)(?: ([0-9]+))?(?: ([a-z]+))?$")


@dataclass(frozen=True, slots=True)
class DictEntry:
    """One entry of a user dictionary: the word, and optionally its frequency and POS tag."""

    word: str
    freq: int | None = None
    tag: str | None = None


def parse_user_dict(lines: Iterable[str], *, source: str = "<user dictionary>") -> list[DictEntry]:
    """Parse lines in jieba's user-dictionary format (``word [freq] [tag]``).

    Blank lines and lines starting with ``#`` are skipped.

    Raises:
        InputError: A line has no word (for example only a number), naming the line.

    Example:
        >>> parse_user_dict(["平方和优化 10 nz", "大角度机动"])[0]
        DictEntry(word='平方和优化', freq=10, tag='nz')
    """
    entries: list[DictEntry] = []
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if m is None or not m.group(1).strip() or m.group(1).strip().isdigit():
            raise InputError(
                f"invalid user-dictionary entry {line!r}: expected 'word [frequency] [pos-tag]', "
                "e.g. '云计算 5 n'",
                path=source,
                line=lineno,
            )
        word, freq, tag = m.group(1).strip(), m.group(2), m.group(3)
        entries.append(DictEntry(word, int(freq) if freq else None, tag))
    return entries


def read_user_dict(path: str | Path, *, encoding: str = "utf-8") -> list[DictEntry]:
    """Read a user dictionary file in jieba's format.

    Raises:
        InputError: The file is missing, not in ``encoding``, or has an invalid line.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("user dictionary not found; check the path", path=str(p)) from None
    except OSError as e:
        raise InputError(f"cannot read user dictionary: {e.strerror}", path=str(p)) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            f"not valid {encoding} text (byte {e.start}); save it as UTF-8", path=str(p), line=line
        ) from None
    return parse_user_dict(text.splitlines(), source=str(p))
