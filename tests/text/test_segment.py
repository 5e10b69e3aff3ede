from __future__ import annotations

import json
import os
import pickle
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhtext.errors import InputError, ZhtextError
from zhtext.records import Token
from zhtext.text import (
    SEGMENTER_NAMES,
    CharSegmenter,
    JiebaSegmenter,
    Normalizer,
    RjiebaSegmenter,
    Segmenter,
    get_segmenter,
    tokenize,
)
from zhtext.text.segment import segmenter_from_params

_SEGMENTERS: dict[str, Segmenter] = {}


def seg_named(name: str) -> Segmenter:
    """One default segmenter per backend for the module (jieba takes a second to build)."""
    if name not in _SEGMENTERS:
        _SEGMENTERS[name] = get_segmenter(name)
    return _SEGMENTERS[name]


# --- golden output --------------------------------------------------------------------------

# Sentences written for these tests. The output was recorded once from rjieba 0.2.x and
# jieba 0.42.1; the two backends share jieba's dictionary but differ in a few details.
COMMON = {
    "天气预报说明天下午有雷阵雨": [
        ("天气预报", "n"), ("说", "v"), ("明天", "t"), ("下午", "t"), ("有", "v"),
        ("雷阵雨", "nr"),
    ],
    "我爱北京天安门。": [("我", "r"), ("爱", "v"), ("北京", "ns"), ("天安门", "ns"), ("。", "x")],
    "自然语言处理是人工智能的重要方向": [
        ("自然语言", "l"), ("处理", "v"), ("是", "v"), ("人工智能", "n"), ("的", "uj"),
        ("重要", "a"), ("方向", "n"),
    ],
}
# Chinese mixed with digits and Latin letters: the backends differ only in the tag of 很
MIXED = "他在2024年发布了GPT模型，效果很好。"


def _mixed(hen: str) -> list[tuple[str, str]]:
    return [("他", "r"), ("在", "p"), ("2024", "m"), ("年", "m"), ("发布", "v"), ("了", "ul"),
            ("GPT", "eng"), ("模型", "n"), ("，", "x"), ("效果", "n"), ("很", hen), ("好", "a"),
            ("。", "x")]


GOLDEN_RJIEBA = {
    **COMMON,
    MIXED: _mixed("zg"),
    "我们在上海召开了第3届人工智能大会": [
        ("我们", "r"), ("在", "p"), ("上海", "ns"), ("召开", "v"), ("了", "ul"), ("第", "m"),
        ("3", "m"), ("届", "d"), ("人工智能", "n"), ("大会", "n"),
    ],
    "这家公司的股价上涨了15%，投资者非常高兴！": [
        ("这家", "r"), ("公司", "n"), ("的", "uj"), ("股价", "n"), ("上涨", "v"), ("了", "ul"),
        ("15%", "m"), ("，", "x"), ("投资者", "n"), ("非常高兴", "b"), ("！", "x"),
    ],
    "研究团队改进了锂硫电池隔膜": [
        ("研究", "vn"), ("团队", "n"), ("改进", "v"), ("了", "ul"), ("锂", "nz"), ("硫", "n"),
        ("电池", "n"), ("隔膜", "n"),
    ],
}
GOLDEN_JIEBA = {
    **COMMON,
    MIXED: _mixed("d"),
    "我们在上海召开了第3届人工智能大会": [
        ("我们", "r"), ("在", "p"), ("上海", "ns"), ("召开", "v"), ("了", "ul"), ("第", "m"),
        ("3", "m"), ("届", "m"), ("人工智能", "n"), ("大会", "n"),
    ],
    "这家公司的股价上涨了15%，投资者非常高兴！": [
        ("这家", "r"), ("公司", "n"), ("的", "uj"), ("股价", "n"), ("上涨", "v"), ("了", "ul"),
        ("15", "m"), ("%", "x"), ("，", "x"), ("投资者", "n"), ("非常高兴", "b"), ("！", "x"),
    ],
    "研究团队改进了锂硫电池隔膜": [
        ("研究", "vn"), ("团队", "n"), ("改进", "v"), ("了", "ul"), ("锂", "n"), ("硫", "n"),
        ("电池", "n"), ("隔膜", "n"),
    ],
}
GOLDEN = {"rjieba": GOLDEN_RJIEBA, "jieba": GOLDEN_JIEBA}
# jieba's plain cut keeps "15%" whole where its POS tagger splits it
JIEBA_CUT = {"这家公司的股价上涨了15%，投资者非常高兴！": [
    "这家", "公司", "的", "股价", "上涨", "了", "15%", "，", "投资者", "非常高兴", "！"]}


