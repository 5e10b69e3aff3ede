"""The HTTP app: ``create_app`` builds a FastAPI app over models loaded once.

Routes: ``POST /v1/keywords``, ``/v1/classify``, ``/v1/tag``, ``/v1/topics`` (batch in, batch
out), ``GET /v1/models``, ``/health``, the OpenAPI docs (``/docs``, ``/openapi.json``) and the
web page at ``/``. A request body is read as JSON whatever its ``Content-Type`` (``curl -d``
sends a form type). Every error is ``{"error": message, "detail": [...]}`` with a status that
says whose fault it is: 400 (not JSON), 404 (unknown model or route), 405 (a method the path
does not take; ``Allow`` lists those it does), 413 (body too large), 422 (valid JSON that does
not fit: wrong types, empty batch, too many or too long texts, an empty text to classify, an
ambiguous model), 500 (a bug; logged with its traceback), 503 (shutting down). The request
schemas carry the app's limits, so the OpenAPI description declares what is enforced.

Model calls run off the event loop: quick thread-safe models (linear classifiers, tfidf /
textrank keywords) directly in the thread pool, the others through a
:class:`~zhtext.serve.batching.MicroBatcher` each. An access log line (JSON) per request goes
to the ``zhtext.serve.access`` logger.
"""

from __future__ import annotations

import inspect
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from zhtext.errors import ZhtextError
from zhtext.serve.batching import BatcherClosedError, MicroBatcher
from zhtext.serve.config import ServeSettings
from zhtext.serve.models import ModelLookupError, ModelRegistry, Options, ServedModel
from zhtext.serve.schemas import (
    ClassifyRequest,
    ClassifyResponse,
    ErrorResponse,
    KeywordsRequest,
    KeywordsResponse,
    ModelsResponse,
    TagRequest,
    TagResponse,
    TopicsRequest,
    TopicsResponse,
    request_models,
)

__all__ = ["create_app"]

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("zhtext.serve.access")

STATIC = Path(__file__).parent / "static"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_JSON_TYPE = (b"content-type", b"application/json")
_REQUESTS: dict[str, type[Any]] = {"/v1/keywords": KeywordsRequest,
                                   "/v1/classify": ClassifyRequest, "/v1/tag": TagRequest,
                                   "/v1/topics": TopicsRequest}
_EXAMPLE = '{"texts": ["..."]}'


def _error(status: int, message: str, detail: Sequence[dict[str, str]] = ()) -> JSONResponse:
    return JSONResponse({"error": message, "detail": list(detail)}, status_code=status)


