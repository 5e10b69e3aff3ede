"""Text classification metrics: accuracy, P/R/F1, confusion matrix, ROC/PR AUC, worst errors.

Everything is computed with scikit-learn from true labels and the model's class probabilities,
so the same function serves every classifier. scikit-learn and numpy are imported on first use:
importing this module stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from zhtext.errors import InputError

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["ClassificationReport", "evaluate_predictions"]

#: Texts in ``ClassificationReport.worst`` are cut to this many characters.
MAX_TEXT_CHARS = 200

_AVERAGES = ("macro", "micro", "weighted")


@dataclass
class ClassificationReport:
    """Scores of a classifier on one labelled set; ``to_dict()`` is what ``metrics.json`` holds.

    Attributes:
        labels: Class names; the index of a name is its class id.
        multi_label: Whether each row may carry several labels (independent sigmoids).
        n: Number of evaluated rows.
        accuracy: Single-label: accuracy. Multi-label: subset accuracy (exact match of the
            whole label set).
        macro: ``precision``, ``recall``, ``f1`` averaged over classes (every class counts,
            absent ones with 0).
        micro: The same, from counts pooled over classes.
        weighted: The same, classes weighted by support.
        per_class: One dict per class: ``label``, ``precision``, ``recall``, ``f1``,
            ``support`` and one-vs-rest ``roc_auc`` / ``pr_auc`` (average precision); the
            AUCs are None where undefined (the class is absent from, or present in, every row).
        confusion: Counts, rows = true class, columns = predicted class; None for multi-label.
        macro_roc_auc: Mean ROC-AUC over the classes where it is defined (None if none).
        macro_pr_auc: Mean PR-AUC over the classes where it is defined (None if none).
        worst: The most confident mistakes first: ``id``, ``text`` (cut to 200 characters,
            None without texts), ``true``, ``predicted`` and ``score``. Single-label: label
            names and the probability given to the wrong predicted label. Multi-label: lists of
            label names, and the confidence of the worst wrong decision in the row (the
            probability of a false positive, or one minus that of a missed label).
        extra: Free-form details filled in by the caller (method, settings, training time).
    """

    labels: list[str]
    multi_label: bool
    n: int
    accuracy: float
    macro: dict[str, float]
    micro: dict[str, float]
    weighted: dict[str, float]
    per_class: list[dict[str, Any]]
    confusion: list[list[int]] | None
    macro_roc_auc: float | None
    macro_pr_auc: float | None
    worst: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: floats rounded to 6 places, numpy values made plain, NaN as None.

        Returns:
            A dict of lists, dicts, strings, numbers, booleans and None.
        """
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ClassificationReport:
        """Rebuild a report from :meth:`to_dict` output (for example read from metrics.json).

        Args:
            d: The mapping; ``worst`` and ``extra`` may be missing.

        Returns:
            The report.

        Raises:
            InputError: A required key is missing.
        """
        required = ("labels", "multi_label", "n", "accuracy", "macro", "micro", "weighted",
                    "per_class")
        missing = [k for k in required if k not in d]
        if missing:
            raise InputError(f"classification metrics lack the keys {', '.join(missing)}; "
                             "expected the output of ClassificationReport.to_dict()")
        confusion = d.get("confusion")
        return cls(
            labels=[str(x) for x in d["labels"]],
            multi_label=bool(d["multi_label"]),
            n=int(d["n"]),
            accuracy=float(d["accuracy"]),
            macro={str(k): float(v) for k, v in d["macro"].items()},
            micro={str(k): float(v) for k, v in d["micro"].items()},
            weighted={str(k): float(v) for k, v in d["weighted"].items()},
            per_class=[dict(row) for row in d["per_class"]],
            confusion=None if confusion is None else [[int(c) for c in r] for r in confusion],
            macro_roc_auc=_opt_float(d.get("macro_roc_auc")),
            macro_pr_auc=_opt_float(d.get("macro_pr_auc")),
            worst=[dict(row) for row in d.get("worst") or []],
            extra=dict(d.get("extra") or {}),
        )