@pytest.mark.parametrize("name", ["rjieba", "jieba"])
@pytest.mark.parametrize("text", list(GOLDEN_RJIEBA))
def test_golden_words_and_tags(name: str, text: str) -> None:
    seg = seg_named(name)
    expected = GOLDEN[name][text]
    assert seg.tag(text) == expected
    toks = seg.segment(text, pos=True)
    assert [(t.text, t.pos) for t in toks] == expected
    words = [w for w, _ in expected]
    if name == "jieba":
        words = JIEBA_CUT.get(text, words)
    assert seg.cut(text) == words
    assert [t.text for t in seg.segment(text)] == words


def test_char_backend_pieces() -> None:
    seg = seg_named("char")
    assert seg.tag("中文NLP处理，3.14%的数据 ok\t2024年😀") == [
        ("中", "han"), ("文", "han"), ("NLP", "eng"), ("处", "han"), ("理", "han"), ("，", "x"),
        ("3.14", "m"), ("%", "x"), ("的", "han"), ("数", "han"), ("据", "han"), (" ", "x"),
        ("ok", "eng"), ("\t", "x"), ("2024", "m"), ("年", "han"), ("😀", "x"),
    ]
    assert seg.cut("AI  芯片\n\n") == ["AI", "  ", "芯", "片", "\n\n"]
    assert seg.cut("") == []
    assert seg.has_pos is False
    assert isinstance(seg, CharSegmenter)


def test_char_backend_tags_rare_chinese_characters_as_han() -> None:
    # CJK Extension A, B (outside the BMP) and compatibility ideographs are Chinese characters
    assert seg_named("char").tag("㐀𠀀𪚥豈") == [("㐀", "han"), ("𠀀", "han"), ("𪚥", "han"),
                                            ("豈", "han")]


@pytest.mark.parametrize("name", SEGMENTER_NAMES)
def test_segment_returns_tokens(name: str) -> None:
    seg = seg_named(name)
    text = "我爱北京天安门。"
    plain = seg.segment(text)
    tagged = seg.segment(text, pos=True)
    assert all(isinstance(t, Token) for t in plain + tagged)
    assert all(t.pos is None for t in plain)
    assert all(isinstance(t.pos, str) and t.pos for t in tagged)
    assert [t[:3] for t in plain] == [t[:3] for t in tagged]
    for t in plain:
        assert text[t.start : t.end] == t.text
    assert seg.segment("") == []


def test_segment_tokens_for_rjieba() -> None:
    toks = seg_named("rjieba").segment("我爱北京天安门。", pos=True)
    assert toks == [
        Token("我", 0, 1, "r"), Token("爱", 1, 2, "v"), Token("北京", 2, 4, "ns"),
        Token("天安门", 4, 7, "ns"), Token("。", 7, 8, "x"),
    ]
    assert toks[2].to_dict() == {"text": "北京", "start": 2, "end": 4, "pos": "ns"}


def test_protocol_and_get_segmenter() -> None:
    for name in SEGMENTER_NAMES:
        seg = seg_named(name)
        assert isinstance(seg, Segmenter)
        assert seg.name == name
        assert seg.get_params()["name"] == name
    assert isinstance(get_segmenter(), RjiebaSegmenter)
    seg = seg_named("jieba")
    assert isinstance(seg, JiebaSegmenter)
    assert get_segmenter(seg) is seg


