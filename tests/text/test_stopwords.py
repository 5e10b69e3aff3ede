from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from zhtext.errors import InputError
from zhtext.text import corpus_stopwords, default_stopwords, load_stopwords


def test_default_stopwords_have_common_function_words() -> None:
    words = default_stopwords()
    assert isinstance(words, frozenset)
    for w in ["的", "了", "是", "在", "和", "我们"]:
        assert w in words
    for w in ["研究", "北京", "电池"]:
        assert w not in words


def test_default_stopwords_have_no_pure_punctuation_or_digits() -> None:
    for w in default_stopwords():
        assert w.strip() == w
        assert any(ch.isalpha() for ch in w), w
        assert not all(unicodedata.category(ch)[0] in "PNSZ" for ch in w), w
    for p in ["，", "。", "？", "、", "８", "＃"]:
        assert p not in default_stopwords()


def test_named_sources() -> None:
    iso = load_stopwords("stopwords-iso")
    assert iso == default_stopwords()
    default = load_stopwords("default")
    assert default > iso  # plus the function words of jieba's dictionary
    assert load_stopwords() == default
    assert "正在" in default
    assert load_stopwords("none") == frozenset()
    assert load_stopwords(None) == frozenset()


def test_iterable_source() -> None:
    assert load_stopwords(["的", "了", "", "的"]) == frozenset({"的", "了"})
    assert load_stopwords(w for w in ("是",)) == frozenset({"是"})
    assert load_stopwords(()) == frozenset()


def test_file_source(tmp_path: Path) -> None:
    p = tmp_path / "stop.txt"
    p.write_text("的\n  了  \n\n是\r\n研究\n", encoding="utf-8")
    expected = frozenset({"的", "了", "是", "研究"})
    assert load_stopwords(p) == expected
    assert load_stopwords(str(p)) == expected


def test_file_with_byte_order_mark(tmp_path: Path) -> None:
    # Windows editors often save UTF-8 with a BOM: the first word must still match
    p = tmp_path / "stop.txt"
    p.write_text("\ufeff的\n了\n", encoding="utf-8")
    assert load_stopwords(p) == frozenset({"的", "了"})


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    with pytest.raises(InputError, match="stop-word file not found") as info:
        load_stopwords(missing)
    assert info.value.path == str(missing)
    # a misspelt source name is taken as a path and reported as such
    with pytest.raises(InputError, match="'default' or 'none'"):
        load_stopwords("defualt")


def test_file_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "gbk.txt"
    p.write_bytes("的\n了\n".encode("gbk"))
    with pytest.raises(InputError, match="not UTF-8") as info:
        load_stopwords(p)
    assert info.value.path == str(p)


def test_corpus_stopwords_max_df() -> None:
    df = {"研究": 80, "方法": 51, "一半": 50, "模型": 30, "罕见": 1}
    assert corpus_stopwords(df, 100) == frozenset({"研究", "方法"})  # more than half
    assert corpus_stopwords(df, 100, max_df=0.25) == frozenset({"研究", "方法", "一半", "模型"})
    assert corpus_stopwords(df, 100, max_df=0.8) == frozenset()
    assert corpus_stopwords(df, 100, max_df=1.0) == frozenset()
    assert corpus_stopwords({}, 100) == frozenset()


def test_corpus_stopwords_min_docs_guard() -> None:
    df = {"研究": 15, "方法": 3}
    assert corpus_stopwords(df, 19) == frozenset()  # too few documents to judge
    assert corpus_stopwords(df, 20) == frozenset({"研究"})
    assert corpus_stopwords(df, 19, min_docs=10) == frozenset({"研究"})
    assert corpus_stopwords({"研究": 2, "方法": 1}, 3, min_docs=0) == frozenset({"研究"})
