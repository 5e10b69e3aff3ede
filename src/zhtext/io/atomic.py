"""Atomic writes: a file appears whole or not at all.

Outputs are written to a temporary file beside the target, flushed to disk, then renamed over
it; an error or an interrupt leaves the target as it was.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from zhtext.errors import InputError

__all__ = ["atomic_write"]


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
