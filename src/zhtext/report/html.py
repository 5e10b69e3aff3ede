"""The page, tables and cells of zhtext's HTML reports."""

from __future__ import annotations

import html
import numbers
import unicodedata
from collections.abc import Sequence
from typing import Any, TypeGuard

from zhtext.report.numbers import shown

__all__ = ["FONTS", "cell", "display_width", "fmt", "is_real", "page", "table", "text_px"]

# CJK-capable fonts first, so Chinese renders wherever one of them is installed.
FONTS = ("'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC',"
         "'Microsoft YaHei','WenQuanYi Micro Hei','Hiragino Sans GB',sans-serif")

_STYLE = (
    "body{{font-family:{fonts};margin:2em;color:#222;line-height:1.4}}"
    "svg text{{font-family:{fonts}}}"
    "table{{border-collapse:collapse;margin:.5em 0 1.5em}}"
    "th,td{{border:1px solid #ddd;padding:.25em .6em;vertical-align:top}}"
    "th{{background:#f4f6f8;text-align:left}} td.num{{text-align:right;"
    "font-variant-numeric:tabular-nums}} td.text{{max-width:40em}}"
    "h2{{margin-top:1.5em}} .muted{{color:#777}}"
)


def page(title: str, body: str, *, style: str = "") -> str:
    """A whole HTML document: ``title`` as its heading, ``body`` (HTML) below.

    Args:
        title: Plain text; escaped.
        body: HTML, already escaped where it holds user text.
        style: Extra CSS rules for this page.
    """
    css = _STYLE.format(fonts=FONTS) + style
    return (f'<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{css}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n")


def is_real(v: Any) -> TypeGuard[numbers.Real]:
    """A number shown right-aligned (booleans are not)."""
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def fmt(v: Any, name: str | None = None) -> str:
    """Plain text of a value, rounded by what its ``name`` means.

    See :func:`~zhtext.report.numbers.shown`: None is an em dash, lists and mappings JSON.
    """
    return shown(v, name)


def cell(v: Any, *, bold: bool = False, name: str | None = None) -> str:
    """A ``<td>`` of a value (named ``name``: a column, a key), escaped; numbers right-aligned."""
    text = html.escape(fmt(v, name))
    if bold:
        text = f"<b>{text}</b>"
    cls = ' class="num"' if is_real(v) else ""
    return f"<td{cls}>{text}</td>"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A table of values with a header row.

    Numbers are rounded by their column's name; in a ``value`` column, by the row's first
    cell (key / value tables: ``train_seconds``, ``accuracy``).
    """
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)

    def name(row: Sequence[Any], j: int) -> str | None:
        h = header[j] if j < len(header) else None
        return str(row[0]) if h == "value" and row else h

    body = "".join("<tr>" + "".join(cell(v, name=name(row, j)) for j, v in enumerate(row))
                   + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def display_width(text: str) -> int:
    """Terminal columns of ``text``: wide and full-width (CJK) characters count 2.

    Args:
        text: Any string.

    Returns:
        The width; combining marks count 0.
    """
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def text_px(text: str, font_size: float) -> float:
    """Approximate rendered width: CJK characters about 1em, others about 0.6em."""
    return font_size * sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6
                           for ch in text)
