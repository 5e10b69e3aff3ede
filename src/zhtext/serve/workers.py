"""Several server processes on one port: ``zhtext serve --workers N``.

The command binds the port, checks the models in a short-lived child process (so that a
directory that fails to load stops the start-up with its reason before any worker starts, and
the parent itself holds no model), then hands the socket to uvicorn's process supervisor, which
starts N worker processes (spawned, not forked). Each worker builds its app with
:func:`create_app_from_env`, the import-string factory uvicorn calls, from the
:class:`WorkerConfig` the command put in the ``ZHTEXT_SERVE_CONFIG`` environment variable:
each worker loads its own copy of the models, so the memory of the server is about N times
that of one process. The supervisor answers SIGTERM / SIGINT by stopping every worker
gracefully; a worker that fails to start makes it stop the others.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from dataclasses import asdict, dataclass, field
from typing import Any

from zhtext.errors import ZhtextError

__all__ = [
    "ENV_VAR",
    "FACTORY",
    "STARTUP_FAILURE",
    "ModelCheck",
    "WorkerConfig",
    "check_models",
    "create_app_from_env",
    "default_workers",
    "setup_access_log",
]

ENV_VAR = "ZHTEXT_SERVE_CONFIG"
FACTORY = "zhtext.serve.workers:create_app_from_env"
# uvicorn's exit code for a worker that failed before serving (uvicorn.config.STARTUP_FAILURE):
# its supervisor then stops instead of starting the worker again.
STARTUP_FAILURE = 3


def default_workers() -> int:
    """One worker per core this process may run on (its CPU affinity), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class WorkerConfig:
    """What every worker needs to build the same app.

    Attributes:
        models: The model arguments as given on the command line (``DIR`` or ``NAME=DIR``;
            the workers run in the same directory).
        settings: The :class:`~zhtext.serve.config.ServeSettings` fields.
        access_log: One JSON line per request on standard output.
        log_level: The level of the other log messages (standard error).
    """

    models: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    access_log: bool = True
    log_level: int = logging.WARNING

    def to_env(self) -> str:
        """The value of ``ZHTEXT_SERVE_CONFIG``."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_env(cls) -> WorkerConfig:
        """The configuration the command left in ``ZHTEXT_SERVE_CONFIG``.

        Raises:
            ZhtextError: The variable is missing or not a configuration.
        """
        raw = os.environ.get(ENV_VAR)
        if not raw:
            raise ZhtextError(f"{FACTORY} builds the app of one 'zhtext serve --workers N' "
                              f"worker and reads its configuration from {ENV_VAR}, which is "
                              "not set; start the server with 'zhtext serve'")
        try:
            data = json.loads(raw)
            return cls(models=[str(m) for m in data["models"]], settings=dict(data["settings"]),
                       access_log=bool(data["access_log"]), log_level=int(data["log_level"]))
        except (ValueError, KeyError, TypeError) as e:
            raise ZhtextError(f"{ENV_VAR} is not a zhtext serve configuration ({e})") from None


def setup_access_log(enabled: bool) -> None:
    """Send the access log (``zhtext.serve.access``) to standard output, one JSON line each.

    Every record is written and flushed on its own (a single ``write`` of one line), so the
    lines of several workers sharing the output do not interleave.
    """
    access = logging.getLogger("zhtext.serve.access")
    for h in list(access.handlers):
        if getattr(h, "_zhtext_access", False):
            access.removeHandler(h)
    if not enabled:
        access.setLevel(logging.WARNING)
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler._zhtext_access = True  # type: ignore[attr-defined]
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False


def create_app_from_env() -> Any:
    """The app of one worker (uvicorn's ``factory=True`` import string :data:`FACTORY`).

    Loads the models of :data:`ENV_VAR` in this process. A failure exits with uvicorn's
    start-up failure code, so that the supervisor stops rather than starting the worker
    again: a user error prints ``error: ...``; a bug prints its traceback.
    """
    try:
        cfg = WorkerConfig.from_env()
        logging.basicConfig(level=cfg.log_level, stream=sys.stderr,
                            format="%(levelname)s %(name)s: %(message)s")
        setup_access_log(cfg.access_log)
        from zhtext.serve.app import create_app
        from zhtext.serve.config import ServeSettings
        from zhtext.serve.models import ModelRegistry

        registry = ModelRegistry.load(cfg.models)
        return create_app(registry, settings=ServeSettings(**cfg.settings))
    except ZhtextError as e:
        print(f"error: worker {os.getpid()}: {e}", file=sys.stderr, flush=True)
    except Exception:
        traceback.print_exc()
        sys.stderr.flush()
    sys.exit(STARTUP_FAILURE)


@dataclass(frozen=True)
class ModelCheck:
    """The models as a worker will load them, checked once before any worker starts.

    Attributes:
        models: ``name (task method)`` of each model, built-in keywords first.
        rss_mb: The resident memory of the checking process once the models were loaded and
            run on a sample text: about what each worker holds.
    """

    models: list[str]
    rss_mb: float


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def _check_in_child(specs: list[str], conn: Any) -> None:  # pragma: no cover (a child)
    try:
        from zhtext.serve.models import ModelRegistry

        registry = ModelRegistry.load(specs)
        conn.send(("ok", [f"{m.name} ({m.task} {m.method})" for m in registry], _rss_mb()))
    except ZhtextError as e:
        conn.send(("error", str(e), None))
    except BaseException:
        conn.send(("bug", traceback.format_exc(), None))
    finally:
        conn.close()


def check_models(specs: list[str]) -> ModelCheck:
    """Load and warm up ``specs`` in a child process, as each worker will.

    The parent of the workers thereby holds no model (its memory stays that of the
    supervisor) and survives a model whose library crashes on a damaged file.

    Raises:
        ZhtextError: A directory fails to load (``<dir>: <why>``, as without workers), or the
            checking process died.
        RuntimeError: Loading failed with a bug; its traceback is printed first.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_check_in_child, args=(list(specs), sender),
                       name="zhtext-serve-check", daemon=True)
    proc.start()
    sender.close()
    try:
        try:
            result = receiver.recv()
        except EOFError:
            result = None
        proc.join()
    finally:
        receiver.close()
        if proc.is_alive():
            proc.terminate()
            proc.join()
    if result is None:
        code = proc.exitcode
        how = (f"was killed by signal {-code}" if code is not None and code < 0 else
               f"exited with code {code}")
        raise ZhtextError(f"the process checking the models {how} while loading them (a "
                          "damaged model file can crash its library, e.g. a truncated "
                          "model.crfsuite); start with each directory alone to find which")
    status, payload, rss = result
    if status == "error":
        raise ZhtextError(payload)
    if status == "bug":
        sys.stderr.write(payload)
        raise RuntimeError("loading the models failed with the unexpected error above: this "
                           "is a bug in zhtext; please report it with that traceback")
    return ModelCheck(models=list(payload), rss_mb=float(rss))
