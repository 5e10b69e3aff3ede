"""Small typed records shared by every part of zhtext.

They are named tuples: immutable, typed, cheap to create by the million, and they pickle and
compare like the values they are.
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["Keyword", "Token"]


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
        text: The keyword in normalised form (full-width folded, optionally simplified).
        score: The method's score; higher is more important. Comparable within one document.
        start: Offset of the first character of its first occurrence in the original text.
        end: Offset one past the last character of that occurrence.
    """

    text: str
    score: float
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        """The keyword as a JSON-ready dict."""
        return {"text": self.text, "score": round(self.score, 6), "start": self.start,
                "end": self.end}
