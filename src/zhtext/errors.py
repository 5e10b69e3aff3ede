"""The exceptions zhtext raises for problems a user can fix."""

from __future__ import annotations

__all__ = ["InputError", "NotFittedError", "ZhtextError", "add_note"]


class ZhtextError(ValueError):
    """Base class of every error zhtext raises for a user mistake.

    The message says what was expected, what was found and how to fix it; the command line
    prints it without a traceback and exits with a non-zero code.
    """


class InputError(ZhtextError):
    """A file or value given by the user cannot be used.

    Args:
        message: What is wrong and how to fix it.
        path: The file concerned, if any.
        line: The 1-based line number concerned, if any.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)


class NotFittedError(ZhtextError, AttributeError):
    """An estimator was used before ``fit``."""

    def __init__(self, obj: object, what: str = "fit") -> None:
        name = type(obj).__name__
        super().__init__(
            f"This {name} instance is not fitted yet. Call '{what}' with appropriate "
            "arguments before using this estimator."
        )


def add_note(exc: BaseException, note: str) -> None:
    """Attach ``note`` to ``exc`` so its traceback shows it (PEP 678; kept on Python 3.10 too)."""
    notes = getattr(exc, "__notes__", None)
    if not isinstance(notes, list):
        notes = []
        exc.__notes__ = notes  # type: ignore[attr-defined]
    notes.append(note)
