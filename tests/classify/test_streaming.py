"""``classify predict`` streams: workers are fed chunks as they need them (the input is read
batch by batch: tests/io/test_tabular_streaming.py); the output is in input order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zhtext.classify import TextClassifier
from zhtext.classify.output import PredictionLines, stream_prediction_lines
from zhtext.errors import InputError


@pytest.fixture(scope="module")
def model_dir(corpus: tuple[list[str], list[str]], tmp_path_factory: pytest.TempPathFactory
              ) -> Path:
    texts, labels = corpus
    return TextClassifier("linear").fit(texts, labels).save(
        tmp_path_factory.mktemp("streaming") / "m")


def _recorded(n: int, pulled: list[int]) -> Iterator[tuple[int, str]]:
    for i in range(1, n + 1):
        pulled.append(i)
        yield i, f"第{i}条：球队赢得了决赛" if i % 2 else f"第{i}条：央行宣布调整利率"


@pytest.mark.parametrize("jobs", [1, 2])
def test_prediction_reads_only_chunks_in_flight_before_the_first_output(
        model_dir: Path, jobs: int) -> None:
    pulled: list[int] = []
    lines = stream_prediction_lines(model_dir, _recorded(10_000, pulled), jobs=jobs,
                                    chunk_size=10)
    n, text = next(lines)
    while not text:  # the empty chunk that loads the model first
        n, text = next(lines)
    assert n == 10 and len(text.splitlines()) == 10
    # At most 2 * jobs chunks are in flight (one of them the empty first chunk): never the
    # whole input.
    assert len(pulled) <= 2 * jobs * 10
    lines.close()
    assert len(pulled) <= 2 * jobs * 10 + 10


def test_streamed_output_is_the_batch_output_in_order(model_dir: Path) -> None:
    rows = list(_recorded(95, []))
    clf = TextClassifier.load(model_dir)
    want = PredictionLines(clf, "tsv")([i for i, _ in rows], [t for _, t in rows])
    for jobs in (1, 2):
        got = "".join(text for _, text in stream_prediction_lines(
            model_dir, iter(rows), fmt="tsv", jobs=jobs, chunk_size=7))
        assert got == want
    # A classifier in memory is sent to the workers instead of a directory.
    got = "".join(text for _, text in stream_prediction_lines(
        PredictionLines(clf, "tsv"), iter(rows), jobs=2, chunk_size=7))
    assert got == want


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_damaged_model_is_reported_even_for_an_empty_input(model_dir: Path, tmp_path: Path,
                                                             jobs: int) -> None:
    import shutil

    d = tmp_path / "damaged"
    shutil.copytree(model_dir, d)
    (d / "linear" / "weights.npy").unlink()
    with pytest.raises(InputError, match=r"weights\.npy.*damaged"):
        list(stream_prediction_lines(d, iter([]), jobs=jobs))
