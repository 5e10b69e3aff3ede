"""``Keyword.text`` is the keyword as written in the document (issue 18): ``doc[start:end]``,
with the normalised form, the one ranking merges on, in ``Keyword.norm``."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhtext.keywords import get_extractor
from zhtext.keywords.base import KeywordExtractor
from zhtext.text.normalize import Normalizer

# Chinese words, full-width latin / digits / punctuation, ideographic spaces, half-width forms
PIECES = ["深度学习", "神经网络", "图像分割", "数据挖掘", "算法", "模型", "ＧＰＵ", "ＢＥＲＴ",
          "２０２３", "ｘｇｂｏｏｓｔ", "GPU", "bert", "，", "。", "：", "（", "）", "！", "？",
          "\u3000", "、", "的", "和", "基于", "提出", "ｶﾀｶﾅ", "①"]
DOCS = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)
EXTRACTORS = {"tfidf": get_extractor("tfidf"), "textrank": get_extractor("textrank"),
              "tfidf-words": get_extractor("tfidf", phrases=False),
              "tfidf-t2s": get_extractor("tfidf", t2s=True)}


def check(doc: str, extractor: KeywordExtractor) -> None:
    norm = Normalizer(t2s=bool(getattr(extractor, "t2s", False)))
    for k in extractor.extract([doc], top_k=10)[0]:
        assert doc[k.start:k.end] == k.text, k
        assert norm.normalize(k.text).text == k.norm, k


@pytest.mark.parametrize("name", sorted(EXTRACTORS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=DOCS)
def test_text_is_the_document_span(name: str, doc: str) -> None:
    check(doc, EXTRACTORS[name])


def test_full_width_keyword_keeps_its_first_surface_form() -> None:
    doc = "我们用ＧＰＵ训练模型。GPU训练很快，ＧＰＵ很贵。ＧＰＵ加速深度学习。"
    kws = get_extractor("tfidf").extract([doc], top_k=10)[0]
    gpu = [k for k in kws if k.norm == "GPU"]
    assert len(gpu) == 1  # one keyword for both widths
    assert gpu[0].text == "ＧＰＵ" and (gpu[0].start, gpu[0].end) == (3, 6)
    assert gpu[0].to_dict()["text"] == "ＧＰＵ"


def test_supervised_text_is_the_document_span() -> None:
    pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
    from tests.keywords.test_supervised import FAST, make_docs

    from zhtext.keywords.supervised import SupervisedKeywords

    docs = make_docs(12, 0)
    model = SupervisedKeywords(method_settings=FAST).fit([t for t, _ in docs],
                                                        [k for _, k in docs])
    for text, _ in make_docs(5, 3):
        wide = text.replace("，", "，\u3000").replace("。", "．") + "ＧＰＵ２０２３。"
        check(wide, model)
