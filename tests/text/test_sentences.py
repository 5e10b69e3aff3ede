from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhtext.text import normalize, sentence_spans, split_sentences

END = set("。！？!?；;….")
CLOSERS = set("”’」』）)]】》\"'")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你好。再见！", ["你好。", "再见！"]),
        ("下雨了。明天呢？后天晴；不知道", ["下雨了。", "明天呢？", "后天晴；", "不知道"]),
        ("真的吗？！是的……好吧。", ["真的吗？！", "是的……", "好吧。"]),
        ("太好了!!!真的吗??", ["太好了!!!", "真的吗??"]),
        ("他在等。。。没人来", ["他在等。。。", "没人来"]),
        ("走了？……好吧", ["走了？……", "好吧"]),
    ],
)
def test_chinese_end_punctuation_and_runs(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他说：“好的。”然后走了。", ["他说：“好的。”", "然后走了。"]),
        ("他问「为什么？」我不知道。", ["他问「为什么？」", "我不知道。"]),
        ("（注：这很重要。）下一句", ["（注：这很重要。）", "下一句"]),
        ("书名是《明天会更好！》对吧", ["书名是《明天会更好！》", "对吧"]),
        ("她喊道：“快跑！”’后来", ["她喊道：“快跑！”’", "后来"]),
        ('"Yes." He left.', ['"Yes."', "He left."]),
        ("他说：“好的。”然后走了！真的吗？？是的……好",
         ["他说：“好的。”", "然后走了！", "真的吗？？", "是的……", "好"]),
    ],
)
def test_closing_quotes_stay_with_their_sentence(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("圆周率是3.14。", ["圆周率是3.14。"]),
        ("版本v1.2.3已发布。下载吧", ["版本v1.2.3已发布。", "下载吧"]),
        ("访问www.example.com获取信息。", ["访问www.example.com获取信息。"]),
        ("见https://example.org/a.html了解详情", ["见https://example.org/a.html了解详情"]),
        ("The U.S.A. is big", ["The U.S.A.", "is big"]),
        ("增长了0.5个百分点。", ["增长了0.5个百分点。"]),
        ("收敛性较好. 一种新方法", ["收敛性较好.", "一种新方法"]),
        ("圆周率约为3.14。访问www.example.com了解\n第二段",
         ["圆周率约为3.14。", "访问www.example.com了解", "第二段"]),
    ],
)
def test_decimals_urls_and_abbreviations_are_not_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_ascii_ellipsis_is_one_run() -> None:
    # NFKC turns "……" into "......": the normalised text must split like the original
    original = "他说……然后走了。"
    assert split_sentences(original) == ["他说……", "然后走了。"]
    assert split_sentences(normalize(original)) == ["他说......", "然后走了。"]
    assert split_sentences("等一下...好的") == ["等一下...", "好的"]
    assert split_sentences("wait...what") == ["wait...what"]


def test_newlines_split() -> None:
    assert split_sentences("第一行\n第二行\n\n第三行") == ["第一行", "第二行", "第三行"]
    assert sentence_spans("第一行\n第二行\n\n第三行") == [(0, 4), (4, 9), (9, 12)]
    assert split_sentences("标题\r\n正文。") == ["标题", "正文。"]


def test_whitespace_goes_with_the_next_sentence() -> None:
    text = "结束。  下一句"
    assert sentence_spans(text) == [(0, 3), (3, 8)]
    assert split_sentences(text) == ["结束。", "下一句"]
    assert split_sentences(text, strip=False) == ["结束。", "  下一句"]


def test_strip_drops_blank_sentences() -> None:
    text = "  \n第一句。\n   \n"
    assert split_sentences(text) == ["第一句。"]
    assert "".join(split_sentences(text, strip=False)) == text


def test_empty_and_unterminated() -> None:
    assert sentence_spans("") == []
    assert split_sentences("") == []
    assert sentence_spans("没有标点") == [(0, 4)]
    assert sentence_spans("。") == [(0, 1)]


ALPHABET = [
    *"中文句子ab1Z9 \t\n\r.。！？!?;；…，、:：”’」』）)】》\"'“‘「（(《",
    *["3.14", "www.example.com", "e.g.", "...", "？！", "……"],
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_spans_tile_the_text(text: str) -> None:
    spans = sentence_spans(text)
    assert "".join(text[a:b] for a, b in spans) == text
    pos = 0
    for a, b in spans:
        assert a == pos
        assert b > a
        pos = b
    assert pos == len(text)
    assert "".join(split_sentences(text, strip=False)) == text
    for s in split_sentences(text):
        assert s
        assert s == s.strip()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_sentences_end_at_end_punctuation(text: str) -> None:
    spans = sentence_spans(text)
    for _, b in spans[:-1]:
        # every sentence but the last ends in end punctuation, a closing quote or a newline
        assert text[b - 1] in END | CLOSERS | {"\n"}
    for a, b in spans:
        # and none holds a Chinese end mark followed by more text
        body = text[a:b].rstrip("".join(END | CLOSERS | {"\n"}))
        assert not set(body) & set("。！？!?；;…\n")
