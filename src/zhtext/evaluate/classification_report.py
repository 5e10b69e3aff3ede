"""Self-contained HTML for classification results: a report (inline SVG) and leaderboards.

The files need nothing but a browser: no scripts, no style sheets or fonts fetched, no image
files. Every user-supplied string (labels, texts, ids, settings) is escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from zhtext.evaluate.classification import ClassificationReport
from zhtext.report.html import cell as _cell
from zhtext.report.html import display_width
from zhtext.report.html import fmt as _fmt
from zhtext.report.html import is_real as _is_real
from zhtext.report.html import page as _page
from zhtext.report.html import table as _table
from zhtext.report.html import text_px as _text_px

__all__ = ["confusion_svg", "display_width", "leaderboard_text", "write_leaderboard",
           "write_report"]

#: Leaderboard columns whose best (largest) value is highlighted.
BEST_COLUMNS = frozenset({"accuracy", "macro_f1"})


def _colour(share: float) -> str:
    """Sequential blue scale from near-white (0) to dark blue (1)."""
    lo, hi = (247, 251, 255), (8, 48, 107)
    r, g, b = (round(a + (z - a) * share) for a, z in zip(lo, hi))
    return f"#{r:02x}{g:02x}{b:02x}"


def confusion_svg(labels: Sequence[str], confusion: Sequence[Sequence[int]]) -> str:
    """The confusion matrix as an inline SVG heat map.

    Rows are true classes, columns predicted ones; cells show the counts and are coloured by
    their share of the row (the recall of the diagonal cell). Each cell has a tooltip.

    Args:
        labels: Class names, in matrix order.
        confusion: Square count matrix.

    Returns:
        An ``<svg>`` element.
    """
    k = len(labels)
    cell = max(16, min(44, 640 // max(k, 1)))
    font = max(9.0, min(13.0, cell * 0.36))
    label_font = 12.0
    pad = 6
    names = [str(x) for x in labels]
    widths = [_text_px(x, label_font) for x in names]
    longest = max(widths, default=0.0)
    left = max(longest, _text_px("真实 ↓", label_font)) + 2 * pad
    rotate = longest > cell - 4
    if rotate:  # column labels at -45 degrees: they rise by w/sqrt(2) and lean right
        top = longest / math.sqrt(2) + label_font + 2 * pad
        overshoot = max((w / math.sqrt(2) - (k - 1 - j) * cell - cell / 2
                         for j, w in enumerate(widths)), default=0.0)
    else:
        top = label_font + 2 * pad
        overshoot = 0.0
    top += label_font + pad  # the axis title above the column labels
    totals_w = _text_px("n=" + str(max((sum(r) for r in confusion), default=0)), 11) + 2 * pad
    width = left + k * cell + max(totals_w, overshoot + pad)
    height = top + k * cell + pad

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'role="img" aria-label="confusion matrix">',
           f'<text x="{left:.1f}" y="{label_font + 2:.1f}" font-size="{label_font}" '
           f'fill="#555">预测 (predicted) →</text>',
           f'<text x="{pad}" y="{top - pad:.1f}" font-size="{label_font}" '
           f'fill="#555">真实 ↓</text>']
    for j, name in enumerate(names):
        x = left + j * cell + cell / 2
        y = top - pad
        if rotate:
            out.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{label_font}" '
                       f'transform="rotate(-45 {x:.1f} {y:.1f})">{html.escape(name)}</text>')
        else:
            out.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{label_font}" '
                       f'text-anchor="middle">{html.escape(name)}</text>')
    for i, (name, row) in enumerate(zip(names, confusion)):
        y0 = top + i * cell
        total = sum(row)
        out.append(f'<text x="{left - pad:.1f}" y="{y0 + cell / 2 + label_font * 0.35:.1f}" '
                   f'font-size="{label_font}" text-anchor="end">{html.escape(name)}</text>')
        for j, count in enumerate(row):
            share = count / total if total else 0.0
            x0 = left + j * cell
            fg = "#fff" if share > 0.5 else ("#222" if count else "#bbb")
            stroke = ' stroke="#e45756" stroke-width="1.5"' if i == j else ' stroke="#fff"'
            tip = f"真实 {name} → 预测 {names[j]}: {count} ({share:.1%})"
            out.append(f'<g><title>{html.escape(tip)}</title>'
                       f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{cell}" height="{cell}" '
                       f'fill="{_colour(share)}"{stroke}/>'
                       f'<text x="{x0 + cell / 2:.1f}" y="{y0 + cell / 2 + font * 0.35:.1f}" '
                       f'font-size="{font:.1f}" text-anchor="middle" fill="{fg}">{count}</text>'
                       "</g>")
        out.append(f'<text x="{left + k * cell + pad:.1f}" '
                   f'y="{y0 + cell / 2 + 4:.1f}" font-size="11" fill="#777">n={total}</text>')
    out.append("</svg>")
    return "".join(out)


def _names(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return "、".join(str(x) for x in v) if v else "(none)"
    return str(v)


def write_report(path: Path, report: ClassificationReport, *,
                 title: str = "zhtext classification report") -> None:
    """Write the report of one evaluation as a single self-contained UTF-8 HTML file.

    Sections: summary (size, accuracy, averaged P/R/F1, AUCs, ``extra``), per-class scores,
    the confusion matrix heat map (single-label only) and the worst misclassified examples.

    Args:
        path: The file to write.
        report: The evaluation.
        title: Page title and heading.
    """
    acc_name = "subset accuracy (exact match)" if report.multi_label else "accuracy"
    kind = "multi-label" if report.multi_label else "single-label"
    parts = [f"<p>{report.n} examples, {len(report.labels)} classes, {kind}.</p>",
             "<h2>Summary</h2>",
             _table(["metric", "value"], [[acc_name, report.accuracy],
                                          ["macro ROC-AUC", report.macro_roc_auc],
                                          ["macro PR-AUC", report.macro_pr_auc]]),
             _table(["average", "precision", "recall", "F1"],
                    [[name, d.get("precision"), d.get("recall"), d.get("f1")]
                     for name, d in (("macro", report.macro), ("micro", report.micro),
                                     ("weighted", report.weighted))])]
    if report.extra:
        parts.append("<h3>Details</h3>")
        parts.append(_table(["key", "value"], [[str(k), v] for k, v in report.extra.items()]))

    parts.append("<h2>Per class</h2>")
    parts.append(_table(
        ["label", "precision", "recall", "F1", "support", "ROC-AUC", "PR-AUC"],
        [[r.get("label"), r.get("precision"), r.get("recall"), r.get("f1"), r.get("support"),
          r.get("roc_auc"), r.get("pr_auc")] for r in report.per_class]))

    if not report.multi_label and report.confusion is not None:
        parts.append("<h2>Confusion matrix</h2>")
        parts.append('<p class="muted">Rows: true class, columns: predicted class; colour: '
                     "share of the row.</p>")
        parts.append(confusion_svg(report.labels, report.confusion))

    parts.append("<h2>Worst misclassified examples</h2>")
    if report.worst:
        head = "".join(f"<th>{h}</th>" for h in ("#", "id", "true", "predicted", "score",
                                                  "text"))
        rows = []
        for rank, w in enumerate(report.worst, 1):
            text = w.get("text")
            rows.append(
                f'<tr><td class="num">{rank}</td>{_cell(w.get("id"))}'
                f'<td>{html.escape(_names(w.get("true")))}</td>'
                f'<td>{html.escape(_names(w.get("predicted")))}</td>'
                f'{_cell(w.get("score"), name="score")}'
                f'<td class="text">{"" if text is None else html.escape(str(text))}</td></tr>')
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
                     "</tbody></table>")
    else:
        parts.append('<p class="muted">None.</p>')
    path.write_text(_page(title, "\n".join(parts)), encoding="utf-8")


def _best(rows: Sequence[Mapping[str, Any]], column: str) -> float | None:
    values = [float(r[column]) for r in rows if _is_real(r.get(column))]
    values = [v for v in values if math.isfinite(v)]
    return max(values) if values else None


def _is_best(row: Mapping[str, Any], column: str, best: Mapping[str, float | None]) -> bool:
    b = best.get(column)
    v = row.get(column)
    return b is not None and _is_real(v) and float(v) == b


def write_leaderboard(path: Path, rows: Sequence[Mapping[str, Any]], *, title: str) -> None:
    """Write rows of results as a self-contained HTML table.

    Columns are the keys of the first row, in order (keys missing from a later row are left
    blank). Numbers are rounded by their column's name (:func:`~zhtext.report.numbers.shown`:
    seconds and MB 1 decimal, scores 4); the best ``accuracy`` and ``macro_f1`` are bold.

    Args:
        path: The file to write.
        rows: One mapping per entry (method, dataset, scores, ...).
        title: Page title and heading.
    """
    if not rows:
        path.write_text(_page(title, '<p class="muted">No results.</p>'), encoding="utf-8")
        return
    columns = list(rows[0].keys())
    best = {c: _best(rows, c) for c in columns if c.lower() in BEST_COLUMNS}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = []
    for row in rows:
        cells = "".join("<td></td>" if c not in row else
                        _cell(row[c], bold=_is_best(row, c, best), name=str(c)) for c in columns)
        body.append(f"<tr>{cells}</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    path.write_text(_page(title, table), encoding="utf-8")


def leaderboard_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """The rows of :func:`write_leaderboard` as an aligned plain-text table for a terminal.

    Widths count CJK characters as two columns; numbers are right-aligned, the best
    ``accuracy`` / ``macro_f1`` is marked with ``*``.

    Args:
        rows: One mapping per entry; columns are the keys of the first row.

    Returns:
        Header, rule and one line per row, joined by newlines (no trailing newline); an empty
        string for no rows.
    """
    if not rows:
        return ""
    columns = list(rows[0].keys())
    best = {c: _best(rows, c) for c in columns if c.lower() in BEST_COLUMNS}
    marked = bool(best) and any(b is not None for b in best.values())
    table: list[list[str]] = []
    numeric = [True] * len(columns)  # right-align columns of numbers (and blanks)
    for row in rows:
        line = []
        for j, c in enumerate(columns):
            v = row.get(c)
            text = "" if c not in row else _fmt(v, str(c)).replace("\n", " ")
            if c in best and marked:
                text += "*" if _is_best(row, c, best) else " "
            numeric[j] = numeric[j] and (v is None or _is_real(v))
            line.append(text)
        table.append(line)
    widths = [max([display_width(str(c))] + [display_width(line[j]) for line in table])
              for j, c in enumerate(columns)]

    def pad(text: str, width: int, right: bool) -> str:
        fill = " " * (width - display_width(text))
        return fill + text if right else text + fill

    out = ["  ".join(pad(str(c), w, r) for c, w, r in zip(columns, widths, numeric)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for line in table:
        out.append("  ".join(pad(t, w, r) for t, w, r in zip(line, widths, numeric)).rstrip())
    return "\n".join(out)
