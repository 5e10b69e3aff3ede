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

__all__ = ["TRAINING_STATE", "KeepCheckpoints", "Resume", "check_output", "has_checkpoints",
           "print_settings", "progress", "status", "training_state"]

TRAINING_STATE = "training.json"

Resume = Annotated[bool, typer.Option(
    "--resume", help="Continue an interrupted run from the checkpoints in -o.")]
KeepCheckpoints = Annotated[bool, typer.Option(
    "--keep-checkpoints", help="Keep the training checkpoints in the model directory.")]


def print_settings(settings_class: Any) -> None:
    """List a settings dataclass's fields: name, default and help (for ``--set``)."""
    from dataclasses import fields

    for f in fields(settings_class):
        typer.echo(f"{f.name:<22} {f.default!s:<12} {f.metadata.get('help', '')}")


def check_output(output: Path, *, force: bool, resume: bool) -> None:
    """Refuse an existing output directory, unless ``--force`` or ``--resume`` (of a run)."""
    from zhtext.artifacts import MANIFEST

    if force and resume:
        raise typer.BadParameter("--force starts over and --resume continues; give one",
                                 param_hint="--force/--resume")
    from zhtext.neural.distributed import is_main_process

    if not is_main_process():  # under torchrun rank 0 checks (and then creates) the directory
        return
    if not output.exists():
        if resume:
            raise InputError("nothing to resume: the directory does not exist; drop --resume",
                             path=str(output))
        return
    if not output.is_dir():
        raise InputError("output path is a file; give a directory", path=str(output))
    if force:
        return
    if resume:
        if (output / MANIFEST).exists():
            raise InputError("this model is already trained, nothing to resume; pass --force "
                             "to train it again", path=str(output))
        if not (output / TRAINING_STATE).exists():
            raise InputError("not a zhtext training directory (no training.json); nothing to "
                             "resume", path=str(output))
        return
    if (output / TRAINING_STATE).exists() and not (output / MANIFEST).exists():
        raise InputError("holds an unfinished training run; pass --resume to continue it or "
                         "--force to start over", path=str(output))
    raise InputError("output directory already exists; choose another path, or pass --force "
                     "to replace it", path=str(output))


def has_checkpoints(work: Path) -> bool:
    """Whether ``work/checkpoints`` holds a Trainer checkpoint."""
    d = work / "checkpoints"
    return d.is_dir() and any(p.name.startswith("checkpoint-") for p in d.iterdir())


def training_state(output: Path, method: str, params: dict[str, Any], train_file: Path,
                    resume: bool) -> None:
    """Write ``training.json``, or on ``--resume`` check the run keeps its settings."""
    state_file = output / TRAINING_STATE
    state = {"method": method, "params": params, "train": str(train_file)}
    if resume and state_file.exists():
        old = json.loads(state_file.read_text(encoding="utf-8"))
        if old.get("method") != method or old.get("params") != params:
            raise InputError(f"--resume with other settings than the interrupted run (it was "
                             f"method {old.get('method')!r} with {old.get('params')}); use the "
                             "same options, or --force to start over", path=str(output))
        return
    state_file.write_text(json.dumps(state, ensure_ascii=False, indent=2) + "\n",
                          encoding="utf-8")


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
    if not show_progress(quiet):
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("predict", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("predict", total=total)
        yield lambda n: bar.advance(task, n)


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
def training_run(output: Path, *, enabled: bool, force: bool, resume: bool, method: str,
                 params: dict[str, Any], train_file: Path, command: str,
                 subcommand: str = "train") -> Iterator[Path | None]:
    """The output directory of a checkpointed (neural) run while it trains.

    ``None`` when not ``enabled`` (the model is then written at the end only). On failure a
    directory this run created and that holds no checkpoint is removed; on Ctrl-C the way to
    resume is printed.
    """
    if not enabled:
        yield None
        return
    import shutil

    from zhtext.neural.distributed import is_main_process, wait_for_everyone

    if not is_main_process():  # rank 0 prepares the directory; Trainer writes checkpoints
        wait_for_everyone()
        yield output
        return
    created = False
    if force and output.exists():
        shutil.rmtree(output)
    if not output.exists():
        output.mkdir(parents=True)
        created = True
    training_state(output, method, params, train_file, resume)
    wait_for_everyone()
    try:
        yield output
    except BaseException as e:
        if created and not has_checkpoints(output):
            shutil.rmtree(output, ignore_errors=True)
        elif isinstance(e, KeyboardInterrupt):
            typer.echo(f"interrupted; continue with: zhtext {command} {subcommand} ... -o "
                       f"{output} --resume", err=True)
        raise
