"""Text normalisation that keeps track of where every character came from.

Chinese text mixes full-width and half-width forms (``ＡＢＣ１２３，`` against ``ABC123,``) and,
for some users, traditional and simplified characters. Normalising first makes a word look the
same wherever it occurs; the offset map lets every result point back into the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from zhtext.errors import ZhtextError

__all__ = ["NormalizedText", "Normalizer", "fullwidth_to_halfwidth", "normalize"]

# Full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space: a one-to-one,
# length-preserving map that str.translate applies at C speed.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20


def fullwidth_to_halfwidth(text: str) -> str:
    """Fold full-width ASCII forms and the ideographic space to their half-width forms.

    Example:
        >>> fullwidth_to_halfwidth("ＡＢＣ１２３，")
        'ABC123,'
    """
    return text.translate(_FULLWIDTH)


class NormalizedText(NamedTuple):
    """A normalised text and the map back to the original.

    Attributes:
        text: The normalised text.
        original: The text before normalisation.
        starts: For each character of ``text``, the offset in ``original`` where the
            characters it came from start; ``None`` when offsets are the identity.
        ends: Likewise, where they end.
    """

    text: str
    original: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the matching span of the original."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


# Runs of characters NFKC may change: everything but ASCII and the common CJK block. NFKC leaves
# those two alone and never joins them to the character before, so it can be applied run by run,
# once a run that starts with a combining mark takes the ASCII letter before it along (e + ´ -> é).
_MAY_CHANGE = re.compile("[^\x00-\x7f\u4e00-\u9fff]+")


@lru_cache(maxsize=4096)
def _nfkc_char(c: str) -> str:
    return unicodedata.normalize("NFKC", c)


def _is_starter(c: str) -> bool:
    """Whether ``c`` and the first character of its NFKC form have combining class 0."""
    return unicodedata.combining(c) == 0 and unicodedata.combining(_nfkc_char(c)[:1] or "a") == 0


def _pieces(run: str) -> list[str]:
    """Split ``run`` into the shortest pieces that NFKC normalises independently.

    A piece ends before a starter that neither composes with it nor is reordered into it
    (half-width voiced marks, Hangul jamo and combining marks stay with what they join).
    """
    pieces = []
    start = 0
    for i in range(1, len(run)):
        c = run[i]
        if _is_starter(c):
            piece = run[start:i]
            if unicodedata.normalize("NFKC", piece + c) == (
                unicodedata.normalize("NFKC", piece) + _nfkc_char(c)
            ):
                pieces.append(piece)
                start = i
    pieces.append(run[start:])
    return pieces


def _nfkc_with_offsets(text: str) -> tuple[str, tuple[int, ...] | None, tuple[int, ...] | None]:
    """NFKC of ``text`` with offset maps; the maps are ``None`` when lengths are unchanged.

    Only runs of characters that may change are normalised (one regular-expression scan), so
    the common case (Chinese with a few full-width commas) costs little.
    """
    # (start, end, NFKC of text[start:end], NFKC of each of its characters or None when the
    # piece only normalises as a whole, as in e + combining acute -> é)
    changes: list[tuple[int, int, str, list[str] | None]] = []
    for m in _MAY_CHANGE.finditer(text):
        a, run = m.start(), m.group()
        if a and text[a - 1] < "\x80" and not _is_starter(run[0]):
            a, run = a - 1, text[a - 1] + run
        out = unicodedata.normalize("NFKC", run)
        if out == run:
            continue
        chars = [_nfkc_char(c) for c in run]
        if "".join(chars) == out:  # character by character (the common case)
            changes.append((a, a + len(run), out, chars))
            continue
        for piece in _pieces(run):
            b = a + len(piece)
            out = unicodedata.normalize("NFKC", piece)
            if out != piece:
                chars = [_nfkc_char(c) for c in piece]
                changes.append((a, b, out, chars if "".join(chars) == out else None))
            a = b
    if not changes:
        return text, None, None
    pieces: list[str] = []
    pos = 0
    for a, b, out, _ in changes:
        pieces.append(text[pos:a])
        pieces.append(out)
        pos = b
    pieces.append(text[pos:])
    result = "".join(pieces)
    if all(cs is not None and all(len(c) == 1 for c in cs) for *_, cs in changes):
        return result, None, None
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for a, b, out, per_char in changes:
        starts.extend(range(pos, a))
        ends.extend(range(pos + 1, a + 1))
        if per_char is None:
            starts.extend([a] * len(out))
            ends.extend([b] * len(out))
        else:
            for k, c in enumerate(per_char, a):
                starts.extend([k] * len(c))
                ends.extend([k + 1] * len(c))
        pos = b
    starts.extend(range(pos, len(text)))
    ends.extend(range(pos + 1, len(text) + 1))
    return result, tuple(starts), tuple(ends)


class Normalizer:
    """Normalise Chinese text while keeping offsets into the original.

    Args:
        nfkc: Apply Unicode NFKC (full-width letters, digits and punctuation to half-width,
            compatibility characters such as ``①`` or ``㎡`` to their plain forms).
        t2s: Convert traditional to simplified Chinese with OpenCC
            (``pip install 'zhtext[opencc]'``).

    Example:
        >>> Normalizer().normalize("ＡＩ（人工智能）").text
        'AI(人工智能)'
    """

    def __init__(self, *, nfkc: bool = True, t2s: bool = False) -> None:
        self.nfkc = nfkc
        self.t2s = t2s

    def __repr__(self) -> str:
        return f"Normalizer(nfkc={self.nfkc}, t2s={self.t2s})"

    def get_params(self) -> dict[str, Any]:
        """The settings, as stored in an artifact's ``zhtext.json``."""
        return {"nfkc": self.nfkc, "t2s": self.t2s}

    @cached_property
    def _opencc(self) -> Any:
        try:
            import opencc
        except ImportError:  # pragma: no cover - depends on the environment
            raise ZhtextError(
                "traditional-to-simplified conversion needs OpenCC: pip install 'zhtext[opencc]'"
            ) from None
        return opencc.OpenCC("t2s")

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_opencc", None)
        return state

    def normalize(self, text: str) -> NormalizedText:
        """Normalise ``text``; see :class:`NormalizedText` for the offset map."""
        original = text
        starts: tuple[int, ...] | None = None
        ends: tuple[int, ...] | None = None
        if self.nfkc and not unicodedata.is_normalized("NFKC", text):
            # NFKC folds full-width forms too (ＡＢＣ１２３，-> ABC123,).
            text, starts, ends = _nfkc_with_offsets(text)
        if self.t2s:
            converted = self._opencc.convert(text)
            if len(converted) != len(text):
                # Phrase-level rules changed the length: convert character by character so
                # that offsets stay one-to-one.
                converted = "".join(self._opencc.convert(c) for c in text)
                if len(converted) != len(text):
                    converted = "".join(
                        c2 if len(c2 := self._opencc.convert(c)) == 1 else c for c in text
                    )
            text = converted
        return NormalizedText(text, original, starts, ends)


def normalize(text: str, *, nfkc: bool = True, t2s: bool = False) -> str:
    """Normalise ``text`` and return only the normalised string.

    Example:
        >>> normalize("ＡＩ，人工智能")
        'AI,人工智能'
    """
    return Normalizer(nfkc=nfkc, t2s=t2s).normalize(text).text
