from __future__ import annotations

from zhtext.keywords.candidates import CandidateExtractor


def test_runs_of_content_words_become_phrases_up_to_max_words() -> None:
    ex = CandidateExtractor(stopwords={"的"}, max_words=3)
    tokens = ["土壤", "重金属", "污染", "的", "修复", "技术", "。"]
    c = ex(tokens)
    for key in ["土壤", "土壤重金属", "土壤重金属污染", "重金属污染", "修复技术"]:
        assert key in c.count
    # A stop word ends a run: no phrase crosses "的".
    assert "污染修复" not in c.count
    # Four words are never merged with max_words=3.
    assert all(len(k) <= len("土壤重金属污染") for k in c.count)


def test_counts_and_single_word_counts() -> None:
    ex = CandidateExtractor(max_words=2)
    tokens = ["地铁", "线路", "，", "地铁", "。", "地铁", "线路"]
    c = ex(tokens)
    assert c.count["地铁"] == 3
    assert "地铁" in c.single
    assert c.count["地铁线路"] == 2
    assert "地铁线路" not in c.single


def test_pos_filter_uses_tags() -> None:
    ex = CandidateExtractor(pos={"n"}, max_words=2)
    c = ex([("模型", "n"), ("训练", "v"), ("数据", "n")])
    assert set(c.count) == {"模型", "数据"}


def test_numbers_single_chars_and_punctuation_are_not_content() -> None:
    ex = CandidateExtractor()
    c = ex(["2024", "年", "，", "GPU", "芯片"])
    assert "2024" not in c.count
    assert "年" not in c.count
    assert "GPU" in c.count  # Latin words count at any length
    assert "GPU芯片" in c.count


def test_first_and_last_sentence_candidates() -> None:
    ex = CandidateExtractor()
    c = ex(["模型", "训练", "。", "数据", "清洗", "。", "模型", "评估", "。"])
    assert c.in_first == {"模型", "训练", "模型训练"}
    assert c.in_last == {"模型", "评估", "模型评估"}
    one = ex(["模型", "训练"])
    assert one.in_first is None and one.in_last is None


def test_quoted_terms_are_candidates() -> None:
    ex = CandidateExtractor()
    text = "所谓“科斯定理”是产权理论的核心。科斯定理影响深远。"
    tokens = ["所谓", "“", "科斯", "定理", "”", "是", "产权", "理论", "的", "核心", "。",
              "科斯", "定理", "影响", "深远", "。"]
    assert "".join(tokens) == text
    c = ex(tokens, text)
    assert "科斯定理" in c.quoted
    assert c.count["科斯定理"] == 2
    # A quoted term the segmenter never produced as a run is counted in the text.
    c2 = ex(["《", "跨", "国", "学术", "网络", "》", "。"], "《跨国学术网络》。")
    assert "跨国学术网络" in c2.quoted and c2.count["跨国学术网络"] == 1


def test_values_sum_word_values_with_length_weight() -> None:
    ex = CandidateExtractor(max_words=2)
    c = ex(["神经", "网络", "。"])

    class V(dict[str, float]):
        def __missing__(self, key: str) -> float:
            return 0.0

    values = c.values(V({"神经": 2.0, "网络": 3.0}), (1.0, 0.5))
    assert values["神经"] == 2.0
    assert values["神经网络"] == (2.0 + 3.0) * 0.5


def test_empty_input() -> None:
    c = CandidateExtractor()([])
    assert len(c) == 0


def test_single_characters_join_phrases_but_are_no_candidates() -> None:
    ex = CandidateExtractor(stopwords={"的"}, max_words=3)
    c = ex(["多", "模态", "数据", "的", "沉淀", "法", "。", "法", "的", "多"])
    assert {"多模态", "多模态数据", "沉淀法"} <= set(c.count)
    assert "多" not in c.count and "法" not in c.count  # never alone
    assert "的" not in "".join(c.count)  # stop words still end runs
    assert c.kinds == "3110132303"


def test_tied_quoted_terms_rank_the_same_whatever_the_hash_seed() -> None:
    """Two quoted terms with equal scores: the order must not depend on PYTHONHASHSEED (it
    did when quoted terms were a set, so parallel workers disagreed on ties)."""
    import os
    import subprocess
    import sys

    code = ("from zhtext.keywords.tfidf import TfidfKeywords; "
            "kws = TfidfKeywords().extract(['趣味测试：“80后”PK“90后”谁会赢'], 4)[0]; "
            "print([k.text for k in kws])")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}, check=True).stdout
            for seed in range(6)}
    assert len(outs) == 1
    shown = outs.pop()
    assert shown.index("80后") < shown.index("90后")  # the first in the text comes first
