"""The pretraining report: metrics and the loss curve as a self-contained HTML page."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

__all__ = ["loss_curve_svg", "write_report"]


def loss_curve_svg(history: list[dict[str, Any]], width: int = 640, height: int = 260) -> str:
    """An inline SVG line chart of training loss against step."""
    points = [(float(h["step"]), float(h["loss"])) for h in history if h.get("loss") is not None]
    if not points:
        return "<p>No loss was logged.</p>"
    pad = 40
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1 = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
    y0, y1 = min(ys), max(ys) if max(ys) > min(ys) else min(ys) + 1

    def sx(x: float) -> float:
        return pad + (x - x0) / (x1 - x0) * (width - 2 * pad)

    def sy(y: float) -> float:
        return height - pad - (y - y0) / (y1 - y0) * (height - 2 * pad)

    path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img" aria-label="training loss by step">'
            f'<rect width="100%" height="100%" fill="white"/>'
            f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
            f'stroke="#888"/><line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" '
            f'stroke="#888"/>'
            f'<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="{path}"/>'
            f'<text x="{pad}" y="{height - 10}" font-size="12">step {x0:g}</text>'
            f'<text x="{width - pad}" y="{height - 10}" font-size="12" '
            f'text-anchor="end">step {x1:g}</text>'
            f'<text x="4" y="{pad}" font-size="12">{y1:.2f}</text>'
            f'<text x="4" y="{height - pad}" font-size="12">{y0:.2f}</text></svg>')


def write_report(directory: Path, metrics: dict[str, Any], history: list[dict[str, Any]]
                 ) -> None:
    """``pretrain_metrics.json``, ``loss_history.json`` and ``report.html`` in ``directory``."""
    (directory / "pretrain_metrics.json").write_text(
        json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (directory / "loss_history.json").write_text(
        json.dumps(history, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in metrics.items() if k != "settings")
    settings = html.escape(json.dumps(metrics.get("settings", {}), ensure_ascii=False,
                                      indent=2))
    page = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>zhtext pretraining report</title><style>body{font-family:sans-serif;"
            "margin:2em}table{border-collapse:collapse}th,td{border:1px solid #ccc;"
            "padding:4px 8px;text-align:left}</style></head><body>"
            "<h1>Masked-language pretraining</h1><h2>Training loss</h2>"
            f"{loss_curve_svg(history)}<h2>Figures</h2><table>{rows}</table>"
            f"<h2>Settings</h2><pre>{settings}</pre></body></html>\n")
    (directory / "report.html").write_text(page, encoding="utf-8")
