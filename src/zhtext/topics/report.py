"""A self-contained HTML report of a topic model: top words, sizes, coherence curve (SVG)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zhtext.report.html import page
from zhtext.report.numbers import shown
from zhtext.report.svg import bars, line_chart

__all__ = ["write_report"]

_STYLE = ".card{display:inline-block;vertical-align:top;margin:0 1.5em 1.5em 0} h3{margin:.2em 0}"


def write_report(path: Path, topics: Sequence[Any], curve: Sequence[tuple[int, float]],
                 model: Any) -> None:
    """Write ``report.html`` (UTF-8, no external resources)."""
    sizes = bars([(f"#{t.id} {t.label}", t.size) for t in topics])
    cards = "".join(
        f'<div class="card"><h3>#{t.id} {html.escape(t.label)}</h3><p>size {t.size:.1%}'
        + (f", coherence {shown(t.coherence, 'coherence')}" if t.coherence is not None else "")
        + f"</p>{bars(t.words)}</div>" for t in topics)
    chart = line_chart([(float(k), c) for k, c in curve], label="coherence by number of topics",
                       x_name="k", width=540, height=200, mark_best=True)
    curve_html = f"<h2>Coherence by number of topics</h2>{chart}" if curve else ""
    coherence = shown(model.coherence_, "coherence")
    body = (f"<p>LDA (gensim), coherence {html.escape(model.coherence)} {coherence}, "
            f"seed {model.seed}.</p><h2>Topic sizes</h2>{sizes}{curve_html}"
            f"<h2>Top words</h2>{cards}")
    path.write_text(page(f"Topics ({len(topics)}) of {shown(model.n_docs_)} documents", body,
                         style=_STYLE), encoding="utf-8")
