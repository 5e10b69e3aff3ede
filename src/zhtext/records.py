"""Small typed records shared by every part of zhtext.

They are named tuples: immutable, typed, cheap to create by the million, and they pickle and
compare like the values they are. :class:`Sentence`, an annotated text read for training or
evaluation, is a dataclass (it carries a dict of extras).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = ["Entity", "Keyword", "Prediction", "Sentence", "Token", "Topic"]


class Token(NamedTuple):
    """A token of a text.

    Attributes:
        text: The token as it appears in the (normalised) text that was segmented.
        start: Offset of its first character in the original text.
        end: Offset one past its last character in the original text.
        pos: Part-of-speech tag, or ``None`` when tags were not asked for.
    """

    text: str
    start: int
    end: int
    pos: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The token as a JSON-ready dict."""
        return self._asdict()


class Keyword(NamedTuple):
    """A keyword of a document.

    Attributes:
        text: The keyword as written in the document at its first occurrence:
            ``doc[start:end]`` (full-width letters stay full-width).
        score: The method's score; higher is more important. Comparable within one document.
        start: Offset of the first character of its first occurrence in the original text.
        end: Offset one past the last character of that occurrence.
        norm: The normalised form (full-width folded, optionally simplified), the one
            ranking merges occurrences on and gold keywords are compared with; ``""`` in a
            record built without it.
    """

    text: str
    score: float
    start: int
    end: int
    norm: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The keyword as a JSON-ready dict."""
        return {"text": self.text, "score": round(self.score, 6), "start": self.start,
                "end": self.end}


class Prediction(NamedTuple):
    """A classifier's answer for one text.

    Attributes:
        label: The best class name.
        score: Its probability.
        scores: Every class name with its probability, best first.
        labels: The predicted classes: ``(label,)`` for single-label models, every class over
            the threshold for multi-label ones (possibly none).
    """

    label: str
    score: float
    scores: dict[str, float]
    labels: tuple[str, ...]

    def to_dict(self, *, multi_label: bool = False) -> dict[str, Any]:
        """The prediction as a JSON-ready dict (``labels`` only for multi-label models)."""
        out: dict[str, Any] = {"label": self.label, "score": round(self.score, 6),
                               "scores": {k: round(v, 6) for k, v in self.scores.items()}}
        if multi_label:
            out["labels"] = list(self.labels)
        return out


class Entity(NamedTuple):
    """A named entity (or tagged span) in a text.

    Attributes:
        text: The span's text.
        label: Its type (``PER``, ``LOC``, ...).
        start: Offset of its first character in the original text.
        end: Offset one past its last character.
    """

    text: str
    label: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """The entity as a JSON-ready dict."""
        return self._asdict()


class Topic(NamedTuple):
    """A topic of a topic model.

    Attributes:
        id: The topic's number (``0`` to ``k - 1``), as in document-topic weights.
        label: A readable label: its three top words.
        words: Its top words with their weights, heaviest first.
        size: Its share of the training corpus (the topic weights of all documents).
        coherence: Its coherence on the training corpus, or ``None`` when not measured.
    """

    id: int
    label: str
    words: list[tuple[str, float]]
    size: float
    coherence: float | None

    def to_dict(self) -> dict[str, Any]:
        """The topic as a JSON-ready dict."""
        return {"id": self.id, "label": self.label,
                "words": [[w, round(p, 6)] for w, p in self.words], "size": self.size,
                "coherence": self.coherence}


@dataclass
class Sentence:
    """One annotated text (what the tagged-format readers of :mod:`zhtext.io.tagged` return).

    Attributes:
        text: The text.
        spans: ``(start, end, label)``: words (label = POS tag, or ``""``) for segmentation
            data, which tile the text; entities for NER data, with gaps.
        source: ``path:line`` of where it was read, for error messages.
        id: The paragraph id (People's Daily) or ``None``.
        words: Whether ``spans`` are words (tile the text) rather than entities.
        extra: What the reader knows besides (the tagging ``scheme`` of a CoNLL file).
    """

    text: str
    spans: list[tuple[int, int, str]]
    source: str = ""
    id: str | None = None
    words: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def group(self) -> str | None:
        """The article of a People's Daily paragraph (``date-page-article``)."""
        return self.id.rsplit("-", 1)[0] if self.id else None
