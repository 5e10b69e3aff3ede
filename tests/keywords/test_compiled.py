"""The compiled hot loops (_fast.pyx) compute exactly what the pure-Python code computes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhtext.keywords.accel import fast
from zhtext.keywords.base import LENGTH_WEIGHTS, rank_candidates
from zhtext.keywords.candidates import CandidateExtractor
from zhtext.keywords.textrank import TextRankKeywords

needs_fast = pytest.mark.skipif(fast is None, reason="compiled module not built")

# Words, function words, punctuation, sentence ends, Latin, digits and spaces.
TOKENS = ["模型", "训练", "数据", "深度", "学习", "网络", "的", "了", "我们", "，", "。", "！",
          "\n", "GPU", "3", " ", "“", "”", "方法", "研究", "法", "多", "微"]
token_lists = st.lists(st.sampled_from(TOKENS), max_size=60)


def test_compiled_module_is_built() -> None:
    # pip install builds it wherever a C compiler is present (CI has one); without it zhtext
    # still works, slower. Fail loudly here so that a broken build does not go unseen.
    assert fast is not None, "zhtext.keywords._fast was not built: check the install log"


class _Idf(dict[str, float]):
    def __missing__(self, key: str) -> float:
        return 5.0


@needs_fast
@settings(max_examples=300, deadline=None)
@given(token_lists, st.integers(1, 4))
def test_candidates_and_values_match(tokens: list[str], max_words: int) -> None:
    ex = CandidateExtractor(stopwords={"的", "了", "我们"}, max_words=max_words)
    a = ex(tokens, compiled=False)
    b = ex(tokens, compiled=True)
    assert a.words == b.words
    assert a.kinds == b.kinds
    assert dict(a.count) == dict(b.count)
    assert set(a.single) == set(b.single)
    assert a.starts == b.starts
    assert a.keys == b.keys
    assert a.in_first == b.in_first
    assert a.in_last == b.in_last
    idf = _Idf({"模型": 3.0, "数据": 2.0, "GPU": 7.5})
    for times in (False, True):
        va = a.values(idf, LENGTH_WEIGHTS, times_count=times, compiled=False)
        vb = b.values(idf, LENGTH_WEIGHTS, times_count=times, compiled=True)
        assert va.keys() == vb.keys()
        for k in va:
            assert va[k] == pytest.approx(vb[k])


@needs_fast
@settings(max_examples=300, deadline=None)
@given(token_lists, st.integers(1, 8), st.sampled_from([0.0, 1.0, 2.5]))
def test_rank_matches(tokens: list[str], top_k: int, pw: float) -> None:
    ex = CandidateExtractor(stopwords={"的", "了", "我们"})
    c = ex(tokens)
    scores = c.values(_Idf({"模型": 3.0, "数据": 2.0}), LENGTH_WEIGHTS, times_count=True)
    assert fast is not None
    got = fast.rank(scores, c.count, c.in_first, c.in_last, pw, top_k)
    want = rank_candidates(scores, c, pw, top_k)
    assert [k for k, _ in got] == [k for k, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want])


@needs_fast
@settings(max_examples=200, deadline=None)
@given(token_lists, st.integers(2, 6))
def test_textrank_matches_numpy(tokens: list[str], window: int) -> None:
    tr = TextRankKeywords(window=window, tol=1e-9, max_iter=1000)
    c = tr._components()[2](tokens)
    a = tr.word_ranks(c)
    b = tr._word_ranks_numpy(c)
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == pytest.approx(b[k], abs=1e-6)


@needs_fast
@settings(max_examples=400, deadline=None)
@given(token_lists, st.integers(1, 4), st.integers(1, 8), st.sampled_from([0.0, 1.0]))
def test_fused_tfidf_path_matches(tokens: list[str], max_words: int, top_k: int,
                                  pw: float) -> None:
    ex = CandidateExtractor(stopwords={"的", "了", "我们"}, max_words=max_words)
    idf = _Idf({"模型": 3.0, "数据": 2.0, "GPU": 7.5, "法": 1.5})
    c = ex(tokens, compiled=False)
    scores = c.values(idf, LENGTH_WEIGHTS, times_count=True, compiled=False)
    want = rank_candidates(scores, c, pw, top_k)
    assert fast is not None
    got = fast.tfidf_top(list(tokens), ex.memo(), ex._kind, False, max_words, idf,
                         LENGTH_WEIGHTS, pw, top_k)
    assert [k for k, _ in got] == [k for k, _ in want]
    assert [s for _, s in got] == pytest.approx([s for _, s in want])
