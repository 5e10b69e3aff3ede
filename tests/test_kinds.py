"""Every kind of directory zhtext writes opens with ``zhtext.load`` as a working object.

Each artifact is made as a user makes it (the CLI for the kinds only the CLI writes), then
loaded back and used: the registry is the one way in, so a kind without an entry fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.test_cli_classify import PROBES, make_rows, write_tsv
from tests.cli.test_cli_classify import zhtext as run

import zhtext
from zhtext.errors import InputError
from zhtext.registry import ArtifactKind, Methods, get_kind, kind_names

TEXTS = ["今天北京的天气很好，我们去公园散步。", "人工智能技术正在改变世界经济。",
         "球队在比赛中以三比一获胜。", "股市今天大幅上涨，投资者信心增强。",
         "学校开设了新的计算机课程。", "电影明星出席了颁奖典礼。"] * 10
KINDS_WRITTEN = {"keywords", "topics", "classify", "tag", "vocab", "pretrain", "comparison",
                 "report"}


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("kinds")
    (d / "corpus.txt").write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    write_tsv(d / "train.tsv", make_rows(20))
    write_tsv(d / "dev.tsv", make_rows(6, seed=1))
    return d


def test_every_kind_written_is_registered() -> None:
    assert set(kind_names()) >= KINDS_WRITTEN
    for name in KINDS_WRITTEN:
        kind = get_kind(name)
        assert isinstance(kind, ArtifactKind) and kind.name == name
        assert kind.made_by.startswith("zhtext ")


def test_unknown_kind_names_the_known_ones(tmp_path: Path) -> None:
    d = tmp_path / "odd"
    d.mkdir()
    (d / "zhtext.json").write_text(json.dumps({"format_version": 1, "task": "juggling"}),
                                   encoding="utf-8")
    with pytest.raises(InputError, match=r"kind 'juggling' is not known.*classify.*tag"):
        zhtext.load(d)


def test_keywords(work: Path) -> None:
    from zhtext.keywords import TfidfKeywords

    kw = TfidfKeywords().fit(TEXTS)
    kw.save(work / "kw")
    back = zhtext.load(work / "kw")
    assert type(back) is TfidfKeywords
    assert back.extract(TEXTS[:2], 3) == kw.extract(TEXTS[:2], 3)


def test_topics(work: Path) -> None:
    pytest.importorskip("gensim", reason="topics need gensim (zhtext[topics])")
    out = run("topics", "fit", work / "corpus.txt", "-o", work / "topics", "--k", "2",
              "--restarts", "1", "--passes", "2")
    assert out.returncode == 0, out.stderr
    model = zhtext.load(work / "topics")
    assert len(model.topics()) == 2
    dist = model.infer(["股市今天大幅上涨"])[0]
    assert abs(sum(w for _, w in dist) - 1) < 0.05


def test_classify_comparison_and_report(work: Path) -> None:
    pytest.importorskip("sklearn", reason="the linear classifier needs zhtext[classify]")
    out = run("classify", "compare", "--methods", "linear", "--train", work / "train.tsv",
              "--dev", work / "dev.tsv", "-o", work / "cmp")
    assert out.returncode == 0, out.stderr
    cmp = zhtext.load(work / "cmp")
    assert cmp.methods == ["linear"] and 0 <= cmp.rows[0]["accuracy"] <= 1
    clf = cmp.model("linear")
    assert clf.predict([PROBES["体育"]])[0].label == "体育"
    with pytest.raises(InputError, match="no 'bert' model here"):
        cmp.model("bert")

    same = zhtext.load(work / "cmp" / "linear")  # a model inside is a classify artifact
    assert same.predict([PROBES["财经"]])[0].label == "财经"
    out = run("classify", "evaluate", work / "cmp" / "linear", work / "dev.tsv", "-o",
              work / "report")
    assert out.returncode == 0, out.stderr
    report = zhtext.load(work / "report")
    assert report.method == "linear" and report.data.endswith("dev.tsv")
    assert report.metrics["accuracy"] == pytest.approx(cmp.rows[0]["accuracy"])


def test_tag_and_its_segmenter(work: Path) -> None:
    pytest.importorskip("pycrfsuite", reason="the crf tagger needs zhtext[tag]")
    from zhtext.text.segment import get_segmenter, tokenize

    words = ["今天 北京 的 天气 很 好", "人工智能 技术 正在 改变 世界 经济",
             "球队 在 比赛 中 获胜", "股市 今天 大幅 上涨"] * 8
    (work / "cws.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    out = run("tag", "train", "--task", "cws", "--train", work / "cws.txt", "-o", work / "cws")
    assert out.returncode == 0, out.stderr
    tagger = zhtext.load(work / "cws")
    assert [t.text for t in tagger.predict(["今天北京的天气很好"])[0]][:2] == ["今天", "北京"]
    seg = get_segmenter(str(work / "cws"))  # the tag kind's segmenter, through the registry
    assert [t.text for t in tokenize(["股市今天大幅上涨"], segmenter=seg)[0]] == \
        ["股市", "今天", "大幅", "上涨"]


def test_a_kind_that_cannot_segment_says_so(work: Path) -> None:
    from zhtext.keywords import TfidfKeywords
    from zhtext.text.segment import get_segmenter

    TfidfKeywords().fit(TEXTS).save(work / "kw-seg")
    with pytest.raises(InputError, match="'keywords' model cannot segment"):
        get_segmenter(str(work / "kw-seg"))


def test_vocab_and_pretrained_model(work: Path) -> None:
    pytest.importorskip("torch", reason="pretraining needs zhtext[neural]")
    out = run("pretrain", "vocab", work / "corpus.txt", "-o", work / "vocab",
              "--vocab-size", "300", "--min-count", "1")
    assert out.returncode == 0, out.stderr
    tok = zhtext.load(work / "vocab")
    assert tok.tokenize("北京天气") == ["北", "京", "天", "气"]
    out = run("pretrain", "mlm", work / "corpus.txt", "-o", work / "mlm", "--size", "tiny",
              "--steps", "2", "--vocab", work / "vocab", "--set", "batch_size=8",
              "--set", "max_length=32")
    assert out.returncode == 0, out.stderr
    mlm = zhtext.load(work / "mlm")
    assert mlm.metrics_["steps"] == 2
    filled = mlm.fill_mask(["今天北[MASK]的天气[MASK]好", "没有遮盖"], top_k=3)
    assert [len(f) for f in filled] == [2, 0] and all(len(c) == 3 for c in filled[0])


def test_methods_table_resolves_aliases_and_lists_names() -> None:
    m = Methods("demo", {"upper": "builtins:str.upper"}, aliases={"upper.v1": "upper"})
    assert m.get("upper.v1")("ab") == "AB" and "upper.v1" in m and "lower" not in m
    with pytest.raises(zhtext.ZhtextError, match=r"unknown demo method 'lower'.*upper"):
        m.get("lower")
