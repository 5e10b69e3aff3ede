"""Keyword extraction over a stream of documents, formatted for output, in parallel."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Literal

from zhtext.io import Document
from zhtext.keywords.base import KeywordExtractor
from zhtext.parallel import ordered_map
from zhtext.records import Keyword

__all__ = ["KeywordLines", "OutputFormat", "extract_lines", "format_keywords"]

OutputFormat = Literal["text", "tsv", "jsonl"]

# Documents per chunk sent to a worker; a chunk is also cut when its text passes _CHUNK_CHARS.
_CHUNK_DOCS = 256
_CHUNK_CHARS = 1 << 20


def format_keywords(doc_id: str | int, keywords: list[Keyword], fmt: OutputFormat) -> str:
    """One document's keywords as output text (ending in a newline unless empty TSV).

    ``text``: the keywords on one line, separated by spaces; ``tsv``: one line per keyword
    with id, rank, keyword, score; ``jsonl``: ``{"id": ..., "keywords": [...]}``.
    """
    if fmt == "jsonl":
        return json.dumps({"id": doc_id, "keywords": [k.to_dict() for k in keywords]},
                          ensure_ascii=False) + "\n"
    if fmt == "tsv":
        return "".join(f"{doc_id}\t{r}\t{k.text}\t{k.score:.6g}\n"
                       for r, k in enumerate(keywords, 1))
    return " ".join(k.text for k in keywords) + "\n"


class KeywordLines:
    """A batch of ids and texts in, its keyword output out (``--engine ray`` workers).

    The same formatting as :func:`extract_lines`, so both paths write the same lines.
    """

    def __init__(self, extractor: KeywordExtractor, top_k: int = 5,
                 fmt: OutputFormat = "jsonl") -> None:
        self.extractor = extractor
        self.top_k = top_k
        self.fmt = fmt

    def __call__(self, ids: list[str | int], texts: list[str]) -> str:
        """The output of one batch, in its order."""
        results = self.extractor.extract(texts, self.top_k)
        return "".join(format_keywords(i, kws, self.fmt) for i, kws in zip(ids, results))


def _chunks(docs: Iterable[Document]) -> Iterator[list[tuple[str | int, str]]]:
    # Plain (id, text) tuples: they pickle several times faster than record objects, which
    # matters when a parent process feeds two busy workers.
    chunk: list[tuple[str | int, str]] = []
    chars = 0
    for doc in docs:
        chunk.append((doc.id, doc.text))
        chars += len(doc.text)
        if len(chunk) >= _CHUNK_DOCS or chars >= _CHUNK_CHARS:
            yield chunk
            chunk = []
            chars = 0
    if chunk:
        yield chunk


def _work(
    state: tuple[KeywordExtractor, int, OutputFormat], chunk: list[tuple[str | int, str]]
) -> list[str]:
    extractor, top_k, fmt = state
    results = extractor.extract([text for _, text in chunk], top_k)
    # One string per chunk: a single object to send back to the parent.
    return ["".join(format_keywords(i, kws, fmt) for (i, _), kws in zip(chunk, results))]


def extract_lines(
    extractor: KeywordExtractor,
    docs: Iterable[Document],
    *,
    top_k: int = 5,
    fmt: OutputFormat = "jsonl",
    jobs: int = 1,
) -> Iterator[str]:
    """Extract and format the keywords of each document, in input order.

    Yields the formatted output of successive chunks of documents (each a string of whole
    lines). Memory stays bounded whatever the input size: documents are read as they are
    needed. With ``jobs > 1`` the work is spread over that many processes.
    """
    yield from ordered_map(_work, (extractor, top_k, fmt), _chunks(docs), jobs=jobs)
