from __future__ import annotations

import pickle
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhtext.text import NormalizedText, Normalizer, fullwidth_to_halfwidth, normalize


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def boundaries(nt: NormalizedText) -> list[int]:
    """Positions of the normalised text that do not fall inside one original character's output."""
    n = len(nt.text)
    if nt.starts is None or nt.ends is None:
        return list(range(n + 1))
    return [k for k in range(n + 1) if k in (0, n) or nt.starts[k] >= nt.ends[k - 1]]


def check_offset_map(nt: NormalizedText) -> None:
    """The offset map is well formed and every boundary-aligned span maps back exactly.

    Any other span (one that starts or ends inside what one original character became) maps to
    the original characters it came from: their normal form contains it.
    """
    original, text = nt.original, nt.text
    if nt.starts is None or nt.ends is None:
        assert nt.starts is None
        assert nt.ends is None
        assert len(text) == len(original)
    else:
        assert len(nt.starts) == len(nt.ends) == len(text)
        if text:
            assert nt.starts[0] == 0
            assert nt.ends[-1] == len(original)
        for k in range(len(text)):
            assert 0 <= nt.starts[k] < nt.ends[k] <= len(original)
            if k:
                same_source = (nt.starts[k], nt.ends[k]) == (nt.starts[k - 1], nt.ends[k - 1])
                assert same_source or nt.starts[k] == nt.ends[k - 1]
    cuts = boundaries(nt)
    for i, a in enumerate(cuts):
        for b in cuts[i + 1 :]:
            s, e = nt.span(a, b)
            assert nfkc(original[s:e]) == text[a:b], (a, b, s, e)
    for a in range(len(text)):
        for b in range(a + 1, len(text) + 1):
            s, e = nt.span(a, b)
            assert 0 <= s < e <= len(original), (a, b, s, e)
            assert text[a:b] in nfkc(original[s:e]), (a, b, s, e)


# --- full-width forms -----------------------------------------------------------------------


def test_fullwidth_to_halfwidth_covers_the_whole_block() -> None:
    full = "".join(chr(cp) for cp in range(0xFF01, 0xFF5F))
    half = "".join(chr(cp) for cp in range(0x21, 0x7F))
    assert fullwidth_to_halfwidth(full) == half
    assert fullwidth_to_halfwidth("\u3000") == " "
    # Chinese characters and Chinese punctuation outside the block are untouched
    assert fullwidth_to_halfwidth("中文。、“”") == "中文。、“”"


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("ｈｅｌｌｏ　ｗｏｒｌｄ", "hello world"),
        ("你好，世界！", "你好,世界!"),
        ("（注：见表１）", "(注:见表1)"),
        ("价格＄５０．５％？", "价格$50.5%?"),
        ("ＡＩ　芯片", "AI 芯片"),
        ("ＡＢＣ１２３，！　ｘ", "ABC123,! x"),
        ("ＡＩ，好", "AI,好"),
    ],
)
def test_fullwidth_letters_digits_punctuation_and_space(original: str, expected: str) -> None:
    nt = Normalizer().normalize(original)
    assert nt.text == expected
    assert normalize(original) == expected
    # one-to-one changes need no offset map
    assert nt.starts is None
    assert nt.ends is None
    assert nt.span(0, 2) == (0, 2)


def test_chinese_punctuation_without_halfwidth_form_is_kept() -> None:
    assert normalize("他说：“好的。”、《书》") == "他说:“好的。”、《书》"


def test_nfkc_false_changes_nothing() -> None:
    nt = Normalizer(nfkc=False).normalize("ＡＢ①㎡")
    assert nt.text == "ＡＢ①㎡"
    assert nt.starts is None


@pytest.mark.parametrize(
    "text", ["", "普通的中文文本", "plain ASCII, 123.", "中文 mixed 文本。", "普通的中文 text, 1."]
)
def test_text_needing_no_change_is_returned_as_is(text: str) -> None:
    nt = Normalizer().normalize(text)
    assert nt == NormalizedText(text, text, None, None)
    assert nt.span(1, 3) == (1, 3)
    assert nt.span(2, 4) == (2, 4)


