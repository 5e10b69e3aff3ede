"""zhtext.io: streaming readers with clear errors, and atomic writes."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.processes import HANG_GUARD

from zhtext import InputError
from zhtext.io import DocumentReader, atomic_write


def read(*sources: Path | str, **kw: object) -> list[tuple[object, str]]:
    return [(d.id, d.text) for d in DocumentReader(list(sources), **kw)]  # type: ignore[arg-type]


def test_lines_keep_their_place(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes("第一行\n\n  \r\n第四行".encode())
    assert read(f) == [(1, "第一行"), (2, ""), (3, "  "), (4, "第四行")]


def test_bom_is_stripped(tmp_path: Path) -> None:
    f = tmp_path / "bom.txt"
    f.write_bytes("\ufeff你好\n".encode())
    assert read(f) == [(1, "你好")]


def test_several_files_get_prefixed_ids(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("甲\n", encoding="utf-8")
    b.write_text("乙\n", encoding="utf-8")
    assert read(a, b) == [(f"{a}:1", "甲"), (f"{b}:1", "乙")]


def test_jsonl_fields_and_errors(tmp_path: Path) -> None:
    f = tmp_path / "d.jsonl"
    f.write_text('{"id": 7, "text": "文本"}\n\n{"id": "x", "text": null}\n', encoding="utf-8")
    assert read(f, id_col="id") == [(7, "文本"), (2, ""), ("x", "")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "好"}\n{"text": 3}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2: field 'text' should be a string"):
        read(bad)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "好"}\n{"text": \n', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.jsonl:2: not valid JSON"):
        read(broken)
    arr = tmp_path / "arr.jsonl"
    arr.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a JSON object"):
        read(arr)
    with pytest.raises(InputError, match=r"no text field 'body' \(fields: 'id', 'text'\)"):
        read(f.with_name("d.jsonl"), text_col="body", id_col=None)


def test_format_override(tmp_path: Path) -> None:
    f = tmp_path / "lines.jsonl"
    f.write_text('{"text": "好"}\n', encoding="utf-8")
    assert read(f, fmt="text") == [(1, '{"text": "好"}')]


def test_folder_needs_doc_per_file(tmp_path: Path) -> None:
    d = tmp_path / "docs"
    (d / "sub").mkdir(parents=True)
    (d / "b.txt").write_text("乙", encoding="utf-8")
    (d / "sub" / "a.txt").write_text("甲\n第二行", encoding="utf-8")
    (d / ".hidden").write_text("不读", encoding="utf-8")
    with pytest.raises(InputError, match="--doc-per-file"):
        read(d)
    assert read(d, doc_per_file=True) == [("b.txt", "乙"), ("sub/a.txt", "甲\n第二行")]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no files"):
        read(empty, doc_per_file=True)


def test_gbk_is_named_with_line_and_fix(tmp_path: Path) -> None:
    f = tmp_path / "gbk.txt"
    f.write_bytes("ascii line\n中文内容\n".encode("gbk"))
    with pytest.raises(InputError, match=r"gbk\.txt:2: .*--encoding gbk"):
        read(f)
    assert read(f, encoding="gbk") == [(1, "ascii line"), (2, "中文内容")]


def test_binary_and_nul_bytes(tmp_path: Path) -> None:
    f = tmp_path / "x.bin"
    f.write_bytes(b"abc\x00\x01\x02def\n")
    with pytest.raises(InputError, match="binary"):
        read(f)
    g = tmp_path / "y.bin"
    g.write_bytes(bytes([0x80, 0x81, 0x01, 0x02, 0x03, 0x04, 0x05] * 50))
    with pytest.raises(InputError, match="binary"):
        read(g)


def test_utf16_with_encoding(tmp_path: Path) -> None:
    f = tmp_path / "u16.txt"
    f.write_bytes("第一\n第二\n".encode("utf-16"))
    with pytest.raises(InputError):
        read(f)
    assert read(f, encoding="utf-16") == [(1, "第一"), (2, "第二")]


def test_missing_file_and_unknown_encoding(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "nope.txt")
    f = tmp_path / "a.txt"
    f.write_text("好", encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        read(f, encoding="klingon")


def test_stdin_stream() -> None:
    stream = io.BytesIO("甲\n乙\n".encode())
    assert [(d.id, d.text) for d in DocumentReader(["-"], stdin=stream)] == [(1, "甲"), (2, "乙")]


def test_long_line_and_progress_counters(tmp_path: Path) -> None:
    f = tmp_path / "long.txt"
    f.write_text("长" * 3_000_000 + "\n短\n", encoding="utf-8")
    r = DocumentReader([f])
    docs = list(r)
    assert [len(d.text) for d in docs] == [3_000_000, 1]
    assert r.total_bytes == f.stat().st_size == r.bytes_read


def test_atomic_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_umask(mask: int) -> int:
        raise AssertionError("atomic_write changed the process umask (races with threads)")

    monkeypatch.setattr(os, "umask", no_umask)
    target = tmp_path / "out.txt"
    with atomic_write(target) as f:
        f.write("一")
    assert target.read_text(encoding="utf-8") == "一"
    plain = tmp_path / "plain.txt"
    plain.write_text("")  # a new file as open() makes it: 0o666 less the umask
    # the output keeps umask permissions, not mkstemp's private 0600
    assert target.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777
    plain.unlink()
    with pytest.raises(InputError, match="--force"), atomic_write(target) as f:
        f.write("二")
    with atomic_write(target, force=True) as f:
        f.write("三")
    assert target.read_text(encoding="utf-8") == "三"
    def fail_midway() -> None:
        with atomic_write(tmp_path / "new.txt") as f:
            f.write("半")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_midway()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


@pytest.mark.skipif(os.name != "posix", reason="umask permissions are POSIX")
@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002, 0o077])
def test_atomic_write_keeps_umask_permissions(tmp_path: Path, umask: int) -> None:
    # In a child process, so this test does not change its own process's umask either.
    code = ("import os, sys\n"
            "os.umask(int(sys.argv[2], 8))\n"
            "from zhtext.io import atomic_write\n"
            "with atomic_write(sys.argv[1]) as f:\n"
            "    f.write('x')\n")
    target = tmp_path / "out.txt"
    subprocess.run([sys.executable, "-c", code, str(target), format(umask, "o")], check=True,
                   timeout=HANG_GUARD)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
