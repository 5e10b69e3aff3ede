"""Keyword evaluation: precision, recall and F1 at k against gold keywords.

Gold keywords are read by :func:`zhtext.io.gold.read_gold`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from zhtext.text.normalize import Normalizer

__all__ = ["KeywordScores", "keyword_scores"]

@dataclass(frozen=True, slots=True)
class KeywordScores:
    """Micro-averaged scores at one cut-off ``k``.

    Hits are summed over all documents, then divided by all predictions (precision) or all
    gold keywords (recall); matching is exact after normalisation (full-width folding).
    """

    k: int
    precision: float
    recall: float
    f1: float
    hits: int
    predicted: int
    gold: int
    documents: int

    def to_dict(self) -> dict[str, float | int]:
        """JSON-ready form."""
        return asdict(self)


def keyword_scores(
    predicted: Sequence[Sequence[str]], gold: Sequence[Iterable[str]], k: int
) -> KeywordScores:
    """P/R/F1@k of predicted keyword lists (best first) against gold keyword sets.

    Example:
        >>> keyword_scores([["a", "b", "c"]], [["a", "c", "d"]], k=2).precision
        0.5
    """
    if len(predicted) != len(gold):
        raise ValueError(f"{len(predicted)} predictions for {len(gold)} gold documents")
    norm = Normalizer()
    hits = n_pred = n_gold = 0
    for pred, g in zip(predicted, gold):
        gset = {norm.normalize(x).text.strip() for x in g if x.strip()}
        top = list(dict.fromkeys(norm.normalize(p).text.strip() for p in pred))[:k]
        hits += len(gset.intersection(top))
        n_pred += len(top)
        n_gold += len(gset)
    p = hits / n_pred if n_pred else 0.0
    r = hits / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return KeywordScores(k, p, r, f, hits, n_pred, n_gold, len(gold))
