"""Inline SVG charts of zhtext's reports: horizontal bars and a line chart."""

from __future__ import annotations

import html
from collections.abc import Sequence

from zhtext.report.html import text_px

__all__ = ["bars", "line_chart"]


def bars(items: Sequence[tuple[str, float]], *, width: int = 320, row: int = 18) -> str:
    """One labelled bar per item, scaled to the largest value, the value beside it."""
    top = max((v for _, v in items), default=1.0) or 1.0
    left = max((text_px(label, 13) for label, _ in items), default=40.0) + 10
    parts = [f'<svg width="{left + width + 60:.0f}" height="{row * len(items) + 4}" role="img">']
    for i, (label, value) in enumerate(items):
        y = i * row + 2
        w = max(1.0, width * value / top)
        parts.append(f'<text x="0" y="{y + 13}" font-size="13">{html.escape(label)}</text>'
                     f'<rect x="{left:.1f}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" '
                     f'fill="#4c78a8"/><text x="{left + 4 + w:.1f}" y="{y + 13}" '
                     f'font-size="11" fill="#555">{value:.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(points: Sequence[tuple[float, float]], *, label: str, x_name: str,
               width: int = 640, height: int = 260, mark_best: bool = False) -> str:
    """A line through ``(x, y)`` points with both axes' ranges written at their ends.

    Args:
        points: In order of x.
        label: What the chart shows (for screen readers).
        x_name: The x axis's name (``step``, ``k``).
        width: Width in pixels.
        height: Height in pixels.
        mark_best: Circle and label the point with the largest y.
    """
    if not points:
        return ""
    pad = 40
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1 = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    y0, y1 = min(ys), max(ys) if max(ys) > min(ys) else min(ys) + 1

    def sx(x: float) -> float:
        return pad + (x - x0) / (x1 - x0) * (width - 2 * pad)

    def sy(y: float) -> float:
        return height - pad - (y - y0) / (y1 - y0) * (height - 2 * pad)

    line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
    best = ""
    if mark_best:
        bx, by = max(points, key=lambda p: p[1])
        best = (f'<circle cx="{sx(bx):.1f}" cy="{sy(by):.1f}" r="5" fill="#e45756"/>'
                f'<text x="{sx(bx) + 8:.1f}" y="{sy(by) - 8:.1f}" font-size="12">'
                f"{x_name}={bx:g} ({by:.3f})</text>")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img" aria-label="{html.escape(label)}">'
            f'<rect width="100%" height="100%" fill="white"/>'
            f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
            f'stroke="#888"/><line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" '
            f'stroke="#888"/>'
            f'<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="{line}"/>{best}'
            f'<text x="{pad}" y="{height - 10}" font-size="12">{x_name} {x0:g}</text>'
            f'<text x="{width - pad}" y="{height - 10}" font-size="12" '
            f'text-anchor="end">{x_name} {x1:g}</text>'
            f'<text x="4" y="{pad}" font-size="12">{y1:.3g}</text>'
            f'<text x="4" y="{height - pad}" font-size="12">{y0:.3g}</text></svg>')
