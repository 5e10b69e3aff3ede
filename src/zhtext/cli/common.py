"""Options and helpers shared by the command groups."""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, Any, TypeVar

import typer

from zhtext.errors import ZhtextError
from zhtext.io import DocumentReader, InputFormat, atomic_write

T = TypeVar("T")
logger = logging.getLogger(__name__)


def _no_type_for_flags() -> None:
    """Help shows no value type for flags (``--force``, ``--help``, ``-v``): they take none.

    Typer's Rich help panel asks every parameter for its type (``display_type_rich``) and
    shows ``<bool>`` for on/off flags, ``<int>`` for counters and ``<list[str]>`` for
    ``FILE ...`` arguments, which read as if a value of that type were expected. Options that
    take a value keep their type; arguments say what they take by their name (``[FILE]...``).
    """
    from typer.core import TyperArgument, TyperOption

    option_type = TyperOption.display_type_rich
    argument_type = TyperArgument.display_type_rich
    if getattr(option_type, "_zhtext_flags", False):
        return

    def option_display(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) or getattr(self, "count", False):
            return None
        return option_type(self, ctx)

    def argument_display(self: Any, ctx: Any) -> str | None:
        if self.metavar is not None or self.nargs != 1:
            return None
        return argument_type(self, ctx)

    option_display._zhtext_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = option_display  # type: ignore[method-assign]
    TyperArgument.display_type_rich = argument_display  # type: ignore[method-assign]


_no_type_for_flags()

# The input options of every command that reads texts, declared here once: FILE ... or '-',
# --input-format, --text-col, --id-col, --encoding (tests/cli/test_input_options.py checks
# that every such command has them, with these names).
Inputs = Annotated[
    list[str] | None,
    typer.Argument(help="Input files or folders; '-' or nothing reads standard input.",
                   show_default=False, metavar="FILE"),
]
InputFormatOpt = Annotated[
    str, typer.Option("--input-format", help="auto | text (a document per line) | jsonl | csv "
                      "| tsv | parquet (a document per row; auto: by suffix).")
]
DataInputFormat = Annotated[str, typer.Option(
    "--input-format", help="auto | csv | tsv | jsonl | parquet | text (auto: by suffix; a "
    ".txt file with tabs is TSV).")]
TaggedInputFormat = Annotated[str, typer.Option(
    "--input-format", help="auto | peoples-daily | conll | json | segmented.")]
GoldInputFormat = Annotated[str, typer.Option(
    "--input-format", help="auto (JSONL for .jsonl / .json / .ndjson, else TSV) | tsv | "
    "jsonl.")]
CorpusInputFormat = Annotated[str, typer.Option(
    "--input-format", help="auto | text | jsonl | peoples-daily | conll | tsv (auto: "
    "recognised per file).")]
OldDataFormat = Annotated[str | None, typer.Option(
    "--data-format", hidden=True, help="Deprecated spelling of --input-format.")]
TextCol = Annotated[str | None, typer.Option(
    "--text-col", help="Text column or field: a name, or a 0-based index for files without "
    "a header (default: 'text' in JSONL, else guessed).", show_default=False)]
IdCol = Annotated[str | None, typer.Option(
    "--id-col", help="Id column or field carried to the output (default: the line number).")]
DocPerFile = Annotated[
    bool, typer.Option("--doc-per-file", help="Each file (of a folder) is one document.")
]
Encoding = Annotated[str, typer.Option("--encoding", help="Encoding of the inputs, e.g. gbk.")]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write here (atomically) instead of stdout.")
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite an existing output.")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", min=0,
                                   help="Worker processes (0: one per core).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


def check_input_format(value: str, choices: tuple[str, ...] | list[str], *,
                       old: str | None = None, old_name: str = "--data-format") -> str:
    """The ``--input-format`` value (or its deprecated spelling), checked against ``choices``."""
    if old is not None:
        logger.warning("%s is deprecated; use --input-format", old_name)
        value = old
    if value not in choices:
        raise typer.BadParameter(f"{value!r}; expected {', '.join(choices[:-1])} or "
                                 f"{choices[-1]}", param_hint="--input-format")
    return value


