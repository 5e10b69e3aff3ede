"""``tag predict`` output streams: tagging runs in workers fed chunks, reading only the
chunks in flight."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from zhtext.tag.output import TagLines, stream_tag_lines


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
