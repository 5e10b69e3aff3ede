"""Readers of labelled data: formats, column choice, label names, errors with file:line."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from zhtext.errors import InputError
from zhtext.io.tabular import check_texts, read_data, read_label_names, split_data

# Short texts written for these tests (not taken from any data set).
TITLES = [
    ("国足客场战平对手晋级下一轮", "0"),
    ("央行宣布下调存款准备金率", "1"),
    ("新款手机搭载自研芯片发布", "2"),
    ("篮球联赛季后赛今晚开打", "0"),
    ("股市三大指数集体收涨", "1"),
]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def thucnews_like(tmp_path: Path, name: str = "train.txt") -> Path:
    return write(tmp_path / name, "".join(f"{t}\t{lab}\n" for t, lab in TITLES))


# -- formats ------------------------------------------------------------------------------


def test_tsv_without_header_thucnews_like(tmp_path: Path) -> None:
    data = read_data(thucnews_like(tmp_path))
    assert data.texts == [t for t, _ in TITLES]
    assert data.single_labels() == [lab for _, lab in TITLES]
    assert data.ids == [1, 2, 3, 4, 5]
    assert data.lines == [1, 2, 3, 4, 5]
    assert data.label_set() == ["0", "1", "2"]
    assert data.text_col == 0 and data.label_col == 1


def test_tsv_with_header_chnsenticorp_like(tmp_path: Path) -> None:
    f = write(tmp_path / "dev.tsv", "label\ttext_a\n1\t房间干净，服务周到，下次还来\n"
              "0\t隔音太差，一晚上没睡好\n1\t早餐丰富，位置方便\n")
    data = read_data(f)
    assert data.texts == ["房间干净，服务周到，下次还来", "隔音太差，一晚上没睡好",
                          "早餐丰富，位置方便"]
    assert data.single_labels() == ["1", "0", "1"]
    # Line numbers count the header.
    assert data.lines == [2, 3, 4]


def test_tsv_quotes_are_literal(tmp_path: Path) -> None:
    f = write(tmp_path / "t.tsv", '他说"好"\ta\n"引号开头\tb\n')
    data = read_data(f)
    assert data.texts == ['他说"好"', '"引号开头']


def test_csv_with_header_and_quoted_commas(tmp_path: Path) -> None:
    f = write(tmp_path / "d.csv", 'id,text,label\n'
              'a1,"价格便宜,质量也好",好评\n'
              'a2,"物流慢,包装破损,很失望",差评\n'
              'a3,"说""还行""吧",中评\n')
    data = read_data(f, id_col="id")
    assert data.texts == ["价格便宜,质量也好", "物流慢,包装破损,很失望", '说"还行"吧']
    assert data.single_labels() == ["好评", "差评", "中评"]
    assert data.ids == ["a1", "a2", "a3"]


def test_csv_multiline_quoted_field_keeps_line_numbers(tmp_path: Path) -> None:
    f = write(tmp_path / "d.csv", 'text,label\n"第一行\n第二行",a\n第三条,b\n,c\n')
    data = read_data(f)
    assert data.texts[0] == "第一行\n第二行"
    assert data.lines == [2, 4, 5]
    with pytest.raises(InputError, match=r"d\.csv:5: empty text"):
        check_texts(data)


def test_jsonl_sentence_label(tmp_path: Path) -> None:
    rows = [{"sentence": t, "label": lab, "id": i} for i, (t, lab) in enumerate(TITLES)]
    f = write(tmp_path / "train.jsonl",
              "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n")
    data = read_data(f, id_col="id")
    assert data.texts == [t for t, _ in TITLES]
    assert data.single_labels() == [lab for _, lab in TITLES]
    assert data.ids == [0, 1, 2, 3, 4]
    assert data.text_col == "sentence" and data.label_col == "label"


def test_jsonl_integer_labels_and_missing_text_field(tmp_path: Path) -> None:
    f = write(tmp_path / "a.jsonl",
              '{"text": "甲乙丙", "label": 3}\n{"text": "丁戊", "label": 4}\n')
    assert read_data(f).single_labels() == ["3", "4"]
    g = write(tmp_path / "b.jsonl",
              '{"text": "甲乙丙", "label": 3}\n{"body": "丁戊", "label": 4}\n')
    with pytest.raises(InputError, match=r"b\.jsonl:2: no text field 'text'.*'body'"):
        read_data(g)


def test_jsonl_invalid_json_names_line(tmp_path: Path) -> None:
    f = write(tmp_path / "a.jsonl", '{"text": "甲", "label": "x"}\n{"text": "乙", \n')
    with pytest.raises(InputError, match=r"a\.jsonl:2: not valid JSON"):
        read_data(f)


def test_parquet(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas", reason="needs pandas (pip install 'zhtext[classify]')")
    pytest.importorskip("pyarrow", reason="needs pyarrow (pip install 'zhtext[classify]')")
    f = tmp_path / "train.parquet"
    pd.DataFrame({"doc_id": [10, 11, 12], "content": ["甲队获胜", "油价上涨", "芯片发布"],
                  "category": ["体育", "财经", "科技"]}).to_parquet(f)
    data = read_data(f, id_col="doc_id")
    assert data.texts == ["甲队获胜", "油价上涨", "芯片发布"]
    assert data.single_labels() == ["体育", "财经", "科技"]
    assert data.ids == [10, 11, 12]
    assert data.lines == [1, 2, 3]
    # Integer labels (stored as floats when a value is missing) come out as "0", not "0.0".
    g = tmp_path / "ints.parquet"
    pd.DataFrame({"text": ["甲", "乙"], "label": [0.0, 1.0]}).to_parquet(g)
    assert read_data(g).single_labels() == ["0", "1"]


def test_not_parquet(tmp_path: Path) -> None:
    pytest.importorskip("pandas", reason="needs pandas (pip install 'zhtext[classify]')")
    pytest.importorskip("pyarrow", reason="needs pyarrow (pip install 'zhtext[classify]')")
    f = write(tmp_path / "bad.parquet", "这不是 parquet\n")
    with pytest.raises(InputError, match="cannot read as Parquet"):
        read_data(f)


def test_plain_text_one_doc_per_line(tmp_path: Path) -> None:
    f = write(tmp_path / "docs.txt", "第一篇文档\n\n第三篇文档\n")
    data = read_data(f, require_labels=False)
    assert data.texts == ["第一篇文档", "", "第三篇文档"]
    assert data.ids == [1, 2, 3]
    assert not data.has_labels
    with pytest.raises(InputError, match="cannot tell which column holds the label"):
        read_data(f)


def test_unlabelled_rows_allowed_for_prediction(tmp_path: Path) -> None:
    f = write(tmp_path / "a.jsonl", '{"sentence": "甲乙丙", "label": "a"}\n{"sentence": "丁戊"}\n')
    assert read_data(f, require_labels=False).texts == ["甲乙丙", "丁戊"]
    with pytest.raises(InputError, match=r"a\.jsonl:2: missing label"):
        read_data(f)
    g = write(tmp_path / "b.tsv", "今天天气很好啊\t\n明天也很好吗\tb\n")
    assert read_data(g, require_labels=False).texts == ["今天天气很好啊", "明天也很好吗"]
    with pytest.raises(InputError, match=r"b\.tsv:1: empty label"):
        read_data(g)


# -- columns ------------------------------------------------------------------------------


def test_columns_by_name(tmp_path: Path) -> None:
    f = write(tmp_path / "d.tsv", "编号\t标题\t类别\n7\t国足战平\t体育\n8\t油价上涨\t财经\n")
    data = read_data(f, text_col="标题", label_col="类别", id_col="编号")
    assert data.texts == ["国足战平", "油价上涨"]
    assert data.single_labels() == ["体育", "财经"]
    assert data.ids == ["7", "8"]


def test_columns_by_index(tmp_path: Path) -> None:
    f = write(tmp_path / "d.tsv", "体育\tx7\t国足战平\n财经\tx8\t油价上涨\n")
    data = read_data(f, text_col=2, label_col=0, id_col=1)
    assert data.texts == ["国足战平", "油价上涨"]
    assert data.single_labels() == ["体育", "财经"]
    assert data.ids == ["x7", "x8"]
    # Indices given as strings (as from the command line) work the same.
    again = read_data(f, text_col="2", label_col="0", id_col="1")
    assert again.texts == data.texts and again.ids == data.ids


def test_index_into_jsonl_and_header_file(tmp_path: Path) -> None:
    f = write(tmp_path / "a.jsonl", '{"a": "标签一", "b": "一段文本"}\n')
    data = read_data(f, text_col=1, label_col=0)
    assert data.texts == ["一段文本"] and data.single_labels() == ["标签一"]


def test_two_fields_one_given_other_is_the_other(tmp_path: Path) -> None:
    # Labels longer than the texts: the length guess alone would get it wrong.
    f = write(tmp_path / "d.tsv", "好\tpositive\n差\tnegative\n")
    data = read_data(f, text_col=0)
    assert data.texts == ["好", "差"] and data.single_labels() == ["positive", "negative"]
    data = read_data(f, label_col=1)
    assert data.texts == ["好", "差"]


def test_missing_column_lists_existing(tmp_path: Path) -> None:
    f = write(tmp_path / "d.csv", "review,label\n不错,1\n")
    with pytest.raises(InputError, match="no text column 'content'") as e:
        read_data(f, text_col="content")
    assert "'review'" in str(e.value) and "'label'" in str(e.value)
    g = write(tmp_path / "d.jsonl", '{"review": "不错", "stars": 5}\n')
    with pytest.raises(InputError, match="no label column 'label'") as e:
        read_data(g, label_col="label")
    assert "'review'" in str(e.value) and "'stars'" in str(e.value)


def test_column_name_without_header_and_index_out_of_range(tmp_path: Path) -> None:
    f = thucnews_like(tmp_path)
    with pytest.raises(InputError, match="no header row; give a 0-based index"):
        read_data(f, text_col="title")
    with pytest.raises(InputError, match="index 5 is out of range: rows have 2 fields"):
        read_data(f, text_col=5)


def test_unknown_header_names_ask_for_the_column(tmp_path: Path) -> None:
    # Three named columns none of which zhtext knows: it asks rather than guesses.
    f = write(tmp_path / "d.csv", "甲,乙,丙\n国足战平,体育,a\n油价上涨,财经,b\n")
    with pytest.raises(InputError, match=r"cannot tell which column holds the text.*'甲'"):
        read_data(f, header=True)
    assert read_data(f, header=True, text_col="甲", label_col="乙").texts == ["国足战平",
                                                                          "油价上涨"]
    # Chinese names (and a numeric column under a non-numeric first row) reveal a header
    # (more in tests/io/test_headers.py).
    g = write(tmp_path / "e.csv", "标题,类别\n国足战平,0\n油价上涨,1\n")
    assert read_data(g).texts == ["国足战平", "油价上涨"]
    assert read_data(g, text_col="标题", label_col="类别").texts == ["国足战平", "油价上涨"]


# -- labels -------------------------------------------------------------------------------


def test_label_names_file_maps_ids(tmp_path: Path) -> None:
    names_file = write(tmp_path / "class.txt", "体育\n财经\n科技\n\n")
    names = read_label_names(names_file)
    assert names == ["体育", "财经", "科技"]
    data = read_data(thucnews_like(tmp_path), label_names=names)
    assert data.single_labels() == ["体育", "财经", "科技", "体育", "财经"]
    # Names themselves are accepted too.
    g = write(tmp_path / "named.tsv", "国足战平\t体育\n油价上涨\t1\n")
    assert read_data(g, label_names=names, header=False).single_labels() == ["体育", "财经"]


def test_label_id_out_of_range_names_file_and_line(tmp_path: Path) -> None:
    f = write(tmp_path / "train.tsv", "国足战平\t0\n油价上涨\t1\n芯片发布\t3\n")
    with pytest.raises(InputError, match=r"train\.tsv:3: label '3' .*0\.\.2") as e:
        read_data(f, label_names=["体育", "财经", "科技"])
    assert e.value.line == 3 and e.value.path == str(f)


def test_label_names_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such label-names file"):
        read_label_names(tmp_path / "missing.txt")
    with pytest.raises(InputError, match=r"c\.txt:2: empty label name"):
        read_label_names(write(tmp_path / "c.txt", "体育\n\n财经\n"))
    with pytest.raises(InputError, match="appears twice"):
        read_label_names(write(tmp_path / "d.txt", "体育\n财经\n体育 \n"))
    with pytest.raises(InputError, match="empty"):
        read_label_names(write(tmp_path / "e.txt", "\n"))


def test_multi_label_json_list_and_separator(tmp_path: Path) -> None:
    f = write(tmp_path / "m.jsonl", '{"text": "球队老板投资芯片公司", "label": ["体育", "科技"]}\n'
              '{"text": "央行发布报告", "label": ["财经"]}\n')
    data = read_data(f, multi_label=True)
    assert data.labels == [("体育", "科技"), ("财经",)]
    g = write(tmp_path / "m.tsv", "球队老板投资芯片公司\t体育|科技\n央行发布报告\t财经\n")
    assert read_data(g, multi_label=True, label_sep="|").labels == [("体育", "科技"), ("财经",)]
    h = write(tmp_path / "m.csv", 'text,label\n球队老板投资芯片公司,"[""体育"", ""科技""]"\n'
              '央行发布报告,"财经, 科技"\n')
    assert read_data(h, multi_label=True).labels == [("体育", "科技"), ("财经", "科技")]
    # Ids map through the label-names file per part.
    k = write(tmp_path / "ids.tsv", "球队老板投资芯片公司\t0,2\n央行发布报告\t1\n")
    assert read_data(k, multi_label=True, header=False,
                     label_names=["体育", "财经", "科技"]).labels == [
        ("体育", "科技"), ("财经",)]


def test_list_label_without_multi_label(tmp_path: Path) -> None:
    f = write(tmp_path / "m.jsonl", '{"text": "甲", "label": ["a", "b"]}\n')
    with pytest.raises(InputError, match=r"m\.jsonl:1: label is a list.*--multi-label"):
        read_data(f)


# -- malformed input ----------------------------------------------------------------------


def test_wrong_number_of_fields_names_line(tmp_path: Path) -> None:
    f = write(tmp_path / "train.txt", "国足战平\t0\n油价上涨\t1\n\n芯片\t发布\t2\n股市收涨\t1\n")
    with pytest.raises(InputError, match=r"train\.txt:4: expected 2 tab-separated fields, "
                       r"found 3") as e:
        read_data(f)
    assert e.value.line == 4
    g = write(tmp_path / "d.csv", "text,label\n好,1\n差\n")
    with pytest.raises(InputError, match=r"d\.csv:3: expected 2 comma-separated fields"):
        read_data(g)


def test_empty_text_check_names_line(tmp_path: Path) -> None:
    f = write(tmp_path / "train.tsv", "国足战平\t0\n  \t1\n")
    data = read_data(f)
    with pytest.raises(InputError, match=r"train\.tsv:2: empty text") as e:
        check_texts(data)
    assert e.value.line == 2
    check_texts(read_data(thucnews_like(tmp_path)))


@pytest.mark.parametrize("content", ["", "\n\n  \n", "label\ttext_a\n"])
def test_file_without_rows(tmp_path: Path, content: str) -> None:
    f = write(tmp_path / "empty.tsv", content)
    with pytest.raises(InputError, match="no rows"):
        read_data(f)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_data(tmp_path / "nope.tsv")
    with pytest.raises(InputError, match="is a folder"):
        read_data(tmp_path)
    with pytest.raises(InputError, match="unknown encoding"):
        read_data(thucnews_like(tmp_path), encoding="no-such-codec")


def test_gbk_file_suggests_encoding(tmp_path: Path) -> None:
    content = "".join(f"{t}\t{lab}\n" for t, lab in TITLES)
    for name in ("train.txt", "train.tsv", "train.csv", "train.jsonl"):
        text = content if not name.endswith(".jsonl") else "".join(
            json.dumps({"text": t, "label": lab}, ensure_ascii=False) + "\n" for t, lab in TITLES)
        f = write(tmp_path / name, text, encoding="gbk")
        with pytest.raises(InputError,
                           match=r"cannot decode bytes .* as utf-8 \(.*--encoding gbk"):
            read_data(f)
    f = write(tmp_path / "gbk.txt", content, encoding="gbk")
    assert read_data(f, encoding="gbk").texts == [t for t, _ in TITLES]


@pytest.mark.parametrize(("name", "content"), [
    ("a.tsv", "国足战平\t0\n油价上涨\t1\n"),
    ("a.txt", "国足战平\t0\n油价上涨\t1\n"),
    ("a.csv", '"text","label"\n"国足战平",0\n"油价上涨",1\n'),
    ("h.tsv", "text\tlabel\n国足战平\t0\n油价上涨\t1\n"),
    ("a.jsonl", '{"text": "国足战平", "label": 0}\n{"text": "油价上涨", "label": 1}\n'),
])
def test_bom_at_file_start(tmp_path: Path, name: str, content: str) -> None:
    f = write(tmp_path / name, "\ufeff" + content)
    data = read_data(f)
    assert data.texts == ["国足战平", "油价上涨"]
    assert data.single_labels() == ["0", "1"]


def test_bom_plain_text(tmp_path: Path) -> None:
    f = write(tmp_path / "docs.txt", "\ufeff第一篇\n第二篇\n")
    assert read_data(f, require_labels=False).texts == ["第一篇", "第二篇"]


def test_long_fields(tmp_path: Path) -> None:
    long = "长" * 200_000
    f = write(tmp_path / "long.tsv", f"{long}\t0\n短文本\t1\n")
    assert read_data(f).texts[0] == long


# -- split --------------------------------------------------------------------------------


def _many(tmp_path: Path) -> Path:
    rows = [(f"第{i}条{cls}新闻", cls) for cls, n in (("体育", 30), ("财经", 20), ("科技", 10))
            for i in range(n)]
    rows.append(("唯一一条娱乐新闻", "娱乐"))
    return write(tmp_path / "many.tsv", "".join(f"{t}\t{lab}\n" for t, lab in rows))


def test_split_is_seeded_stratified_disjoint_and_complete(tmp_path: Path) -> None:
    data = read_data(_many(tmp_path))
    rest, held = split_data(data, 0.2, seed=3)
    assert len(rest) + len(held) == len(data)
    assert set(rest.lines).isdisjoint(held.lines)
    assert sorted(rest.lines + held.lines) == data.lines
    # Stratified: 20% of each class; a class of one stays in training.
    assert Counter(held.single_labels()) == {"体育": 6, "财经": 4, "科技": 2}
    assert "娱乐" in rest.single_labels()
    # Rows stay together and in file order.
    for part in (rest, held):
        assert part.lines == sorted(part.lines)
        for text, lab, line in zip(part.texts, part.single_labels(), part.lines):
            assert data.texts[line - 1] == text and data.single_labels()[line - 1] == lab
    again_rest, again_held = split_data(data, 0.2, seed=3)
    assert again_held.lines == held.lines and again_rest.lines == rest.lines
    other = [split_data(data, 0.2, seed=s)[1].lines for s in range(4, 8)]
    assert any(o != held.lines for o in other)


def test_split_small_classes_and_bad_fraction(tmp_path: Path) -> None:
    data = read_data(thucnews_like(tmp_path))
    rest, held = split_data(data, 0.01)
    # Each class of two gives one to dev; the class of one stays in training.
    assert Counter(held.single_labels()) == {"0": 1, "1": 1}
    assert set(rest.single_labels()) == {"0", "1", "2"}
    for bad in (0.0, 1.0, -0.5):
        with pytest.raises(InputError, match="between 0 and 1"):
            split_data(data, bad)
