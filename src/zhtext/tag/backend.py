"""What a tagging method implements: the backend behind ``Tagger``.

A method is a class registered under its name in :data:`zhtext.tag.methods.METHODS` (or,
from another package, under the entry-point group ``zhtext.tag.methods``). The facade turns
annotated sentences into per-character tags, cuts long texts into pieces, decodes spans and
writes the artifact; the backend learns and predicts per-character tags and says the few
facts the facade and the command line ask (``piece_chars``, ``pos_pipeline``,
``checkpointed``, ``needs_encoder``, ``default_jobs``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

__all__ = ["DevMetric", "Progress", "TaggerBackend"]

Progress = Callable[[int, int], None]
DevMetric = Callable[[list[list[str]], list[list[str]]], float]


class TaggerBackend(ABC):
    """A tagging method: settings, training, per-character tags and marginals, its files.

    Attributes:
        settings_class: The dataclass of the method's settings (``--set NAME=VALUE``).
        piece_chars: The longest piece of text given to the model at once (long texts are
            cut at sentence ends into pieces of at most this many characters).
        pos_pipeline: For ``pos`` the characters are tagged with segmentation tags (BMES)
            and the words are then tagged by :meth:`word_tags`; otherwise the character tags
            carry the POS (``B-n``...).
        checkpointed: Training writes checkpoints into a run directory and can resume.
        needs_encoder: Training needs ``model=NAME_OR_DIR`` (a pretrained encoder).
        default_jobs: Processes ``tag predict`` starts for a saved model of this method.
        manifest_fields: The fields of ``zhtext.json`` :meth:`load` needs (a directory
            without one is refused, naming it, before :meth:`load` is called).
        labels_: The tags the model predicts (after ``fit`` or ``load``).
        history_: What training reported.
    """

    settings_class: ClassVar[Any]
    piece_chars: ClassVar[int] = 1000
    pos_pipeline: ClassVar[bool] = False
    checkpointed: ClassVar[bool] = False
    needs_encoder: ClassVar[bool] = False
    default_jobs: ClassVar[int] = 1
    manifest_fields: ClassVar[tuple[str, ...]] = ("model",)

    labels_: list[str]
    history_: dict[str, Any]

    def __init__(self, settings: Any = None) -> None:
        self.settings = settings if settings is not None else self.settings_class()
        self.labels_ = []
        self.history_ = {}

    @abstractmethod
    def fit(self, texts: Sequence[str], tags: Sequence[Sequence[str]], *, outside: str,
            words: tuple[list[list[str]], list[list[str]]] | None = None,
            dev: tuple[list[str], list[list[str]]] | None = None,
            dev_metric: DevMetric | None = None, output_dir: Path | None = None,
            resume: bool = False, progress: Progress | None = None) -> TaggerBackend:
        """Learn per-character tags of texts; returns ``self`` (``labels_``, ``history_``).

        Args:
            texts: Training texts, as given.
            tags: One tag per character of each text.
            outside: The tag of a character outside every span (``S`` or ``O``).
            words: For a ``pos_pipeline`` backend training ``pos``: the words of each text
                and their POS tags.
            dev: Dev texts and their character tags (early stopping).
            dev_metric: ``dev_metric(gold_tags, predicted_tags)``, higher is better.
            output_dir: The run directory for checkpoints (``checkpointed`` backends).
            resume: Continue from the newest checkpoint in ``output_dir``.
            progress: Called with ``(done, total)`` as training advances.
        """

    @abstractmethod
    def tags(self, texts: Sequence[str]) -> list[list[str]]:
        """One tag per character of each text (pieces of at most ``piece_chars``)."""

    @abstractmethod
    def marginals(self, texts: Sequence[str]) -> list[tuple[list[str], Any]]:
        """Per text the predicted tags and their marginal probabilities.

        The probabilities are an array ``(characters, len(labels_))``.
        """

    def word_tags(self, words: Sequence[Sequence[str]]) -> list[list[str]]:
        """POS tags of given words (``pos_pipeline`` backends trained for ``pos``)."""
        raise NotImplementedError(f"{type(self).__name__} tags characters, not words")

    @abstractmethod
    def save(self, d: Path) -> dict[str, Any]:
        """Write the model's files into the artifact directory ``d``.

        Returns:
            ``{"model": ..., "pos_model": ...}``: what :meth:`load` reads back from
            ``zhtext.json``.
        """

    @classmethod
    @abstractmethod
    def load(cls, d: Path, manifest: dict[str, Any], settings: Any) -> TaggerBackend:
        """Read what :meth:`save` wrote (``manifest`` is the directory's ``zhtext.json``)."""
