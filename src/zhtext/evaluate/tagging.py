"""Token-task metrics.

Word-span P/R/F1 (segmentation, with OOV / IV recall as the SIGHAN scorer reports them), POS
accuracy and joint (span, tag) F1, and entity P/R/F1 computed by seqeval in strict mode, with a
per-type table and the sentences with the most errors.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from zhtext.report.html import cell as _cell
from zhtext.report.html import page as _page
from zhtext.report.html import table as _table
from zhtext.schemes import Span, to_tags

__all__ = ["TaggingReport", "evaluate_spans", "write_tagging_report"]

MAX_TEXT_CHARS = 200


@dataclass
class TaggingReport:
    """Scores of a tagger on one annotated set; ``to_dict()`` is what ``metrics.json`` holds.

    Attributes:
        task: ``cws``, ``pos`` or ``ner``.
        n: Sentences evaluated.
        precision, recall, f1: Words (cws), (word, tag) pairs (pos) or entities (ner, seqeval
            strict IOBES).
        accuracy: POS: share of gold words whose tag is right, on gold segmentation when the
            model could be given it (``accuracy_on_gold_segmentation``), else None.
        segmentation: For pos: word-span P/R/F1 ignoring tags.
        oov_recall, iv_recall: cws/pos: recall of gold words not seen / seen in training.
        per_type: One row per tag / entity type: ``label``, ``precision``, ``recall``, ``f1``,
            ``support``.
        worst: Sentences with the most errors: ``source``, ``text``, ``errors``, ``gold``,
            ``predicted`` (spans as strings).
        extra: Free-form details (method, settings, training time, speed).
    """

    task: str
    n: int
    precision: float
    recall: float
    f1: float
    accuracy: float | None = None
    segmentation: dict[str, float] | None = None
    oov_recall: float | None = None
    iv_recall: float | None = None
    per_type: list[dict[str, Any]] = field(default_factory=list)
    worst: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, floats rounded to 6 places."""
        return {f.name: _round(getattr(self, f.name)) for f in fields(self)}

    def summary(self) -> str:
        """One line for the terminal."""
        from zhtext.report.numbers import shown

        parts = [f"{k} {shown(v, k)}" for k, v in (("P", self.precision), ("R", self.recall),
                                                   ("F1", self.f1))]
        if self.accuracy is not None:
            parts.insert(0, f"tag accuracy {shown(self.accuracy, 'accuracy')}")
        if self.oov_recall is not None:
            parts.append(f"OOV recall {shown(self.oov_recall, 'recall')}")
        return f"{self.task}: {shown(self.n)} sentences, " + ", ".join(parts)


