"""The page, tables and cells of zhtext's HTML reports."""

from __future__ import annotations

import html
import json
import math
import numbers
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard

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


def fmt(v: Any, digits: int = 4) -> str:
    """Plain text of a value: floats with ``digits`` decimals, None as an em dash."""
    if v is None:
        return "—"
    if isinstance(v, numbers.Integral):  # bool included
        return str(v)
    if isinstance(v, numbers.Real):
        f = float(v)
        return f"{f:.{digits}f}" if math.isfinite(f) else str(f)
    if isinstance(v, (Mapping, list, tuple)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return str(v)


def cell(v: Any, *, bold: bool = False) -> str:
    """A ``<td>`` of a value, escaped; numbers right-aligned."""
    text = html.escape(fmt(v))
    if bold:
        text = f"<b>{text}</b>"
    cls = ' class="num"' if is_real(v) else ""
    return f"<td{cls}>{text}</td>"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A table of values with a header row."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows)
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
