"""``zhtext serve``: the HTTP API and the web page over loaded models."""

from __future__ import annotations

import logging
import signal
import socket
from types import FrameType
from typing import Annotated, Any

import typer

from zhtext.errors import InputError, ZhtextError

logger = logging.getLogger(__name__)

class _Stop(BaseException):
    """SIGTERM / SIGINT after uvicorn's graceful shutdown (or before it started)."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signum)


def _bind(host: str, port: int) -> socket.socket:
    """A bound (not yet listening) TCP socket, or a clear error."""
    try:
        family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as e:
        raise InputError(f"cannot listen on {host!r}: {e.strerror}; give an address such as "
                         "127.0.0.1") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError as e:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror or e}; choose another "
                         "--port (or stop the program using it)") from None
    return sock


def _is_loopback(sock: socket.socket) -> bool:
    import ipaddress

    return ipaddress.ip_address(sock.getsockname()[0]).is_loopback


def serve(
    models: Annotated[list[str] | None, typer.Argument(
        help="Model directories (DIR or NAME=DIR) made by 'keywords fit', 'classify train', "
        "'tag train' or 'topics fit'. Keywords with the built-in defaults are always served.",
        show_default=False)] = None,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on. The API has no authentication: keep the "
        "loopback default unless a proxy in front of it controls access.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535,
                                      help="Port (0: any free port).")] = 8000,
    max_body_bytes: Annotated[int | None, typer.Option(
        "--max-body-bytes", min=1, show_default=False,
        help="Largest request body (larger: 413). Default: room for --max-batch texts of "
        "--max-text-chars characters each, JSON-escaped (30,724,864 bytes with their "
        "defaults), so no request the API schema allows is refused for its size.")] = None,
    max_batch: Annotated[int, typer.Option(
        "--max-batch", min=1, help="Most texts per request (more: 422).")] = 256,
    max_text_chars: Annotated[int, typer.Option(
        "--max-text-chars", min=1, help="Longest text in characters (longer: 422).")] = 20_000,
    batch_wait_ms: Annotated[float, typer.Option(
        "--batch-wait-ms", min=0.0, max=1000.0,
        help="Neural / CRF / topic models: how long concurrent requests are gathered into "
        "one model call.")] = 5.0,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, help="Most texts gathered into one model call.")] = 64,
    graceful_timeout: Annotated[float, typer.Option(
        "--graceful-timeout", min=0.0,
        help="On SIGTERM / Ctrl-C, seconds to let requests in flight finish.")] = 10.0,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", min=1, show_default=False,
        help="Server processes answering on the one port (default: one per core). Each "
        "loads its own copy of the models, so memory grows with their number (the start-up "
        "line says how much one takes); 1 serves from this process.")] = None,
    no_access_log: Annotated[bool, typer.Option(
        "--no-access-log", help="No access log (default: one JSON line per request on "
        "standard output).")] = False,
    access_log: Annotated[bool, typer.Option("--access-log", hidden=True)] = True,
) -> None:
    """Serve models over HTTP: POST /v1/keywords, /v1/classify, /v1/tag, /v1/topics.

    Also GET /v1/models, /health, the API docs at /docs, and a web page at / to try \
the models. Every model loads before the server listens; a directory that fails to load \
stops the start-up with the reason. SIGTERM or Ctrl-C stop it gracefully.

    With several workers (the default on a multi-core machine) each worker process loads \
the models itself: memory is about the workers times one process (said at start-up).
    """
    from importlib.util import find_spec

    missing = [m for m in ("fastapi", "uvicorn") if find_spec(m) is None]
    if missing:
        raise ZhtextError(f"zhtext serve needs fastapi and uvicorn (no {missing[0]}): "
                          "pip install 'zhtext[serve]'")
    import uvicorn

    from zhtext.serve.config import ServeSettings
    from zhtext.serve.models import ModelRegistry
    from zhtext.serve.workers import default_workers, setup_access_log

    settings = ServeSettings(max_body_bytes=max_body_bytes, max_batch=max_batch,
                             max_text_chars=max_text_chars, batch_wait_ms=batch_wait_ms,
                             batch_size=batch_size)
    n_workers = workers if workers is not None else default_workers()
    log = access_log and not no_access_log
    sock = _bind(host, port)
    try:
        if n_workers > 1:
            from zhtext.serve.workers import check_models

            check = check_models(list(models or []))
            names = ", ".join(check.models)
        else:
            from zhtext.serve.app import create_app

            registry = ModelRegistry.load(models or [])
            app = create_app(registry, settings=settings)
            names = ", ".join(f"{m.name} ({m.task} {m.method})" for m in registry)
    except BaseException:
        sock.close()
        raise
    setup_access_log(log)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    if not _is_loopback(sock):
        logger.warning("listening on %s, reachable from other machines; the API has no "
                       "authentication", bound_host)
    how = "" if n_workers == 1 else (
        f"; {n_workers} worker processes, each with its own copy of the models (about "
        f"{check.rss_mb:,.0f} MB each)")
    typer.echo(f"zhtext serve: http://{shown}:{bound_port}/ (API docs /docs); models: "
               f"{names}{how}", err=True)
    options: dict[str, Any] = {"log_config": None, "access_log": False,
                               "server_header": False, "lifespan": "on",
                               "timeout_graceful_shutdown": round(graceful_timeout)}
    if n_workers > 1:
        _run_workers(sock, n_workers, options, models=list(models or []), settings=settings,
                     access_log=log)
    else:
        server = uvicorn.Server(uvicorn.Config(app, **options))
        previous = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            server.run(sockets=[sock])
        except _Stop:
            pass
        finally:
            for s, h in previous.items():
                signal.signal(s, h)
            sock.close()
    typer.echo("zhtext serve: stopped", err=True)


def _run_workers(sock: socket.socket, n: int, options: dict[str, Any], *, models: list[str],
                 settings: Any, access_log: bool) -> None:
    """Serve from ``n`` spawned worker processes until SIGTERM / SIGINT (uvicorn's supervisor).

    Raises:
        ZhtextError: A worker failed to start (its reason is printed above); the others are
            stopped.
    """
    import dataclasses
    import os

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from zhtext.serve.workers import ENV_VAR, FACTORY, STARTUP_FAILURE, WorkerConfig

    cfg = WorkerConfig(models=models, settings=dataclasses.asdict(settings),
                       access_log=access_log, log_level=logging.getLogger().getEffectiveLevel())
    os.environ[ENV_VAR] = cfg.to_env()  # the spawned workers inherit it
    # A worker answers the supervisor's health check from a thread; on a loaded machine (or
    # while it loads its models) give it time rather than killing and restarting it.
    config = uvicorn.Config(FACTORY, factory=True, workers=n, timeout_worker_healthcheck=60,
                            **options)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        supervisor = Multiprocess(config, sockets=[sock])
        supervisor.run()
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
        sock.close()
        os.environ.pop(ENV_VAR, None)
    failed = [p.pid for p in supervisor.processes if p.exitcode == STARTUP_FAILURE]
    if failed:
        raise ZhtextError(f"worker process {failed[0]} failed to start (the reason is above); "
                          "the other workers were stopped")
