"""Helpers for tests that start zhtext in a child process."""

from __future__ import annotations

import signal


def default_sigint() -> None:
    """``preexec_fn`` giving the child the default SIGINT disposition.

    A shell starts background jobs with SIGINT ignored, and a child inherits that; Python then
    installs no KeyboardInterrupt handler and a test's Ctrl-C would do nothing. A test that
    interrupts a run must not depend on how its own runner was started.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
