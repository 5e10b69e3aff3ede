"""Helpers for tests that start zhtext in a child process.

No test may depend on how fast this machine is: a test waits for something it can observe (a
file, a port that answers, a process that exits), and the only time limit is a generous
:data:`HANG_GUARD` that stops a child that hangs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

# Seconds after which a child (or a wait for it) counts as hung. Not a speed limit: a run that
# takes a minute on an idle machine may take ten on a loaded one and must still pass.
HANG_GUARD = 1800.0


def default_sigint() -> None:
    """``preexec_fn`` giving the child the default SIGINT disposition.

    A shell starts background jobs with SIGINT ignored, and a child inherits that; Python then
    installs no KeyboardInterrupt handler and a test's Ctrl-C would do nothing. A test that
    interrupts a run must not depend on how its own runner was started.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(condition: Callable[[], object], *, what: str,
             proc: subprocess.Popen[str] | None = None, timeout: float = HANG_GUARD,
             poll: float = 0.1) -> None:
    """Wait until ``condition()`` is true: fail at once if ``proc`` exits first.

    ``timeout`` only guards against a hang (the child is killed then); it never paces a test.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the child exited with {proc.returncode} before {what}:\n{err}{out}")
        if time.monotonic() > deadline:
            if proc is not None:
                proc.kill()
                proc.communicate()
            pytest.fail(f"no {what} after {timeout:.0f} s: the child hangs")
        time.sleep(poll)


# Run the zhtext CLI, but hold the training still once it has saved its first checkpoint: at
# the start of the next step it writes the step number to a marker file and waits there for
# the test's SIGINT. An interrupt test so needs no guess of how long training takes: the run
# can neither finish before the interrupt nor be interrupted before it has a checkpoint.
# Trainer callbacks are transformers' public API (``add_callback``, ``on_save``,
# ``on_step_begin``): nothing of zhtext's internals is patched.
_PAUSED_CLI = """
import sys, time
from pathlib import Path

import transformers

marker, guard = Path(sys.argv[1]), float(sys.argv[2])


class PauseAfterFirstCheckpoint(transformers.TrainerCallback):
    saved = False

    def on_save(self, args, state, control, **kwargs):
        self.saved = True

    def on_step_begin(self, args, state, control, **kwargs):
        if self.saved:
            marker.write_text(str(state.global_step), encoding="utf-8")
            end = time.monotonic() + guard
            while time.monotonic() < end:  # a KeyboardInterrupt (the test's SIGINT) ends this
                time.sleep(0.05)
            sys.exit("paused run: no SIGINT came")


init = transformers.Trainer.__init__


def paused_init(self, *a, **k):
    init(self, *a, **k)
    self.add_callback(PauseAfterFirstCheckpoint())


transformers.Trainer.__init__ = paused_init
sys.argv = ["zhtext", *sys.argv[3:]]
from zhtext.cli.app import main

main()
"""


def start_paused_after_checkpoint(args: Sequence[str | Path], marker: Path,
                                  env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``zhtext *args`` (a Trainer run); it pauses after its first checkpoint.

    Wait for ``marker`` to appear (it holds the step the run paused at), then send SIGINT.
    """
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-c", _PAUSED_CLI, str(marker), str(HANG_GUARD), *map(str, args)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=default_sigint)


def interrupt(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Send SIGINT and wait for the child to end; returns its stdout and stderr."""
    proc.send_signal(signal.SIGINT)
    try:
        return proc.communicate(timeout=HANG_GUARD)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
