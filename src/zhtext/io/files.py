"""Files and folders: the one folder walker, and the errors every reader gives.

Every reader of zhtext finds its files and reports the common problems here, so that
``zhtext keywords extract``, ``classify train``, ``tag train`` and ``pretrain vocab`` say the
same thing for the same mistake:

- :func:`walk` lists the files below a folder. A file is hidden when a part of its path
  *below the folder* starts with ``.``; the folder's own path may contain ``..`` or a
  dot-folder (``../corpus``, ``~/.cache/data``).
- :func:`check_file` and :func:`check_encoding`: no such file, a folder where a file was
  expected, an unknown encoding.
- :func:`decode_error`: bytes that cannot be decoded, with the fix (``--encoding gbk``, or
  ``iconv`` for readers that only read UTF-8).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from zhtext.errors import InputError

__all__ = ["check_encoding", "check_file", "decode_error", "is_utf8", "is_utf16", "walk"]


def walk(folder: str | Path, *, suffixes: Iterable[str] | None = None) -> list[Path]:
    """The files below ``folder``, recursively and sorted, without hidden ones.

    Args:
        folder: The folder. Its own path is not judged: ``../corpus`` and ``.data/corpus``
            are walked like any other folder.
        suffixes: Only files with one of these suffixes (lower-case, with the dot).

    A file is hidden when its name, or a folder between ``folder`` and it, starts with ``.``.
    """
    root = Path(folder)
    wanted = None if suffixes is None else {s.lower() for s in suffixes}
    return sorted(
        f for f in root.rglob("*")
        if f.is_file()
        and (wanted is None or f.suffix.lower() in wanted)
        and not any(part.startswith(".") for part in f.relative_to(root).parts)
    )


def check_file(path: str | Path, *, what: str = "file", folder_hint: str = "give a file",
               folders: bool = False) -> Path:
    """``path`` as a :class:`~pathlib.Path`, if it names a file (or a folder, if allowed).

    Raises:
        InputError: ``no such {what}; check the path`` (``no such file or folder`` when
            folders are accepted) or ``is a folder; {folder_hint}``.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"no such {'file or folder' if folders else what}; check the path",
                         path=str(path))
    if p.is_dir() and not folders:
        raise InputError(f"is a folder; {folder_hint}", path=str(path))
    return p


def check_encoding(encoding: str) -> None:
    """Raise :class:`InputError` for an encoding Python does not know."""
    try:
        "".encode(encoding)
    except LookupError:
        raise InputError(
            f"unknown encoding {encoding!r}; use a name such as utf-8, gbk, gb18030 or big5"
        ) from None


def is_utf8(encoding: str) -> bool:
    """Whether ``encoding`` names UTF-8 (with or without a BOM)."""
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def is_utf16(encoding: str) -> bool:
    """Whether ``encoding`` names UTF-16 (any byte order)."""
    return encoding.lower().replace("-", "").replace("_", "").startswith("utf16")


def looks_binary(raw: bytes) -> bool:
    """Whether bytes look like a binary file rather than text (many control bytes)."""
    sample = raw[:4096]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return control > max(2, len(sample) // 50)


def _looks_gbk(raw: bytes) -> bool:
    for cut in range(4):  # a sample may end inside a character
        try:
            raw[: len(raw) - cut].decode("gb18030")
        except UnicodeDecodeError:
            continue
        return True
    return False


def decode_error(
    path: str | Path, e: UnicodeDecodeError, encoding: str, *, line: int | None = None,
    column: int | None = None, raw: bytes | None = None, option: bool = True,
) -> InputError:
    """The error for bytes of ``path`` that ``encoding`` cannot decode.

    Args:
        path: The file.
        e: The decoding error.
        encoding: The encoding the file was read with (``utf-8-sig`` is named ``utf-8``).
        line: The 1-based line of the bad bytes, when known.
        column: Their 1-based byte position in that line, when known.
        raw: The bytes around them (default: what ``e`` was decoding), to tell a binary
            file or a GBK file from other text.
        option: Whether the command has an ``--encoding`` option to suggest; else the fix is
            to convert the file with ``iconv``.

    Example message: ``gbk.txt:2: cannot decode bytes b5 da as utf-8 (invalid start byte) at
    byte 1 of the line; the file looks GBK/GB18030-encoded (common for Chinese files from
    Windows): pass --encoding gbk``.
    """
    data = raw if raw is not None else bytes(e.object)
    name = "utf-8" if encoding.lower().replace("_", "-") == "utf-8-sig" else encoding
    bad = bytes(e.object[e.start : e.start + 2])
    where = f" at byte {column} of the line" if column is not None else ""
    convert = f"`iconv -f gb18030 -t utf-8 {Path(path).name}`"
    if looks_binary(data):
        hint = "this looks like a binary file, not text; give a text file"
    elif is_utf8(encoding) and _looks_gbk(data if raw is not None else bad):
        hint = ("the file looks GBK/GB18030-encoded (common for Chinese files from Windows): "
                + ("pass --encoding gbk" if option else f"convert it to UTF-8, e.g. {convert}"))
    elif option:
        hint = "pass the file's encoding with --encoding (e.g. gbk, big5, utf-16)"
    else:
        hint = f"convert it to UTF-8, e.g. {convert}"
    return InputError(f"cannot decode bytes {bad.hex(' ')} as {name} ({e.reason}){where}; "
                      f"{hint}", path=str(path), line=line)