def test_unknown_segmenter_lists_valid_names() -> None:
    with pytest.raises(ZhtextError, match="unknown segmenter 'pkuseg'") as info:
        get_segmenter("pkuseg")
    assert "expected one of: rjieba, jieba, char" in str(info.value)
    for name in SEGMENTER_NAMES:
        assert name in str(info.value)


def test_hmm_off_keeps_unknown_words_apart() -> None:
    text = "墨韵星河是一个诗社"
    assert "墨韵" in seg_named("rjieba").cut(text)  # the HMM joins the unknown 墨韵
    assert RjiebaSegmenter(hmm=False).cut(text)[:2] == ["墨", "韵"]


# --- offsets tile the text ------------------------------------------------------------------

EMOJI = ["😀", "👍🏽", "👨\u200d👩\u200d👧", "🇨🇳", "❤️", "🀄"]
WORDS = ["自然语言处理", "北京", "GPT-4", "3.14", "www.example.com", "Ｈｅｌｌｏ", "面积10㎡"]
PIECE = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(min_codepoint=0x21, max_codepoint=0x7E),
    st.sampled_from(list("0123456789")),
    st.sampled_from([" ", "  ", "\t", "\n", "\r\n", "\u3000", "\xa0"]),
    st.sampled_from(list("，。！？、；：“”‘’（）《》【】…—·")),
    st.sampled_from(EMOJI),
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
    st.sampled_from(["①", "⑩", "㎡", "ﬁ", "½", "……", "e\u0301", "ｶﾞ", "𠀀"]),
    st.sampled_from(WORDS),
)
TEXT = st.lists(PIECE, max_size=30).map("".join)


def assert_tiles(text: str, toks: list[Token]) -> None:
    pos = 0
    for t in toks:
        assert t.start == pos, (t, pos)
        assert t.end > t.start
        assert text[t.start : t.end] == t.text
        pos = t.end
    assert pos == len(text)


@pytest.mark.parametrize("name", SEGMENTER_NAMES)
@settings(max_examples=150, deadline=None)
@given(text=TEXT)
def test_tokens_tile_the_text(name: str, text: str) -> None:
    seg = seg_named(name)
    assert_tiles(text, seg.segment(text))
    assert_tiles(text, seg.segment(text, pos=True))
    assert "".join(seg.cut(text)) == text
    assert "".join(w for w, _ in seg.tag(text)) == text


@pytest.mark.parametrize("name", SEGMENTER_NAMES)
@settings(max_examples=150, deadline=None)
@given(text=TEXT)
def test_tokenize_offsets_tile_the_original(name: str, text: str) -> None:
    for pos in (False, True):
        toks = tokenize([text], segmenter=seg_named(name), pos=pos)[0]
        prev_end = 0
        for t in toks:
            assert t.start == prev_end, (t, prev_end)
            assert t.end > t.start
            assert unicodedata.normalize("NFKC", text[t.start : t.end]) == t.text
            assert (t.pos is not None) == pos
            prev_end = t.end
        assert prev_end == len(text)
        assert "".join(t.text for t in toks) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("name", SEGMENTER_NAMES)
def test_tokenize_keeps_expansions_whole(name: str) -> None:
    original = "面积10㎡的房子……很好"
    toks = tokenize([original], segmenter=seg_named(name))[0]
    pairs = [(original[t.start : t.end], t.text) for t in toks]
    # however the backend cuts "10m2" and "......", no token holds part of ㎡ or …
    assert any(o.endswith("㎡") and n.endswith("m2") for o, n in pairs)
    assert all("m" not in n or n.endswith("m2") for _, n in pairs)
    dots = [(o, n) for o, n in pairs if "…" in o]
    assert all(set(o) == {"…"} and n == "..." * len(o) for o, n in dots)
    assert "".join(n for _, n in dots) == "......"
    assert toks[-1].end == len(original)


