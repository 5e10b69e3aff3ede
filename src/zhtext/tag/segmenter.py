"""A trained cws/pos tagger as a :class:`~zhtext.text.segment.Segmenter`.

So ``--segmenter DIR`` works wherever zhtext segments text (keywords, topics, classification).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhtext.errors import InputError
from zhtext.records import Token
from zhtext.text.chars import is_han

if TYPE_CHECKING:
    from zhtext.tag.tagger import Tagger

__all__ = ["TaggerSegmenter", "load_segmenter"]


def _fallback_tag(word: str, tags: dict[str, str]) -> str:
    tag = tags.get(word)
    if tag:
        return tag
    if word.isspace():
        return "x"
    if len(word) > 1 and all(is_han(c) for c in word):
        return "n"  # an unknown Han word: most often a noun or a name
    return "m" if word.isdigit() else "x"


class TaggerSegmenter:
    """Segments (and, for a ``pos`` model, tags) with a trained :class:`Tagger`.

    A ``cws`` model has no tags of its own: :meth:`tag` gives each word jieba's dictionary tag,
    or ``n`` for an unknown multi-character Han word, so POS filters downstream still work.
    """

    has_pos = True

    def __init__(self, tagger: Tagger, *, name: str = "model") -> None:
        if tagger.task not in ("cws", "pos"):
            raise InputError(f"a {tagger.task!r} model cannot segment; give a cws or pos model "
                             "(zhtext tag train --task cws|pos)", path=name)
        self.tagger = tagger
        self.name = name

    def get_params(self) -> dict[str, Any]:
        """Rebuilds this segmenter: the model directory it was loaded from."""
        return {"name": self.name}

    def cut(self, text: str) -> list[str]:
        """The words of ``text``."""
        return [text[a:b] for a, b, _ in self.tagger.predict_spans([text])[0]]

    def cut_many(self, texts: list[str]) -> list[list[str]]:
        """The words of many texts in one batch."""
        return [[t[a:b] for a, b, _ in ss]
                for t, ss in zip(texts, self.tagger.predict_spans(texts), strict=True)]

    def tag(self, text: str) -> list[tuple[str, str]]:
        """The words of ``text`` with POS tags."""
        spans = self.tagger.predict_spans([text])[0]
        if self.tagger.task == "pos":
            return [(text[a:b], t) for a, b, t in spans]
        from zhtext.tag.pos import jieba_tags

        tags = jieba_tags()
        return [(text[a:b], _fallback_tag(text[a:b], tags)) for a, b, _ in spans]

    def segment(self, text: str, *, pos: bool = False) -> list[Token]:
        """Tokens with offsets into ``text``."""
        if pos:
            out, start = [], 0
            for w, t in self.tag(text):
                out.append(Token(w, start, start + len(w), t))
                start += len(w)
            return out
        return [Token(text[a:b], a, b) for a, b, _ in self.tagger.predict_spans([text])[0]]

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self.name}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(_load(state["name"]), name=state["name"])  # type: ignore[misc]


def _load(path: str) -> Tagger:
    from zhtext.tag.tagger import Tagger

    return Tagger.load(path)


def load_segmenter(path: str | Path) -> TaggerSegmenter:
    """The segmenter of a cws/pos model directory."""
    p = Path(path)
    return TaggerSegmenter(_load(str(p)), name=str(p.resolve()))
