"""Training-run directories: the safeguards of every ``fit(output_dir=...)``, CLI or Python.

An output directory is refused if it exists, unless ``force`` (start over) or ``resume``
(continue the interrupted run inside it). A checkpointed run writes ``training.json`` (its
method and settings) first; ``resume`` checks the settings are the same. The finished model
is renamed over the directory at the end (``zhtext.json`` last), so a directory without
``zhtext.json`` is never mistaken for a model. Under ``torchrun`` rank 0 checks, creates and
cleans up; the other processes wait for it.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from zhtext.artifacts import MANIFEST
from zhtext.errors import InputError, ZhtextError

__all__ = ["TRAINING_STATE", "check_output", "has_checkpoints", "train_run", "training_run",
           "training_state"]

logger = logging.getLogger(__name__)

TRAINING_STATE = "training.json"


def check_output(output: str | Path, *, force: bool, resume: bool) -> None:
    """Refuse an existing output directory, unless ``force`` or ``resume`` (of a run).

    Raises:
        ZhtextError: Both ``force`` and ``resume``.
        InputError: The directory exists (and neither applies), is a file, or ``resume``
            finds nothing to resume.
    """
    if force and resume:
        raise ZhtextError("--force starts over and --resume continues; give one")
    from zhtext.neural.distributed import is_main_process

    if not is_main_process():  # under torchrun rank 0 checks (and then creates) the directory
        return
    out = Path(output)
    if not out.exists():
        if resume:
            raise InputError("nothing to resume: the directory does not exist; drop --resume",
                             path=str(out))
        return
    if not out.is_dir():
        raise InputError("output path is a file; give a directory", path=str(out))
    if force:
        return
    if resume:
        if (out / MANIFEST).exists():
            raise InputError("this model is already trained, nothing to resume; pass --force "
                             "to train it again", path=str(out))
        if not (out / TRAINING_STATE).exists():
            raise InputError("not a zhtext training directory (no training.json); nothing to "
                             "resume", path=str(out))
        return
    if (out / TRAINING_STATE).exists() and not (out / MANIFEST).exists():
        raise InputError("holds an unfinished training run; pass --resume to continue it or "
                         "--force to start over", path=str(out))
    raise InputError("output directory already exists; choose another path, or pass --force "
                     "to replace it", path=str(out))


def has_checkpoints(work: Path) -> bool:
    """Whether ``work/checkpoints`` holds a Trainer checkpoint."""
    d = work / "checkpoints"
    return d.is_dir() and any(p.name.startswith("checkpoint-") for p in d.iterdir())


def training_state(output: Path, method: str, params: dict[str, Any], source: str,
                   resume: bool) -> None:
    """Write ``training.json``, or on ``resume`` check the run keeps its settings.

    Raises:
        InputError: ``resume`` with another method or other settings than the run had.
    """
    state_file = output / TRAINING_STATE
    state = {"method": method, "params": params, "train": source}
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
def training_run(output: str | Path, *, checkpointed: bool, force: bool, resume: bool,
                 method: str, params: dict[str, Any], source: str) -> Iterator[Path | None]:
    """The output directory of a run while it trains; yields where checkpoints go.

    Checks the directory first (:func:`check_output`). ``None`` is yielded when not
    ``checkpointed`` (the model is then written at the end only). On failure a directory this
    run created that holds no checkpoint is removed, so a retry needs no ``--force``.
    """
    out = Path(output)
    check_output(out, force=force, resume=resume)
    if not checkpointed:
        yield None
        return
    from zhtext.neural.distributed import is_main_process, wait_for_everyone

    if not is_main_process():  # rank 0 prepares the directory; Trainer writes checkpoints
        wait_for_everyone()
        yield out
        return
    created = False
    if force and out.exists():
        shutil.rmtree(out)
    if not out.exists():
        out.mkdir(parents=True)
        created = True
    training_state(out, method, params, source, resume)
    wait_for_everyone()
    try:
        yield out
    except BaseException as e:
        if created and not has_checkpoints(out):
            shutil.rmtree(out, ignore_errors=True)
        elif isinstance(e, KeyboardInterrupt):
            logger.warning("interrupted; the checkpoints in %s continue with resume=True "
                           "(--resume)", out)
        raise


#: What a run adds to the saved model once trained: the dev report (or ``None``), saved as the
#: model's report, and a test report (or ``None``), saved as ``test_metrics.json``.
Finish = Callable[[], tuple[Any, Any]]


def train_run(estimator: Any, output: str | Path, *, train: Callable[[Path | None], Any],
              checkpointed: bool, force: bool, resume: bool, method: str,
              params: dict[str, Any], source: str, keep_checkpoints: bool = False,
              finish: Finish | None = None) -> Path | None:
    """Train into a run directory and save the model there: ``fit(output_dir=...)``.

    The output is checked and prepared as :func:`training_run` does (``force`` / ``resume``,
    ``training.json``, rank 0, clean-up on failure); ``train(work)`` trains, with ``work``
    the directory for checkpoints (``None`` unless ``checkpointed``). Then rank 0 calls
    ``finish()`` for the dev and test reports, and ``estimator.save(output, ...)`` renames
    the finished model over the directory (``zhtext.json`` last); the run's ``logs/`` move
    into it, its ``checkpoints/`` too with ``keep_checkpoints`` (else they go).

    Returns:
        The model directory, or ``None`` in the processes other than rank 0.

    Raises:
        ZhtextError: Both ``force`` and ``resume``.
        InputError: The directory exists (without ``force`` / ``resume``), or ``resume`` does
            not match the interrupted run.
    """
    from zhtext.neural.distributed import is_main_process

    out = Path(output)
    with training_run(out, checkpointed=checkpointed, force=force, resume=resume,
                      method=method, params=params, source=source) as work:
        train(work)
    if not is_main_process():
        return None  # under torchrun rank 0 evaluates and writes the model
    report, test_report = finish() if finish is not None else (None, None)

    def extra_files(tmp: Path) -> None:
        if test_report is not None:
            (tmp / "test_metrics.json").write_text(
                json.dumps(test_report.to_dict(), ensure_ascii=False, indent=2) + "\n",
                encoding="utf-8")
        if work is not None:
            if (work / "logs").is_dir():
                shutil.move(str(work / "logs"), str(tmp / "logs"))
            if keep_checkpoints and (work / "checkpoints").is_dir():
                shutil.move(str(work / "checkpoints"), str(tmp / "checkpoints"))

    saved: Path = estimator.save(out, force=force or checkpointed, report=report,
                                 extra_files=extra_files)
    return saved