def test_tokenize_examples() -> None:
    toks = tokenize(["ＡＩ芯片", "", "我爱北京"], segmenter=seg_named("rjieba"), pos=True)
    assert toks[0] == [Token("AI", 0, 2, "eng"), Token("芯片", 2, 4, "n")]
    assert toks[1] == []
    assert [t.text for t in toks[2]] == ["我", "爱", "北京"]
    # offsets into the original when NFKC changes the length
    (toks,) = tokenize(["ﬁle系统"], segmenter=seg_named("rjieba"))
    assert toks == [Token("file", 0, 3), Token("系统", 3, 5)]


def test_tokenize_with_t2s() -> None:
    pytest.importorskip("opencc", reason="traditional-to-simplified conversion needs OpenCC "
                        "(pip install 'zhtext[opencc]')")
    (toks,) = tokenize(["機器學習很有趣"], segmenter=seg_named("rjieba"),
                       normalizer=Normalizer(t2s=True))
    assert [t.text for t in toks] == ["机器", "学习", "很", "有趣"]
    assert [(t.start, t.end) for t in toks] == [(0, 2), (2, 4), (4, 5), (5, 7)]


def test_tokenize_by_name() -> None:
    (toks,) = tokenize(["中文NLP"], segmenter="char")
    assert toks == [Token("中", 0, 1), Token("文", 1, 2), Token("NLP", 2, 5)]


# --- user dictionaries ----------------------------------------------------------------------

USER_DICT = "# 用户词典\n稀疏门控 50 nz\n\n锂硫电池\n墨韵星河 nr\n光量子芯片 30\n"
SENTENCES = {
    "稀疏门控": "我们提出了稀疏门控专家模型",
    "锂硫电池": "研究团队改进了锂硫电池隔膜",
    "墨韵星河": "墨韵星河是一个诗社",
    "光量子芯片": "他们研制了光量子芯片原型",
}


@pytest.fixture
def user_dict(tmp_path: Path) -> Path:
    p = tmp_path / "user.dict"
    p.write_text(USER_DICT, encoding="utf-8")
    return p


@pytest.mark.parametrize("name", ["rjieba", "jieba"])
def test_user_dictionary_changes_segmentation(name: str, user_dict: Path) -> None:
    plain = seg_named(name)
    seg = get_segmenter(name, user_dict=user_dict)
    for word, text in SENTENCES.items():
        assert word not in plain.cut(text)
        assert word in seg.cut(text)
    tags = {w: t for text in SENTENCES.values() for w, t in seg.tag(text)}
    assert tags["稀疏门控"] == "nz"  # word freq tag
    assert tags["墨韵星河"] == "nr"  # word tag
    # words without a tag get jieba's tag for unknown words, the same on both backends
    assert tags["锂硫电池"] == "x"  # word
    assert tags["光量子芯片"] == "x"  # word freq
    toks = seg.segment(SENTENCES["稀疏门控"], pos=True)
    assert Token("稀疏门控", 5, 9, "nz") in toks


@pytest.mark.parametrize("name", ["rjieba", "jieba"])
def test_user_dictionary_is_private_to_its_segmenter(name: str, user_dict: Path) -> None:
    get_segmenter(name, user_dict=user_dict)
    assert "稀疏门控" not in get_segmenter(name).cut(SENTENCES["稀疏门控"])
    assert "稀疏门控" not in seg_named(name).cut(SENTENCES["稀疏门控"])


@pytest.mark.parametrize("name", ["rjieba", "jieba"])
def test_user_dictionary_untagged_known_word_keeps_its_tag(name: str, tmp_path: Path) -> None:
    p = tmp_path / "known.dict"
    p.write_text("北京 100000\n", encoding="utf-8")
    assert dict(get_segmenter(name, user_dict=p).tag("我爱北京"))["北京"] == "ns"