def _round(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 6)
    if isinstance(v, dict):
        return {k: _round(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_round(x) for x in v]
    return v


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _show(text: str, spans: Sequence[Span]) -> str:
    return " ".join(f"{text[a:b]}/{t}" if t else text[a:b] for a, b, t in spans)


def evaluate_spans(
    task: str,
    texts: Sequence[str],
    gold: Sequence[Sequence[Span]],
    pred: Sequence[Sequence[Span]],
    *,
    vocabulary: frozenset[str] | set[str] | None = None,
    gold_seg_tags: Sequence[Sequence[str]] | None = None,
    sources: Sequence[str] | None = None,
    worst: int = 20,
) -> TaggingReport:
    """Score predicted spans against gold spans.

    Args:
        task: ``cws``, ``pos`` or ``ner``.
        texts: The sentences.
        gold: Gold spans per sentence (words for cws/pos, entities for ner).
        pred: Predicted spans per sentence.
        vocabulary: Training words, for OOV / IV recall (cws, pos).
        gold_seg_tags: pos: the tag predicted for each gold word when the model was given the
            gold segmentation (for tagging accuracy).
        sources: ``path:line`` of each sentence, shown in ``worst``.
        worst: How many of the worst sentences to keep.
    """
    n = len(texts)
    errors: list[tuple[int, int]] = []
    if task == "ner":
        p, r, f, per_type = _seqeval(texts, gold, pred)
        for i in range(n):
            g, q = set(gold[i]), set(pred[i])
            errors.append((len(g ^ q), i))
        report = TaggingReport(task, n, p, r, f, per_type=per_type)
    else:
        tp = n_pred = n_gold = 0
        seg_tp = 0
        oov_hit = oov_n = iv_hit = iv_n = 0
        by_type: dict[str, Counter[str]] = {}
        for i in range(n):
            g, q = set(gold[i]), set(pred[i])
            n_gold += len(g)
            n_pred += len(q)
            tp += len(g & q)
            g_seg = {(a, b) for a, b, _ in g}
            q_seg = {(a, b) for a, b, _ in q}
            seg_tp += len(g_seg & q_seg)
            errors.append((len(g ^ q), i))
            if vocabulary is not None:
                for a, b, _ in g:
                    hit = (a, b) in q_seg
                    if texts[i][a:b] in vocabulary:
                        iv_n += 1
                        iv_hit += hit
                    else:
                        oov_n += 1
                        oov_hit += hit
            if task == "pos":
                for _, _, t in g:
                    by_type.setdefault(t, Counter())["gold"] += 1
                for _, _, t in q:
                    by_type.setdefault(t, Counter())["pred"] += 1
                for _, _, t in g & q:
                    by_type[t]["tp"] += 1
        p, r, f = _prf(tp, n_pred, n_gold)
        report = TaggingReport(task, n, p, r, f)
        if vocabulary is not None:
            report.oov_recall = oov_hit / oov_n if oov_n else None
            report.iv_recall = iv_hit / iv_n if iv_n else None
        if task == "pos":
            sp, sr, sf = _prf(seg_tp, n_pred, n_gold)
            report.segmentation = {"precision": sp, "recall": sr, "f1": sf}
            rows = []
            for t, c in sorted(by_type.items(), key=lambda kv: -kv[1]["gold"]):
                tp_, pp, gg = c["tp"], c["pred"], c["gold"]
                pr, rr, ff = _prf(tp_, pp, gg)
                rows.append({"label": t, "precision": pr, "recall": rr, "f1": ff,
                             "support": gg})
            report.per_type = rows
            if gold_seg_tags is not None:
                right = total = 0
                for i in range(n):
                    for (_, _, t), y in zip(gold[i], gold_seg_tags[i], strict=True):
                        total += 1
                        right += t == y
                report.accuracy = right / total if total else 0.0
    errors.sort(reverse=True)
    for e, i in errors[:worst]:
        if e == 0:
            break
        report.worst.append({
            "source": sources[i] if sources else None,
            "text": texts[i][:MAX_TEXT_CHARS], "errors": e,
            "gold": _show(texts[i], sorted(gold[i]))[:MAX_TEXT_CHARS * 2],
            "predicted": _show(texts[i], sorted(pred[i]))[:MAX_TEXT_CHARS * 2]})
    return report


def _seqeval(texts: Sequence[str], gold: Sequence[Sequence[Span]],
             pred: Sequence[Sequence[Span]]) -> tuple[float, float, float, list[dict[str, Any]]]:
    try:
        from seqeval.metrics import (
            classification_report,
            f1_score,
            precision_score,
            recall_score,
        )
        from seqeval.scheme import IOBES
    except ImportError:
        from zhtext.errors import ZhtextError

        raise ZhtextError("NER scores need seqeval: pip install 'zhtext[tag]'") from None

    y_true = [to_tags(len(t), g, "bioes") for t, g in zip(texts, gold, strict=True)]
    y_pred = [to_tags(len(t), q, "bioes") for t, q in zip(texts, pred, strict=True)]
    kw: dict[str, Any] = {"mode": "strict", "scheme": IOBES, "zero_division": 0}
    p = float(precision_score(y_true, y_pred, **kw))
    r = float(recall_score(y_true, y_pred, **kw))
    f = float(f1_score(y_true, y_pred, **kw))
    table = classification_report(y_true, y_pred, output_dict=True, **kw)
    rows = [{"label": k, "precision": float(v["precision"]), "recall": float(v["recall"]),
             "f1": float(v["f1-score"]), "support": int(v["support"])}
            for k, v in table.items() if not k.endswith(" avg")]
    rows.sort(key=lambda row: -int(row["support"]))
    return p, r, f, rows


def write_tagging_report(path: Path, report: TaggingReport, *,
                         title: str = "zhtext tagging report") -> None:
    """Write one evaluation as a self-contained UTF-8 HTML page.

    The layout of the classification report: summary, details, per type, worst examples.
    """
    unit = {"cws": "words", "pos": "(word, tag) pairs", "ner": "entities (seqeval strict)"}
    rows: list[list[Any]] = [["precision", report.precision], ["recall", report.recall],
                             ["F1", report.f1]]
    if report.accuracy is not None:
        rows.insert(0, ["tag accuracy on gold segmentation", report.accuracy])
    if report.segmentation is not None:
        rows.append(["segmentation F1", report.segmentation.get("f1")])
    if report.oov_recall is not None:
        rows.append(["OOV recall", report.oov_recall])
    if report.iv_recall is not None:
        rows.append(["IV recall", report.iv_recall])
    parts = [f"<p>{report.n} sentences, task {html.escape(report.task)}; scores over "
             f"{unit.get(report.task, 'spans')}.</p>", "<h2>Summary</h2>",
             _table(["metric", "value"], rows)]
    if report.extra:
        parts.append("<h3>Details</h3>")
        parts.append(_table(["key", "value"], [[str(k), v] for k, v in report.extra.items()]))
    if report.per_type:
        parts.append("<h2>Per type</h2>")
        parts.append(_table(["type", "precision", "recall", "F1", "support"],
                            [[r["label"], r["precision"], r["recall"], r["f1"], r["support"]]
                             for r in report.per_type]))
    parts.append("<h2>Sentences with the most errors</h2>")
    if report.worst:
        body = []
        for rank, w in enumerate(report.worst, 1):
            body.append(f'<tr><td class="num">{rank}</td>{_cell(w.get("source"))}'
                        f'{_cell(w.get("errors"))}'
                        f'<td class="text">{html.escape(str(w.get("gold")))}</td>'
                        f'<td class="text">{html.escape(str(w.get("predicted")))}</td></tr>')
        head = "".join(f"<th>{h}</th>" for h in ("#", "source", "errors", "gold", "predicted"))
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}"
                     "</tbody></table>")
    else:
        parts.append('<p class="muted">None.</p>')
    path.write_text(_page(title, "\n".join(parts)), encoding="utf-8")


def report_from_dict(d: Mapping[str, Any]) -> TaggingReport:
    """Rebuild a report from :meth:`TaggingReport.to_dict` output."""
    names = {f.name for f in fields(TaggingReport)}
    return TaggingReport(**{k: v for k, v in d.items() if k in names})
