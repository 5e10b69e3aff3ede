"""Progress of long work: one rich bar on a terminal, nothing but ``logging`` otherwise.

Every long job in the library (neural training, pretraining, supervised keywords) shows its
progress through :func:`progress`: a transient rich bar on stderr, in the style of the CLI's
bars (label, bar, done/total, time left, a short status such as the latest loss), when stderr
is a terminal; when it is not (a pipe, a file, CI), no bar and no output: the work logs its
few meaningful lines (one per evaluation) through :mod:`logging` instead. :func:`quiet`
turns the bars off for a block (``--quiet``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = ["ProgressTask", "on_terminal", "progress", "quiet"]

_quiet: ContextVar[bool] = ContextVar("zhtext_progress_quiet", default=False)
_active: list[Any] = []  # the rich Progress on screen (nested bars become its rows)


def on_terminal() -> bool:
    """Whether progress bars are shown: stderr is a terminal and no :func:`quiet` block."""
    if _quiet.get():
        return False
    stream = sys.stderr
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stderr
        return False


@contextmanager
def quiet(enabled: bool = True) -> Iterator[None]:
    """No progress bars inside this block (when ``enabled``)."""
    token = _quiet.set(enabled or _quiet.get())
    try:
        yield
    finally:
        _quiet.reset(token)


class ProgressTask:
    """One bar's handle: ``advance``, ``update`` and ``status``; does nothing when hidden."""

    def __init__(self, bar: Any = None, task: Any = None) -> None:
        self._bar = bar
        self._task = task

    @property
    def shown(self) -> bool:
        """Whether a bar is drawn."""
        return self._bar is not None

    def advance(self, n: float = 1) -> None:
        """Count ``n`` more units done."""
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def update(self, completed: float | None = None, *, total: float | None = None,
               status: str | None = None, label: str | None = None) -> None:
        """Set the units done, the total, the status text or the label."""
        if self._bar is None:
            return
        fields: dict[str, Any] = {}
        if completed is not None:
            fields["completed"] = completed
        if total is not None:
            fields["total"] = total
        if status is not None:
            fields["status"] = status
        if label is not None:
            fields["description"] = label
        self._bar.update(self._task, **fields)

    def restart(self, label: str, total: float | None = None, status: str = "") -> None:
        """Start over at zero under a new label (the next stage of the work)."""
        if self._bar is not None:
            self._bar.reset(self._task, total=total, description=label, status=status)

    def status(self, text: str) -> None:
        """The short text after the bar (the latest loss, the stage)."""
        self.update(status=text)


@contextmanager
def progress(label: str, total: float | None = None, *, enabled: bool | None = None,
             unit: str = "items") -> Iterator[ProgressTask]:
    """A progress bar on stderr while the block runs (only on a terminal).

    Args:
        label: What is being done ("training", "pretraining").
        total: Units of work (steps, iterations); ``None`` while unknown.
        enabled: Force the bar on or off; by default :func:`on_terminal`.
        unit: ``"items"`` (done/total) or ``"bytes"`` (sizes and speed: input read).

    Yields:
        A :class:`ProgressTask` (a no-op when no bar is shown). Inside another bar, the new
        one is a further row of it (rich shows one live display at a time).
    """
    if not (on_terminal() if enabled is None else enabled):
        yield ProgressTask()
        return
    if _active:  # inside another bar (keywords training a neural tagger): one more row
        outer = _active[-1]
        task = outer.add_task(label, total=total, status="")
        try:
            yield ProgressTask(outer, task)
        finally:
            outer.remove_task(task)
        return
    from rich.console import Console
    from rich.errors import LiveError
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    if unit not in ("items", "bytes"):
        raise ValueError(f"unit must be 'items' or 'bytes', got {unit!r}")
    done: tuple[ProgressColumn, ...] = (
        (DownloadColumn(), TransferSpeedColumn()) if unit == "bytes" else (MofNCompleteColumn(),))
    bar = Progress(TextColumn("{task.description}"), BarColumn(), *done,
                   TimeElapsedColumn(), TimeRemainingColumn(),
                   TextColumn("{task.fields[status]}"),
                   console=Console(stderr=True), transient=True)
    try:
        bar.start()
    except LiveError:  # another live display (a caller's own) is on screen: no second one
        yield ProgressTask()
        return
    _active.append(bar)
    try:
        yield ProgressTask(bar, bar.add_task(label, total=total, status=""))
    finally:
        _active.remove(bar)
        bar.stop()
