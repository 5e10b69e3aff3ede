"""The models a server holds: loaded once at start-up, looked up by task and name per request.

A model is an artifact directory (``zhtext.json`` says its task) or the built-in keyword
extractor (``tfidf`` with the built-in IDF table), which is always there. Each model is run on
a short sample text when it is loaded, so that segmenter dictionaries, CRF models and lazily
built parts are ready before the first request, and a model that loads but cannot predict
stops the start-up instead of failing requests later.
"""

from __future__ import annotations

import logging
import pickle
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhtext.errors import InputError, ZhtextError, add_note
from zhtext.parallel import no_forking
from zhtext.registry import get_kind

__all__ = [
    "BAD_MODEL_ERRORS",
    "BUILTIN",
    "TASKS",
    "ModelLookupError",
    "ModelRegistry",
    "Options",
    "ServedModel",
    "parse_spec",
]

logger = logging.getLogger(__name__)

# The routes of the HTTP app (POST /v1/<task>); each is the ``route`` of an artifact kind.
TASKS = ("keywords", "classify", "tag", "topics")
BUILTIN = "builtin"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_SAMPLE = "深度学习推动了自然语言处理的发展。陈静今天在北京考察。"

# What loading or warming up a model raises when the directory is not a usable model: missing
# or unreadable files (OSError), bad JSON, arrays or values (ValueError, which JSONDecodeError,
# UnicodeDecodeError and zhtext's own errors are), truncated pickles and archives. Anything else
# (TypeError, AttributeError, KeyError, RuntimeError, ...) is a bug in zhtext: it keeps its
# traceback, with a note saying so.
BAD_MODEL_ERRORS: tuple[type[BaseException], ...] = (
    ZhtextError, OSError, ValueError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile)

# Request options of one call (e.g. (("top_k", 5),)): hashable, so that concurrent requests
# with the same options can share one batched call.
Options = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ServedModel:
    """One loaded model.

    Attributes:
        name: The name requests use (``"model"`` in a request body).
        task: ``keywords``, ``classify``, ``tag`` or ``topics``.
        method: The method within the task (``tfidf``, ``linear``, ``crf``, ``lda``, ...).
        path: The artifact directory, or ``None`` for the built-in keyword extractor.
        obj: The loaded object (an extractor, ``TextClassifier``, ``Tagger``, ``TopicModel``).
        batched: Concurrent requests are gathered into one call in the model's own worker
            thread (neural models, and models that must not run in two threads at once);
            otherwise requests run directly in a thread pool.
        info: What ``GET /v1/models`` shows besides the above (labels, tag task, topics).
    """

    name: str
    task: str
    method: str
    path: str | None
    obj: Any
    batched: bool
    info: dict[str, Any] = field(default_factory=dict)

    def run(self, texts: list[str], options: Options = ()) -> list[dict[str, Any]]:
        """The JSON-ready result of each text, in order (the records of the Python API)."""
        return get_kind(self.task).run(self.obj, texts, dict(options), self.info)

    def describe(self, *, default: bool) -> dict[str, Any]:
        """The model as ``GET /v1/models`` lists it."""
        return {"name": self.name, "task": self.task, "method": self.method,
                "path": self.path, "builtin": self.path is None, "default": default,
                "batched": self.batched, **self.info}


class ModelLookupError(ZhtextError):
    """A request names a model that is not loaded, or names none where several could serve.

    Args:
        message: What is wrong and which names are valid.
        status: The HTTP status to answer with (404 unknown, 422 ambiguous).
    """

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def parse_spec(spec: str) -> tuple[str, Path]:
    """A command-line model argument (``DIR`` or ``NAME=DIR``) as a name and a directory.

    Raises:
        InputError: The name is not usable in a request (letters, digits, ``.``, ``_``,
            ``-``; 64 characters at most).
    """
    name, sep, rest = spec.partition("=")
    if sep and not Path(spec).exists():
        path = Path(rest)
    else:
        path = Path(spec)
        name = path.resolve().name
    if not _NAME.match(name):
        raise InputError(f"model name {name!r} is not usable in requests; name it with "
                         "NAME=DIR (letters, digits, '.', '_', '-')", path=str(path))
    return name, path


def _bug_note(exc: BaseException, path: Path, what: str) -> None:
    add_note(exc, f"zhtext serve: {what} {path} failed with an unexpected "
                  f"{type(exc).__name__}: this is a bug in zhtext, not a problem with the "
                  "directory; please report it with this traceback")


def _wrap(exc: BaseException, path: Path) -> InputError:
    """A load failure as one ``<dir>: <why>`` error (the directory named once)."""
    if isinstance(exc, InputError) and exc.path is not None and \
            Path(exc.path).resolve().is_relative_to(path.resolve()):
        return exc
    why = str(exc) if isinstance(exc, ZhtextError) else \
        f"cannot load the model ({type(exc).__name__}: {exc})"
    return InputError(why, path=str(path))


def _made_by() -> str:
    return ", ".join(repr(get_kind(t).made_by) for t in TASKS)


