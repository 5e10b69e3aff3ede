"""Training-run directories shared by the ``train`` commands.

The output checks behind ``--force`` / ``--resume``, the ``training.json`` marker of an
unfinished run, and the spinner / progress bar shown on a terminal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from zhtext.cli.common import show_progress
from zhtext.errors import InputError

__all__ = ["Device", "KeepCheckpoints", "Resume", "check_device", "check_output",
           "print_settings", "progress", "status", "training_run", "write_evaluation"]

Resume = Annotated[bool, typer.Option(
    "--resume", help="Continue an interrupted run from the checkpoints in -o.")]
KeepCheckpoints = Annotated[bool, typer.Option(
    "--keep-checkpoints", help="Neural methods: keep the training checkpoints in the model "
    "directory.")]
Device = Annotated[str, typer.Option(
    "--device", help="Neural methods: auto (CUDA when available) | cpu | cuda.")]


def check_device(device: str) -> None:
    """Refuse a ``--device`` other than auto, cpu or cuda."""
    if device not in ("auto", "cpu", "cuda"):
        raise typer.BadParameter(f"{device!r}; expected auto, cpu or cuda",
                                 param_hint="--device")


def print_settings(settings_class: Any, *, only: set[str] | None = None) -> None:
    """List a settings dataclass's fields: name, default and help (for ``--set``).

    With ``only``, just those fields (the ones a method reads of a shared settings class).
    """
    from dataclasses import fields

    for f in fields(settings_class):
        if only is not None and f.name not in only:
            continue
        typer.echo(f"{f.name:<22} {f.default!s:<12} {f.metadata.get('help', '')}")


def check_output(output: Path, *, force: bool, resume: bool) -> None:
    """Refuse an existing output directory, unless ``--force`` or ``--resume`` (of a run)."""
    if force and resume:
        raise typer.BadParameter("--force starts over and --resume continues; give one",
                                 param_hint="--force/--resume")
    from zhtext.neural.runs import check_output as check

    check(output, force=force, resume=resume)


@contextmanager
def status(message: str, *, enabled: bool) -> Iterator[None]:
    """A spinner with elapsed time on stderr for work without steps (only on a terminal)."""
    if not enabled:
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield


@contextmanager
def progress(total: int, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar over rows on stderr (only on a terminal); yields ``advance(n)``."""
    from zhtext.report.progress import progress as bar

    with bar("predict", total=total, enabled=show_progress(quiet)) as task:
        yield task.advance


def check_report_output(output: Path | None, *, force: bool) -> None:
    """Refuse an existing ``evaluate -o`` directory unless ``--force``."""
    if output is not None and output.exists() and not force:
        raise InputError("output directory already exists; pass --force to replace it",
                         path=str(output))


def write_evaluation(output: Path, report: Any, *, write_html: Callable[[Path], None],
                     method: str, model_dir: Path, data_file: Path, force: bool) -> None:
    """Write ``metrics.json`` and ``report.html`` of an evaluation as one report directory."""
    from zhtext.artifacts import write_artifact

    def build(tmp: Path) -> dict[str, Any]:
        (tmp / "metrics.json").write_text(json.dumps(report.to_dict(), ensure_ascii=False,
                                                     indent=2) + "\n", encoding="utf-8")
        write_html(tmp / "report.html")
        return {"model": str(model_dir), "data": str(data_file)}

    write_artifact(output, task="report", method=method, build=build, force=force)


@contextmanager
def resume_hint(output: Path, *, enabled: bool, command: str,
                subcommand: str = "train") -> Iterator[None]:
    """After Ctrl-C in a checkpointed run, print the command that continues it."""
    try:
        yield
    except KeyboardInterrupt:
        if enabled and output.exists():
            typer.echo(f"interrupted; continue with: zhtext {command} {subcommand} ... -o "
                       f"{output} --resume", err=True)
        raise


@contextmanager
def training_run(output: Path, *, enabled: bool, force: bool, resume: bool, method: str,
                 params: dict[str, Any], train_file: Path, command: str,
                 subcommand: str = "train") -> Iterator[Path | None]:
    """:func:`zhtext.neural.runs.training_run`, printing how to resume after Ctrl-C."""
    from zhtext.neural.runs import training_run as run

    with resume_hint(output, enabled=enabled, command=command, subcommand=subcommand), \
            run(output, checkpointed=enabled, force=force, resume=resume, method=method,
                params=params, source=str(train_file)) as work:
        yield work