def make_reader(
    inputs: list[str] | None,
    *,
    input_format: str,
    text_col: str | None,
    id_col: str | None,
    doc_per_file: bool,
    encoding: str,
) -> DocumentReader:
    """A document reader from the shared input options."""
    from zhtext.io.documents import FORMATS

    fmt: InputFormat = check_input_format(input_format, FORMATS)  # type: ignore[assignment]
    if not inputs and sys.stdin is not None and sys.stdin.isatty():
        raise typer.BadParameter(
            "no input: give files or folders, or pipe text in (use '-' to read a terminal)",
            param_hint="INPUTS",
        )
    return DocumentReader(inputs or ["-"], fmt=fmt, text_col=text_col,
                          id_col=id_col, doc_per_file=doc_per_file, encoding=encoding)


@contextmanager
def output_stream(path: Path | None, *, force: bool) -> Iterator[IO[str]]:
    """Standard output, or a file written atomically."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_write(path, force=force) as f:
        yield f


def input_size(reader: DocumentReader) -> int | None:
    """The bytes ``reader`` will read, or ``None`` when unknown (a pipe or a terminal).

    Standard input redirected from a file (``< file``) counts as that file.
    """
    if reader.total_bytes is not None:
        return reader.total_bytes
    if any(src != "-" for src in reader.sources) or sys.stdin is None:
        return None
    try:
        fd = sys.stdin.fileno()
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        return max(0, info.st_size - os.lseek(fd, 0, os.SEEK_CUR))
    except (OSError, ValueError, AttributeError):  # no descriptor (replaced or closed stdin)
        return None


def model_megabytes(d: Path) -> float:
    """The size of a model directory in MB (2^20 bytes, as the leaderboards show it)."""
    return sum(p.stat().st_size for p in d.rglob("*") if p.is_file()) / 2**20


def show_progress(quiet: bool) -> bool:
    """Progress bars go to stderr, and only when it is a terminal (and not ``--quiet``)."""
    from zhtext.report.progress import on_terminal

    return not quiet and on_terminal()


@contextmanager
def progress_bar(reader: DocumentReader, *, enabled: bool, label: str) -> Iterator[object]:
    """A byte-based progress bar on stderr that follows ``reader`` (no-op when disabled).

    Yields ``update()`` (reads how far the reader is), or ``None`` when no bar is shown.
    """
    from zhtext.report.progress import progress

    with progress(label, total=reader.total_bytes, enabled=enabled, unit="bytes") as bar:
        if not bar.shown:
            yield None
            return

        def update() -> None:
            bar.update(completed=reader.bytes_read)

        yield update


def parse_settings(items: list[str] | None) -> dict[str, Any]:
    """``--set KEY=VALUE`` options as a dict (values parsed as JSON, else kept as text)."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{item!r}; expected KEY=VALUE", param_hint="--set")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out[key.strip().replace("-", "_")] = value
    return out


def refuse_unread(method: str, params: dict[str, Any], allowed: dict[str, str],
                  readers: Mapping[str, Iterable[str]], *,
                  options: dict[str, str] | None = None) -> None:
    """Refuse settings ``method`` does not read, naming the methods that do read each one.

    Args:
        method: The method chosen.
        params: The settings given (named options and ``--set``).
        allowed: The settings ``method`` reads.
        readers: Every method name -> the settings it reads.
        options: Setting -> the option that sets it (``model`` -> ``--model``), for the message.
    """
    bad = sorted(set(params) - set(allowed))
    if not bad:
        return
    opts = options or {}
    named = {m: set(s) for m, s in readers.items()}
    parts = []
    for b in bad:
        others = [m for m, s in named.items() if m != method and b in s]
        where = f" (read by {', '.join(others)})" if others else ""
        parts.append(opts.get(b, b) + where)
    raise ZhtextError(f"{'; '.join(parts)}: not a setting of method {method!r}, whose settings "
                      f"are: {', '.join(sorted(allowed))}")


def segmenter_arg(name: str) -> str:
    """A ``--segmenter`` value as stored in models: a model directory becomes absolute."""
    p = Path(name)
    return str(p.resolve()) if name not in ("rjieba", "jieba", "char") and p.is_dir() else name