# --- length-changing characters ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("第⑩章", "第10章"),
        ("面积10㎡", "面积10m2"),
        ("他说……好", "他说......好"),
        ("ﬁle系统", "file系统"),
        ("cafe\u0301好", "café好"),
        ("½杯水", "1⁄2杯水"),
        ("⑽条", "(10)条"),
        ("①号ﬁle……㎡好e\u0301", "1号file......m2好é"),
    ],
)
def test_length_changing_characters(original: str, expected: str) -> None:
    nt = Normalizer().normalize(original)
    assert nt.text == expected == nfkc(original)
    assert nt.starts is not None
    assert nt.ends is not None
    check_offset_map(nt)
    # the whole text maps to the whole original
    assert nt.span(0, len(nt.text)) == (0, len(original))


def test_expansion_spans() -> None:
    nt = Normalizer().normalize("面积10㎡的ﬁle")
    assert nt.text == "面积10m2的file"
    assert nt.span(0, 2) == (0, 2)  # 面积
    assert nt.span(2, 4) == (2, 4)  # 10
    assert nt.span(4, 6) == (4, 5)  # m2 <- ㎡
    assert nt.span(6, 7) == (5, 6)  # 的
    assert nt.span(7, 11) == (6, 9)  # file <- ﬁle
    assert nt.span(9, 11) == (7, 9)  # le
    # a span inside one expansion maps to the whole original character
    assert nt.span(4, 5) == (4, 5)
    assert nt.span(7, 8) == (6, 7)


def test_each_ellipsis_maps_to_its_own_character() -> None:
    nt = Normalizer().normalize("他说……好")
    assert nt.span(2, 5) == (2, 3)  # first "..." <- first "…"
    assert nt.span(5, 8) == (3, 4)
    assert nt.span(2, 8) == (2, 4)
    assert nt.span(8, 9) == (4, 5)  # 好


def test_combining_mark_composes_with_its_base() -> None:
    original = "cafe\u0301 ok"
    nt = Normalizer().normalize(original)
    assert nt.text == "café ok"
    i = nt.text.index("é")
    assert nt.span(i, i + 1) == (3, 5)
    assert nt.span(0, 3) == (0, 3)
    assert nt.span(i + 1, len(nt.text)) == (5, len(original))


def test_empty_span_maps_to_a_position() -> None:
    nt = Normalizer().normalize("①好")
    nt2 = Normalizer().normalize("ﬁ好")
    assert nt.starts is None  # ① -> 1 keeps the length
    assert nt2.span(2, 2) == (1, 1)
    assert nt2.span(3, 3) == (2, 2)


@pytest.mark.parametrize(
    "original",
    [
        "ｶﾞｷﾞ",  # half-width katakana with a half-width voiced mark: ガギ
        "ﾊﾟﾝ",  # semi-voiced mark: パン
        "\u1100\u1161\u11a8",  # conjoining Hangul jamo compose to 각
        "ㄱㅏ",  # compatibility jamo too
        "a\u0301\u0327",  # combining marks are reordered and composed
        "\u0301\u0327中",
        "Å和Å",  # the angstrom sign
    ],
)
def test_output_is_nfkc_for_composing_sequences(original: str) -> None:
    nt = Normalizer().normalize(original)
    assert nt.text == nfkc(original)
    check_offset_map(nt)


TRICKY = list(
    "中文字ab Z9\n，。！？ＡＢ１２　①㎡ﬁ…½⑽😀𠀀"
    "e\u0301\u0327\u0334ｶﾞﾟ\u3099ガ\u1100\u1161\u11a8ㄱㅏÅ"
)
# Sequences whose normal form is longer or shorter than they are: a text holding one cannot
# keep the identity offsets, so each example below exercises the offset map.
LENGTH_CHANGING = ["㎡", "ﬁ", "…", "½", "⑽", "e\u0301", "ｶﾞ", "\u1100\u1161\u11a8", "ㄱㅏ",
                   "a\u0301\u0327"]
