"""Artifact kinds and methods by name: the one place zhtext looks things up.

Every directory zhtext writes is of a *kind*, named by the ``task`` of its ``zhtext.json``
(``keywords``, ``topics``, ``classify``, ``tag``, ``vocab``, ``pretrain``, ``comparison``,
``report``). A kind says how to load such a directory, whether and how it is served, and
whether it can segment text. Each task owns its kind (``zhtext/<task>/kind.py``) and its
method table (:class:`Methods`); this module only maps names to them, imported on first use,
so the lower layers (``zhtext.text``, the artifact format) reach a task without importing it.

Third-party packages add kinds and methods through entry points::

    [project.entry-points."zhtext.kinds"]
    mykind = "mypackage.kind:MyKind"          # an ArtifactKind subclass

    [project.entry-points."zhtext.classify.methods"]
    mymethod = "mypackage.method:MyMethod"    # whatever the task's method table expects

Example:
    >>> get_kind("classify").made_by
    'zhtext classify train'
    >>> "tag" in kind_names()
    True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module, metadata
from pathlib import Path
from typing import Any, ClassVar

from zhtext.errors import InputError, ZhtextError

__all__ = ["ArtifactKind", "Methods", "get_kind", "kind_names", "load_object"]

# The built-in kinds: one line each. ``module:attribute`` of an ArtifactKind subclass.
_KINDS: dict[str, str] = {
    "keywords": "zhtext.keywords.kind:KeywordsKind",
    "topics": "zhtext.topics.kind:TopicsKind",
    "classify": "zhtext.classify.kind:ClassifyKind",
    "tag": "zhtext.tag.kind:TagKind",
    "vocab": "zhtext.pretrain.kind:VocabKind",
    "pretrain": "zhtext.pretrain.kind:MaskedLMKind",
    "comparison": "zhtext.evaluate.kind:ComparisonKind",
    "report": "zhtext.evaluate.kind:ReportKind",
}
KIND_ENTRY_POINTS = "zhtext.kinds"


def load_object(target: str) -> Any:
    """The object a ``module:attribute`` string names, imported now."""
    module, _, name = target.partition(":")
    obj = import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _entry_points(group: str) -> dict[str, metadata.EntryPoint]:
    return {ep.name: ep for ep in metadata.entry_points(group=group)}


class ArtifactKind:
    """What zhtext knows about one kind of directory it writes.

    Subclasses set the class attributes and override what applies; the defaults say "not
    served" and "cannot segment".

    Attributes:
        name: The ``task`` written in ``zhtext.json``.
        made_by: The command that makes it (for error messages).
        route: The server's task for it (``POST /v1/<route>``), or ``None`` if not served.
    """

    name: ClassVar[str]
    made_by: ClassVar[str]
    route: ClassVar[str | None] = None

    def load(self, path: Path, manifest: Mapping[str, Any]) -> Any:
        """The object the directory holds (``zhtext.load`` returns it)."""
        raise NotImplementedError

    def info(self, obj: Any) -> dict[str, Any]:
        """What ``GET /v1/models`` shows of a loaded object (labels, topics, ...)."""
        return {}

    def run(self, obj: Any, texts: list[str], options: Mapping[str, int],
            info: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The JSON-ready answer for each text, in order (served kinds only).

        ``options`` are the request's (``top_k``, ...); ``info`` is what :meth:`info` gave
        when the model was loaded, so per-model work is done once.
        """
        raise ZhtextError(f"{self.name!r} artifacts are not served")

    def thread_safe(self, obj: Any) -> bool:
        """Whether requests may call ``obj`` from several threads at once, unbatched.

        ``False`` (the default) sends every request through one worker thread that batches
        them: right for neural models, and for models holding state two threads must not share.
        """
        return False

    def segmenter(self, obj: Any, path: Path) -> Any:
        """The object as a ``zhtext.text.Segmenter`` (``--segmenter DIR``)."""
        raise InputError(f"a {self.name!r} model cannot segment text; give the directory of a "
                         "model trained with 'zhtext tag train --task cws' (or pos)",
                         path=str(path))


def kind_names() -> list[str]:
    """Every kind this zhtext knows: the built-in ones, then those of installed plug-ins."""
    names = list(_KINDS)
    names += [n for n in _entry_points(KIND_ENTRY_POINTS) if n not in _KINDS]
    return names


def get_kind(name: str, *, path: str | Path | None = None) -> ArtifactKind:
    """The kind of a ``zhtext.json`` ``task``.

    Raises:
        InputError: No built-in kind and no installed plug-in has that name.
    """
    target = _KINDS.get(name)
    if target is not None:
        cls = load_object(target)
    else:
        ep = _entry_points(KIND_ENTRY_POINTS).get(name)
        if ep is None:
            raise InputError(
                f"artifact kind {name!r} is not known to this zhtext (known: "
                f"{', '.join(kind_names())}); it was written by a newer zhtext or a plug-in "
                "that is not installed", path=None if path is None else str(path))
        cls = ep.load()
    kind = cls()
    if not isinstance(kind, ArtifactKind):
        raise ZhtextError(f"kind {name!r} ({cls!r}) is not an ArtifactKind")
    return kind


class Methods:
    """A task's methods by name, imported on first use.

    Args:
        task: The task (``classify``, ``tag``, ``keywords``, ``topics``); plug-ins register
            under the entry-point group ``zhtext.<task>.methods``.
        builtins: ``name -> "module:attribute"``, one line per method.
        aliases: Other names of a method: versioned names (``textcnn.v1``) that old
            artifacts and configs use, and older spellings.

    Example:
        >>> m = Methods("demo", {"upper": "builtins:str.upper"}, aliases={"upper.v1": "upper"})
        >>> m.get("upper.v1")("ab")
        'AB'
    """

    def __init__(self, task: str, builtins: Mapping[str, str], *,
                 aliases: Mapping[str, str] | None = None) -> None:
        self.task = task
        self.group = f"zhtext.{task}.methods"
        self._builtins = dict(builtins)
        self._aliases = dict(aliases or {})

    def names(self) -> list[str]:
        """The method names a user may give: built-in ones, then plug-ins'."""
        names = list(self._builtins)
        names += [n for n in _entry_points(self.group) if n not in self._builtins]
        return names

    def __iter__(self) -> Iterator[str]:
        """The names of :meth:`names` (so a table reads like the tuple of names it replaced)."""
        return iter(self.names())

    def canonical(self, name: str) -> str:
        """The method's own name (an alias resolved); unknown names are returned as given."""
        return self._aliases.get(name, name)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        name = self.canonical(name)
        return name in self._builtins or name in _entry_points(self.group)

    def get(self, name: str) -> Any:
        """The method's implementation, imported now.

        Raises:
            ZhtextError: Unknown name; the message lists the valid names.
        """
        name = self.canonical(name)
        target = self._builtins.get(name)
        if target is not None:
            return load_object(target)
        ep = _entry_points(self.group).get(name)
        if ep is None:
            raise ZhtextError(f"unknown {self.task} method {name!r}; expected one of: "
                              f"{', '.join(self.names())}")
        return ep.load()
