"""The pretraining report: metrics and the loss curve as a self-contained HTML page."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from zhtext.report.html import page, table
from zhtext.report.svg import line_chart

__all__ = ["loss_curve_svg", "write_report"]


def loss_curve_svg(history: list[dict[str, Any]], width: int = 640, height: int = 260) -> str:
    """An inline SVG line chart of training loss against step."""
    points = [(float(h["step"]), float(h["loss"])) for h in history if h.get("loss") is not None]
    if not points:
        return "<p>No loss was logged.</p>"
    return line_chart(points, label="training loss by step", x_name="step", width=width,
                      height=height)


def write_report(directory: Path, metrics: dict[str, Any], history: list[dict[str, Any]]
                 ) -> None:
    """``pretrain_metrics.json``, ``loss_history.json`` and ``report.html`` in ``directory``."""
    (directory / "pretrain_metrics.json").write_text(
        json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (directory / "loss_history.json").write_text(
        json.dumps(history, ensure_ascii=False) + "\n", encoding="utf-8")
    figures = table(["figure", "value"], [(str(k), v) for k, v in metrics.items()
                                          if k != "settings"])
    settings = html.escape(json.dumps(metrics.get("settings", {}), ensure_ascii=False,
                                      indent=2))
    body = (f"<h2>Training loss</h2>{loss_curve_svg(history)}<h2>Figures</h2>{figures}"
            f"<h2>Settings</h2><pre>{settings}</pre>")
    (directory / "report.html").write_text(page("Masked-language pretraining", body),
                                           encoding="utf-8")
