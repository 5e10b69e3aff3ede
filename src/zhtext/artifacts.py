"""zhtext's artifact format: a directory with ``zhtext.json`` and weights in safe formats.

A directory is written aside (a hidden sibling) and renamed into place when complete, so a
reader never sees half an artifact; an existing directory is replaced only with ``force``.
Nothing in an artifact is unpickled when it is loaded.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from zhtext.errors import InputError
from zhtext.registry import get_kind

__all__ = [
    "FORMAT_VERSION",
    "MANIFEST",
    "load",
    "read_manifest",
    "write_artifact",
]

FORMAT_VERSION = 1
MANIFEST = "zhtext.json"


def _versions(*names: str) -> dict[str, str]:
    out = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def write_artifact(
    path: str | Path,
    *,
    task: str,
    method: str,
    build: Callable[[Path], dict[str, Any]],
    force: bool = False,
) -> Path:
    """Create an artifact directory atomically.

    Args:
        path: Where the directory should appear.
        task: The task (``keywords``, ``topics``, ...).
        method: The method name within the task.
        build: Writes the artifact's files into the temporary directory it is given and
            returns extra manifest entries.
        force: Replace an existing directory.

    Raises:
        InputError: ``path`` exists and ``force`` is false, or is a file.
    """
    dest = Path(path)
    if dest.exists() and not force:
        raise InputError(
            "output directory already exists; choose another path or pass --force to replace it",
            path=str(dest),
        )
    if dest.exists() and not dest.is_dir():
        raise InputError("output path is a file, not a directory", path=str(dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    # mkdir's mode is masked by the umask, as for any directory the user creates (mkdtemp's
    # would be private); no os.umask call, which would change state every thread shares.
    tmp = dest.parent / f".{dest.name}.{uuid.uuid4().hex[:12]}.tmp"
    tmp.mkdir(mode=0o777)
    try:
        extra = build(tmp)
        manifest = {
            "format_version": FORMAT_VERSION,
            "task": task,
            "method": method,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "created_with": _versions("zhtext", "rjieba", "jieba", "numpy", "gensim",
                                      "sentence-transformers", "scikit-learn", "torch",
                                      "transformers", "peft"),
            **extra,
        }
        (tmp / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        old = None
        if dest.exists():
            old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
            dest.rename(old)
        tmp.rename(dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def read_manifest(path: str | Path) -> dict[str, Any]:
    """Read and check an artifact's ``zhtext.json``.

    Raises:
        InputError: The directory or manifest is missing, unreadable, or from a newer zhtext.
    """
    d = Path(path)
    if not d.is_dir():
        raise InputError("model directory not found; give a directory made by zhtext",
                         path=str(d))
    f = d / MANIFEST
    try:
        manifest = json.loads(f.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"not a zhtext artifact: no {MANIFEST} inside", path=str(d)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{MANIFEST} is not valid JSON ({e}); the artifact is damaged",
                         path=str(f)) from None
    if not isinstance(manifest, dict) or "task" not in manifest:
        raise InputError(f"{MANIFEST} has no 'task'; the artifact is damaged", path=str(f))
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise InputError(
            f"artifact format version {version!r} is newer than this zhtext reads "
            f"({FORMAT_VERSION}); upgrade zhtext",
            path=str(f),
        )
    return manifest


def load(path: str | Path) -> Any:
    """Load any zhtext artifact and return the object that made it.

    The manifest's ``task`` names the artifact's kind; the kind (see :mod:`zhtext.registry`)
    knows how to load it: an extractor, ``TopicModel``, ``TextClassifier``, ``Tagger``, a
    tokenizer, a pretrained masked LM, an evaluation report or a comparison.

    Example:
        >>> import zhtext
        >>> extractor = zhtext.load("my-keywords")  # doctest: +SKIP
    """
    manifest = read_manifest(path)
    return get_kind(str(manifest["task"]), path=path).load(Path(path), manifest)
