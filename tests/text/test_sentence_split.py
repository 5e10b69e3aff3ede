from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zhtext.text import sentence_spans, split_sentences


def test_chinese_punctuation_and_quotes() -> None:
    assert split_sentences("他说：“好的。”然后走了！真的吗？？是的……好") == [
        "他说：“好的。”", "然后走了！", "真的吗？？", "是的……", "好"]


def test_decimals_urls_and_newlines() -> None:
    assert split_sentences("圆周率约为3.14。访问www.example.com了解\n第二段") == [
        "圆周率约为3.14。", "访问www.example.com了解", "第二段"]


def test_period_after_chinese() -> None:
    assert split_sentences("收敛性较好. 一种新方法") == ["收敛性较好.", "一种新方法"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中文ab1.。！？!?;；…”」) \n")), max_size=60))
def test_spans_tile_the_text(text: str) -> None:
    spans = sentence_spans(text)
    assert "".join(text[a:b] for a, b in spans) == text
    pos = 0
    for a, b in spans:
        assert a == pos
        assert b > a
        pos = b
