"""Topic models on a tiny corpus written for these tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.processes import HANG_GUARD

import zhtext
from zhtext import NotFittedError, ZhtextError

pytest.importorskip("gensim", reason="needs gensim (pip install 'zhtext[topics]')")

from zhtext.topics import TopicModel

SPORT = ["球队在比赛中赢得冠军，球员表现出色，教练赞扬球迷。",
         "足球比赛进入决赛，球队主教练调整阵容，球员射门得分。",
         "篮球联赛开打，球队引进新球员，比赛门票售罄，球迷欢呼。"]
FINANCE = ["股票市场大幅上涨，投资者买入银行股票，基金经理看好行情。",
           "证券公司发布报告，股票价格波动，投资者关注基金收益。",
           "银行利率调整影响股票市场，基金公司增加投资，投资者情绪高涨。"]
CORPUS = [t for _ in range(6) for t in SPORT + FINANCE]
LABELS = [lab for _ in range(6) for lab in [0, 0, 0, 1, 1, 1]]


def small(**kw: object) -> TopicModel:
    params: dict[str, object] = {"k": 2, "passes": 10, "iterations": 50, "restarts": 1,
                                 "min_df": 2, "workers": 1}
    params.update(kw)
    return TopicModel(**params)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def fitted() -> TopicModel:
    return small(seed=0, passes=50, restarts=2).fit(CORPUS)


def test_two_topics_separate_the_two_themes(fitted: TopicModel) -> None:
    main = [d[0][0] for d in fitted.doc_topics_]
    # each theme goes to one topic, and the two themes to different topics
    sport = {m for m, lab in zip(main, LABELS) if lab == 0}
    finance = {m for m, lab in zip(main, LABELS) if lab == 1}
    assert len(sport) == 1 and len(finance) == 1 and sport != finance
    topics = fitted.topics(top_n=5)
    assert len(topics) == 2
    assert sum(t.size for t in topics) == pytest.approx(1.0)
    words = {w for t in topics for w, _ in t.words}
    assert {"球队", "基金"} <= words
    assert all(t.label for t in topics)


def test_same_seed_same_model() -> None:
    a = small(seed=3).fit(CORPUS)
    b = small(seed=3).fit(CORPUS)
    assert a.infer(CORPUS[:4]) == b.infer(CORPUS[:4])


def test_infer_orders_topics_heaviest_first(fitted: TopicModel) -> None:
    out = fitted.infer(["球队比赛球员", "", "股票基金投资者"])
    assert len(out) == 3
    for dist in out:
        weights = [w for _, w in dist]
        assert weights == sorted(weights, reverse=True)
        assert sum(weights) == pytest.approx(1.0, abs=1e-3)
    assert out[0][0][0] != out[2][0][0]


def test_save_and_load_without_pickle(fitted: TopicModel, tmp_path: Path) -> None:
    out = fitted.save(tmp_path / "tm")
    names = {p.name for p in out.iterdir()}
    assert {"zhtext.json", "topic_word.npy", "dictionary.json", "topics.json",
            "doc_topics.jsonl", "report.html"} <= names
    assert not any(n.endswith((".pkl", ".pickle")) for n in names)
    loaded = zhtext.load(str(out))
    assert isinstance(loaded, TopicModel)
    for a, b in zip(loaded.infer(CORPUS[:6]), fitted.infer(CORPUS[:6])):
        assert [t for t, _ in a] == [t for t, _ in b]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in report and "球队" in report and 'charset="utf-8"' in report
    rows = [json.loads(x) for x in (out / "doc_topics.jsonl").read_text().splitlines()]
    assert len(rows) == len(CORPUS)


def test_auto_k_reports_a_curve() -> None:
    m = small(k="auto", k_range=(2, 4)).fit(CORPUS)
    assert [k for k, _ in m.curve_] == [2, 3, 4]
    assert m.k_ in (2, 3, 4)
    assert m.k_ == max(m.curve_, key=lambda kc: kc[1])[0]


def test_bad_input() -> None:
    with pytest.raises(ZhtextError, match="empty"):
        small().fit([])
    with pytest.raises(ZhtextError, match="fewer than the 5 topics"):
        small(k=5).fit(CORPUS[:3])
    with pytest.raises(ZhtextError, match="stop words"):
        small().fit(["的了是", "我们他们", "，。！"] * 3)
    for k in (0, -2):  # stored as given (scikit-learn's rule), refused by fit
        with pytest.raises(ZhtextError, match="positive"):
            TopicModel(k=k).fit(CORPUS)
    with pytest.raises(NotFittedError):
        TopicModel().infer(["球队"])


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "zhtext", "topics", *args],
                          capture_output=True, text=True, env=env, timeout=HANG_GUARD)


def test_cli_fit_and_infer(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(CORPUS) + "\n", encoding="utf-8")
    model = tmp_path / "tm"
    fit = run("fit", str(corpus), "-o", str(model), "--k", "2", "--passes", "5",
              "--restarts", "1", "--min-df", "2")
    assert fit.returncode == 0, fit.stderr
    again = run("fit", str(corpus), "-o", str(model), "--k", "2")
    assert again.returncode != 0 and "--force" in again.stderr
    assert "Traceback" not in again.stderr
    out = run("infer", str(model), str(corpus), "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == list(range(1, len(CORPUS) + 1))
    assert all(r["topic"] == r["topics"][0]["id"] for r in rows)


@pytest.mark.parametrize(("args", "message"), [
    (["--k", "0"], "at least 1"),
    (["--k", "many"], "expected a number"),
])
def test_cli_bad_k(tmp_path: Path, args: list[str], message: str) -> None:
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(CORPUS) + "\n", encoding="utf-8")
    out = run("fit", str(corpus), "-o", str(tmp_path / "m"), *args)
    assert out.returncode != 0
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_empty_corpus(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    out = run("fit", str(empty), "-o", str(tmp_path / "m"))
    assert out.returncode != 0
    assert "empty" in out.stderr
    assert not (tmp_path / "m").exists()


def test_parallel_restarts_give_the_same_model_as_serial() -> None:
    serial = small(seed=2, restarts=2, workers=1).fit(CORPUS)
    parallel = small(seed=2, restarts=2, workers=2).fit(CORPUS)
    assert serial.infer(CORPUS[:4]) == parallel.infer(CORPUS[:4])
    assert serial.coherence_ == parallel.coherence_


def test_phrases_merge_collocations(tmp_path: Path) -> None:
    from zhtext.topics.lda import merge_phrases

    assert merge_phrases(["新能源", "汽车", "销量", "新能源"], {"新能源汽车": 20.0}) == [
        "新能源汽车", "销量", "新能源"]
    corpus = [t.replace("股票市场", "股票 市场") for t in CORPUS]
    m = small(phrases=True, phrase_min_count=2, phrase_threshold=0.5, seed=0).fit(corpus)
    assert m.phrasegrams_
    assert any(len(w) >= 4 for w in m.dictionary_.token2id)
    out = m.save(tmp_path / "tm")
    loaded = zhtext.load(str(out))
    assert loaded.phrasegrams_ == m.phrasegrams_
    assert [t for t, _ in loaded.infer(corpus[:3])[0]] == [t for t, _ in m.infer(corpus[:3])[0]]
