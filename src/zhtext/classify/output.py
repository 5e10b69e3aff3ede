"""Prediction output lines of a classifier: what ``classify predict`` writes, per batch.

One class serves the local command and the ``--engine ray`` workers, so both write the same
lines for the same rows.
"""

from __future__ import annotations

import json
from typing import Any, Literal

__all__ = ["PredictionLines", "load_prediction_lines"]


class PredictionLines:
    """A batch of ids and texts in, its prediction lines out (``jsonl`` or ``tsv``).

    ``jsonl``: ``{"id", "label", "score", "scores"}`` (``"labels"`` too for multi-label models);
    ``tsv``: id, label(s), score.
    """

    def __init__(self, classifier: Any, fmt: Literal["jsonl", "tsv"] = "jsonl") -> None:
        self.classifier = classifier
        self.fmt = fmt

    def __call__(self, ids: list[str | int], texts: list[str]) -> str:
        """The output lines of one batch, in its order."""
        clf = self.classifier
        lines = []
        for doc_id, p in zip(ids, clf.predict(texts), strict=True):
            if self.fmt == "jsonl":
                lines.append(json.dumps({"id": doc_id, **p.to_dict(
                    multi_label=clf.multi_label)}, ensure_ascii=False) + "\n")
            else:
                shown = ",".join(p.labels) if clf.multi_label else p.label
                lines.append(f"{doc_id}\t{shown}\t{p.score:.6f}\n")
        return "".join(lines)


def load_prediction_lines(model_dir: str, fmt: Literal["jsonl", "tsv"]) -> PredictionLines:
    """Load a classifier directory into :class:`PredictionLines` (a Ray worker's start-up).

    A linear classifier featurises in its own process here: the engine runs one worker per
    CPU already.
    """
    from zhtext.classify.classifier import TextClassifier
    from zhtext.parallel import no_forking

    clf = TextClassifier.load(model_dir)
    no_forking(clf)
    return PredictionLines(clf, fmt)
