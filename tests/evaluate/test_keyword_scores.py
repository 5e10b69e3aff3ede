from __future__ import annotations

import pytest

from zhtext.evaluate import keyword_scores


def test_micro_average_by_hand() -> None:
    pred = [["甲", "乙", "丙"], ["丁"]]
    gold = [["甲", "丙", "戊"], ["丁", "己"]]
    s = keyword_scores(pred, gold, k=2)
    # doc 1: top-2 {甲, 乙} vs gold -> 1 hit; doc 2: {丁} -> 1 hit
    assert (s.hits, s.predicted, s.gold) == (2, 3, 5)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 5)
    assert s.f1 == pytest.approx(2 * (2 / 3) * (2 / 5) / (2 / 3 + 2 / 5))


def test_normalised_matching_and_duplicates() -> None:
    s = keyword_scores([["ＧＰＵ", "GPU", "芯片"]], [["GPU"]], k=2)
    assert s.hits == 1  # full-width folded; the duplicate does not count twice
    assert s.predicted == 2


def test_length_mismatch() -> None:
    with pytest.raises(ValueError, match="1 predictions for 2"):
        keyword_scores([["a"]], [["a"], ["b"]], 1)
