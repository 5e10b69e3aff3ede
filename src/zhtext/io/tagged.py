"""Reading annotated token data.

People's Daily, CoNLL (one character per line), JSON spans, and whitespace-segmented text. Every
reader returns :class:`~zhtext.records.Sentence` records; files are streamed line by line
(:func:`zhtext.io.lines.read_lines`) in the encoding given (UTF-8 by default).

- ``peoples-daily``: ``19980101-01-001-001/m  迈向/v  充满/v ...`` — the paragraph id first (kept
  as the sentence id; articles are its ``date-page-article`` prefix), then ``word/TAG`` tokens;
  bracketed compounds ``[中国/ns  政府/n]nt`` are read as their words. The same ``word/TAG``
  format without ids is read too.
- ``conll``: ``char TAG`` per line (a line may hold a multi-code-point character), a blank
  line between sentences, tags in BIO, BIOES or BMES (detected per file). Weibo NER's
  ``char<digit>`` first column is read as the character.
- ``json``: JSON Lines with ``text`` and either CLUENER's ``label`` (``{type: {entity:
  [[start, end_inclusive], ...]}}``), zhtext's own ``entities`` (``[{start, end, label}]``) or
  ``tokens`` (``[{start, end, pos}]``), as ``zhtext tag predict --format jsonl`` writes them.
- ``segmented``: words separated by whitespace (SIGHAN); ``word/TAG`` tokens are read as POS.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from zhtext.errors import InputError, ZhtextError
from zhtext.io.lines import read_lines
from zhtext.records import Sentence
from zhtext.schemes import Scheme, Span, check_tags, detect_scheme, split_tag, to_spans

__all__ = ["FORMATS", "Format", "read_tagged", "sniff_format", "split_dev"]

Format = Literal["auto", "peoples-daily", "conll", "json", "segmented"]
FORMATS: tuple[str, ...] = ("auto", "peoples-daily", "conll", "json", "segmented")

logger = logging.getLogger(__name__)

_PD_ID = re.compile(r"^\d{8}-\d{2}-\d{3}-\d{3}/m$")
_SPLIT = re.compile(r"[ \t\u3000]+")


def sniff_format(path: str | Path, encoding: str = "utf-8") -> Format:
    """Guess the format of an annotated file from its name and first lines."""
    p = Path(path)
    if p.suffix.lower() in (".json", ".jsonl"):
        return "json"
    first: list[str] = []
    for _, line in read_lines(p, encoding):
        if line.strip():
            first.append(line.strip())
        if len(first) >= 20:
            break
    if not first:
        raise InputError("is empty; expected annotated text", path=str(path))
    if first[0].startswith("{"):
        return "json"
    head = _SPLIT.split(first[0])[0]
    if _PD_ID.match(head):
        return "peoples-daily"
    pairs = [_SPLIT.split(s) for s in first]
    if all(len(f) == 2 and len(f[0]) <= 2 and _looks_tag(f[1]) for f in pairs):
        return "conll"
    return "segmented"


def _looks_tag(t: str) -> bool:
    prefix, _ = split_tag(t)
    return prefix in ("B", "I", "M", "E", "S", "O")


def read_tagged(path: str | Path, fmt: Format = "auto", *, encoding: str = "utf-8"
                ) -> list[Sentence]:
    """Read an annotated file (see the module doc for the formats).

    Raises:
        InputError: A line cannot be read; the message names the file, line and value.
    """
    if fmt == "auto":
        fmt = sniff_format(path, encoding)
    if fmt == "peoples-daily":
        out = _read_word_tag(path, encoding, ids=True)
    elif fmt == "segmented":
        out = _read_word_tag(path, encoding, ids=False)
    elif fmt == "conll":
        out = _read_conll(path, encoding)
    elif fmt == "json":
        out = _read_json(path, encoding)
    else:
        raise ZhtextError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    if not out:
        raise InputError("has no annotated sentences", path=str(path))
    return out


def _read_word_tag(path: str | Path, encoding: str, *, ids: bool) -> list[Sentence]:
    out: list[Sentence] = []
    tagged: bool | None = None
    for lineno, line in read_lines(path, encoding):
        fields = _SPLIT.split(line.strip())
        if not fields or fields == [""]:
            continue
        pid = None
        if ids and _PD_ID.match(fields[0]):
            pid = fields[0][:-2]
            fields = fields[1:]
            if not fields:
                continue
        words: list[tuple[str, str]] = []
        for tok in fields:
            word, tag = _word_tag(tok, path, lineno, tagged)
            if tagged is None:
                tagged = bool(tag)
            words.append((word, tag))
        text = "".join(w for w, _ in words)
        spans: list[Span] = []
        start = 0
        for w, t in words:
            spans.append((start, start + len(w), t))
            start += len(w)
        out.append(Sentence(text, spans, f"{path}:{lineno}", pid, words=True))
    return out


_BRACKET_END = re.compile(r"\][A-Za-z]+$")


def _word_tag(tok: str, path: str | Path, lineno: int, tagged: bool | None) -> tuple[str, str]:
    if tagged is False or ("/" not in tok[1:]):
        if tagged:
            raise InputError(
                f"token {tok!r} has no /TAG; in word/TAG files every word needs its tag "
                "(e.g. 中国/ns)", path=str(path), line=lineno)
        return tok, ""
    if tok.startswith("[") and len(tok) > 1 and "/" in tok[2:]:
        tok = tok[1:]  # a compound opens: [中国/ns
    tok = _BRACKET_END.sub("", tok)  # ... and closes: 电台/n]nt
    word, _, tag = tok.rpartition("/")
    if not word or not tag:
        raise InputError(f"token {tok!r} is not word/TAG (e.g. 中国/ns)",
                         path=str(path), line=lineno)
    return word, tag


def _read_conll(path: str | Path, encoding: str) -> list[Sentence]:
    chars: list[str] = []
    tags: list[str] = []
    starts: list[tuple[int, list[str], list[str]]] = []
    first_line = 0
    for lineno, line in read_lines(path, encoding):
        if not line.strip():
            if chars:
                starts.append((first_line, chars, tags))
                chars, tags = [], []
            continue
        fields = _SPLIT.split(line.strip())
        if len(fields) < 2:
            raise InputError(
                f"expected 'character TAG', found {line.strip()!r}; a CoNLL file has one "
                "character and its tag per line and a blank line between sentences",
                path=str(path), line=lineno)
        token, tag = fields[0], fields[-1]
        if len(token) >= 2 and token[-1].isdigit() and not token[:-1].isdigit():
            token = token[:-1]  # Weibo NER: character + its position in an automatic word
        if not chars:
            first_line = lineno
        chars.append(token)
        tags.append(tag)
    if chars:
        starts.append((first_line, chars, tags))
    try:
        scheme: Scheme = detect_scheme({t for _, _, ts in starts for t in ts})
    except ZhtextError as e:
        raise InputError(str(e), path=str(path)) from None
    words = all(split_tag(t)[0] != "O" for _, _, ts in starts for t in ts)
    out: list[Sentence] = []
    repaired: list[str] = []
    for lineno, cs, ts in starts:
        why = check_tags(ts, scheme)
        if why is not None:
            # Real corpora have these (MSRA re-split long sentences inside names): read the
            # spans leniently, as seqeval does, and say so once.
            repaired.append(f"line {lineno}: {why}")
        # A line may hold more than one code point (an emoji with its modifier): offsets
        # count code points, so map the per-line spans onto them.
        ends = list(itertools.accumulate(len(c) for c in cs))
        spans = [(ends[a] - len(cs[a]), ends[b - 1], lab) for a, b, lab in to_spans(ts)]
        out.append(Sentence("".join(cs), spans, f"{path}:{lineno}", words=words,
                            extra={"scheme": scheme}))
    if repaired:
        logger.warning("%s: %d sentence(s) are not valid %s and were read leniently, as "
                       "seqeval does (a span may start with I-/M-/E- or end without E-); "
                       "first at %s", path, len(repaired), scheme.upper(), repaired[0])
    return out


def _read_json(path: str | Path, encoding: str) -> list[Sentence]:
    out: list[Sentence] = []
    for lineno, line in read_lines(path, encoding):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"is not valid JSON ({e.msg}); expected one object per line",
                             path=str(path), line=lineno) from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise InputError('expected an object with a "text" string', path=str(path),
                             line=lineno)
        text: str = obj["text"]
        where = f"{path}:{lineno}"
        if "tokens" in obj:
            spans = [_span(t, text, path, lineno, "pos") for t in obj["tokens"]]
            out.append(Sentence(text, spans, where, obj.get("id"), words=True))
        elif "entities" in obj:
            spans = [_span(t, text, path, lineno, "label") for t in obj["entities"]]
            out.append(Sentence(text, spans, where, obj.get("id")))
        elif "label" in obj and isinstance(obj["label"], dict):
            out.append(Sentence(text, _cluener(obj["label"], text, path, lineno), where,
                                obj.get("id")))
        else:
            raise InputError('expected "label" (CLUENER), "entities" or "tokens" in the object',
                             path=str(path), line=lineno)
        _check_spans(out[-1], path, lineno)
    return out


def _span(t: Any, text: str, path: str | Path, lineno: int, key: str) -> Span:
    try:
        start, end = int(t["start"]), int(t["end"])
        label = str(t.get(key) or "")
    except (KeyError, TypeError, ValueError):
        raise InputError(f"expected objects with start, end and {key}, found {t!r}",
                         path=str(path), line=lineno) from None
    return start, end, label


def _cluener(label: dict[str, Any], text: str, path: str | Path, lineno: int) -> list[Span]:
    spans: list[Span] = []
    for typ, ents in label.items():
        for surface, positions in (ents or {}).items():
            for pos in positions:
                start, last = int(pos[0]), int(pos[1])
                if text[start:last + 1] != surface:
                    raise InputError(
                        f"entity {surface!r} ({typ}) at [{start}, {last}] does not match the "
                        f"text there ({text[start:last + 1]!r}); CLUENER offsets are 0-based "
                        "and the end is inclusive", path=str(path), line=lineno)
                spans.append((start, last + 1, str(typ)))
    return sorted(spans)


def _check_spans(s: Sentence, path: str | Path, lineno: int) -> None:
    last = 0
    for start, end, label in sorted(s.spans):
        if not 0 <= start < end <= len(s.text):
            raise InputError(f"span [{start}, {end}) {label!r} is outside the text "
                             f"({len(s.text)} characters)", path=str(path), line=lineno)
        if start < last:
            raise InputError(f"span [{start}, {end}) {label!r} overlaps the one before it",
                             path=str(path), line=lineno)
        last = end


#: Consecutive sentences held out together by :func:`split_dev` when there are no article ids.
DEV_BLOCK = 50


def split_dev(sentences: Sequence[Sentence], share: float, *, seed: int = 42
              ) -> tuple[list[Sentence], list[Sentence]]:
    """Hold out ``share`` of the data as dev, seeded.

    Whole articles when the sentences carry People's Daily ids (so no article is on both sides).
    Otherwise blocks of up to :data:`DEV_BLOCK` consecutive sentences (fewer for small data, so
    that there are at least 20 blocks): files such as MSRA's are written article by article,
    and single random sentences would put the neighbours of every dev sentence, with their
    entities, in training (MSRA: 0.926 on such a dev split, 88.4 on the real test).
    """
    import random

    if not 0 < share < 1:
        raise ZhtextError(f"--dev-split must be between 0 and 1, got {share}")
    block = max(1, min(DEV_BLOCK, len(sentences) // 20))
    groups = [s.group or f"#{i // block}" for i, s in enumerate(sentences)]
    keys = sorted(set(groups))
    rng = random.Random(seed)
    rng.shuffle(keys)
    n_dev = max(1, round(len(keys) * share))
    if n_dev >= len(keys):
        raise ZhtextError(f"too little data to hold out {share:.0%} as dev ({len(keys)} "
                          "sentences or articles); give --dev FILE or more data")
    dev_keys = set(keys[:n_dev])
    train = [s for s, g in zip(sentences, groups, strict=True) if g not in dev_keys]
    dev = [s for s, g in zip(sentences, groups, strict=True) if g in dev_keys]
    return train, dev
