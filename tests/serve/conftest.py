"""Tiny models for the server tests, built once per session in a temporary directory.

Texts written for these tests (not taken from any data set).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from zhtext.serve.models import ModelRegistry

# A conftest must not skip at import (that stops the whole session): the test modules and the
# fixtures below skip, with these reasons, when an optional package is missing.
SERVE = "the server needs the serve extras (pip install 'zhtext[serve]')"
HTTPX = "the server tests need httpx (in the dev extras)"


def needs_server() -> None:
    """Skip the calling test or module unless the serve extras and httpx are installed."""
    pytest.importorskip("fastapi", reason=SERVE)
    pytest.importorskip("uvicorn", reason=SERVE)
    pytest.importorskip("httpx", reason=HTTPX)

THEMES = {
    "体育": (["球队", "主教练", "前锋", "球迷", "女排"], ["赢得了决赛", "进球得分", "夺得冠军",
                                                 "备战联赛"]),
    "财经": (["央行", "银行", "基金", "投资者", "股市"], ["下调利率", "发行债券", "股价上涨",
                                                "关注汇率"]),
    "科技": (["芯片", "手机", "人工智能", "软件", "机器人"], ["发布新款产品", "升级算法",
                                                  "研发新技术", "开源代码"]),
}
PROBES = {"体育": "女排夺得冠军，球迷欢呼", "财经": "央行下调利率，股市上涨",
          "科技": "芯片公司研发新技术，发布新款手机"}

PEOPLE = ["张伟", "李明", "王芳", "陈静", "刘强"]
PLACES = ["北京", "上海", "广州", "南京", "杭州"]
ORGS = ["新华社", "科学院", "清华大学", "气象局"]
VERBS = ["访问", "考察", "参观", "来到"]

SPORT = ["球队在比赛中赢得冠军，球员表现出色，教练赞扬球迷。",
         "足球比赛进入决赛，球队主教练调整阵容，球员射门得分。",
         "篮球联赛开打，球队引进新球员，比赛门票售罄，球迷欢呼。"]
FINANCE = ["股票市场大幅上涨，投资者买入银行股票，基金经理看好行情。",
           "证券公司发布报告，股票价格波动，投资者关注基金收益。",
           "银行利率调整影响股票市场，基金公司增加投资，投资者情绪高涨。"]

DOCS = ["深度学习推动了自然语言处理的快速发展。研究人员提出了新的神经网络模型。",
        "城市轨道交通建设改善了居民出行条件。地铁线路的延伸带动了沿线开发。",
        "本文研究了土壤重金属污染的修复技术，发现植物修复成本较低。"]


def classify_corpus(n_per_class: int = 20, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for label, (subjects, verbs) in THEMES.items():
        for _ in range(n_per_class):
            texts.append(rng.choice(subjects) + rng.choice(verbs) + "，" +
                         rng.choice(subjects) + rng.choice(verbs))
            labels.append(label)
    return texts, labels


def ner_sentences(n: int = 60, seed: int = 0) -> list[object]:
    from zhtext.tag import Sentence

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        per, verb, place, org = (rng.choice(PEOPLE), rng.choice(VERBS), rng.choice(PLACES),
                                 rng.choice(ORGS))
        text = f"{per}今天{verb}{place}的{org}。"
        a = len(per) + 2 + len(verb)
        spans = [(0, len(per), "PER"), (a, a + len(place), "LOC"),
                 (a + len(place) + 1, a + len(place) + 1 + len(org), "ORG")]
        out.append(Sentence(text, spans))
    return out


@pytest.fixture(scope="session")
def model_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Artifact directories: linear classifier, CRF NER tagger, LDA topics, fitted tfidf."""
    pytest.importorskip("sklearn", reason="the served classifier needs scikit-learn "
                        "(pip install 'zhtext[classify]')")
    pytest.importorskip("pycrfsuite", reason="the served NER tagger needs python-crfsuite "
                        "(pip install 'zhtext[tag]')")
    from zhtext.classify import TextClassifier
    from zhtext.keywords import TfidfKeywords
    from zhtext.tag import Tagger

    root = tmp_path_factory.mktemp("models")
    texts, labels = classify_corpus()
    dirs = {"news": TextClassifier("linear", cv=2, jobs=1).fit(texts, labels)
            .save(root / "news")}
    dirs["ner"] = Tagger("ner", settings={"dictionary": "none", "segmenter": False,
                                          "max_iterations": 40}).fit(
        ner_sentences()).save(root / "ner")  # type: ignore[arg-type]
    dirs["kw"] = TfidfKeywords(idf="fitted").fit(DOCS * 3).save(root / "kw")
    try:
        from zhtext.topics import TopicModel

        corpus = [t for _ in range(6) for t in SPORT + FINANCE]
        dirs["topics"] = TopicModel(k=2, passes=10, iterations=50, restarts=1, min_df=2,
                                    workers=1, seed=0).fit(corpus).save(root / "topics")
    except ImportError:  # gensim missing: topics are left out
        pass
    return dirs


@pytest.fixture(scope="session")
def registry(model_dirs: dict[str, Path]) -> ModelRegistry:
    """Every test model plus the built-in keywords, loaded and warmed up once."""
    from zhtext.serve.models import ModelRegistry

    return ModelRegistry.load([str(p) for p in model_dirs.values()])


@pytest.fixture(scope="session")
def app(registry: ModelRegistry) -> object:
    needs_server()
    from zhtext.serve.app import create_app

    return create_app(registry)


@pytest.fixture
def client(app: object) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(app) as c:  # type: ignore[arg-type]
        yield c
