"""Evaluation metrics and gold-standard readers."""

from __future__ import annotations

from zhtext.evaluate.keywords import GoldDocument, KeywordScores, keyword_scores, read_gold

__all__ = ["GoldDocument", "KeywordScores", "keyword_scores", "read_gold"]
