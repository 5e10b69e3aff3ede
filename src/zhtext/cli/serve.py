"""``zhtext serve``: the HTTP API and the web page over loaded models."""

from __future__ import annotations

import logging
import signal
import socket
import sys
from types import FrameType
from typing import Annotated

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
    max_body_bytes: Annotated[int, typer.Option(
        "--max-body-bytes", min=1, help="Largest request body (larger: 413).")] = 1 << 20,
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
    access_log: Annotated[bool, typer.Option(
        "--access-log/--no-access-log",
        help="One JSON line per request on standard output.")] = True,
) -> None:
    """Serve models over HTTP: POST /v1/keywords, /v1/classify, /v1/tag, /v1/topics.

    Also GET /v1/models, /health, the API docs at /docs, and a web page at / to try \
the models. Every model loads before the server listens; a directory that fails to load \
stops the start-up with the reason. SIGTERM or Ctrl-C stop it gracefully.
    """
    try:
        import uvicorn

        from zhtext.serve.app import create_app
    except ImportError as e:
        raise ZhtextError(f"zhtext serve needs fastapi and uvicorn ({e}): "
                          "pip install 'zhtext[serve]'") from None
    from zhtext.serve.config import ServeSettings
    from zhtext.serve.models import ModelRegistry

    settings = ServeSettings(max_body_bytes=max_body_bytes, max_batch=max_batch,
                             max_text_chars=max_text_chars, batch_wait_ms=batch_wait_ms,
                             batch_size=batch_size)
    sock = _bind(host, port)
    try:
        registry = ModelRegistry.load(models or [])
        app = create_app(registry, settings=settings)
    except BaseException:
        sock.close()
        raise
    if access_log:
        access = logging.getLogger("zhtext.serve.access")
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.propagate = False
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    if not _is_loopback(sock):
        logger.warning("listening on %s, reachable from other machines; the API has no "
                       "authentication", bound_host)
    names = ", ".join(f"{m.name} ({m.task} {m.method})" for m in registry)
    typer.echo(f"zhtext serve: http://{shown}:{bound_port}/ (API docs /docs); models: {names}",
               err=True)
    config = uvicorn.Config(app, log_config=None, access_log=False, server_header=False,
                            timeout_graceful_shutdown=round(graceful_timeout),
                            lifespan="on")
    server = uvicorn.Server(config)
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
