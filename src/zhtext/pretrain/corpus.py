"""Pretraining corpora, streamed: plain text, JSONL, and the shared dataset formats.

A corpus is one or more files, folders (walked by :func:`zhtext.io.files.walk`: hidden files
below the folder are skipped) or globs. Each file is read line by line, so a corpus
can be larger than memory, and its format is recognised from its first lines:

- ``jsonl``: one JSON object per line; the text is ``text_field``, or else the first of
  ``text``, ``content``, ``abst``, ``abstract``, ``sentence``, ``title`` it has.
- ``peoples-daily``: ``19980101-01-001-001/m  迈向/v ...``; the words joined, tags, ids and
  compound brackets dropped.
- ``conll``: one character and its tag per line, sentences separated by blank lines.
- ``tsv``: tab-separated rows (THUCNews ``title<TAB>label``, CSL); the fields that hold
  Chinese text, joined.
- ``text``: every non-empty line is a document.
"""

from __future__ import annotations

import glob
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal

from zhtext.errors import InputError
from zhtext.io.files import check_encoding, decode_error, walk
from zhtext.text.chars import has_han

__all__ = ["Corpus", "CorpusFormat", "has_cjk"]

CorpusFormat = Literal["auto", "text", "jsonl", "peoples-daily", "conll", "tsv"]
_TEXT_KEYS = ("text", "content", "abst", "abstract", "sentence", "title")
_PD_LINE = re.compile(r"^\d{8}-\d{2}-\d{3}-\d{3}/m\s")
_PD_WORD = re.compile(r"\[?([^\s/\[\]]+)/[A-Za-z]+\]?[a-z]*")
_SUFFIXES = {".txt", ".utf8", ".jsonl", ".json", ".ndjson", ".tsv", ".csv", ".conll", ".bio",
             ".bmes", ".char", ".text"}


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds at least one CJK (Han) character."""
    return has_han(text)


class Corpus:
    """A re-readable stream of documents from files, folders and globs.

    Args:
        sources: Files, folders (their text files, recursively) or glob patterns.
        fmt: The format of every file, or ``"auto"`` to recognise each file's.
        text_field: The text field of JSONL records.
        encoding: Text encoding of the files.

    Example:
        >>> for doc in Corpus(["news.txt", "abstracts.jsonl"]):  # doctest: +SKIP
        ...     print(doc[:10])
    """

    def __init__(self, sources: Sequence[str | Path], *, fmt: CorpusFormat = "auto",
                 text_field: str | None = None, encoding: str = "utf-8") -> None:
        self.fmt = fmt
        self.text_field = text_field
        self.encoding = encoding
        check_encoding(encoding)
        self.files = self._files([str(s) for s in sources])

    @staticmethod
    def _files(sources: list[str]) -> list[Path]:
        if not sources:
            raise InputError("no corpus given; name text, JSONL or dataset files, folders or "
                             "globs")
        out: list[Path] = []
        for src in sources:
            p = Path(src)
            if p.is_file():
                out.append(p)
            elif p.is_dir():
                found = walk(p, suffixes=_SUFFIXES)
                if not found:
                    raise InputError("folder has no corpus files (expected "
                                     f"{', '.join(sorted(_SUFFIXES))})", path=src)
                out.extend(found)
            elif any(ch in src for ch in "*?["):
                matched = sorted(Path(m) for m in glob.glob(src, recursive=True)
                                 if Path(m).is_file())
                if not matched:
                    raise InputError("the pattern matches no files", path=src)
                out.extend(matched)
            else:
                raise InputError("no such file or folder; check the path", path=src)
        return out

    def __iter__(self) -> Iterator[str]:
        for f in self.files:
            yield from self.read_file(f)

    def sniff(self, path: Path) -> CorpusFormat:
        """The format of one file (``fmt``, or recognised from its first lines)."""
        if self.fmt != "auto":
            return self.fmt
        if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
            return "jsonl"
        head: list[str] = []
        with open(path, encoding=self.encoding, errors="replace") as fh:
            for line in fh:
                if line.strip():
                    head.append(line.rstrip("\n"))
                if len(head) >= 5:
                    break
        if not head:
            return "text"
        if all(h.lstrip().startswith("{") for h in head):
            return "jsonl"
        if _PD_LINE.match(head[0]):
            return "peoples-daily"
        if all(len(h.split()) == 2 and len(h.split()[0]) == 1 for h in head):
            return "conll"
        if all("\t" in h for h in head):
            return "tsv"
        return "text"

    def read_file(self, path: Path) -> Iterator[str]:
        """The documents of one file."""
        fmt = self.sniff(path)
        name = str(path)
        sentence: list[str] = []
        with open(path, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                try:
                    line = raw.decode(self.encoding).rstrip("\r\n")
                except UnicodeDecodeError as e:
                    raise decode_error(name, e, self.encoding, line=lineno,
                                       column=e.start + 1, raw=raw) from None
                if fmt == "conll":
                    cols = line.split()
                    if not cols:
                        if sentence:
                            yield "".join(sentence)
                            sentence = []
                        continue
                    sentence.append(cols[0])
                    continue
                if not line.strip():
                    continue
                text = self._parse(line, fmt, name, lineno)
                if text and text.strip():
                    yield text
        if sentence:
            yield "".join(sentence)

    def _parse(self, line: str, fmt: CorpusFormat, name: str, lineno: int) -> str | None:
        if fmt == "jsonl":
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"not a JSON object ({e.msg}); JSONL needs one object per "
                                 "line", path=name, line=lineno) from None
            if not isinstance(obj, dict):
                raise InputError(f"expected a JSON object, got {type(obj).__name__}",
                                 path=name, line=lineno)
            keys = (self.text_field,) if self.text_field else _TEXT_KEYS
            for key in keys:
                value = obj.get(key)
                if isinstance(value, str):
                    return value
            if self.text_field:
                raise InputError(f"the record has no text field {self.text_field!r} (its "
                                 f"fields: {', '.join(list(obj)[:10])}); pass --text-col",
                                 path=name, line=lineno)
            raise InputError(f"the record has none of the text fields {', '.join(_TEXT_KEYS)} "
                             f"(its fields: {', '.join(list(obj)[:10])}); name it with "
                             "--text-col", path=name, line=lineno)
        if fmt == "peoples-daily":
            return "".join(_PD_WORD.findall(line.split(None, 1)[1] if " " in line else ""))
        if fmt == "tsv":
            return " ".join(f.strip() for f in line.split("\t") if has_cjk(f))
        return line.strip()
