"""Tagging schemes: spans <-> per-character tags, in BIO, BIOES and BMES.

A *span* is ``(start, end, label)`` over character offsets (``end`` exclusive). Segmentation is
spans without labels (every character in exactly one word); POS is words with labels; NER is
labelled spans with gaps (the gaps are ``O``).

- ``bio``: ``B-X`` starts a span, ``I-X`` continues it, ``O`` outside.
- ``bioes``: like BIO plus ``E-X`` (last character) and ``S-X`` (a one-character span).
- ``bmes``: BIOES spelt ``B/M/E/S`` (the usual segmentation scheme; ``M`` is ``I``).

Segmentation tags have no label part (``B``, ``M``, ``E``, ``S``); POS tags carry the word's
tag (``B-n``). :func:`to_spans` decodes leniently (a stray ``I-X`` starts a span, as seqeval's
default mode does); :func:`check_tags` is the strict check used on gold data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from zhtext.errors import ZhtextError

__all__ = [
    "SCHEMES",
    "Scheme",
    "Span",
    "check_tags",
    "convert",
    "detect_scheme",
    "split_tag",
    "to_spans",
    "to_tags",
]

Scheme = Literal["bio", "bioes", "bmes"]
SCHEMES: tuple[Scheme, ...] = ("bio", "bioes", "bmes")
Span = tuple[int, int, str]

_PREFIXES: dict[Scheme, frozenset[str]] = {
    "bio": frozenset("BIO"),
    "bioes": frozenset("BIOES"),
    "bmes": frozenset("BMESO"),
}


def split_tag(tag: str) -> tuple[str, str]:
    """``"B-PER"`` -> ``("B", "PER")``; ``"S"`` -> ``("S", "")``; ``"O"`` -> ``("O", "")``.

    Both ``-`` and ``_`` separate the prefix (``B_PER`` occurs in the wild).
    """
    if len(tag) > 1 and tag[1] in "-_":
        return tag[0], tag[2:]
    return tag, ""


def _join(prefix: str, label: str) -> str:
    return f"{prefix}-{label}" if label else prefix


def to_tags(n: int, spans: Iterable[Span], scheme: Scheme = "bio") -> list[str]:
    """Per-character tags for ``n`` characters from spans (gaps are ``O``).

    Raises:
        ZhtextError: Spans overlap or fall outside ``[0, n)``.

    Example:
        >>> to_tags(5, [(0, 2, "PER"), (3, 4, "LOC")], "bioes")
        ['B-PER', 'E-PER', 'O', 'S-LOC', 'O']
    """
    tags = ["O"] * n
    inside = "M" if scheme == "bmes" else "I"
    for start, end, label in sorted(spans):
        if not 0 <= start < end <= n:
            raise ZhtextError(f"span ({start}, {end}) is outside a text of {n} characters")
        if any(t != "O" for t in tags[start:end]):
            raise ZhtextError(f"span ({start}, {end}, {label!r}) overlaps another span")
        if scheme == "bio":
            tags[start] = _join("B", label)
            for i in range(start + 1, end):
                tags[i] = _join("I", label)
        elif end - start == 1:
            tags[start] = _join("S", label)
        else:
            tags[start] = _join("B", label)
            for i in range(start + 1, end - 1):
                tags[i] = _join(inside, label)
            tags[end - 1] = _join("E", label)
    return tags


def to_spans(tags: Sequence[str]) -> list[Span]:
    """Spans from tags in any of the schemes, decoded leniently.

    A span ends at ``O``, at ``E``/``S``, at a new ``B``, or where the label changes; an ``I``/
    ``M``/``E`` with no open span of its label starts one.

    Example:
        >>> to_spans(["B-PER", "I-PER", "O", "S-LOC"])
        [(0, 2, 'PER'), (3, 4, 'LOC')]
    """
    spans: list[Span] = []
    start = -1
    label = ""
    for i, tag in enumerate(tags):
        prefix, lab = split_tag(tag)
        if prefix in ("I", "M", "E") and start >= 0 and lab == label:
            if prefix == "E":
                spans.append((start, i + 1, label))
                start = -1
            continue
        if start >= 0:
            spans.append((start, i, label))
            start = -1
        if prefix == "O":
            continue
        if prefix == "S" or (prefix == "E"):
            spans.append((i, i + 1, lab))
        else:  # B, or an I/M without its B
            start, label = i, lab
    if start >= 0:
        spans.append((start, len(tags), label))
    return spans


def detect_scheme(tag_sets: Iterable[str]) -> Scheme:
    """The scheme a set of tags is written in.

    ``bmes`` if ``M`` occurs, ``bioes`` if ``E``/``S`` do, else ``bio``.

    Raises:
        ZhtextError: ``I`` and ``M`` are mixed, or a prefix is not one of B/I/M/E/S/O.
    """
    prefixes = {split_tag(t)[0] for t in tag_sets}
    unknown = prefixes - set("BIMESO")
    if unknown:
        raise ZhtextError(
            f"unknown tag prefix(es) {', '.join(sorted(unknown))}; tags must be O or start with "
            "B-, I-, M-, E- or S- (BIO, BIOES or BMES)"
        )
    if "M" in prefixes and "I" in prefixes:
        raise ZhtextError("the tags mix I- (BIO/BIOES) and M- (BMES); use one scheme per file")
    if "M" in prefixes:
        return "bmes"
    if prefixes & {"E", "S"}:
        return "bioes"
    return "bio"


def check_tags(tags: Sequence[str], scheme: Scheme) -> str | None:
    """Why ``tags`` are not a valid sequence in ``scheme``, or ``None`` when they are."""
    allowed = _PREFIXES[scheme]
    open_label: str | None = None
    for i, tag in enumerate(tags):
        prefix, label = split_tag(tag)
        if prefix not in allowed:
            return f"tag {tag!r} at character {i + 1} is not a {scheme.upper()} tag"
        inside = prefix in ("I", "M", "E")
        if inside and open_label != label:
            return (f"tag {tag!r} at character {i + 1} continues a span that was not started "
                    f"(expected B-{label} before it)" if label else
                    f"tag {tag!r} at character {i + 1} continues a word that was not started")
        if scheme != "bio" and open_label is not None and not inside:
            return f"tag {tag!r} at character {i + 1} follows an unfinished span (expected E)"
        open_label = label if prefix in ("B", "I", "M") else None
    if scheme != "bio" and open_label is not None:
        return "the last span is not finished (expected an E or S tag at the end)"
    return None


def convert(tags: Sequence[str], scheme: Scheme) -> list[str]:
    """The same spans written in another scheme."""
    return to_tags(len(tags), to_spans(tags), scheme)
