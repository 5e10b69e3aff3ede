from __future__ import annotations

import pickle
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from zhtext.text import Normalizer, fullwidth_to_halfwidth, normalize


def test_fullwidth_folding() -> None:
    assert normalize("ＡＢＣ１２３，！　ｘ") == "ABC123,! x"
    assert fullwidth_to_halfwidth("ＡＩ　芯片") == "AI 芯片"


def test_identity_needs_no_offset_map() -> None:
    nt = Normalizer().normalize("普通的中文 text, 123.")
    assert nt.text == nt.original
    assert nt.starts is None
    assert nt.span(2, 4) == (2, 4)


def test_same_length_changes_need_no_offset_map() -> None:
    nt = Normalizer().normalize("ＡＩ，好")
    assert nt.text == "AI,好"
    assert nt.starts is None


def test_length_changing_characters_map_back() -> None:
    original = "①号ﬁle……㎡好e\u0301"
    nt = Normalizer().normalize(original)
    assert nt.text == unicodedata.normalize("NFKC", original)
    assert nt.starts is not None
    for a in range(len(nt.text)):
        for b in range(a + 1, len(nt.text) + 1):
            s, e = nt.span(a, b)
            piece = unicodedata.normalize("NFKC", original[s:e])
            assert nt.text[a:b] in piece
    # "好" sits after the expansions; its span is exact
    i = nt.text.index("好")
    assert nt.span(i, i + 1) == (original.index("好"), original.index("好") + 1)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中文ＡＢ１２，。…①㎡ﬁe\u0301 ab😀")), max_size=40))
def test_offsets_cover_the_original(original: str) -> None:
    nt = Normalizer().normalize(original)
    assert nt.text == unicodedata.normalize("NFKC", original) or "\u0301" in original
    if nt.text:
        s, e = nt.span(0, len(nt.text))
        assert (s, e) == (0, len(original))


def test_traditional_to_simplified_keeps_length_and_pickles() -> None:
    n = Normalizer(t2s=True)
    nt = n.normalize("機器學習與語音識別")
    assert nt.text == "机器学习与语音识别"
    assert len(nt.text) == len(nt.original)
    clone = pickle.loads(pickle.dumps(n))
    assert clone.normalize("頭髮").text == "头发"
    assert "_opencc" not in pickle.loads(pickle.dumps(n)).__dict__
