"""zhtext.io.tabular.iter_batches: a data file batch by batch, with the ids, texts and errors
of reading it whole (read_data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhtext.errors import InputError
from zhtext.io.tabular import iter_batches, read_data

TSV_HEADER = "id\ttext\tlabel\nn1\t球队赢得了决赛\t体育\nn2\t央行宣布调整利率\t财经\n" + "".join(
    f"n{i}\t第{i}条新闻\t科技\n" for i in range(3, 30))
CASES = {
    "header.tsv": TSV_HEADER,
    "thucnews.txt": "".join(f"标题{i}，内容\"引号\"\t{i % 10}\n" for i in range(40)),
    "crlf_bom.tsv": "\ufeffid\ttext\r\n7\t甲\r\n\r\n8\t乙\r\n",
    "quoted.csv": 'text,label\n"一,二",a\n"多\n行",b\n三,a\n',
    "records.jsonl": "".join(json.dumps({"id": f"x{i}", "sentence": f"句子{i}", "label": "a"},
                                        ensure_ascii=False) + "\n" for i in range(25))
    + "\n" + json.dumps({"sentence": None, "label": "b"}) + "\n",
    "plain.txt": "第一行\n\n第三行  有空格\r\n最后一行",
    "one_line.txt": "只有一行",
}


def _write(tmp_path: Path, name: str, content: str) -> Path:
    f = tmp_path / name
    f.write_bytes(content.encode("utf-8"))
    return f


def _streamed(path: Path, batch_size: int = 3, **options: object
              ) -> tuple[list[str | int], list[str]]:
    ids: list[str | int] = []
    texts: list[str] = []
    for batch_ids, batch_texts in iter_batches(path, batch_size=batch_size, **options):
        assert 0 < len(batch_ids) == len(batch_texts) <= batch_size
        ids += batch_ids
        texts += batch_texts
    return ids, texts


@pytest.mark.parametrize("name", sorted(CASES))
def test_batches_have_the_ids_and_texts_of_read_data(tmp_path: Path, name: str) -> None:
    f = _write(tmp_path, name, CASES[name])
    whole = read_data(f, require_labels=False)
    assert _streamed(f) == (whole.ids, whole.texts)
    if name == "header.tsv":
        whole = read_data(f, id_col="id", text_col="text", require_labels=False)
        assert _streamed(f, id_col="id", text_col="text") == (whole.ids, whole.texts)
    if name == "records.jsonl":
        whole = read_data(f, id_col="id", require_labels=False)
        assert _streamed(f, id_col="id") == (whole.ids, whole.texts)


def test_parquet_batches(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="needs pyarrow")
    import pyarrow as pa

    f = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": list(range(10, 17)), "text": [f"文本{i}" for i in range(7)],
                             "label": ["a"] * 7}), f, row_group_size=3)
    whole = read_data(f, id_col="id", require_labels=False)
    assert _streamed(f, id_col="id") == (whole.ids, whole.texts)


BAD = {
    "width.tsv": "text\tlabel\n甲\ta\n乙\tb\n丙\tc\textra\n",
    "json.jsonl": '{"text": "甲"}\n{"text": \n',
    "list.jsonl": '{"text": "甲"}\n[1, 2]\n',
    "number.jsonl": '{"text": "甲"}\n{"text": 5}\n',
    "empty.txt": "",
    "nocol.jsonl": '{"words": "甲", "n": 1}\n{"words": "乙", "n": 2}\n',
    "listlabel.jsonl": '{"text": "甲", "label": "a"}\n{"text": "乙", "label": ["a", "b"]}\n',
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_gives_the_errors_of_read_data(tmp_path: Path, name: str) -> None:
    f = _write(tmp_path, name, BAD[name])
    with pytest.raises(InputError) as whole:
        read_data(f, require_labels=False)
    with pytest.raises(InputError) as streamed:
        _streamed(f)
    assert str(streamed.value) == str(whole.value)


def test_bad_options_give_the_errors_of_read_data(tmp_path: Path) -> None:
    f = _write(tmp_path, "header.tsv", TSV_HEADER)
    g = _write(tmp_path, "late.jsonl", '{"text": "甲"}\n' * 300 + '{"text": "乙", "tag": 1}\n')
    gbk = tmp_path / "gbk.tsv"
    gbk.write_bytes("甲\ta\n乙\tb\n".encode("gbk"))
    for path, options in [(f, {"text_col": "content"}), (f, {"id_col": "5"}),
                          (g, {"text_col": "nope"}), (g, {"text_col": "tag"}),
                          (gbk, {}), (tmp_path / "missing.tsv", {}), (tmp_path, {}),
                          (f, {"encoding": "no-such-codec"})]:
        with pytest.raises(InputError) as whole:
            read_data(path, require_labels=False, **options)  # type: ignore[arg-type]
        with pytest.raises(InputError) as streamed:
            _streamed(path, **options)  # type: ignore[arg-type]
        assert str(streamed.value) == str(whole.value), (path, options)
    # A field that first appears after the rows guesses look at is still found.
    whole = read_data(g, id_col="tag", require_labels=False)
    assert _streamed(g, id_col="tag") == (whole.ids, whole.texts)
