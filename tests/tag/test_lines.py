"""``tag predict`` input streams: the texts and errors of reading the file whole, block by
block; tagging runs in workers fed chunks, reading only the chunks in flight."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import zhtext.tag.lines as lines_module
from zhtext.errors import InputError
from zhtext.tag.lines import iter_texts
from zhtext.tag.output import TagLines, stream_tag_lines


def read_whole(path: Path, encoding: str) -> list[str]:
    """How ``tag predict`` read its input before it streamed (the whole file at once)."""
    from zhtext.tag.formats import read_lines

    if encoding.lower().replace("-", "") not in ("utf8", "utf8sig"):
        try:
            raw = path.read_bytes().decode(encoding)
        except (OSError, LookupError, UnicodeDecodeError) as e:
            raise InputError(f"cannot be read as {encoding}: {e}", path=str(path)) from None
        lines = list(enumerate(re.split(r"\r\n|\r|\n", raw), 1))
    else:
        lines = list(read_lines(path))
    if lines and lines[-1][1] == "":
        lines.pop()
    if path.suffix.lower() in (".jsonl", ".json"):
        out = []
        for lineno, line in lines:
            try:
                out.append(str(json.loads(line)["text"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                raise InputError('expected one JSON object with a "text" field per line',
                                 path=str(path), line=lineno) from None
        return out
    return [line for _, line in lines]


TEXTS = {
    "mixed.txt": "陈静今天考察南京，讨论合作。\r\n\r\n刘强今天来到ＡＢ广州\r\n",
    "cr.txt": "一\r二\r\r三\n四\r\n\r\n",
    "no_final_newline.txt": "一\n二",
    "final_cr.txt": "一\n二\r",
    "bom.txt": "\ufeff第一行\n第二行\n",
    "blank.txt": "\n",
    "empty.txt": "",
    "texts.jsonl": '{"text": "甲乙"}\r\n{"text": "丙", "id": 3}\n',
    "bad.jsonl": '{"text": "甲"}\n\n{"text": "乙"}\n',
    "nofield.jsonl": '{"text": "甲"}\n{"body": "乙"}\n',
}


def _outcome(fn: object, *args: object) -> object:
    try:
        return list(fn(*args))  # type: ignore[operator]
    except InputError as e:
        return f"error: {e}"


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 20])
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_texts_as_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                             block: int) -> None:
    monkeypatch.setattr(lines_module, "_BLOCK", block)  # CRLF and characters cut by blocks
    f = tmp_path / name
    f.write_bytes(TEXTS[name].encode("utf-8"))
    assert _outcome(iter_texts, f, "utf-8") == _outcome(read_whole, f, "utf-8")


@pytest.mark.parametrize("block", [1, 5, 1 << 20])
@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "big5"])
def test_other_encodings_and_their_errors_as_read_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str, block: int) -> None:
    monkeypatch.setattr(lines_module, "_BLOCK", block)
    f = tmp_path / "t.txt"
    f.write_bytes("一行\r\n二行\r三行\n".encode(encoding))
    assert _outcome(iter_texts, f, encoding) == _outcome(read_whole, f, encoding)
    f.write_bytes("一行\r\n二行\n".encode(encoding) + b"\xff\xfe\xff")
    assert str(_outcome(iter_texts, f, encoding)).startswith("error: ")
    assert _outcome(iter_texts, f, encoding) == _outcome(read_whole, f, encoding)


@pytest.mark.parametrize("block", [1, 4, 1 << 20])
def test_decode_errors_and_missing_files_as_read_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    monkeypatch.setattr(lines_module, "_BLOCK", block)
    f = tmp_path / "gbk.txt"
    f.write_bytes("第一行\n第二行\n".encode() + "第三行\n".encode("gbk"))
    assert "gbk.txt:3: is not UTF-8 (byte 0xb5)" in str(_outcome(iter_texts, f, "utf-8"))
    assert _outcome(iter_texts, f, "utf-8") == _outcome(read_whole, f, "utf-8")
    for encoding in ("utf-8", "gbk", "no-such-codec"):
        for path in (tmp_path / "missing.txt", tmp_path):
            assert _outcome(iter_texts, path, encoding) == _outcome(read_whole, path, encoding)


class _Spaces:
    """A segmenter that cuts at spaces (picklable, for worker processes)."""

    task = "cws"

    def predict_spans(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        out = []
        for text in texts:
            spans = []
            for m in re.finditer(r"\S+", text):
                spans.append((m.start(), m.end(), ""))
            out.append(spans)
        return out


def _recorded(n: int, pulled: list[int]) -> Iterator[str]:
    for i in range(n):
        pulled.append(i)
        yield f"第 {i} 行"


@pytest.mark.parametrize("jobs", [1, 2])
def test_tagging_reads_only_chunks_in_flight_before_the_first_output(jobs: int) -> None:
    pulled: list[int] = []
    out = stream_tag_lines(TagLines(_Spaces(), "sighan"), _recorded(10_000, pulled), jobs=jobs,
                           chunk_size=8)
    n, text = next(out)
    while not text:  # the empty chunk that loads the model first
        n, text = next(out)
    assert (n, text.splitlines()[:2]) == (8, ["第 0 行", "第 1 行"])
    assert len(pulled) <= 2 * jobs * 8
    out.close()
    everything = stream_tag_lines(TagLines(_Spaces(), "sighan"), _recorded(50, []), jobs=jobs,
                                  chunk_size=8)
    assert "".join(t for _, t in everything) == "".join(f"第 {i} 行\n" for i in range(50))
