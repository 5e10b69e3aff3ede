"""Supervised keywords: occurrences marked for training, a tagger + ranker, saved and loaded,
and ``zhtext keywords train`` / ``extract MODEL_DIR FILE``."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from tests.cli.test_cli_classify import assert_clean_error, zhtext

from zhtext.artifacts import load
from zhtext.errors import ZhtextError
from zhtext.keywords.supervised import SupervisedKeywords, keyword_spans

TERMS = ["卷积神经网络", "遗传算法", "无线传感器网络", "图像分割", "支持向量机", "深度学习",
         "粒子群优化", "数据挖掘"]
FILLER = ["本文提出一种基于{a}的新方法", "实验结果表明{a}优于传统方法",
          "针对{b}问题，我们改进了{a}", "该方法结合{a}与{b}，提高了精度", "最后讨论了{b}的应用前景"]
FAST = {"dictionary": "none", "segmenter": False, "max_iterations": 30}


def make_docs(n: int, seed: int) -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    docs = []
    for _ in range(n):
        a, b = rng.sample(TERMS, 2)
        text = "。".join(rng.choice(FILLER).format(a=a, b=b) for _ in range(4)) + "。"
        docs.append((text, [a, b]))
    return docs


def test_keyword_spans_longest_first_without_overlap() -> None:
    assert keyword_spans("无线传感器网络和传感器", ["传感器", "无线传感器网络"]) == [
        (0, 7, "KW"), (8, 11, "KW")]
    assert keyword_spans("没有", ["关键词"]) == []


@pytest.fixture(scope="module")
def model() -> SupervisedKeywords:
    pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
    pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")
    docs = make_docs(60, 0)
    return SupervisedKeywords(method_settings=FAST).fit([t for t, _ in docs],
                                                       [k for _, k in docs])


def test_learns_the_keywords(model: SupervisedKeywords) -> None:
    assert model.ranker_ is not None
    hits = total = 0
    for text, gold in make_docs(20, 1):
        got = [k.text for k in model.extract([text], top_k=2)[0]]
        hits += len(set(got) & set(gold))
        total += len(gold)
    assert hits / total > 0.8
    kws = model.extract(["本文提出一种基于遗传算法的新方法。"], top_k=3)[0]
    assert kws and kws[0].text == "遗传算法" and kws[0].start == 8
    assert model.extract([""], top_k=3) == [[]]


def test_save_load_same_keywords(model: SupervisedKeywords, tmp_path: Path) -> None:
    model.save(tmp_path / "kw")
    again = load(tmp_path / "kw")
    text = [make_docs(1, 5)[0][0]]
    assert [k.text for k in again.extract(text)[0]] == [k.text for k in model.extract(text)[0]]
    assert (tmp_path / "kw" / "ranker.json").is_file()
    assert (tmp_path / "kw" / "tagger" / "model.crfsuite").is_file()


def test_needs_gold_keywords_that_occur() -> None:
    with pytest.raises(ZhtextError, match="need gold keywords"):
        SupervisedKeywords().fit(["文本"])
    with pytest.raises(ZhtextError, match="none of the gold keywords occurs"):
        SupervisedKeywords().fit(["一段文本"], [["不在其中"]])


def test_cli_train_and_extract(tmp_path: Path) -> None:
    pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
    pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"text": t, "keywords": k}, ensure_ascii=False) + "\n"
                            for t, k in make_docs(40, 2)), encoding="utf-8")
    args = [f"--set={k}={str(v).lower()}" for k, v in FAST.items()]
    out = zhtext("keywords", "train", "--train", gold, "-o", tmp_path / "m", *args)
    assert out.returncode == 0, out.stderr
    doc = tmp_path / "doc.txt"
    doc.write_text("实验结果表明数据挖掘优于传统方法。\n", encoding="utf-8")
    out = zhtext("keywords", "extract", tmp_path / "m", doc, "-k", "1")
    assert out.returncode == 0, out.stderr
    assert "数据挖掘" in out.stdout
    out = zhtext("keywords", "train", "--train", gold, "-o", tmp_path / "m")
    assert_clean_error(out, "already exists")
    out = zhtext("keywords", "extract", doc, "--method", "supervised")
    assert_clean_error(out, "needs a trained model", "MODEL_DIR FILE")
    out = zhtext("keywords", "train", "--train", gold, "-o", tmp_path / "n", "--method", "tfidf")
    assert_clean_error(out, "supervised")


def test_scores_are_probabilities_in_rank_order(model: SupervisedKeywords) -> None:
    """Scores are the ranker's probability that a candidate is a keyword (issue 18: they were
    log-odds, -0.14 ... -2.17 on the web page), best first, with or without a ranker."""
    docs = [t for t, _ in make_docs(10, 2)]
    for extractor in (model, _without_ranker(model)):
        for kws in extractor.extract(docs, top_k=5):
            scores = [k.score for k in kws]
            assert scores and all(0.0 <= s <= 1.0 for s in scores), scores
            assert scores == sorted(scores, reverse=True)


def _without_ranker(model: SupervisedKeywords) -> SupervisedKeywords:
    import copy

    bare = copy.copy(model)
    bare.ranker_ = None
    return bare


def test_the_default_view_is_a_feature_and_old_rankers_still_score(
        model: SupervisedKeywords) -> None:
    import copy

    text = "本文提出一种基于遗传算法的新方法。实验结果表明遗传算法优于传统方法。"
    nt = model._components()[0].normalize(text)
    (tags, probs), = model.tagger_.char_marginals([nt.text])
    keys, rows = model._features(nt, tags, probs, model.tagger_.labels_, model.keyphrases_)
    row = rows[keys.index("遗传算法")]
    assert row[-1] == 1.0 and row[-2] == 1.0  # the default's first pick, in its top 5
    # a ranker saved before the last three features existed reads the rows' prefix
    old = copy.copy(model)
    assert old.ranker_ is not None
    old.ranker_ = {k: (v[:-3] if isinstance(v, list) else v) for k, v in old.ranker_.items()}
    assert [k.text for k in old.extract([text], top_k=1)[0]] == ["遗传算法"]


def test_bert_tagger_variant_trains_saves_and_loads(tmp_path: Path) -> None:
    # 'keywords train --tagger bert' failed: the bert tagger wanted a directory for checkpoints
    pytest.importorskip("torch")
    from tests.tiny_encoder import build_tiny_encoder

    docs = make_docs(24, 3)
    enc = build_tiny_encoder(tmp_path / "enc", [t for t, _ in docs])
    kw = SupervisedKeywords(tagger_method="bert", method_settings={
        "model": str(enc), "epochs": 1, "batch_size": 8, "tensorboard": False,
        "device": "cpu"})
    kw.fit([t for t, _ in docs], [k for _, k in docs])
    d = kw.save(tmp_path / "kw")
    back = load(d)
    got = back.extract([docs[0][0]], top_k=3)[0]
    assert got and all(0.0 <= k.score <= 1.0 for k in got)
    assert not any(p.name.startswith("checkpoint") for p in tmp_path.rglob("*"))