def evaluate_predictions(
    y_true: Sequence[int] | NDArray[Any],
    proba: NDArray[Any],
    labels: Sequence[str],
    *,
    multi_label: bool = False,
    threshold: float = 0.5,
    texts: Sequence[str] | None = None,
    ids: Sequence[str | int] | None = None,
    max_worst: int = 20,
) -> ClassificationReport:
    """Score class probabilities against true labels.

    Single-label: the predicted class of a row is the argmax of its probabilities.
    Multi-label: a label is predicted where its probability is above ``threshold``; a row
    with no probability above it gets no label.

    Args:
        y_true: Single-label: class ids, shape ``(n,)``. Multi-label: a 0/1 matrix ``(n, C)``.
        proba: Class probabilities, shape ``(n, C)`` (softmax rows for single-label,
            independent sigmoids for multi-label).
        labels: The ``C`` class names, index = class id.
        multi_label: Whether rows carry label sets.
        threshold: The multi-label decision threshold (a label needs ``p > threshold``).
        texts: The ``n`` texts, shown in ``worst``.
        ids: The ``n`` row ids for ``worst``; row indices by default.
        max_worst: At most this many misclassified examples are kept.

    Returns:
        The report; ``extra`` is empty.

    Raises:
        InputError: Shapes or values do not fit together (lengths, class ids out of range,
            a non-0/1 multi-label matrix, non-finite probabilities, no rows).

    Example:
        >>> import numpy as np
        >>> r = evaluate_predictions([0, 1, 1], np.array([[.9, .1], [.3, .7], [.6, .4]]),
        ...                          ["体育", "财经"])
        >>> round(r.accuracy, 4), r.confusion
        (0.6667, [[1, 0], [1, 1]])
    """
    import numpy as np

    p = np.asarray(proba, dtype=float)
    n_classes = len(labels)
    if n_classes == 0:
        raise InputError("no class labels given")
    if p.ndim != 2 or p.shape[1] != n_classes:
        raise InputError(f"probabilities of shape {p.shape} do not fit {n_classes} labels; "
                         f"expected (n, {n_classes})")
    n = p.shape[0]
    if n == 0:
        raise InputError("no rows to evaluate")
    if not np.isfinite(p).all():
        raise InputError("the probabilities contain NaN or infinite values")
    for name, seq in (("texts", texts), ("ids", ids)):
        if seq is not None and len(seq) != n:
            raise InputError(f"{len(seq)} {name} for {n} rows of probabilities")
    if max_worst < 0:
        raise InputError(f"max_worst must be >= 0, got {max_worst}")

    if multi_label:
        y = _indicator(y_true, n, n_classes)
        pred = (p > threshold).astype(int)
    else:
        y = _class_ids(y_true, n, n_classes)
        pred = p.argmax(axis=1)
    return _report(y, pred, p, [str(x) for x in labels], multi_label, texts, ids, max_worst)


def _class_ids(y_true: Sequence[int] | NDArray[Any], n: int, n_classes: int) -> NDArray[Any]:
    import numpy as np

    y = np.asarray(y_true)
    if y.shape != (n,):
        raise InputError(f"true labels of shape {y.shape} for {n} rows; expected ({n},) class "
                         "ids (pass multi_label=True for a 0/1 label matrix)")
    if y.dtype.kind not in "iub" and (
            y.dtype.kind != "f" or not np.all(np.isfinite(y)) or not np.all(y == np.round(y))):
        raise InputError(f"true labels must be integer class ids, got dtype {y.dtype}")
    y = y.astype(int)
    bad = (y < 0) | (y >= n_classes)
    if bad.any():
        raise InputError(f"class id {int(y[bad][0])} is out of range for {n_classes} labels")
    return y


def _indicator(y_true: Sequence[int] | NDArray[Any], n: int, n_classes: int) -> NDArray[Any]:
    import numpy as np

    y = np.asarray(y_true)
    if y.shape != (n, n_classes):
        raise InputError(f"multi-label true labels of shape {y.shape}; expected a 0/1 matrix "
                         f"({n}, {n_classes})")
    if not np.isin(y, (0, 1)).all():
        raise InputError("multi-label true labels must be a 0/1 matrix")
    return y.astype(int)