def _load_one(name: str, path: Path, *, warm_up: bool) -> ServedModel:
    from zhtext.artifacts import read_manifest

    try:
        manifest = read_manifest(path)
        kind = get_kind(str(manifest.get("task")), path=path)
        if kind.route not in TASKS:
            raise InputError(f"is a {kind.name!r} artifact; zhtext serve serves models made by "
                             f"{_made_by()}", path=str(path))
        obj = kind.load(path, manifest)
        no_forking(obj)
        model = ServedModel(name=name, task=kind.route, method=str(manifest.get("method")),
                            path=str(path.resolve()), obj=obj,
                            batched=not kind.thread_safe(obj), info=kind.info(obj))
    except BAD_MODEL_ERRORS as e:
        raise _wrap(e, path) from None
    except Exception as e:
        _bug_note(e, path, "loading")
        raise
    if warm_up:
        try:
            model.run([_SAMPLE], ())
        except BAD_MODEL_ERRORS as e:
            raise InputError(f"the model loads but fails on a sample text ({type(e).__name__}: "
                             f"{e})", path=str(path)) from None
        except Exception as e:
            _bug_note(e, path, "running the model loaded from")
            raise
    logger.info("loaded %s model %r (%s) from %s", kind.route, name, model.method, path)
    return model


def builtin_keywords(*, warm_up: bool = True) -> ServedModel:
    """The built-in keyword extractor (``tfidf``, built-in IDF table), always served."""
    from zhtext.keywords import get_extractor

    model = ServedModel(name=BUILTIN, task="keywords", method="tfidf", path=None,
                        obj=get_extractor("tfidf"), batched=False)
    if warm_up:
        model.run([_SAMPLE], ())
    return model


class ModelRegistry:
    """The loaded models of one app, by task and name.

    Args:
        models: The models; names must be unique.

    Raises:
        InputError: Two models share a name (name them with ``NAME=DIR``).

    Example:
        >>> reg = ModelRegistry.load([])  # doctest: +SKIP
        >>> reg.get("keywords", None).name  # doctest: +SKIP
        'builtin'
    """

    def __init__(self, models: Iterable[ServedModel]) -> None:
        self._models: dict[str, ServedModel] = {}
        for m in models:
            if m.task not in TASKS:
                raise ZhtextError(f"model {m.name!r} has task {m.task!r}; expected one of: "
                                  f"{', '.join(TASKS)}")
            if m.name in self._models:
                raise InputError(f"two models are named {m.name!r}; give each its own name with "
                                 "NAME=DIR", path=m.path)
            self._models[m.name] = m

    @classmethod
    def load(cls, specs: Sequence[str | Path], *, builtin: bool = True,
             warm_up: bool = True) -> ModelRegistry:
        """Load every model named by ``specs`` (``DIR`` or ``NAME=DIR``), all or none.

        Args:
            specs: Artifact directories, optionally named (``news=models/news-linear``).
            builtin: Add the built-in keyword extractor (named ``builtin``).
            warm_up: Run each model once on a sample text.

        Raises:
            InputError: A directory is missing, damaged, not a servable model, or fails on
                the sample text; the message starts with the directory.
        """
        parsed = [parse_spec(str(s)) for s in specs]
        seen: dict[str, Path] = {}
        for name, path in parsed:
            if name in seen or (builtin and name == BUILTIN):
                raise InputError(f"model name {name!r} is used twice; name them with NAME=DIR",
                                 path=str(path))
            seen[name] = path
        models = [builtin_keywords(warm_up=warm_up)] if builtin else []
        models.extend(_load_one(name, path, warm_up=warm_up) for name, path in parsed)
        return cls(models)

    def __iter__(self) -> Iterator[ServedModel]:
        return iter(self._models.values())

    def __len__(self) -> int:
        return len(self._models)

    def for_task(self, task: str) -> list[ServedModel]:
        """The models of a task, in load order."""
        return [m for m in self._models.values() if m.task == task]

    def default(self, task: str) -> ServedModel | None:
        """The model a request without ``"model"`` gets, if there is exactly one candidate.

        The one loaded model of the task; for keywords with no keyword model loaded, the
        built-in extractor; ``None`` when several are loaded or none.
        """
        loaded = [m for m in self.for_task(task) if m.path is not None]
        if len(loaded) == 1:
            return loaded[0]
        if not loaded:
            builtin = [m for m in self.for_task(task) if m.path is None]
            return builtin[0] if builtin else None
        return None

    def get(self, task: str, name: str | None) -> ServedModel:
        """The model for a request.

        Raises:
            ModelLookupError: No such model of this task (404), or no name given where
                several models of the task are loaded (422); the message lists the names.
        """
        models = self.for_task(task)
        names = ", ".join(m.name for m in models)
        if name is None:
            found = self.default(task)
            if found is not None:
                return found
            if not models:
                raise ModelLookupError(
                    f"no {task} model is loaded; start the server with a directory made by "
                    f"'{get_kind(task).made_by}'", status=404)
            raise ModelLookupError(f"several {task} models are loaded ({names}); say which in "
                                   '"model"', status=422)
        model = self._models.get(name)
        if model is None or model.task != task:
            other = f" (it is a {model.task} model)" if model is not None else ""
            raise ModelLookupError(
                f"no {task} model named {name!r}{other}; "
                + (f"the {task} models are: {names}" if models else f"no {task} model is loaded"),
                status=404)
        return model

    def describe(self) -> list[dict[str, Any]]:
        """Every model as ``GET /v1/models`` lists it."""
        defaults = {t: self.default(t) for t in TASKS}
        return [m.describe(default=defaults[m.task] is m) for m in self._models.values()]
