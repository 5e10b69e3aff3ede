"""Type stubs of the compiled hot loops (see _fast.pyx)."""

from collections.abc import Callable, Mapping, Sequence

def build(
    tokens: list[object],
    memo: dict[object, str],
    kind_of: Callable[[object], str],
    tagged: bool,
    max_words: int,
) -> tuple[
    list[str],
    str,
    dict[str, int],
    dict[str, int],
    dict[int, list[int]],
    dict[int, list[str]],
    set[str] | None,
    set[str] | None,
]: ...
def values(
    words: list[str],
    single: Mapping[str, int],
    starts: dict[int, list[int]],
    keys: dict[int, list[str]],
    lookup: Mapping[str, float],
    weights: Sequence[float],
    count: dict[str, int] | None = ...,
) -> dict[str, float]: ...
def rank(
    scores: dict[str, float],
    count: dict[str, int],
    in_first: set[str] | None,
    in_last: set[str] | None,
    position_weight: float,
    top_k: int,
) -> list[tuple[str, float]]: ...
def textrank(
    words: list[str], kinds: str, window: int, damping: float, max_iter: int, tol: float
) -> dict[str, float]: ...
def tfidf_top(
    tokens: list[object],
    memo: dict[object, str],
    kind_of: Callable[[object], str],
    tagged: bool,
    max_words: int,
    lookup: Mapping[str, float],
    weights: Sequence[float],
    position_weight: float,
    top_k: int,
) -> list[tuple[str, float]]: ...
