from __future__ import annotations

from zhtext.parallel import chunked, ordered_map


def _square_all(offset: int, chunk: list[int]) -> list[int]:
    return [x * x + offset for x in chunk]


def test_chunked() -> None:
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked([], 3)) == []


def test_ordered_map_in_process_and_in_workers() -> None:
    data = list(range(1000))
    want = [x * x + 1 for x in data]
    assert list(ordered_map(_square_all, 1, chunked(data, 7), jobs=1)) == want
    assert list(ordered_map(_square_all, 1, chunked(data, 7), jobs=2)) == want


def test_ordered_map_reads_input_lazily() -> None:
    pulled = []

    def source():  # type: ignore[no-untyped-def]
        for i in range(100):
            pulled.append(i)
            yield [i]

    it = ordered_map(_square_all, 0, source(), jobs=2)
    assert next(it) == 0
    # Only a bounded window of chunks is read ahead (2 * jobs), not the whole input.
    assert len(pulled) <= 6
    assert list(it) == [i * i for i in range(1, 100)]
