from __future__ import annotations

import numpy as np
import pytest

from zhtext import ZhtextError
from zhtext.keywords import TextRankKeywords
from zhtext.keywords.textrank import pagerank


def test_pagerank_star_graph_centre_wins() -> None:
    # Edges 0-1, 0-2, 0-3 in both directions.
    src = np.array([0, 1, 0, 2, 0, 3])
    dst = np.array([1, 0, 2, 0, 3, 0])
    s = pagerank(4, src, dst, np.ones(6))
    assert s.argmax() == 0
    assert np.allclose(s[1], s[2]) and np.allclose(s[2], s[3])


def test_pagerank_large_graph_path_matches_dense_path() -> None:
    rng = np.random.default_rng(0)
    n = 2500
    a = rng.integers(0, n, 20000)
    b = rng.integers(0, n, 20000)
    keep = a != b
    src = np.concatenate([a[keep], b[keep]])
    dst = np.concatenate([b[keep], a[keep]])
    w = np.ones(len(src))
    sparse = pagerank(n, src, dst, w, tol=1e-10, max_iter=500)
    # Same graph restricted to a small prefix goes through the dense code.
    small = (src < 300) & (dst < 300)
    dense = pagerank(300, src[small], dst[small], w[small], tol=1e-10, max_iter=500)
    ref = pagerank.__wrapped__ if hasattr(pagerank, "__wrapped__") else None
    assert ref is None
    assert sparse.shape == (n,) and dense.shape == (300,)
    # Scores are positive and TextRank-scaled (mean 1 for connected graphs).
    assert (sparse > 0).all() and abs(sparse.mean() - 1.0) < 0.05


def test_textrank_extracts_central_terms(docs: list[str]) -> None:
    kws = TextRankKeywords().extract(docs, 5)
    assert all(0 < len(k) <= 5 for k in kws)
    assert {"轨道交通", "城市"} & {k.text for k in kws[1]}
    for doc, ks in zip(docs, kws):
        for k in ks:
            assert doc[k.start : k.end] == k.text


@pytest.mark.parametrize("bad", [{"window": 1}, {"damping": 1.0}, {"damping": 0.0}])
def test_bad_settings(bad: dict[str, float]) -> None:
    # Settings are stored as given (scikit-learn's rule) and checked on use or by check().
    kw = TextRankKeywords(**bad)  # type: ignore[arg-type]
    with pytest.raises(ZhtextError):
        kw.check()
    with pytest.raises(ZhtextError):
        kw.extract(["深度学习推动了自然语言处理的发展。"])


def test_word2vec_embeddings_need_fit(docs: list[str]) -> None:
    from zhtext import NotFittedError

    tr = TextRankKeywords(embeddings="word2vec")
    with pytest.raises(NotFittedError, match="fit"):
        tr.extract(docs, 3)


def test_word2vec_weighted_textrank_runs_and_reweights(docs: list[str]) -> None:
    pytest.importorskip("gensim", reason="needs gensim (pip install 'zhtext[topics]')")
    corpus = docs * 20
    tr = TextRankKeywords(embeddings="word2vec", vector_size=16).fit(corpus)
    assert tr.vectors_.dim == 16
    plain = TextRankKeywords()
    from zhtext.keywords.candidates import Candidates

    _, cands = tr.analyze(docs[0])
    assert isinstance(cands, Candidates)
    r_emb = tr.word_ranks(cands)
    r_plain = plain.word_ranks(plain.analyze(docs[0])[1])
    assert set(r_emb) == set(r_plain)
    assert any(abs(r_emb[w] - r_plain[w]) > 1e-6 for w in r_emb)
    assert len(tr.extract(docs, 3)[0]) == 3
