from __future__ import annotations

import itertools
import pickle
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhtext import InputError, Token, ZhtextError
from zhtext.text import SEGMENTER_NAMES, Segmenter, get_segmenter, tokenize
from zhtext.text.segment import segmenter_from_params

GOLDEN = {
    "我爱北京天安门。": [("我", "r"), ("爱", "v"), ("北京", "ns"), ("天安门", "ns"), ("。", "x")],
    "自然语言处理是人工智能的重要方向": [
        ("自然语言", "l"), ("处理", "v"), ("是", "v"), ("人工智能", "n"), ("的", "uj"),
        ("重要", "a"), ("方向", "n")],
}


@pytest.mark.parametrize("name", ["rjieba", "jieba"])
@pytest.mark.parametrize("text", list(GOLDEN))
def test_golden_segmentation(name: str, text: str) -> None:
    seg = get_segmenter(name)
    assert seg.tag(text) == GOLDEN[text]
    assert seg.cut(text) == [w for w, _ in GOLDEN[text]]


def test_golden_mixed_script() -> None:
    assert get_segmenter("rjieba").cut("他在2024年发布了GPT模型，效果很好。") == [
        "他", "在", "2024", "年", "发布", "了", "GPT", "模型", "，", "效果", "很", "好", "。"]
    assert get_segmenter("char").tag("中文NLP 3.14%") == [
        ("中", "han"), ("文", "han"), ("NLP", "eng"), (" ", "x"), ("3.14", "m"), ("%", "x")]


def test_segment_returns_tokens_with_pos() -> None:
    toks = get_segmenter("rjieba").segment("我爱北京", pos=True)
    assert toks[2] == Token("北京", 2, 4, "ns")
    assert all(t.pos is None for t in get_segmenter("rjieba").segment("我爱北京"))


def test_protocol_and_unknown_name() -> None:
    for name in SEGMENTER_NAMES:
        assert isinstance(get_segmenter(name), Segmenter)
    with pytest.raises(ZhtextError, match="rjieba, jieba, char"):
        get_segmenter("pkuseg")


TEXT = st.text(
    alphabet=st.sampled_from(
        list("中文分词测试自然语言处理ab Z19 \t\n，。！？ＡＢ１２😀𠀀①……e\u0301-_.")
    ),
    max_size=50,
)


_SEGMENTERS: dict[str, Segmenter] = {}


def _segmenter(name: str) -> Segmenter:
    # built once per test session: the jieba backend takes a second to load its dictionary
    if name not in _SEGMENTERS:
        _SEGMENTERS[name] = get_segmenter(name)
    return _SEGMENTERS[name]


@pytest.mark.parametrize("name", SEGMENTER_NAMES)
@settings(max_examples=150, deadline=None)
@given(text=TEXT)
def test_tokens_tile_the_text(name: str, text: str) -> None:
    seg = _segmenter(name)
    pos = 0
    for t in seg.segment(text, pos=True):
        assert t.start == pos
        assert text[t.start : t.end] == t.text
        pos = t.end
    assert pos == len(text)


@settings(max_examples=150, deadline=None)
@given(text=TEXT)
def test_tokenize_offsets_cover_the_original(text: str) -> None:
    # Offsets point into the original text. One original character that NFKC expands into
    # several (㎡ -> m2, … -> ...) may be split across tokens, which then share its span; so
    # spans are contiguous and ordered, without gaps, but may overlap there.
    toks = tokenize([text], segmenter=_segmenter("rjieba"))[0]
    if not text:
        assert toks == []
        return
    assert toks[0].start == 0
    assert max(t.end for t in toks) == len(text)
    for prev, t in itertools.pairwise(toks):
        assert prev.start <= t.start <= prev.end
    for t in toks:
        assert t.text in unicodedata.normalize("NFKC", text[t.start : t.end])


@pytest.mark.parametrize("name", ["rjieba", "jieba"])
def test_user_dictionary_file(tmp_path: Path, name: str) -> None:
    text = "量子退火机在组合优化中表现突出"
    assert "量子退火机" not in get_segmenter(name).cut(text)
    d = tmp_path / "user.dict"
    d.write_text("# 注释\n量子退火机 100 nz\n\n组合优化 n\n", encoding="utf-8")
    seg = get_segmenter(name, user_dict=d)
    tagged = dict(seg.tag(text))
    assert tagged["量子退火机"] == "nz"
    assert tagged["组合优化"] == "n"
    clone = pickle.loads(pickle.dumps(seg))
    assert "量子退火机" in clone.cut(text)
    again = segmenter_from_params(seg.get_params())
    assert "量子退火机" in again.cut(text)


def test_user_dictionary_errors(tmp_path: Path) -> None:
    with pytest.raises(ZhtextError, match="char"):
        get_segmenter("char", user_dict=[])
    bad = tmp_path / "bad.dict"
    bad.write_text("好词 3\n123\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.dict:2"):
        get_segmenter("rjieba", user_dict=bad)
    gbk = tmp_path / "gbk.dict"
    gbk.write_bytes("词语 3\n".encode("gbk"))
    with pytest.raises(InputError, match="UTF-8"):
        get_segmenter("rjieba", user_dict=gbk)
    with pytest.raises(InputError, match="not found"):
        get_segmenter("jieba", user_dict=tmp_path / "none.dict")


def test_jieba_backend_writes_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seg = get_segmenter("jieba")
    assert seg.cut("我爱北京天安门") == ["我", "爱", "北京", "天安门"]
    assert list(tmp_path.iterdir()) == []