def _report(
    y: NDArray[Any],
    pred: NDArray[Any],
    p: NDArray[Any],
    labels: list[str],
    multi_label: bool,
    texts: Sequence[str] | None,
    ids: Sequence[str | int] | None,
    max_worst: int,
) -> ClassificationReport:
    import numpy as np
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        precision_recall_fscore_support,
    )

    n_classes = len(labels)
    class_ids = list(range(n_classes))
    # Label ids are given explicitly so that absent classes still get a row (with zeros).
    prf: dict[str, Any] = {}
    for average in (None, *_AVERAGES):
        prf[str(average)] = precision_recall_fscore_support(
            y, pred, labels=class_ids, average=average, zero_division=0)

    if multi_label:
        support = y.sum(axis=0)
        onehot = y
        confusion = None
    else:
        support = np.bincount(y, minlength=n_classes)
        onehot = np.eye(n_classes, dtype=int)[y]
        confusion = confusion_matrix(y, pred, labels=class_ids).astype(int).tolist()

    per_class: list[dict[str, Any]] = []
    precision, recall, f1, _ = prf["None"]
    for c in class_ids:
        roc, ap = _aucs(onehot[:, c], p[:, c])
        per_class.append({"label": labels[c], "precision": float(precision[c]),
                          "recall": float(recall[c]), "f1": float(f1[c]),
                          "support": int(support[c]), "roc_auc": roc, "pr_auc": ap})

    def averaged(name: str) -> dict[str, float]:
        pr, rc, f, _ = prf[name]
        return {"precision": float(pr), "recall": float(rc), "f1": float(f)}

    return ClassificationReport(
        labels=labels,
        multi_label=multi_label,
        n=int(y.shape[0]),
        accuracy=float(accuracy_score(y, pred)),
        macro=averaged("macro"),
        micro=averaged("micro"),
        weighted=averaged("weighted"),
        per_class=per_class,
        confusion=confusion,
        macro_roc_auc=_mean([row["roc_auc"] for row in per_class]),
        macro_pr_auc=_mean([row["pr_auc"] for row in per_class]),
        worst=_worst(y, pred, p, labels, multi_label, texts, ids, max_worst),
    )


def _aucs(truth: NDArray[Any], score: NDArray[Any]) -> tuple[float | None, float | None]:
    """One-vs-rest ROC-AUC and average precision; None when the class is absent or everywhere."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    positives = int(truth.sum())
    if positives == 0 or positives == truth.shape[0]:
        return None, None
    return float(roc_auc_score(truth, score)), float(average_precision_score(truth, score))


def _mean(values: Sequence[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def _worst(
    y: NDArray[Any],
    pred: NDArray[Any],
    p: NDArray[Any],
    labels: list[str],
    multi_label: bool,
    texts: Sequence[str] | None,
    ids: Sequence[str | int] | None,
    max_worst: int,
) -> list[dict[str, Any]]:
    import numpy as np

    if max_worst == 0:
        return []
    if multi_label:
        wrong = np.flatnonzero((y != pred).any(axis=1))
        # Confidence in each wrong decision: p for a false positive, 1 - p for a missed label.
        confidence = np.where(pred == 1, p, 1.0 - p)
        scores = np.where(y != pred, confidence, -np.inf).max(axis=1)
    else:
        wrong = np.flatnonzero(y != pred)
        scores = p[np.arange(p.shape[0]), pred]
    # Most confident first; a stable sort keeps the input order among equal scores.
    order = wrong[np.argsort(-scores[wrong], kind="stable")][:max_worst]

    def names(row: NDArray[Any]) -> list[str]:
        return [labels[c] for c in np.flatnonzero(row)]

    out: list[dict[str, Any]] = []
    for i in order.tolist():
        row_id: Any = i if ids is None else _plain(ids[i])
        text = None if texts is None else str(texts[i])[:MAX_TEXT_CHARS]
        if multi_label:
            true: Any = names(y[i])
            predicted: Any = names(pred[i])
        else:
            true, predicted = labels[int(y[i])], labels[int(pred[i])]
        out.append({"id": row_id, "text": text, "true": true, "predicted": predicted,
                    "score": float(scores[i])})
    return out


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


def _plain(v: Any) -> Any:
    """A JSON-ready copy: floats rounded to 6 places (NaN/inf as None), numpy made plain."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "tolist") and callable(v.tolist):  # numpy arrays and scalars
        return _plain(v.tolist())
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return round(v, 6) if math.isfinite(v) else None
    return v
