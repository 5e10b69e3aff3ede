from __future__ import annotations

import pickle

import pytest

from zhtext import Keyword, ZhtextError
from zhtext.keywords import TfidfKeywords, get_extractor


def test_default_extracts_phrases_with_offsets(docs: list[str]) -> None:
    result = TfidfKeywords().extract(docs, top_k=5)
    assert len(result) == len(docs)
    texts = [k.text for k in result[0]]
    assert "深度学习" in texts
    assert "自然语言处理" in texts
    for doc, kws in zip(docs, result):
        assert 0 < len(kws) <= 5
        scores = [k.score for k in kws]
        assert scores == sorted(scores, reverse=True)
        for k in kws:
            assert isinstance(k, Keyword)
            assert doc[k.start : k.end] == k.text
            assert doc.find(k.text) == k.start  # first occurrence


def test_phrases_beat_their_parts_when_parts_never_occur_alone(docs: list[str]) -> None:
    texts = [k.text for k in TfidfKeywords().extract([docs[2]], 10)[0]]
    assert "土壤重金属污染" in texts or "重金属污染" in texts
    # "重金属" only occurs inside the phrase: it must not be listed beside it.
    assert "重金属" not in texts


def test_no_phrases_gives_single_words(docs: list[str]) -> None:
    from zhtext.text import get_segmenter

    seg = get_segmenter("rjieba")
    kws = TfidfKeywords(phrases=False).extract(docs, 10)
    words = {k.text for doc in kws for k in doc}
    assert words
    assert all(seg.cut(w) == [w] for w in words)
    assert "土壤重金属污染" not in words


def test_empty_and_blank_documents_give_empty_lists() -> None:
    assert TfidfKeywords().extract(["", "   ", "。。，"], 5) == [[], [], []]


def test_offsets_point_into_the_original_text_after_normalisation() -> None:
    doc = "ＧＰＵ芯片……推动了深度学习。"
    # A phrase seen once counts in full here, so that the phrase's offsets are tested too.
    kws = TfidfKeywords(single_phrase_weight=1.0).extract([doc], 5)[0]
    by_norm = {k.norm: k for k in kws}
    assert "GPU芯片" in by_norm
    k = by_norm["GPU芯片"]
    assert doc[k.start : k.end] == "ＧＰＵ芯片" == k.text
    dl = by_norm["深度学习"]
    assert doc[dl.start : dl.end] == "深度学习"  # after "……", which NFKC lengthens


def test_single_string_is_rejected_with_a_hint() -> None:
    with pytest.raises(ZhtextError, match=r"extract\(\[text\]\)"):
        TfidfKeywords().extract("深度学习", 5)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [{"max_words": 0}, {"idf": "nope"}, {"max_df": 0.0}])
def test_bad_settings(bad: dict[str, object]) -> None:
    # Settings are stored as given (scikit-learn's rule) and checked on use or by check().
    kw = TfidfKeywords(**bad)  # type: ignore[arg-type]
    with pytest.raises(ZhtextError):
        kw.check()
    with pytest.raises(ZhtextError):
        kw.extract(["深度学习推动了自然语言处理的发展。"])


def test_fit_learns_idf_and_corpus_stopwords(docs: list[str]) -> None:
    corpus = [f"第{i}篇报道关注城市交通与{t}。" for i in range(30)
              for t in ("地铁", "公交", "共享单车")]
    kw = TfidfKeywords(idf="fitted", max_df=0.5).fit(corpus)
    assert kw.n_docs_ == 90
    # "报道" is in every document of that corpus: a corpus stop word now.
    assert "报道" in kw.corpus_stopwords_
    out = {k.text for k in kw.extract(["报道地铁和公交"], 5)[0]}
    assert "报道" not in out
    assert {"地铁", "公交"} <= out
    # A word in a third of the documents is rarer than one in all of them.
    assert kw.idf_["地铁"] > kw.idf_["报道"]


def test_fit_on_empty_corpus_fails_clearly() -> None:
    with pytest.raises(ZhtextError, match="empty corpus"):
        TfidfKeywords().fit(["", "  "])


def test_extractor_pickles_for_worker_processes(docs: list[str]) -> None:
    kw = TfidfKeywords(user_dict=[])
    before = kw.extract(docs, 5)
    clone = pickle.loads(pickle.dumps(kw))
    assert clone.extract(docs, 5) == before


def test_user_dictionary_makes_a_term_one_candidate(tmp_path) -> None:  # type: ignore[no-untyped-def]
    doc = "量子退火机在组合优化中表现突出。量子退火机仍处于早期阶段。"
    plain = {k.text for k in TfidfKeywords(phrases=False).extract([doc], 10)[0]}
    assert "量子退火机" not in plain
    d = tmp_path / "user.dict"
    d.write_text("量子退火机 10 n\n", encoding="utf-8")
    withdict = TfidfKeywords(phrases=False, user_dict=d).extract([doc], 10)[0]
    assert "量子退火机" in {k.text for k in withdict}


def test_registry_lists_methods_on_unknown_name() -> None:
    with pytest.raises(ZhtextError, match="tfidf, textrank, embedding"):
        get_extractor("rake")


def test_traditional_input_with_t2s() -> None:
    pytest.importorskip("opencc", reason="needs OpenCC (pip install 'zhtext[opencc]')")
    kws = TfidfKeywords(t2s=True).extract(["機器學習推動了語音識別的發展。"], 5)[0]
    assert "机器学习" in {k.norm for k in kws}
    assert "機器學習" in {k.text for k in kws}  # as written


def test_keywords_never_contain_whitespace() -> None:
    # The text output separates keywords by spaces.
    doc = "我们称之为“深度 学习 框架”和“GPU 芯片”。深度学习框架 PyTorch 与 neural network 很流行。"
    for phrases in (True, False):
        kws = TfidfKeywords(phrases=phrases).extract([doc], 20)
        assert kws[0]
        assert not any(any(c.isspace() for c in k.text) for k in kws[0])
