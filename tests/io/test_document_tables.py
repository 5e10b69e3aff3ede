"""Documents from tables: a CSV, TSV or Parquet file is read row by row, header and all.

Before, ``keywords extract``, ``topics`` and ``tag predict`` read a ``.csv`` as plain lines: a
Chinese header became the first document and every row's label column was part of its text.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from zhtext.errors import InputError
from zhtext.io import DocumentReader


def _csv(tmp_path: Path) -> Path:
    p = tmp_path / "news.csv"
    p.write_text("标题,类别\n今天股市大涨，投资者信心增强,财经\n国足比赛获胜,体育\n",
                 encoding="utf-8")
    return p


def test_a_chinese_header_is_not_a_document_and_the_label_is_not_text(tmp_path: Path) -> None:
    docs = list(DocumentReader([_csv(tmp_path)]))
    assert [(d.id, d.text) for d in docs] == [(2, "今天股市大涨，投资者信心增强"),
                                              (3, "国足比赛获胜")]


def test_text_and_id_columns_by_name(tmp_path: Path) -> None:
    p = tmp_path / "t.tsv"
    p.write_text("编号\t正文\n a1\t第一篇文章的正文\nb2\t第二篇\n", encoding="utf-8")
    docs = list(DocumentReader([p], text_col="正文", id_col="编号"))
    assert [d.text for d in docs] == ["第一篇文章的正文", "第二篇"]
    assert [str(d.id).strip() for d in docs] == ["a1", "b2"]


def test_several_tables_get_path_line_ids_like_text_files(tmp_path: Path) -> None:
    a = _csv(tmp_path)
    b = tmp_path / "more.txt"
    b.write_text("一行文本\n", encoding="utf-8")
    ids = [d.id for d in DocumentReader([a, b])]
    assert ids == [f"{a}:2", f"{a}:3", f"{b}:1"]


def test_parquet_rows(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    p = tmp_path / "d.parquet"
    pq.write_table(pa.table({"text": ["甲文档内容", "乙文档内容"], "label": ["x", "y"]}), p)
    assert [d.text for d in DocumentReader([p])] == ["甲文档内容", "乙文档内容"]


def test_a_missing_column_names_the_columns(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="标题"):
        list(DocumentReader([_csv(tmp_path)], text_col="正文"))


def test_jsonl_still_defaults_to_the_text_field(tmp_path: Path) -> None:
    p = tmp_path / "d.jsonl"
    p.write_text('{"text": "一", "id": 7}\n{"text": "二", "id": 8}\n', encoding="utf-8")
    assert [d.text for d in DocumentReader([p])] == ["一", "二"]
    with pytest.raises(InputError, match="no text field 'body'"):
        list(DocumentReader([p], text_col="body"))


def test_a_table_format_on_standard_input_says_give_the_file() -> None:
    stdin = io.BytesIO("标题,类别\n文本,财经\n".encode())
    with pytest.raises(InputError, match="give the file"):
        list(DocumentReader(["-"], fmt="csv", stdin=stdin))
