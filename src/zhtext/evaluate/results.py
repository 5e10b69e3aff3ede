"""Evaluation results as zhtext loads them back: a saved report, a comparison of methods."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhtext.errors import InputError

__all__ = ["Comparison", "SavedReport"]


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("missing; the directory is damaged", path=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"is not valid JSON ({e}); the directory is damaged",
                         path=str(path)) from None


@dataclass(frozen=True)
class SavedReport:
    """An evaluation written by ``classify evaluate -o`` / ``tag evaluate -o``.

    Attributes:
        path: The report directory (``report.html`` inside).
        method: The evaluated model's method.
        model: The evaluated model's directory.
        data: The file it was evaluated on.
        metrics: ``metrics.json``.
    """

    path: Path
    method: str
    model: str
    data: str
    metrics: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> SavedReport:
        """Read a report directory."""
        p = Path(path)
        manifest = _json(p / "zhtext.json")
        return cls(path=p, method=str(manifest.get("method")), model=str(manifest.get("model")),
                   data=str(manifest.get("data")), metrics=_json(p / "metrics.json"))


@dataclass(frozen=True)
class Comparison:
    """A leaderboard written by ``classify compare -o``, with the models it trained.

    Attributes:
        path: The directory (``leaderboard.html`` inside).
        rows: One row per method (accuracy, macro F1, speed, size), as in ``leaderboard.json``.
    """

    path: Path
    rows: list[dict[str, Any]]

    @classmethod
    def load(cls, path: str | Path) -> Comparison:
        """Read a comparison directory (its models load on demand, with :meth:`model`)."""
        p = Path(path)
        return cls(path=p, rows=list(_json(p / "leaderboard.json")))

    @property
    def methods(self) -> list[str]:
        """The compared methods, in leaderboard order."""
        return [str(r["method"]) for r in self.rows]

    def model(self, method: str) -> Any:
        """The trained model of one method (a ``TextClassifier``).

        Raises:
            InputError: No model of that method in the comparison.
        """
        if method not in self.methods:
            raise InputError(f"no {method!r} model here; the methods are: "
                             f"{', '.join(self.methods)}", path=str(self.path))
        from zhtext.artifacts import load

        return load(self.path / method)
