"""Evaluation metrics (gold keywords are read by :mod:`zhtext.io.gold`)."""

from __future__ import annotations

from zhtext.evaluate.keywords import KeywordScores, keyword_scores

__all__ = ["KeywordScores", "keyword_scores"]
