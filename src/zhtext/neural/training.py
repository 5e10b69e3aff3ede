"""The ``Trainer`` run shared by the neural classifiers, the neural tagger and pretraining.

One place builds ``TrainingArguments`` from :class:`~zhtext.neural.settings.TrainingSettings`,
adds early stopping (with :class:`~zhtext.neural.settings.EarlyStoppingSettings` and dev
data), the time limit (``max_minutes``), TensorBoard and the progress callback (zhtext's one
progress style instead of Trainer's printed dicts), resumes from the
newest complete checkpoint and runs ``Trainer.train``. Nothing here imports torch or
transformers before a model trains (they load inside functions).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from zhtext.errors import InputError
from zhtext.neural.distributed import max_over_processes, world_size
from zhtext.neural.settings import EarlyStoppingSettings, TrainingSettings

__all__ = ["Windows", "encoder_learning_rate", "first_line", "last_checkpoint",
           "progress_callback", "quiet_transformers", "run_trainer", "stderr_is_tty"]

logger = logging.getLogger(__name__)


class Windows:
    """A torch-style dataset of encoded windows (feature lists) with optional labels."""

    def __init__(self, features: dict[str, list[list[int]]], labels: Any | None = None) -> None:
        self.features = features
        self.labels = labels
        self.n = len(next(iter(features.values())))

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> dict[str, Any]:
        item: dict[str, Any] = {k: v[i] for k, v in self.features.items()}
        if self.labels is not None:
            item["labels"] = self.labels[i]
        return item


def run_trainer(
    model: Any,
    s: TrainingSettings,
    *,
    work: Path,
    train_set: Any,
    eval_set: Any | None,
    collate: Callable[[list[dict[str, Any]]], dict[str, Any]],
    steps_per_epoch: int,
    metric: str | None,
    compute_metrics: Callable[[Any], dict[str, float]] | None,
    resume: bool,
    overrides: dict[str, Any] | None = None,
    callbacks: list[Any] | None = None,
    **trainer_kwargs: Any,
) -> tuple[Any, int | None]:
    """Train ``model`` with ``Trainer``; returns the trainer and the step resumed from.

    Checkpoints go to ``work/checkpoints`` (the best and the newest kept), TensorBoard logs to
    ``work/logs``. With ``eval_set`` (and early-stopping settings) the model is evaluated
    ``s.eval_per_epoch`` times per epoch, the best checkpoint by ``eval_{metric}`` (higher is
    better) is loaded at the end and ``s.patience`` evaluations without improvement stop early.
    With ``s.max_minutes`` the run saves a checkpoint and stops once that time is spent. A
    ``KeyboardInterrupt`` passes through; the complete checkpoints stay, for ``resume=True``.

    Args:
        model: A ``PreTrainedModel`` whose ``forward`` takes the collated batch.
        s: Training settings.
        work: The run's directory.
        train_set: Training windows (a sized, indexable dataset of feature dicts).
        eval_set: Dev windows, or ``None`` (no evaluation, the last model is kept).
        collate: Batches of feature dicts -> tensors.
        steps_per_epoch: Optimiser steps per epoch (sets warm-up and evaluation intervals).
        metric: The key ``compute_metrics`` returns that picks the best checkpoint.
        compute_metrics: ``Trainer``'s metric function.
        resume: Continue from the newest complete checkpoint in ``work/checkpoints``.
        overrides: ``TrainingArguments`` values that replace the ones set here (``max_steps``,
            ``save_steps``...).
        callbacks: More ``Trainer`` callbacks.
        **trainer_kwargs: More ``Trainer`` arguments (``compute_loss_func``, ``optimizers``...).
    """
    import torch
    from transformers import EarlyStoppingCallback, Trainer, TrainingArguments

    use_cpu = s.device == "cpu" or (s.device == "auto" and not torch.cuda.is_available())
    if s.device == "cuda" and not torch.cuda.is_available():
        raise InputError("--device cuda, but no CUDA device is available; use --device auto "
                         "or cpu")
    mp = s.mixed_precision
    if mp == "auto":
        mp = "no" if use_cpu else "fp16"
    evaluate = eval_set is not None
    # Without early-stopping settings (pretraining): no patience, one "evaluation" (the
    # checkpoint interval unless overridden) per epoch.
    early = (s if isinstance(s, EarlyStoppingSettings)
             else EarlyStoppingSettings(patience=0, eval_per_epoch=1))
    eval_steps = max(1, steps_per_epoch // early.eval_per_epoch)
    # batch_size is the global batch: N processes take batch_size / N each, so a run under
    # torchrun sees the same batches in the same order as a single process.
    processes = world_size()
    if s.batch_size % processes:
        raise InputError(f"batch_size {s.batch_size} does not split evenly over {processes} "
                         f"processes; set --set batch_size to a multiple of {processes}")
    arg_values: dict[str, Any] = dict(
        output_dir=str(work / "checkpoints"),
        num_train_epochs=s.epochs,
        per_device_train_batch_size=s.batch_size // processes,
        per_device_eval_batch_size=max(s.batch_size // processes, 64),
        gradient_accumulation_steps=s.gradient_accumulation,
        learning_rate=s.learning_rate,
        weight_decay=s.weight_decay,
        warmup_steps=int(s.warmup_ratio * steps_per_epoch * s.epochs),
        lr_scheduler_type="linear",
        eval_strategy="steps" if evaluate else "no",
        save_strategy="steps",
        eval_steps=eval_steps,
        save_steps=eval_steps,
        save_total_limit=2,
        load_best_model_at_end=evaluate,
        metric_for_best_model=metric if evaluate else None,
        greater_is_better=True,
        logging_steps=max(1, min(50, steps_per_epoch // 4)),
        report_to=[],
        seed=s.seed,
        data_seed=s.seed,
        use_cpu=use_cpu,
        fp16=mp == "fp16",
        bf16=mp == "bf16",
        disable_tqdm=True,  # progress_callback shows the progress
        remove_unused_columns=False,
        dataloader_num_workers=0,
        save_only_model=False,
        # Our losses are means over each process's batch and DDP averages the gradients: the
        # loss must not be rescaled by the number of processes (Trainer does that when it
        # thinks a loss sums over items across devices).
        average_tokens_across_devices=False,
    )
    args = TrainingArguments(**{**arg_values, **(overrides or {})})
    callbacks = [*(callbacks or []),
                 *([EarlyStoppingCallback(early_stopping_patience=early.patience)]
                   if evaluate and early.patience > 0 else []),
                 *([_time_limit(s.max_minutes)] if s.max_minutes > 0 else [])]
    if s.tensorboard and _has_tensorboard():
        from torch.utils.tensorboard import SummaryWriter
        from transformers.integrations.integration_utils import TensorBoardCallback

        writer = SummaryWriter(log_dir=str(work / "logs"))
        callbacks.append(TensorBoardCallback(writer))  # type: ignore[no-untyped-call]
    trainer = Trainer(model=model, args=args, train_dataset=train_set, eval_dataset=eval_set,
                      data_collator=collate, compute_metrics=compute_metrics,
                      callbacks=callbacks, **trainer_kwargs)
    # Trainer prints raw log dicts (PrinterCallback, or ProgressCallback's tqdm bar): zhtext's
    # one progress style replaces both.
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    trainer.remove_callback(PrinterCallback)
    trainer.remove_callback(ProgressCallback)
    shown_progress = progress_callback()
    trainer.add_callback(shown_progress)
    checkpoint = last_checkpoint(work / "checkpoints") if resume else None
    if resume and checkpoint is None:
        logger.warning("no checkpoint in %s yet; training from the start", work)
    resumed_from = int(Path(checkpoint).name.split("-")[-1]) if checkpoint else None
    try:
        with quiet_transformers():
            trainer.train(resume_from_checkpoint=checkpoint)
    finally:
        shown_progress.close()
    return trainer, resumed_from


def _progress_callback_class() -> Any:
    from transformers import TrainerCallback

    from zhtext.report.numbers import shown
    from zhtext.report.progress import progress

    class ProgressLog(TrainerCallback):
        """Training progress in zhtext's one style, replacing Trainer's printed dicts.

        On a terminal a rich bar over the optimiser steps, its status the latest training
        loss and dev metrics; otherwise nothing on screen: one INFO log line per evaluation
        (step, training loss, dev metrics rounded by meaning), or per checkpoint when there
        is no dev set, and one at the end.
        """

        def __init__(self) -> None:
            self.bar: Any = None
            self.task: Any = None
            self.loss: float | None = None
            self.dev = ""

        def _where(self, state: Any) -> str:
            epoch = shown(float(state.epoch or 0.0), "epoch")
            return f"step {shown(state.global_step)}/{shown(state.max_steps)} (epoch {epoch})"

        def _status(self) -> str:
            loss = "" if self.loss is None else f"loss {shown(self.loss, 'loss')}"
            return " · ".join(x for x in (loss, self.dev) if x)

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if state.is_world_process_zero and self.bar is None:
                self.bar = progress("training", total=state.max_steps or None)
                self.task = self.bar.__enter__()
                self.task.update(state.global_step)

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if self.task is not None:
                self.task.update(state.global_step, status=self._status())

        def on_log(self, args: Any, state: Any, control: Any, logs: Any = None,
                   **kwargs: Any) -> None:
            if not logs or not state.is_world_process_zero:
                return
            if "loss" in logs:
                self.loss = float(logs["loss"])
            logger.debug("step %d: %s", state.global_step,
                         ", ".join(f"{k} {shown(v, k)}" for k, v in logs.items()))
            if "train_runtime" in logs:
                logger.info("trained %s steps in %s s, mean training loss %s",
                            shown(state.global_step),
                            shown(float(logs["train_runtime"]), "seconds"),
                            shown(logs.get("train_loss"), "loss"))

        def on_evaluate(self, args: Any, state: Any, control: Any, metrics: Any = None,
                        **kwargs: Any) -> None:
            if not state.is_world_process_zero:
                return
            shown_metrics = [(k.removeprefix("eval_"), v) for k, v in (metrics or {}).items()
                             if k.startswith("eval_") and not k.endswith(
                                 ("_runtime", "_per_second")) and k != "eval_epoch"]
            self.dev = ", ".join(f"dev {k} {shown(v, k)}" for k, v in shown_metrics)
            logger.info("%s: %s", self._where(state), self._status() or "evaluated")
            # The bar's status is short: the dev scores without the dev loss.
            self.dev = ", ".join(f"dev {k} {shown(v, k)}" for k, v in shown_metrics
                                 if k != "loss")
            if self.task is not None:
                self.task.status(self._status())

        def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            if state.is_world_process_zero and args.eval_strategy == "no":
                logger.info("%s: %s (checkpoint saved)", self._where(state),
                            self._status() or "no loss logged yet")

        def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.close()

        def close(self) -> None:
            """Take the bar off the terminal (also after an interruption)."""
            if self.bar is not None:
                bar, self.bar, self.task = self.bar, None, None
                bar.__exit__(None, None, None)

    return ProgressLog


def progress_callback() -> Any:
    """A new :class:`TrainerCallback` showing training progress in zhtext's one style.

    It replaces ``Trainer``'s ``PrinterCallback`` / ``ProgressCallback`` (which print raw
    dicts such as ``{'loss': '2.56', 'grad_norm': ...}``): a rich bar on a terminal, INFO log
    lines otherwise (see :mod:`zhtext.report.progress`). Its class is built on first use:
    transformers loads lazily.
    """
    return _progress_callback_class()()


@contextmanager
def quiet_transformers(*, loading: bool = False) -> Iterator[None]:
    """Hush transformers' own output inside the block; everything is put back after.

    Inside: no tqdm bars of transformers' own ("Loading weights", "Writing model shards";
    zhtext shows its own progress), no ``FutureWarning`` that ``is_gradient_checkpointing``
    is deprecated (PEFT asks for it), no note that checkpoint "mtime may not be reliable"
    (checkpoints are ordered by step number anyway). With ``loading``, also no load report
    (the table of missing and unexpected keys printed when an encoder gets a new head, which
    is expected there, or 4.x's "Some weights ... were not initialized"), and no note that a
    saved zhtext model's config is not the model type transformers expected: those records are
    dropped by filters, not by raising ``transformers.modeling_utils`` to ERROR (transformers
    5 checks tensor-parallel plans, and warns of "layers not sharded", exactly when that
    logger's level is WARNING or above). Other warnings and log records pass.
    """
    import warnings

    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hub_bars_off = _hub_bars_disabled()
    loggers = [logging.getLogger(n) for n in _LOAD_REPORT_LOGGERS] if loading else []
    levels = [lg.level for lg in loggers]
    filtered = [logging.getLogger(n) for n in _LOAD_NOTE_LOGGERS] if loading else []
    trainer_utils = logging.getLogger("transformers.trainer_utils")
    trainer_utils.addFilter(_drop_mtime_note)
    for lg in filtered:
        lg.addFilter(_drop_load_note)
    if bars:
        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"`is_gradient_checkpointing` is deprecated",
                                    category=FutureWarning)
            yield
    finally:
        trainer_utils.removeFilter(_drop_mtime_note)
        for lg in filtered:
            lg.removeFilter(_drop_load_note)
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)
        if bars:
            hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
            if hub_bars_off:
                _hub_bars().disable_progress_bars()


#: The logger of transformers' load report when it logs it under its own name (raised to ERROR
#: while loading).
_LOAD_REPORT_LOGGERS = ("transformers.utils.loading_report",)
#: The loggers that write the load report through ``modeling_utils`` (5.x), "Some weights ...
#: were not initialized" (4.x) and the note on a config's model type: filtered while loading.
_LOAD_NOTE_LOGGERS = ("transformers.modeling_utils", "transformers.configuration_utils")
#: What those notes say (their records are dropped while loading; others pass).
_LOAD_NOTES = ("LOAD REPORT", "Some weights of", "were not initialized from the model checkpoint",
               "were not used when initializing", "You should probably TRAIN this model",
               "to instantiate a model of type")


def _drop_load_note(record: logging.LogRecord) -> bool:
    """A logging filter: False for transformers' load report and notes (see ``_LOAD_NOTES``)."""
    if record.levelno >= logging.ERROR:
        return True
    text = str(record.msg)
    return not any(note in text for note in _LOAD_NOTES)


def _drop_mtime_note(record: logging.LogRecord) -> bool:
    """A logging filter: False for transformers' note on checkpoint modification times."""
    return "mtime may not be reliable" not in str(record.msg)


def _hub_bars_disabled() -> bool:
    try:
        return bool(_hub_bars().are_progress_bars_disabled())
    except (ImportError, AttributeError):  # pragma: no cover - old huggingface_hub
        return False


def _hub_bars() -> Any:
    """huggingface_hub's progress-bar switches, the module ``utils.tqdm``.

    The class of the same name hides that module from ``from huggingface_hub.utils import``.
    """
    import importlib

    return importlib.import_module("huggingface_hub.utils.tqdm")


def _time_limit(minutes: float) -> Any:
    import time

    from transformers import TrainerCallback

    class TimeLimit(TrainerCallback):
        """Save and stop once the time budget is spent (every process at the same step)."""

        def __init__(self) -> None:
            self.start = 0.0

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            self.start = time.perf_counter()

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            if max_over_processes(time.perf_counter() - self.start > minutes * 60):
                logger.warning("time limit of %g minutes reached at step %d; stopping (resume "
                               "with --resume and a larger limit)", minutes, state.global_step)
                control.should_training_stop = True
                control.should_save = True
            return control

    return TimeLimit()


def last_checkpoint(d: Path) -> str | None:
    """The newest complete checkpoint (an interruption may leave the newest half-written)."""
    if not d.is_dir():
        return None
    found = []
    for p in d.iterdir():
        step = p.name.removeprefix("checkpoint-")
        if p.is_dir() and step.isdigit():
            found.append((int(step), p))
    for _, p in sorted(found, reverse=True):
        if _complete_checkpoint(p):
            return str(p)
        logger.warning("skipping incomplete checkpoint %s", p)
    return None


def _complete_checkpoint(p: Path) -> bool:
    """Whether a checkpoint was written to the end.

    Its trainer state must parse and its safetensors files must hold all the bytes their
    headers announce: an interruption can cut either short.
    """
    import json

    try:
        json.loads((p / "trainer_state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    weights = sorted(p.glob("*.safetensors")) + sorted(p.glob("*.bin"))
    if not weights:
        return False
    for w in weights:
        if w.suffix != ".safetensors":
            continue
        try:
            with open(w, "rb") as fh:
                size = int.from_bytes(fh.read(8), "little")
                header = json.loads(fh.read(size))
            end = max((int(v["data_offsets"][1]) for v in header.values()
                       if isinstance(v, dict) and "data_offsets" in v), default=0)
            if w.stat().st_size < 8 + size + end:
                return False
        except (OSError, ValueError, KeyError, TypeError):
            return False
    return True


def encoder_learning_rate(config: Any) -> float:
    """The default fine-tuning learning rate of an encoder, by its width.

    3e-5 is the usual rate for BERT-base (768 wide) and larger. Narrow encoders, such as the
    ones ``zhtext pretrain`` builds on a CPU, need far more: a pretrained 2-layer, 128-wide
    BERT fine-tuned on 30,000 THUCNews titles (3 epochs, early stopping) reached 0.870 on the
    held-out selection set at 5e-4, 0.864 at 1e-3 and 0.859 at 3e-4, and barely moved at 3e-5
    (0.30 on 5,000 titles). Widths in between get rates in between.
    """
    width = int(getattr(config, "hidden_size", 768) or 768)
    if width <= 128:
        return 5e-4
    if width <= 256:
        return 3e-4
    if width <= 512:
        return 1e-4
    return 3e-5


def first_line(e: BaseException) -> str:
    """The first line of an exception's message (for errors that quote a library's)."""
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:300]


def _has_tensorboard() -> bool:
    import importlib.util

    return (importlib.util.find_spec("tensorboard") is not None
            or importlib.util.find_spec("tensorboardX") is not None)


def stderr_is_tty() -> bool:
    """Whether progress bars make sense."""
    import sys

    return sys.stderr is not None and sys.stderr.isatty()
