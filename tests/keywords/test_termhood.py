"""Phrases that are units, POS evidence, near-duplicates and quoted lists (issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhtext import ZhtextError
from zhtext.keywords import TextRankKeywords, TfidfKeywords
from zhtext.keywords.base import KeywordExtractor, overlap
from zhtext.keywords.termhood import term_heads, term_shape


def top(text: str, k: int = 5, **settings: object) -> list[str]:
    return [kw.text for kw in TfidfKeywords(**settings).extract([text], k)[0]]  # type: ignore[arg-type]


def test_term_shape_rules() -> None:
    assert term_shape(["互联网", "金融"], ["n", "n"])
    assert term_shape(["图像", "识别"], ["n", "v"])  # 识别 heads terms in the dictionary
    assert not term_shape(["劫持", "妻子"], ["v", "n"])  # verb + object
    assert not term_shape(["五角大楼", "下达"], ["ns", "v"])  # ends in a clause verb
    assert not term_shape(["屠龙记", "十大"], ["n", "m"])  # ends in a numeral
    assert not term_shape(["十个", "坑"], ["m", "n"])  # holds a numeral
    assert "处理" in term_heads() and "下达" not in term_heads()


def test_clause_fragments_are_not_keywords() -> None:
    got = top("如何看待特朗普对五角大楼下达的阅兵要求？")
    assert "特朗普" in got and "五角大楼" in got
    assert not any(k in got for k in ("五角大楼下达", "看待特朗普", "下达"))


def test_verbs_and_numerals_are_never_keywords_alone() -> None:
    got = top("宁愿十年挖一口井，也不要一年挖十个坑")
    assert not any(k in got for k in ("不要", "十个坑", "挖十个", "十年挖"))


def test_a_phrase_ending_in_a_term_head_is_kept_over_its_parts() -> None:
    assert top("深度学习推动了自然语言处理的发展。", 3)[:2] == ["自然语言处理", "深度学习"]


def test_top_k_says_k_different_things() -> None:
    got = top("自然语言处理是人工智能的重要方向。")
    assert "自然语言处理" in got and "自然语言" not in got
    doc = ("早期的磷酸铁锂电池安全性好但能量密度偏低，三元锂电池则在续航里程上更有优势。"
           "电池企业使磷酸铁锂电池的能量密度明显提高。")
    got = top(doc)
    assert "磷酸铁锂电池" in got
    # pieces of the repeated phrase that never occur outside it are not listed beside it
    assert "铁锂电池" not in got and "磷酸铁" not in got
    for i, a in enumerate(got):
        for b in got[i + 1 :]:
            assert not overlap(a, b), (a, b)


def test_overlap() -> None:
    assert overlap("磷酸铁", "铁锂电池") and overlap("倚天屠龙记", "屠龙记十大")
    assert not overlap("锂电池", "铁锂电池") and not overlap("电池", "回收")


def test_quoted_lists_are_split_at_their_separators() -> None:
    got = top("新品发布：“百利甜酒，唇感受，心聆听”系列上市", 10)
    assert not any("，" in k or "," in k for k in got)
    assert "百利甜酒" in got


def test_turning_termhood_off_gives_the_old_ranking() -> None:
    doc = "如何看待特朗普对五角大楼下达的阅兵要求？"
    off = top(doc, pos_weights="none", single_phrase_weight=1.0)
    assert "五角大楼下达" in off  # the adjacency-only phrase the rule removes
    assert off != top(doc)


def test_textrank_shares_the_evidence() -> None:
    got = [k.text for k in TextRankKeywords().extract(
        ["如何看待特朗普对五角大楼下达的阅兵要求？特朗普下令举行阅兵。"], 5)[0]]
    assert not any(k in got for k in ("五角大楼下达", "下达", "下令"))


@pytest.mark.parametrize("bad", [
    {"pos_weights": "nouns"}, {"pos_weights": {"v": -1}}, {"pos_weights": {"v": "x"}},
    {"single_phrase_weight": 2}, {"single_phrase_weight": -0.1},
])
def test_bad_termhood_settings(bad: dict[str, object]) -> None:
    with pytest.raises(ZhtextError, match=r"pos_weights|single_phrase_weight"):
        TfidfKeywords(**bad).check()  # type: ignore[arg-type]


def test_pos_weights_mapping_is_laid_over_the_default() -> None:
    doc = "如何看待特朗普对五角大楼下达的阅兵要求？"
    assert "看待" in top(doc, 10, pos_weights={"v": 1.0})
    assert "看待" not in top(doc, 10)


def test_saved_settings_round_trip_and_old_models_keep_their_ranking(tmp_path: Path) -> None:
    kw = TfidfKeywords(pos_weights={"v": 0.5}, single_phrase_weight=0.5)
    d = kw.fit(["深度学习推动了自然语言处理的发展。"] * 3).save(tmp_path / "m")
    back = KeywordExtractor.load(d)
    assert back.pos_weights == {"v": 0.5} and back.single_phrase_weight == 0.5
    # a model saved before these settings existed ranks as it did
    manifest = json.loads((d / "zhtext.json").read_text(encoding="utf-8"))
    for key in ("pos_weights", "single_phrase_weight"):
        del manifest["params"][key]
    (d / "zhtext.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    old = KeywordExtractor.load(d)
    assert old.pos_weights == "none" and old.single_phrase_weight == 1.0
