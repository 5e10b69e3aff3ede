"""The CRF layer against brute force: every path of a tiny example enumerated."""

from __future__ import annotations

import itertools

import pytest

pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")

import torch

from zhtext.neural.heads.crf import CRF

K = 3


def _crf(seed: int = 0) -> CRF:
    torch.manual_seed(seed)
    crf = CRF(K)
    with torch.no_grad():  # larger than the initial scores, so paths differ clearly
        crf.transitions.normal_(0, 1.0)
        crf.start.normal_(0, 1.0)
        crf.end.normal_(0, 1.0)
    return crf


def _path_score(crf: CRF, em: torch.Tensor, path: tuple[int, ...]) -> float:
    start, end, trans = (x.detach().tolist() for x in (crf.start, crf.end, crf.transitions))
    e = em.detach().tolist()
    s = start[path[0]] + e[0][path[0]] + end[path[-1]]
    for t in range(1, len(path)):
        s += trans[path[t - 1]][path[t]] + e[t][path[t]]
    return float(s)


def _brute(crf: CRF, em: torch.Tensor) -> tuple[float, list[int], torch.Tensor]:
    n = em.shape[0]
    paths = list(itertools.product(range(K), repeat=n))
    scores = torch.tensor([_path_score(crf, em, p) for p in paths], dtype=torch.float64)
    log_z = float(torch.logsumexp(scores, 0))
    best = list(paths[int(scores.argmax())])
    probs = (scores - log_z).exp()
    marg = torch.zeros(n, K, dtype=torch.float64)
    for p, pr in zip(paths, probs):
        for t, tag in enumerate(p):
            marg[t, tag] += pr
    return log_z, best, marg


@pytest.fixture
def batch() -> tuple[torch.Tensor, torch.Tensor, list[int]]:
    torch.manual_seed(1)
    lengths = [4, 2, 1, 0]
    em = torch.randn(len(lengths), 4, K) * 2
    mask = torch.tensor([[t < n for t in range(4)] for n in lengths])
    return em, mask, lengths


def test_log_partition_viterbi_and_marginals_match_enumeration(batch) -> None:
    em, mask, lengths = batch
    crf = _crf()
    with torch.no_grad():
        log_z = crf.log_partition(em, mask)
        paths = crf.viterbi(em, mask)
        marg = crf.marginals(em, mask)
    for b, n in enumerate(lengths):
        if n == 0:
            assert float(log_z[b]) == 0.0
            assert paths[b] == []
            assert float(marg[b].abs().sum()) == 0.0
            continue
        z, best, m = _brute(crf, em[b, :n])
        assert float(log_z[b]) == pytest.approx(z, abs=1e-4)
        assert paths[b] == best
        torch.testing.assert_close(marg[b, :n].double(), m, atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(marg[b, :n].sum(1), torch.ones(n), atol=1e-5, rtol=0)
        assert float(marg[b, n:].abs().sum()) == 0.0  # nothing off the mask


def test_padding_does_not_change_the_result(batch) -> None:
    em, mask, _ = batch
    crf = _crf()
    noisy = em.clone()
    noisy[~mask] = 1e4  # whatever sits in the padding is ignored
    tags = torch.randint(0, K, mask.shape)
    tags[~mask] = -100
    with torch.no_grad():
        torch.testing.assert_close(crf.neg_log_likelihood(em, tags, mask, reduction="none"),
                                   crf.neg_log_likelihood(noisy, tags, mask, reduction="none"))
        assert crf.viterbi(em, mask) == crf.viterbi(noisy, mask)


def test_nll_is_log_z_minus_the_gold_score_and_trains(batch) -> None:
    em, mask, lengths = batch
    crf = _crf()
    tags = torch.randint(0, K, mask.shape)
    with torch.no_grad():
        nll = crf.neg_log_likelihood(em, tags, mask, reduction="none")
    for b, n in enumerate(lengths):
        if n == 0:
            assert float(nll[b]) == 0.0
            continue
        gold = _path_score(crf, em[b, :n], tuple(tags[b, :n].tolist()))
        z = _brute(crf, em[b, :n])[0]
        assert float(nll[b]) == pytest.approx(z - gold, abs=1e-4)
        assert float(nll[b]) > 0
    # gradients flow: a few steps on fixed emissions make the gold paths the Viterbi paths
    opt = torch.optim.Adam(crf.parameters(), lr=0.3)
    em_param = torch.nn.Parameter(torch.zeros_like(em))
    opt.add_param_group({"params": [em_param]})
    for _ in range(60):
        opt.zero_grad()
        crf.neg_log_likelihood(em_param, tags, mask, reduction="token_mean").backward()
        opt.step()
    with torch.no_grad():
        paths = crf.viterbi(em_param, mask)
    assert paths == [tags[b, :n].tolist() for b, n in enumerate(lengths)]


def test_long_sequences_stay_finite_and_errors() -> None:
    crf = _crf()
    em = torch.randn(2, 600, K) * 30
    mask = torch.ones(2, 600, dtype=torch.bool)
    with torch.no_grad():
        assert torch.isfinite(crf.log_partition(em, mask)).all()
        marg = crf.marginals(em, mask)
    torch.testing.assert_close(marg.sum(2), torch.ones(2, 600), atol=1e-4, rtol=0)
    with pytest.raises(ValueError, match="prefix"):
        crf.viterbi(em[:, :3], torch.tensor([[True, False, True], [True, True, True]]))
    with pytest.raises(ValueError, match="emissions"):
        crf.viterbi(torch.zeros(1, 2, K + 1), torch.ones(1, 2, dtype=torch.bool))
    assert crf.viterbi(torch.zeros(2, 0, K), torch.zeros(2, 0, dtype=torch.bool)) == [[], []]
    # a batch with nothing to tag still gives a loss one can call backward() on
    empty = torch.zeros(2, 0, K, requires_grad=True)
    loss = crf.neg_log_likelihood(empty, torch.zeros(2, 0, dtype=torch.long),
                                  torch.zeros(2, 0, dtype=torch.bool), reduction="token_mean")
    loss.backward()
    assert float(loss.detach()) == 0.0
