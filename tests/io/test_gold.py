"""zhtext.io.gold: documents with gold keywords (CSL TSV, JSONL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhtext import InputError
from zhtext.io.gold import read_gold


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
    with pytest.raises(InputError, match="no such gold file"):
        list(read_gold(tmp_path / "none.tsv"))
    j = tmp_path / "g.jsonl"
    j.write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"g\.jsonl:1"):
        list(read_gold(j))


def test_read_gold_decoding_error_names_the_encoding(tmp_path: Path) -> None:
    f = tmp_path / "gbk.tsv"
    f.write_bytes("提示\t摘要\t关键词\n".encode("gbk"))
    with pytest.raises(InputError, match=r"gbk\.tsv: cannot decode .* as utf-8.*--encoding gbk"):
        list(read_gold(f))
    assert [d.keywords for d in read_gold(f, encoding="gbk")] == [("关键词",)]
