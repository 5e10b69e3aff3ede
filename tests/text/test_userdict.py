from __future__ import annotations

from pathlib import Path

import pytest

from zhtext.errors import InputError
from zhtext.text import DictEntry, parse_user_dict, read_user_dict


@pytest.mark.parametrize(
    ("line", "entry"),
    [
        ("云计算 5 n", DictEntry("云计算", 5, "n")),
        ("云计算", DictEntry("云计算")),
        ("云计算 nz", DictEntry("云计算", None, "nz")),
        ("云计算 12", DictEntry("云计算", 12, None)),
        ("词 0", DictEntry("词", 0, None)),
        ("  云计算 5 n  ", DictEntry("云计算", 5, "n")),
        ("Machine Learning 10 n", DictEntry("Machine Learning", 10, "n")),
        ("C++ 5 nz", DictEntry("C++", 5, "nz")),
        ("2024年 3 t", DictEntry("2024年", 3, "t")),
        ("\ufeff云计算 3", DictEntry("云计算", 3, None)),
    ],
)
def test_parse_line(line: str, entry: DictEntry) -> None:
    assert parse_user_dict([line]) == [entry]


def test_comments_and_blank_lines_are_skipped() -> None:
    lines = ["\ufeff# 用户词典", "", "   ", "云计算 5 n", "# 注释 3 n", "\t", "大数据"]
    assert parse_user_dict(lines) == [DictEntry("云计算", 5, "n"), DictEntry("大数据")]
    assert parse_user_dict([]) == []


def test_entries_keep_file_order_and_duplicates() -> None:
    assert [e.word for e in parse_user_dict(["乙", "甲 3", "乙 n"])] == ["乙", "甲", "乙"]


@pytest.mark.parametrize("bad", ["12345", "10 n", "2024 3 t"])
def test_invalid_line_names_source_and_line(bad: str) -> None:
    with pytest.raises(InputError, match="expected 'word \\[frequency\\] \\[pos-tag\\]'") as info:
        parse_user_dict(["# 注释", "好词 3", bad], source="my.dict")
    assert info.value.path == "my.dict"
    assert info.value.line == 3
    assert str(info.value).startswith("my.dict:3: ")
    assert repr(bad) in str(info.value)


def test_dict_entry_is_frozen() -> None:
    e = DictEntry("云计算", 5, "n")
    with pytest.raises(AttributeError):
        e.word = "大数据"  # type: ignore[misc]
    assert e == DictEntry("云计算", 5, "n")
    assert hash(e) == hash(DictEntry("云计算", 5, "n"))


def test_read_user_dict(tmp_path: Path) -> None:
    p = tmp_path / "user.dict"
    p.write_text("\ufeff# 词典\n云计算 5 n\r\n大数据\n\n机器学习 nz\n", encoding="utf-8")
    assert read_user_dict(p) == [
        DictEntry("云计算", 5, "n"), DictEntry("大数据"), DictEntry("机器学习", None, "nz")]
    assert read_user_dict(str(p)) == read_user_dict(p)


def test_read_user_dict_other_encoding(tmp_path: Path) -> None:
    p = tmp_path / "gbk.dict"
    p.write_bytes("云计算 5 n\n".encode("gbk"))
    assert read_user_dict(p, encoding="gbk") == [DictEntry("云计算", 5, "n")]
    with pytest.raises(InputError, match=r"gbk\.dict:1: not valid utf-8 text.*save it as UTF-8"):
        read_user_dict(p)


def test_read_user_dict_names_the_bad_line(tmp_path: Path) -> None:
    p = tmp_path / "user.dict"
    p.write_text("云计算 5 n\n大数据\n\n42\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_user_dict(p)
    assert info.value.path == str(p)
    assert info.value.line == 4


def test_read_user_dict_missing_or_unreadable(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="user dictionary not found") as info:
        read_user_dict(tmp_path / "missing.dict")
    assert info.value.path == str(tmp_path / "missing.dict")
    with pytest.raises(InputError, match="cannot read user dictionary"):
        read_user_dict(tmp_path)  # a directory
