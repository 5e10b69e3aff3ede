"""Corpus -> packed blocks of token ids with word starts, cached on disk for training.

One streaming pass: documents are cut into words by zhtext's segmenter, the words tokenized
(``is_split_into_words``, so each token knows its word), and the token stream -- documents
separated by ``[SEP]`` -- cut into blocks of ``max_length`` starting with ``[CLS]``. Blocks go
straight to a raw binary file (memory stays flat however large the corpus); a JSON file with
the dtype and shape is written last, so a half-built cache is never taken for a finished one.
Every ``holdout_every``-th block goes to the held-out file instead.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["PackedBlocks", "pack_corpus"]

logger = logging.getLogger(__name__)

# word_starts values: 0 continues a word, 1 starts one, 2 is a special token (never masked)
SPECIAL = 2


@dataclass
class PackedBlocks:
    """Blocks of ids and word starts, memory-mapped from a cache file."""

    ids: np.ndarray  # (n, length) token ids
    starts: np.ndarray  # (n, length) word-start flags

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def __getitem__(self, i: int) -> dict[str, Any]:
        return {"input_ids": self.ids[i], "word_starts": self.starts[i]}

    @property
    def tokens(self) -> int:
        """Non-padding tokens."""
        return int((self.starts != SPECIAL).sum() + 2 * len(self))

    @classmethod
    def open(cls, prefix: Path) -> PackedBlocks | None:
        """The cache at ``prefix`` (``.ids``, ``.starts``, ``.json``), if complete."""
        meta_file = prefix.with_suffix(".json")
        if not meta_file.is_file():
            return None
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        shape = (int(meta["blocks"]), int(meta["length"]))
        if shape[0] == 0:
            empty = np.zeros((0, shape[1]), dtype=meta["dtype"])
            return cls(empty, empty.astype(np.uint8))
        ids = np.memmap(prefix.with_suffix(".ids"), dtype=meta["dtype"], mode="r", shape=shape)
        starts = np.memmap(prefix.with_suffix(".starts"), dtype=np.uint8, mode="r", shape=shape)
        return cls(np.asarray(ids), np.asarray(starts))


class _BlockWriter:
    def __init__(self, prefix: Path, length: int, dtype: Any) -> None:
        self.prefix = prefix
        self.length = length
        self.dtype = dtype
        self.n = 0
        self._ids = open(str(prefix) + ".ids.tmp", "wb")  # noqa: SIM115
        self._starts = open(str(prefix) + ".starts.tmp", "wb")  # noqa: SIM115

    def write(self, ids: list[int], starts: list[int], pad_id: int) -> None:
        pad = self.length - len(ids)
        self._ids.write(np.asarray(ids + [pad_id] * pad, dtype=self.dtype).tobytes())
        self._starts.write(np.asarray(starts + [SPECIAL] * pad, dtype=np.uint8).tobytes())
        self.n += 1

    def close(self, extra: dict[str, Any]) -> None:
        self._ids.close()
        self._starts.close()
        os.replace(str(self.prefix) + ".ids.tmp", self.prefix.with_suffix(".ids"))
        os.replace(str(self.prefix) + ".starts.tmp", self.prefix.with_suffix(".starts"))
        meta = {"blocks": self.n, "length": self.length, "dtype": np.dtype(self.dtype).name,
                **extra}
        tmp = str(self.prefix) + ".json.tmp"
        Path(tmp).write_text(json.dumps(meta, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, self.prefix.with_suffix(".json"))


def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for t in texts:
        batch.append(t)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def pack_corpus(texts: Iterable[str], tokenizer: Any, segmenter: Any, *, max_length: int,
                directory: Path, holdout_every: int = 100, max_holdout: int = 1000,
                whole_word: bool = True) -> tuple[PackedBlocks, PackedBlocks, dict[str, int]]:
    """Tokenize, segment and pack a corpus into ``directory`` (or reuse a finished cache).

    Returns the training blocks, the held-out blocks and counts (documents, tokens, unknown
    tokens).
    """
    train_prefix, held_prefix = directory / "train", directory / "heldout"
    done_train, done_held = PackedBlocks.open(train_prefix), PackedBlocks.open(held_prefix)
    if done_train is not None and done_held is not None:
        meta = json.loads(train_prefix.with_suffix(".json").read_text(encoding="utf-8"))
        logger.info("reusing the packed corpus in %s (%d blocks)", directory, len(done_train))
        return done_train, done_held, meta.get("counts", {})
    directory.mkdir(parents=True, exist_ok=True)
    dtype = np.uint16 if len(tokenizer) < 65535 else np.int32
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    pad_id, unk_id = tokenizer.pad_token_id, tokenizer.unk_token_id
    train = _BlockWriter(train_prefix, max_length, dtype)
    held = _BlockWriter(held_prefix, max_length, dtype)
    counts = {"documents": 0, "tokens": 0, "unknown": 0}
    body = max_length - 1
    buf_ids: list[int] = []
    buf_starts: list[int] = []
    blocks = 0

    def emit(ids: list[int], starts: list[int]) -> None:
        nonlocal blocks
        blocks += 1
        out = held if blocks % holdout_every == 0 and held.n < max_holdout else train
        out.write([cls_id, *ids], [SPECIAL, *starts], pad_id)

    for batch in _batches(texts, 512):
        if whole_word:
            words = [[w for w in segmenter.cut(t) if not w.isspace()] or [t] for t in batch]
        else:
            words = [[t] for t in batch]  # token-level masking: word starts are all 1
        enc = tokenizer(words, is_split_into_words=True, add_special_tokens=False,
                        truncation=False, verbose=False)
        for i, ids in enumerate(enc["input_ids"]):
            if not ids:
                continue
            word_ids = enc.word_ids(i)
            counts["documents"] += 1
            counts["tokens"] += len(ids)
            counts["unknown"] += sum(1 for t in ids if t == unk_id)
            prev = None
            for tok, w in zip(ids, word_ids):
                buf_ids.append(tok)
                buf_starts.append(1 if (w != prev or not whole_word) else 0)
                prev = w
            buf_ids.append(sep_id)
            buf_starts.append(SPECIAL)
            while len(buf_ids) >= body:
                emit(buf_ids[:body], buf_starts[:body])
                del buf_ids[:body], buf_starts[:body]
    if len(buf_ids) > 1:
        emit(buf_ids, buf_starts)
    # the held-out file first: the training file's JSON marks the cache complete
    held.close({})
    train.close({"counts": counts})
    opened_train, opened_held = PackedBlocks.open(train_prefix), PackedBlocks.open(held_prefix)
    assert opened_train is not None and opened_held is not None
    return opened_train, opened_held, counts
