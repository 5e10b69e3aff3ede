from __future__ import annotations

from pathlib import Path

import pytest

from zhtext import InputError
from zhtext.evaluate import keyword_scores, read_gold


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


def test_read_gold_tsv_default_columns(tmp_path: Path) -> None:
    f = tmp_path / "g.tsv"
    f.write_text("to keywords\t摘要一\t关键词_另一个\n\nto keywords\t摘要二\t单个\n",
                 encoding="utf-8")
    docs = list(read_gold(f))
    assert [(d.text, d.keywords) for d in docs] == [("摘要一", ("关键词", "另一个")),
                                                    ("摘要二", ("单个",))]


def test_read_gold_named_columns_and_jsonl(tmp_path: Path) -> None:
    f = tmp_path / "g.tsv"
    f.write_text("kw\tbody\n甲;乙\t正文\n", encoding="utf-8")
    docs = list(read_gold(f, text_col="body", keywords_col="kw", sep=";"))
    assert [(d.text, d.keywords) for d in docs] == [("正文", ("甲", "乙"))]
    j = tmp_path / "g.jsonl"
    j.write_text('{"text": "正文", "keywords": ["甲"]}\n{"text": "二", "keywords": "乙_丙"}\n',
                 encoding="utf-8")
    assert [d.keywords for d in read_gold(j)] == [("甲",), ("乙", "丙")]


def test_read_gold_errors(tmp_path: Path) -> None:
    f = tmp_path / "g.tsv"
    f.write_text("a\tb\n", encoding="utf-8")
    with pytest.raises(InputError, match="out of range"):
        list(read_gold(f, text_col="5"))
    with pytest.raises(InputError, match="no text column named 'body'"):
        list(read_gold(f, text_col="body"))
    with pytest.raises(InputError, match="not found"):
        list(read_gold(tmp_path / "none.tsv"))
    j = tmp_path / "g.jsonl"
    j.write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"g\.jsonl:1"):
        list(read_gold(j))
