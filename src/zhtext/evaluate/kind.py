"""The artifact kinds of evaluation: a saved report and a comparison of methods."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from zhtext.registry import ArtifactKind

__all__ = ["ComparisonKind", "ReportKind"]


class ReportKind(ArtifactKind):
    """Made by ``zhtext classify evaluate -o`` / ``tag evaluate -o``."""

    name: ClassVar[str] = "report"
    made_by: ClassVar[str] = "zhtext classify evaluate -o"

    def load(self, path: Path, manifest: Mapping[str, Any]) -> Any:
        """The :class:`~zhtext.evaluate.results.SavedReport`."""
        from zhtext.evaluate.results import SavedReport

        return SavedReport.load(path)


class ComparisonKind(ArtifactKind):
    """Made by ``zhtext classify compare -o``."""

    name: ClassVar[str] = "comparison"
    made_by: ClassVar[str] = "zhtext classify compare -o"

    def load(self, path: Path, manifest: Mapping[str, Any]) -> Any:
        """The :class:`~zhtext.evaluate.results.Comparison`."""
        from zhtext.evaluate.results import Comparison

        return Comparison.load(path)
