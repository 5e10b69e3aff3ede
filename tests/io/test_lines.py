"""zhtext.io.lines: the lines of a file streamed block by block, as when read whole; errors
name the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import zhtext.io.lines as lines_module
from zhtext.errors import InputError
from zhtext.io.lines import read_lines


def read_whole(path: Path, encoding: str) -> list[tuple[int, str]]:
    """The lines of the file decoded at once (the reference of the streamed reader)."""
    text = path.read_bytes().decode("utf-8-sig" if encoding == "utf-8" else encoding)
    lines = re.split(r"\r\n|\r|\n", text)
    if lines[-1] == "":
        lines.pop()
    return list(enumerate(lines, 1))


TEXTS = {
    "mixed.txt": "陈静今天考察南京，讨论合作。\r\n\r\n刘强今天来到ＡＢ广州\r\n",
    "cr.txt": "一\r二\r\r三\n四\r\n\r\n",
    "no_final_newline.txt": "一\n二",
    "final_cr.txt": "一\n二\r",
    "bom.txt": "\ufeff第一行\n第二行\n",
    "blank.txt": "\n",
    "empty.txt": "",
}


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 20])
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_lines_as_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                             block: int) -> None:
    monkeypatch.setattr(lines_module, "_BLOCK", block)  # CRLF and characters cut by blocks
    f = tmp_path / name
    f.write_bytes(TEXTS[name].encode("utf-8"))
    assert list(read_lines(f)) == read_whole(f, "utf-8")


@pytest.mark.parametrize("block", [1, 5, 1 << 20])
@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "big5"])
def test_other_encodings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str,
                         block: int) -> None:
    monkeypatch.setattr(lines_module, "_BLOCK", block)
    f = tmp_path / "t.txt"
    f.write_bytes("一行\r\n二行\r三行\n".encode(encoding))
    assert list(read_lines(f, encoding)) == read_whole(f, encoding)
    f.write_bytes("一行\r\n二行\n".encode(encoding) + b"\xff\xfe\xff")
    with pytest.raises(InputError, match=f"t.txt(:3)?: cannot decode .* as {encoding}"):
        list(read_lines(f, encoding))


@pytest.mark.parametrize("block", [1, 4, 1 << 20])
def test_decode_errors_and_missing_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         block: int) -> None:
    monkeypatch.setattr(lines_module, "_BLOCK", block)
    f = tmp_path / "gbk.txt"
    f.write_bytes("第一行\n第二行\n".encode() + "第三行\n".encode("gbk"))
    with pytest.raises(InputError, match=r"gbk\.txt:3: cannot decode bytes b5 da as utf-8 "
                       r".*GBK.*--encoding gbk"):
        list(read_lines(f))
    with pytest.raises(InputError, match=r"gbk\.txt:3: .*convert it to UTF-8, e\.g\. `iconv "
                       r"-f gb18030 -t utf-8 gbk\.txt`"):
        list(read_lines(f, option=False))
    with pytest.raises(InputError, match=r"missing\.txt: no such file; check the path"):
        list(read_lines(tmp_path / "missing.txt"))
    with pytest.raises(InputError, match="is a folder; give a file"):
        list(read_lines(tmp_path))
    with pytest.raises(InputError, match="unknown encoding 'no-such-codec'"):
        list(read_lines(f, "no-such-codec"))
