"""A self-contained HTML report of a topic model: top words, sizes, coherence curve (SVG)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["write_report"]

# CJK-capable fonts first, so Chinese renders wherever one of them is installed.
FONTS = ("'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC',"
         "'Microsoft YaHei','WenQuanYi Micro Hei','Hiragino Sans GB',sans-serif")


def _bars(items: Sequence[tuple[str, float]], *, width: int = 320, row: int = 18) -> str:
    top = max((v for _, v in items), default=1.0) or 1.0
    # Room for the longest label (CJK characters are about one em wide) and the value text.
    left = 14 * max((len(label) for label, _ in items), default=4) + 10
    parts = [f'<svg width="{left + width + 60}" height="{row * len(items) + 4}" role="img">']
    for i, (label, value) in enumerate(items):
        y = i * row + 2
        w = max(1.0, width * value / top)
        parts.append(f'<text x="0" y="{y + 13}" font-size="13">{html.escape(label)}</text>'
                     f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" '
                     f'fill="#4c78a8"/><text x="{left + 4 + w:.1f}" y="{y + 13}" '
                     f'font-size="11" fill="#555">{value:.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _curve(points: Sequence[tuple[int, float]], *, width: int = 480, height: int = 200) -> str:
    if not points:
        return ""
    ks = [k for k, _ in points]
    cs = [c for _, c in points]
    lo, hi = min(cs), max(cs)
    span = (hi - lo) or 1.0

    def xy(k: int, c: float) -> tuple[float, float]:
        x = 40 + (width - 60) * (k - ks[0]) / max(1, ks[-1] - ks[0])
        y = height - 30 - (height - 50) * (c - lo) / span
        return x, y

    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(k, c) for k, c in points))
    best = max(points, key=lambda kc: kc[1])
    bx, by = xy(*best)
    labels = "".join(f'<text x="{xy(k, lo)[0]:.1f}" y="{height - 10}" font-size="10" '
                     f'text-anchor="middle">{k}</text>' for k in ks)
    return (f'<svg width="{width + 60}" height="{height}" role="img"><polyline points="{pts}" '
            f'fill="none" stroke="#e45756" stroke-width="2"/><circle cx="{bx:.1f}" '
            f'cy="{by:.1f}" r="5" fill="#e45756"/>{labels}<text x="{bx + 8:.1f}" '
            f'y="{by - 8:.1f}" font-size="12">k={best[0]} ({best[1]:.3f})</text></svg>')


def write_report(path: Path, topics: Sequence[Any], curve: Sequence[tuple[int, float]],
                 model: Any) -> None:
    """Write ``report.html`` (UTF-8, no external resources)."""
    sizes = _bars([(f"#{t.id} {t.label}", t.size) for t in topics])
    cards = "".join(
        f'<div class="card"><h3>#{t.id} {html.escape(t.label)}</h3><p>size {t.size:.1%}'
        + (f", coherence {t.coherence:.3f}" if t.coherence is not None else "")
        + f"</p>{_bars(t.words)}</div>" for t in topics)
    curve_html = (f"<h2>Coherence by number of topics</h2>{_curve(curve)}" if curve else "")
    doc = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>zhtext topics</title>
<style>body{{font-family:{FONTS};margin:2em;color:#222}} svg text{{font-family:{FONTS}}}
.card{{display:inline-block;vertical-align:top;margin:0 1.5em 1.5em 0}} h3{{margin:.2em 0}}</style>
</head><body><h1>Topics ({len(topics)}) of {model.n_docs_} documents</h1>
<p>LDA (gensim), coherence {model.coherence:s} {model.coherence_:.4f}, seed {model.seed}.</p>
<h2>Topic sizes</h2>{sizes}{curve_html}<h2>Top words</h2>{cards}</body></html>
"""
    path.write_text(doc, encoding="utf-8")
