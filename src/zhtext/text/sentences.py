"""Sentence splitting for Chinese text (with Latin text and numbers mixed in)."""

from __future__ import annotations

import re

__all__ = ["sentence_spans", "split_sentences"]

# A sentence ends at Chinese or Latin end punctuation (runs of it, e.g. "？！", "……" or "..."),
# followed by any closing quotes or brackets; or at a line break. A run of "." ends a sentence
# only when no digit or letter follows it (3.14, e.g, www.example.com).
_END = re.compile(
    r"""(?:[。！？!?；;…]+|(?<!\.)\.+(?![0-9A-Za-z.]))+"""
    r"""[”’」』）)\]】》"']*|\n+"""
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` offsets of the sentences of ``text``.

    Spans cover the text without gaps; leading whitespace belongs to the sentence it precedes.

    Example:
        >>> sentence_spans("你好。再见！")
        [(0, 3), (3, 6)]
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        end = m.end()
        if end > start:
            spans.append((start, end))
            start = end
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def split_sentences(text: str, *, strip: bool = True) -> list[str]:
    """Split ``text`` into sentences.

    Args:
        text: The text.
        strip: Strip whitespace around each sentence and drop empty ones.

    Example:
        >>> split_sentences("他说：“好的。”然后走了。圆周率是3.14。")
        ['他说：“好的。”', '然后走了。', '圆周率是3.14。']
    """
    out = [text[a:b] for a, b in sentence_spans(text)]
    if strip:
        out = [s.strip() for s in out if s.strip()]
    return out
