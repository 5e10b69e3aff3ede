from __future__ import annotations

import random
from pathlib import Path

import pytest
from tests.tiny_encoder import build_tiny_encoder

# Short texts written for these tests (not taken from any data set): three themes.
_THEMES = {
    "体育": (["球队", "主教练", "前锋", "联赛", "决赛", "冠军", "球迷", "进球"],
             ["{a}在{b}中表现出色", "{a}赢得了{b}", "{b}之后{a}接受采访", "{a}备战{b}"]),
    "财经": (["股市", "央行", "利率", "基金", "银行", "投资者", "债券", "汇率"],
             ["{a}宣布调整{b}", "{a}推动{b}上涨", "{b}下跌影响{a}", "{a}关注{b}走势"]),
    "科技": (["芯片", "手机", "人工智能", "软件", "算法", "机器人", "互联网", "数据"],
             ["{a}公司发布新款{b}", "{a}技术改进{b}", "{b}推动{a}发展", "研究人员优化{a}和{b}"]),
}


def make_corpus(n_per_class: int = 30, seed: int = 0) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for label, (words, templates) in _THEMES.items():
        for _ in range(n_per_class):
            a, b = rng.sample(words, 2)
            texts.append(rng.choice(templates).format(a=a, b=b))
            labels.append(label)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [labels[i] for i in order]


@pytest.fixture(scope="session")
def corpus() -> tuple[list[str], list[str]]:
    return make_corpus()


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory,
                 corpus: tuple[list[str], list[str]]) -> Path:
    pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")
    texts = corpus[0] + ["这是一段很长的文本" * 20]
    return build_tiny_encoder(tmp_path_factory.mktemp("encoder") / "tiny-bert", texts)
