from __future__ import annotations

from pathlib import Path

import pytest

from zhtext import InputError
from zhtext.text import (
    DictEntry,
    corpus_stopwords,
    default_stopwords,
    load_stopwords,
    parse_user_dict,
)
from zhtext.text.stopwords import function_words


def test_parse_user_dict_forms() -> None:
    assert parse_user_dict(["云计算 5 n", "大数据", "区块链 nz", "机器 学习 3"]) == [
        DictEntry("云计算", 5, "n"), DictEntry("大数据"), DictEntry("区块链", None, "nz"),
        DictEntry("机器 学习", 3, None)]
    with pytest.raises(InputError, match="<user dictionary>:1"):
        parse_user_dict(["42"])


def test_default_stopwords() -> None:
    sw = default_stopwords()
    assert {"的", "了", "是"} <= sw
    assert not any(all(not c.isalpha() for c in w) for w in sw)


def test_function_words_from_jieba_dictionary() -> None:
    fw = function_words()
    assert {"正在", "我们", "因为"} <= fw
    assert "研究" not in fw and "模型" not in fw
    assert load_stopwords("default") == default_stopwords() | fw


def test_load_stopwords_sources(tmp_path: Path) -> None:
    f = tmp_path / "stop.txt"
    f.write_text("甲\n\n乙 \n", encoding="utf-8")
    assert load_stopwords(f) == {"甲", "乙"}
    assert load_stopwords("none") == frozenset()
    assert load_stopwords(None) == frozenset()
    assert load_stopwords(["丙", ""]) == {"丙"}
    assert load_stopwords("stopwords-iso") == default_stopwords()
    with pytest.raises(InputError, match="not found"):
        load_stopwords(tmp_path / "none.txt")


def test_corpus_stopwords() -> None:
    df = {"研究": 80, "模型": 30, "方法": 51}
    assert corpus_stopwords(df, 100, max_df=0.5) == {"研究", "方法"}
    assert corpus_stopwords(df, 10, max_df=0.5) == frozenset()  # too few documents
