"""What a classification method implements: the backend behind ``TextClassifier``.

A method is a class registered under its name in :data:`zhtext.classify.methods.METHODS`
(or, from another package, under the entry-point group ``zhtext.classify.methods``). The
facade encodes labels, checks data, writes the artifact and looks everything else up here:
the settings dataclass, how to train, predict, save and load, and the few facts the
command line and the ONNX export ask (``checkpointed``, ``needs_encoder``, ``exportable``).

The smallest method::

    @dataclass
    class MajoritySettings:
        smoothing: float = 1.0

    class Majority(ClassifierBackend):
        settings_class = MajoritySettings

        def fit(self, texts, y, labels, **kw):
            self.proba_ = (np.bincount(y, minlength=len(labels)) + self.settings.smoothing)
            self.proba_ = self.proba_ / self.proba_.sum()
            return self

        def predict_proba(self, texts):
            return np.tile(self.proba_, (len(texts), 1))

        def save(self, d):
            return {"majority": self.proba_.tolist()}

        @classmethod
        def load(cls, d, manifest):
            obj = cls(MajoritySettings())
            obj.proba_ = np.asarray(manifest["majority"])
            return obj
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from zhtext.errors import InputError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["ClassifierBackend"]


class ClassifierBackend(ABC):
    """A classification method: settings, training, probabilities, its files.

    Attributes:
        settings_class: The dataclass of the method's settings (``--set NAME=VALUE``).
        checkpointed: Training writes checkpoints into a run directory and can resume
            (``fit(output_dir=..., resume=True)``, ``--resume``).
        exportable: ``zhtext export`` can turn a trained model into ONNX (then the export
            hooks below apply).
    """

    settings_class: ClassVar[Any]
    checkpointed: ClassVar[bool] = False
    exportable: ClassVar[bool] = False

    def __init__(self, settings: Any = None) -> None:
        self.settings = settings if settings is not None else self.settings_class()

    @classmethod
    def create(cls, method: str, settings: Any) -> ClassifierBackend:
        """A new, unfitted backend of ``method`` (one class may serve several methods)."""
        return cls(settings)

    @classmethod
    def needs_encoder(cls, method: str) -> bool:
        """Whether ``method`` needs ``model=NAME_OR_DIR`` (a pretrained encoder)."""
        return False

    @classmethod
    def default_jobs(cls, manifest: Mapping[str, Any]) -> int:
        """Processes ``classify predict`` starts for a saved model of this method."""
        return 1

    def thread_safe(self) -> bool:
        """Whether several threads may predict at once (the server then skips batching)."""
        return False

    @abstractmethod
    def fit(self, texts: Sequence[str], y: np.ndarray, labels: list[str], *,
            multi_label: bool = False, dev: tuple[Sequence[str], np.ndarray] | None = None,
            work_dir: Path | None = None, resume: bool = False) -> ClassifierBackend:
        """Learn from texts and class ids; returns ``self``.

        ``y`` is ``(n,)`` (a 0/1 matrix ``(n, classes)`` for multi-label); ``dev`` texts and
        targets serve early stopping; ``work_dir`` holds checkpoints (``resume``: continue).
        """

    @abstractmethod
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities ``(n, classes)``."""

    @abstractmethod
    def save(self, d: Path) -> dict[str, Any]:
        """Write the model's files into ``d``; returns the entries it adds to ``zhtext.json``."""

    @classmethod
    @abstractmethod
    def load(cls, d: Path, manifest: dict[str, Any]) -> ClassifierBackend:
        """Read what :meth:`save` wrote (``manifest`` is the directory's ``zhtext.json``)."""

    # -- ONNX export hooks (exportable backends) ------------------------------------------
    def export_tokens(self) -> list[str]:
        """Tokens of the vocabulary to make random check texts of."""
        raise InputError("this method cannot be exported to ONNX")

    def export_fusable(self) -> bool:
        """Whether onnxruntime's attention fusion applies (an encoder)."""
        return False

    def export_tokenizer(self, src: Path, dest: Path) -> None:
        """Copy what tokenization needs from the model directory ``src`` into ``dest``."""
        raise InputError("this method cannot be exported to ONNX")