def _error_bytes(message: str) -> bytes:
    return json.dumps({"error": message, "detail": []}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


class _Guard:
    """Pure ASGI middleware: the body-size limit and the access log.

    The body is read here, counted as it arrives, and handed on in one piece: a declared
    ``Content-Length`` over the limit is refused before anything is read, a streamed body as
    soon as the limit is passed. The body is handed on as JSON whatever its ``Content-Type``
    (the one sent is kept as ``scope["zhtext.content_type"]`` for error messages): the API
    takes nothing else, and ``curl -d`` sends ``application/x-www-form-urlencoded``.
    """

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def _refuse(self, send: Send, status: int, message: str) -> None:
        body = _error_bytes(message)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    def _too_large(self) -> str:
        return (f"the request body is larger than {self.max_body_bytes:,} bytes, this "
                "server's limit (--max-body-bytes); send fewer or shorter texts per request")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            if scope["method"] in _BODY_METHODS:
                body = await self._read(scope, receive, send_status)
                if body is None:
                    return
                headers = [h for h in scope["headers"] if h[0] != b"content-type"]
                scope = {**scope, "headers": [*headers, _JSON_TYPE], "zhtext.content_type":
                         dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")}
                sent = False

                async def replay() -> Message:
                    nonlocal sent
                    if not sent:
                        sent = True
                        return {"type": "http.request", "body": body, "more_body": False}
                    return await receive()

                await self.app(scope, replay, send_status)
            else:
                await self.app(scope, receive, send_status)
        finally:
            if access_logger.isEnabledFor(logging.INFO):
                client = scope.get("client")
                access_logger.info(json.dumps({
                    "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                    "method": scope["method"], "path": scope["path"], "status": status,
                    "ms": round((time.perf_counter() - start) * 1000, 2),
                    "batch": scope.get("zhtext.batch"), "model": scope.get("zhtext.model"),
                    "client": client[0] if client else None}, ensure_ascii=False))

    async def _read(self, scope: Scope, receive: Receive, send: Send) -> bytes | None:
        """The whole body, or ``None`` after answering 400 / 413 (or a disconnect)."""
        for key, value in scope["headers"]:
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await self._refuse(send, 400, "the Content-Length header is not a number")
                    return None
                if declared > self.max_body_bytes:
                    await self._refuse(send, 413, self._too_large())
                    return None
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._refuse(send, 413, self._too_large())
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _where(loc: Sequence[int | str]) -> str:
    """``("body", "texts", 2)`` -> ``texts[2]``."""
    parts = list(loc[1:] if loc and loc[0] == "body" else loc)
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "body"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _validation_items(errors: Sequence[Any], path: str,
                      cfg: ServeSettings) -> list[dict[str, str]]:
    fields = list(getattr(_REQUESTS.get(path), "model_fields", {}))
    items = []
    for e in errors:
        loc = tuple(e.get("loc", ()))
        where = _where(loc)
        kind = str(e.get("type", ""))
        msg = str(e.get("msg", "invalid"))
        given = e.get("input")
        if where == "body" and kind == "missing":
            msg = f"the request body is missing; send a JSON object such as {_EXAMPLE}"
        elif where == "texts" and kind == "too_long" and isinstance(given, list):
            msg = (f"{len(given)} texts in one request; this server takes at most "
                   f"{cfg.max_batch} (--max-batch)")
        elif where.startswith("texts[") and kind == "string_too_long" and \
                isinstance(given, str):
            msg = (f"{len(given):,} characters; this server takes at most "
                   f"{cfg.max_text_chars:,} per text (--max-text-chars)")
        elif where.startswith("texts[") and kind == "string_pattern_mismatch":
            what = "empty" if given == "" else "only whitespace"
            msg = (f"is {what}: there is nothing to {path.rsplit('/', 1)[-1]}; leave it out of "
                   "the batch")
        elif kind == "less_than_equal" and where == "top_k":
            msg = f"should be at most {cfg.max_top_k}, this server's limit, got {_short(given)}"
        elif where == "body":
            msg = (f"the request body must be a JSON object such as {_EXAMPLE}, got "
                   f"{_short(e.get('input'))}")
        elif kind == "extra_forbidden":
            msg = f"unknown field; this endpoint takes: {', '.join(fields)}"
        elif where == "texts" and kind == "too_short":
            msg = "the batch is empty; send at least one text"
        elif kind.endswith(("_type", "_parsing")) and "input" in e:
            msg = f"{msg}, got {_short(e['input'])}"
        items.append({"loc": where, "msg": msg, "type": kind})
    return items


def _summary(items: Sequence[dict[str, str]]) -> str:
    shown = [i["msg"] if i["loc"] == "body" else
             f"{i['loc']} {i['msg']}" if i["msg"].startswith("is ") else
             f"{i['loc']}: {i['msg']}" for i in items[:5]]
    more = f"; and {len(items) - 5} more" if len(items) > 5 else ""
    return "; ".join(shown) + more


class _Runner:
    """Runs models off the event loop: batched models through their batcher."""

    def __init__(self, registry: ModelRegistry, settings: ServeSettings) -> None:
        self._batchers: dict[str, MicroBatcher[Options]] = {
            m.name: MicroBatcher(m.run, max_wait=settings.batch_wait_ms / 1000.0,
                                 max_texts=settings.batch_size, name=m.name)
            for m in registry if m.batched}

    async def run(self, model: ServedModel, texts: list[str],
                  options: Options) -> list[dict[str, Any]]:
        batcher = self._batchers.get(model.name)
        if batcher is not None:
            return await batcher.submit(texts, options)
        return await anyio.to_thread.run_sync(model.run, texts, options)

    async def aclose(self) -> None:
        for batcher in self._batchers.values():
            await batcher.aclose()


def create_app(models: ModelRegistry | Sequence[str | Path] = (), *,
               settings: ServeSettings | None = None) -> FastAPI:
    """The FastAPI app serving ``models``.

    Args:
        models: A loaded :class:`ModelRegistry`, or artifact directories (``DIR`` or
            ``NAME=DIR``) to load now, with the built-in keyword extractor added.
        settings: Limits and batching (defaults: :class:`ServeSettings`).

    Raises:
        InputError: A directory fails to load (``<dir>: <why>``); nothing is served.

    Example:
        >>> from fastapi.testclient import TestClient  # doctest: +SKIP
        >>> client = TestClient(create_app(["news-linear"]))  # doctest: +SKIP
        >>> client.post("/v1/classify", json={"texts": ["央行宣布降准"]}).json()  # doctest: +SKIP
        {'model': 'news-linear', 'results': [{'label': '财经', ...}]}
    """
    from zhtext import __version__

    registry = models if isinstance(models, ModelRegistry) else ModelRegistry.load(models)
    cfg = settings or ServeSettings()
    runner = _Runner(registry, cfg)
    requests = request_models(max_batch=cfg.max_batch, max_text_chars=cfg.max_text_chars,
                              max_top_k=cfg.max_top_k)
    limits = {"max_batch": cfg.max_batch, "max_text_chars": cfg.max_text_chars,
              "max_body_bytes": cfg.body_bytes, "max_top_k": cfg.max_top_k}
    models_body = {"models": registry.describe(), "limits": limits}
    index_html = (STATIC / "index.html").read_text(encoding="utf-8")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await runner.aclose()

    docs_assets = _swagger_assets()
    app = FastAPI(
        docs_url=None if docs_assets else "/docs",
        redoc_url=None if docs_assets else "/redoc",
        title="zhtext",
        version=__version__,
        summary="Chinese keywords, classification, tagging and topics over HTTP.",
        description=(
            "Batch in, batch out: `{\"texts\": [...]}` in, `{\"results\": [...]}` out, one "
            "result per text in order. Add `\"model\"` when several models of a task are "
            "loaded (`GET /v1/models`). The body is read as JSON whatever its Content-Type "
            "(`curl -d '{\"texts\": [...]}' URL` works as it is). Limits: at most "
            f"{cfg.max_batch} texts per request, {cfg.max_text_chars:,} characters per text, "
            f"`top_k` at most {cfg.max_top_k}, {cfg.body_bytes:,} bytes per body (413). "
            "Texts to classify or to infer topics of must not be empty or only whitespace "
            "(422); keywords and tags of an empty text are empty lists. Errors are "
            "`{\"error\": message, \"detail\": [{\"loc\", \"msg\", \"type\"}]}`; "
            "a method a path does not take is answered 405 with `Allow` listing those it "
            "does."),
        lifespan=lifespan,
    )
    app.add_middleware(_Guard, max_body_bytes=cfg.body_bytes)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        for e in errors:
            if e.get("type") == "json_invalid":
                loc = tuple(e.get("loc", ()))
                at = f" (at character {loc[1]})" if len(loc) > 1 else ""
                why = (e.get("ctx") or {}).get("error", "not JSON")
                msg = f"the request body is not valid JSON: {why}{at}"
                sent = str(request.scope.get("zhtext.content_type") or "")
                if sent and "json" not in sent:
                    msg += (f" (it was sent as {sent.split(';')[0]}; the API reads every body "
                            f"as JSON: send a JSON object such as {_EXAMPLE})")
                return _error(400, msg, [{"loc": "body", "msg": msg, "type": "json_invalid"}])
        items = _validation_items(errors, request.url.path, cfg)
        return _error(422, _summary(items), items)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 404:
            message = (f"no route {request.url.path!r}; the API is POST /v1/keywords, "
                       "/v1/classify, /v1/tag, /v1/topics and GET /v1/models (docs: /docs)")
        allow = (exc.headers or {}).get("Allow")
        if exc.status_code == 405 and allow:
            message = (f"{request.method} is not allowed on {request.url.path}; it takes "
                       f"{allow}")
        response = _error(exc.status_code, message)
        response.headers.update(exc.headers or {})
        return response

    errors: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorResponse, "description": what} for code, what in (
            (400, "The body is not valid JSON (it is read as JSON whatever its "
                  "Content-Type)."),
            (404, "No model of that name (or none of this task) is loaded."),
            (413, f"The body is larger than {cfg.body_bytes:,} bytes, this server's "
                  "limit."),
            (422, "Wrong types, unknown fields, an empty batch, more than "
                  f"{cfg.max_batch} texts, a text longer than {cfg.max_text_chars:,} "
                  f"characters, top_k over {cfg.max_top_k}, an empty text to classify or to "
                  "infer topics of, a text the model refuses, or no model named where "
                  "several are loaded."),
            (500, "A bug: the model failed; the server log has the traceback."),
            (503, "The server is shutting down; retry on another instance."))}

    async def serve(request: Request, task: str, body: Any, options: Options) -> Response:
        texts: list[str] = body.texts
        request.scope["zhtext.batch"] = len(texts)
        try:
            model = registry.get(task, body.model)
        except ModelLookupError as e:
            return _error(e.status, str(e), [{"loc": "model", "msg": str(e),
                                              "type": "model_not_found" if e.status == 404
                                              else "model_ambiguous"}])
        request.scope["zhtext.model"] = model.name
        try:
            results = await runner.run(model, texts, options)
        except BatcherClosedError:
            return _error(503, "the server is shutting down; retry on another instance")
        except ZhtextError as e:
            return _error(422, str(e))
        except Exception:
            logger.exception("model %r failed on a batch of %d texts", model.name, len(texts))
            return _error(500, f"model {model.name!r} failed on this request; the server log "
                               "has the details")
        return JSONResponse({"model": model.name, "results": results})

    routes = (("keywords", KeywordsResponse, ("top_k",),
               "Keywords of each text, best first, with the offsets of their first occurrence."),
              ("classify", ClassifyResponse, (),
               "The predicted label of each text, with every class's probability."),
              ("tag", TagResponse, (),
               "Words (segmentation, POS) or entities (NER) of each text, with offsets."),
              ("topics", TopicsResponse, ("top_k",), "The topics of each text, heaviest first."))
    for task, response_model, option_names, doc in routes:
        endpoint = _endpoint(serve, task, requests[task], option_names)
        app.post(f"/v1/{task}", response_model=response_model, responses=errors,
                 tags=["models"], name=task, description=doc)(endpoint)

    @app.get("/v1/models", response_model=ModelsResponse, tags=["service"])
    async def list_models() -> Response:
        """The loaded models (name, task, method, labels, ...) and the request limits."""
        return JSONResponse(models_body)

    @app.get("/health", tags=["service"])
    async def health() -> Response:
        """``{"status": "ok"}`` once the models are loaded (they load before listening)."""
        return JSONResponse({"status": "ok", "models": len(registry),
                             "tasks": sorted({m.task for m in registry})})

    @app.get("/", include_in_schema=False)
    async def index() -> Response:
        return HTMLResponse(index_html)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if docs_assets:  # Swagger UI and ReDoc from the installed files: the docs work offline
        from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

        app.mount("/docs-assets", StaticFiles(directory=docs_assets), name="docs-assets")
        spec_url = app.openapi_url or "/openapi.json"

        @app.get("/docs", include_in_schema=False)
        async def docs() -> Response:
            return get_swagger_ui_html(
                openapi_url=spec_url, title="zhtext API",
                swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                swagger_css_url="/docs-assets/swagger-ui.css", swagger_favicon_url="data:,")

        @app.get("/redoc", include_in_schema=False)
        async def redoc() -> Response:
            return get_redoc_html(openapi_url=spec_url, title="zhtext API",
                                  redoc_js_url="/docs-assets/redoc.standalone.js",
                                  redoc_favicon_url="data:,", with_google_fonts=False)

    return app


def _endpoint(serve: Callable[..., Awaitable[Response]], task: str, body_model: type[Any],
              option_names: Sequence[str]) -> Callable[..., Awaitable[Response]]:
    """The route function of ``POST /v1/<task>``, its body typed with this app's class."""

    async def endpoint(request: Request, body: Any) -> Response:
        return await serve(request, task, body,
                           tuple((k, getattr(body, k)) for k in option_names))

    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("request", kind, annotation=Request),
         inspect.Parameter("body", kind, annotation=body_model)],
        return_annotation=Response)
    endpoint.__name__ = task
    return endpoint


def _swagger_assets() -> str | None:
    """The directory of installed Swagger UI 5 and ReDoc files (``fastapi-offline``), if any.

    FastAPI's default ``/docs`` and ``/redoc`` pages load their scripts from a CDN, which
    leaves them blank on a machine without internet access; with the files installed they
    are served by the app itself.
    """
    from importlib.util import find_spec

    spec = find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        return None
    static = Path(next(iter(spec.submodule_search_locations))) / "static"
    return str(static) if (static / "swagger-ui-bundle.js").is_file() else None
