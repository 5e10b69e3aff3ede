"""Multi-process training under ``torchrun`` / ``accelerate launch``: who writes, who waits.

The launchers start one process per device and set ``RANK`` / ``WORLD_SIZE``; ``Trainer`` then
trains with DistributedDataParallel (gloo on CPUs, NCCL on GPUs) through accelerate. What is
left to zhtext is the file system: only the main process (rank 0) creates, checks and writes
directories, the others wait where they need its files. The process group is accelerate's
``PartialState``, the one ``Trainer`` uses; a single process never creates one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["close_process_group", "is_main_process", "main_process_first", "max_over_processes",
           "rank", "wait_for_everyone", "world_size"]


def world_size() -> int:
    """Processes training together (``torchrun`` / ``accelerate launch`` set ``WORLD_SIZE``)."""
    return int(os.environ.get("WORLD_SIZE", "1") or 1)


def rank() -> int:
    """This process's global rank (0 when not launched by a distributed launcher)."""
    return int(os.environ.get("RANK", "0") or 0)


def is_main_process() -> bool:
    """Whether this process writes artifacts and reports (rank 0)."""
    return rank() == 0


def _state() -> object:
    import torch
    from accelerate import PartialState  # type: ignore[import-untyped]

    # Without a GPU the group must be gloo: accelerate would otherwise pick by device.
    return PartialState(cpu=not torch.cuda.is_available())


def wait_for_everyone() -> None:
    """A barrier across the training processes (nothing with one process)."""
    if world_size() > 1:
        _state().wait_for_everyone()  # type: ignore[attr-defined]


@contextmanager
def main_process_first() -> Iterator[None]:
    """Run the block in the main process first, then in the others (e.g. build, then read)."""
    if world_size() == 1:
        yield
        return
    with _state().main_process_first():  # type: ignore[attr-defined]
        yield


def max_over_processes(value: int) -> int:
    """The largest ``value`` over the training processes (one process: ``value``).

    Decisions every process must share, such as when to save and when to stop, are taken on
    it, so no process waits in a collective operation the others never reach.
    """
    if world_size() == 1:
        return value
    import torch
    import torch.distributed as dist

    _state()  # the process group (created once)
    t = torch.tensor([int(value)])
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return int(t.item())


def close_process_group() -> None:
    """End this process's part of the process group, if one was created (else nothing).

    Called once as the command ends. Left to the interpreter's exit, the group's gloo threads
    may still be running while C++ destructors run, and the process aborts ("terminate called
    without an active exception") after the work is done.
    """
    dist = sys.modules.get("torch.distributed")
    if dist is None or world_size() == 1:
        return
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