AROUND = st.lists(st.sampled_from(TRICKY), max_size=15).map("".join)
CHANGING_TEXT = st.tuples(AROUND, st.sampled_from(LENGTH_CHANGING), AROUND).map("".join)


@settings(max_examples=300, deadline=None)
@given(CHANGING_TEXT)
def test_normalised_text_is_nfkc_and_offsets_map_back(original: str) -> None:
    nt = Normalizer().normalize(original)
    assert nt.original == original
    assert nt.text == nfkc(original)
    assert nt.starts is not None  # some character changed length: offsets are not the identity
    check_offset_map(nt)
    # the whole text maps to the whole original
    assert nt.span(0, len(nt.text)) == (0, len(original))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=30))
def test_any_text_is_nfkc_and_offsets_map_back(original: str) -> None:
    # the general case, including texts that need no offset map
    nt = Normalizer().normalize(original)
    assert nt.original == original
    assert nt.text == nfkc(original)
    check_offset_map(nt)
    assert nt.span(0, len(nt.text)) == (0, len(original))


# --- traditional to simplified -------------------------------------------------------------


@pytest.fixture
def opencc() -> None:
    pytest.importorskip("opencc", reason="traditional-to-simplified conversion needs OpenCC "
                        "(pip install 'zhtext[opencc]')")


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("機器學習與語音識別", "机器学习与语音识别"),
        ("後來他們發現了這個問題。", "后来他们发现了这个问题。"),
        ("頭髮乾燥", "头发干燥"),
        ("简体中文不变", "简体中文不变"),
    ],
)
@pytest.mark.usefixtures("opencc")
def test_t2s_converts_and_keeps_length(original: str, expected: str) -> None:
    nt = Normalizer(t2s=True).normalize(original)
    assert nt.text == expected
    assert len(nt.text) == len(original)
    assert nt.starts is None


@pytest.mark.usefixtures("opencc")
def test_t2s_is_off_by_default() -> None:
    assert normalize("機器學習") == "機器學習"
    assert normalize("機器學習", t2s=True) == "机器学习"


@pytest.mark.usefixtures("opencc")
def test_t2s_with_nfkc_offsets() -> None:
    original = "ＡＩ於①號會議室，面積20㎡"
    nt = Normalizer(t2s=True).normalize(original)
    assert nt.text == "AI于1号会议室,面积20m2"
    i = nt.text.index("m2")
    assert nt.span(i, i + 2) == (original.index("㎡"), len(original))
    j = nt.text.index("会议室")
    assert nt.span(j, j + 3) == (original.index("會議室"), original.index("會議室") + 3)


def test_t2s_falls_back_to_characters_when_a_phrase_changes_length() -> None:
    class PhraseConverter:
        """Stands in for OpenCC with one length-changing phrase rule."""

        def convert(self, text: str) -> str:
            text = text.replace("甲乙", "X")  # phrase rule: two characters to one
            text = text.replace("戊", "己庚")  # one character to two
            return text.replace("甲", "乙").replace("丙", "丁")

    n = Normalizer(nfkc=False, t2s=True)
    n.__dict__["_opencc"] = PhraseConverter()
    # the phrase rule would shorten the text: characters are converted one by one instead
    assert n.normalize("甲乙丙").text == "乙乙丁"
    # a character that converts to two is kept as it was
    assert n.normalize("甲戊丙").text == "乙戊丁"


@pytest.mark.usefixtures("opencc")
def test_normalizer_with_t2s_pickles() -> None:
    n = Normalizer(t2s=True)
    assert n.normalize("語言").text == "语言"  # loads OpenCC
    data = pickle.dumps(n)
    clone = pickle.loads(data)
    assert "_opencc" not in clone.__dict__
    assert clone.t2s is True
    assert clone.nfkc is True
    assert clone.normalize("頭髮ＡＢ").text == "头发AB"
    assert clone.get_params() == n.get_params() == {"nfkc": True, "t2s": True}
    assert repr(clone) == "Normalizer(nfkc=True, t2s=True)"
