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


def _times(factor: int) -> int:
    return factor * 10


def _fail_setup(state: str) -> str:
    from zhtext.errors import InputError

    raise InputError(f"cannot load {state}", path="model-dir")


def _fail_on_three(offset: int, chunk: list[int]) -> list[int]:
    if 3 in chunk:
        raise ValueError("three is not allowed")
    return chunk


def test_setup_runs_once_per_process_before_the_first_chunk() -> None:
    data = list(range(100))
    for jobs in (1, 2):
        # state 2 becomes 20 in each process (as a model directory becomes a model)
        out = list(ordered_map(_square_all, 2, chunked(data, 9), jobs=jobs, setup=_times))
        assert out == [x * x + 20 for x in data]


def test_errors_of_setup_and_of_chunks_reach_the_caller() -> None:
    import pytest

    from zhtext.errors import InputError

    for jobs in (1, 2):
        with pytest.raises(InputError, match="model-dir: cannot load broken"):
            list(ordered_map(_square_all, "broken", [[1], [2]], jobs=jobs, setup=_fail_setup))
        with pytest.raises(ValueError, match="three is not allowed"):
            list(ordered_map(_fail_on_three, 0, chunked(range(10), 2), jobs=jobs))


def test_no_state_is_left_in_the_calling_process() -> None:
    import zhtext.parallel as parallel

    assert list(ordered_map(_square_all, 5, [[1, 2]], jobs=2)) == [6, 9]
    # The pool initializer sets the worker's state in worker processes only.
    assert parallel._in_worker is None
    assert not [k for k, v in vars(parallel).items()
                if not k.startswith("__") and isinstance(v, (list, dict, set))]


def test_threads_each_run_their_own_pool() -> None:
    from concurrent.futures import ThreadPoolExecutor

    data = list(range(300))

    def run(offset: int) -> list[int]:
        return list(ordered_map(_square_all, offset, chunked(data, 11), jobs=2))

    with ThreadPoolExecutor(3) as threads:
        results = list(threads.map(run, [1, 2, 3]))
    assert results == [[x * x + k for x in data] for k in (1, 2, 3)]


def test_closing_early_stops_reading_and_the_pool() -> None:
    pulled = []

    def source():  # type: ignore[no-untyped-def]
        for i in range(10_000):
            pulled.append(i)
            yield [i]

    it = ordered_map(_square_all, 0, source(), jobs=2)
    assert next(it) == 0
    it.close()  # as when writing the output fails (a closed pipe)
    assert len(pulled) <= 6