def test_user_dictionary_from_entries() -> None:
    from zhtext.text import DictEntry

    seg = get_segmenter("rjieba", user_dict=[DictEntry("稀疏门控", 50, "nz")])
    assert ("稀疏门控", "nz") in seg.tag(SENTENCES["稀疏门控"])


@pytest.mark.parametrize("user", [[], "user.dict"])
def test_char_segmenter_takes_no_user_dictionary(user: object, user_dict: Path) -> None:
    arg = user_dict if user else []
    with pytest.raises(ZhtextError, match="'char' segmenter has no dictionary"):
        get_segmenter("char", user_dict=arg)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["rjieba", "jieba"])
def test_malformed_user_dictionary_line(name: str, tmp_path: Path) -> None:
    p = tmp_path / "bad.dict"
    p.write_text("好词 3 n\n# 注释\n12345\n", encoding="utf-8")
    expected = r"bad\.dict:3: invalid user-dictionary entry '12345'"
    with pytest.raises(InputError, match=expected) as info:
        get_segmenter(name, user_dict=p)
    assert info.value.path == str(p)
    assert info.value.line == 3


def test_user_dictionary_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "gbk.dict"
    p.write_bytes("好词 3 n\n".encode() + "词语 3\n".encode("gbk"))
    with pytest.raises(InputError, match="UTF-8") as info:
        get_segmenter("rjieba", user_dict=p)
    assert info.value.path == str(p)
    assert info.value.line == 2


def test_user_dictionary_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="user dictionary not found"):
        get_segmenter("jieba", user_dict=tmp_path / "missing.dict")


@pytest.mark.parametrize("name", ["rjieba", "jieba"])
def test_segmenters_pickle_with_their_user_dictionary(name: str, user_dict: Path) -> None:
    seg = get_segmenter(name, user_dict=user_dict)
    data = pickle.dumps(seg)
    user_dict.unlink()  # the entries travel with the pickle, not the path
    clone = pickle.loads(data)
    assert type(clone) is type(seg)
    assert clone.get_params() == seg.get_params()
    for text in SENTENCES.values():
        assert clone.tag(text) == seg.tag(text)
    assert ("稀疏门控", "nz") in clone.tag(SENTENCES["稀疏门控"])
    # rebuilt from its parameters (as stored in an artifact's JSON)
    again = segmenter_from_params(json.loads(json.dumps(seg.get_params())))
    assert again.tag(SENTENCES["墨韵星河"]) == seg.tag(SENTENCES["墨韵星河"])


@pytest.mark.parametrize("name", SEGMENTER_NAMES)
def test_default_segmenters_pickle(name: str) -> None:
    seg = seg_named(name)
    clone = pickle.loads(pickle.dumps(seg))
    text = next(iter(GOLDEN_RJIEBA))
    assert clone.tag(text) == seg.tag(text)
    assert clone.get_params() == seg.get_params()


def test_params() -> None:
    seg = RjiebaSegmenter(user_dict=[], hmm=False)
    assert seg.get_params() == {"name": "rjieba", "hmm": False, "user_dict": []}
    assert seg_named("char").get_params() == {"name": "char"}
    again = segmenter_from_params({"name": "jieba", "hmm": False})
    assert isinstance(again, JiebaSegmenter)
    assert again.hmm is False


def test_jieba_writes_no_cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "tmp"
    cache_dir.mkdir()
    monkeypatch.setenv("TMPDIR", str(cache_dir))
    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    assert tempfile.gettempdir() == str(cache_dir)
    seg = JiebaSegmenter()
    assert seg.cut("我爱北京天安门") == ["我", "爱", "北京", "天安门"]
    assert seg.tag("我爱北京")[-1] == ("北京", "ns")
    assert not list(cache_dir.glob("jieba*.cache"))
    assert os.listdir(cache_dir) == []
