"""``Tagger`` with the crf method: cws, pos and ner on tiny corpora; offsets; long texts;
save / load; use as a Segmenter; bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.tag.conftest import FAST

from zhtext.errors import InputError, NotFittedError, ZhtextError
from zhtext.io.tagged import read_tagged
from zhtext.records import Entity, Sentence, Token
from zhtext.tag.tagger import Tagger, pieces


@pytest.fixture(scope="module")
def cws(corpora: Path) -> Tagger:
    pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
    return Tagger("cws", settings=FAST).fit(read_tagged(corpora / "pd.txt"))


@pytest.fixture(scope="module")
def ner(corpora: Path) -> Tagger:
    pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
    return Tagger("ner", settings=FAST).fit(read_tagged(corpora / "ner.txt"))


def test_cws_learns_the_segmentation(cws: Tagger, corpora: Path) -> None:
    report = cws.evaluate(read_tagged(corpora / "pd_dev.txt"))
    assert (report.f1 > 0.95 and report.oov_recall is None) or report.f1 > 0.95
    tokens = cws.predict(["王芳今天访问杭州，讨论合作。"])[0]
    assert all(isinstance(t, Token) for t in tokens)
    assert [t.text for t in tokens] == ["王", "芳", "今天", "访问", "杭州", "，", "讨论", "合作",
                                        "。"]


def test_offsets_point_into_the_original_text_however_it_is_normalised(cws: Tagger) -> None:
    text = "ＡＢ王芳今天访问１２３杭州"
    tokens = cws.predict([text])[0]
    assert "".join(t.text for t in tokens) == text
    assert all(text[t.start:t.end] == t.text for t in tokens)
    assert tokens[-1].end == len(text)


def test_long_texts_are_cut_at_sentence_ends_not_truncated(cws: Tagger) -> None:
    sentence = "张伟今天访问北京，讨论经济。"
    text = sentence * 200  # 2,800 characters, over the CRF piece limit
    spans = pieces(text, 1000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(b - a <= 1000 for a, b in spans)
    assert all(text[b - 1] == "。" for _, b in spans[:-1])
    tokens = cws.predict([text])[0]
    assert tokens[-1].end == len(text)
    assert [t.text for t in tokens[:4]] == ["张", "伟", "今天", "访问"]
    # a sentence longer than the limit is cut at the limit
    assert pieces("字" * 2500, 1000) == [(0, 1000), (1000, 2000), (2000, 2500)]


def test_pos_pipeline_tags_words(corpora: Path) -> None:
    pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
    tagger = Tagger("pos", settings=FAST).fit(read_tagged(corpora / "pd.txt"))
    report = tagger.evaluate(read_tagged(corpora / "pd_dev.txt"))
    assert report.accuracy is not None and report.accuracy > 0.9
    assert report.segmentation is not None and report.segmentation["f1"] > 0.9
    assert {r["label"] for r in report.per_type} >= {"nr", "ns", "v"}
    tokens = tagger.predict(["李明今天来到上海"])[0]
    assert [(t.text, t.pos) for t in tokens][:3] == [("李", "nr"), ("明", "nr"), ("今天", "t")]
    assert tagger.tag_words([["刘", "强", "离开", "深圳"]])[0] == ["nr", "nr", "v", "ns"]


def test_ner_entities_and_seqeval_report(ner: Tagger, corpora: Path) -> None:
    report = ner.evaluate(read_tagged(corpora / "ner_dev.txt"))
    assert report.f1 > 0.9
    assert {r["label"] for r in report.per_type} == {"PER", "LOC", "ORG"}
    ents = ner.predict(["陈静今天考察南京的气象局。"])[0]
    assert all(isinstance(e, Entity) for e in ents)
    assert [(e.text, e.label) for e in ents] == [("陈静", "PER"), ("南京", "LOC"),
                                                 ("气象局", "ORG")]
    assert ents[1].start == 6 and ents[1].end == 8
    assert ner.predict([""])[0] == []


def test_marginals_give_confidences(ner: Tagger) -> None:
    (tags, probs), = ner.char_marginals(["陈静今天考察南京"])
    assert probs.shape == (8, len(ner.labels))
    assert abs(probs.sum(axis=1) - 1).max() < 1e-6
    assert tags[0].startswith("B-")


def test_save_load_same_predictions(ner: Tagger, tmp_path: Path) -> None:
    text = ["刘强今天参观广州的清华大学。"]
    ner.save(tmp_path / "m")
    again = Tagger.load(tmp_path / "m")
    assert again.predict(text) == ner.predict(text)
    assert again.task == "ner" and again.labels == ner.labels
    with pytest.raises(InputError, match="already exists"):
        ner.save(tmp_path / "m")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left


def test_trained_model_is_a_segmenter(cws: Tagger, tmp_path: Path) -> None:
    from zhtext.text.segment import Segmenter, get_segmenter, segmenter_from_params, tokenize

    cws.save(tmp_path / "seg")
    seg = get_segmenter(str(tmp_path / "seg"))
    assert isinstance(seg, Segmenter)
    assert seg.cut("张伟今天访问北京") == ["张", "伟", "今天", "访问", "北京"]
    assert [w for w, _ in seg.tag("张伟今天访问北京")] == ["张", "伟", "今天", "访问", "北京"]
    again = segmenter_from_params(seg.get_params())
    assert again.cut("李明今天来到上海") == seg.cut("李明今天来到上海")
    toks = tokenize(["ＡＢ张伟今天访问北京"], segmenter=seg)[0]
    assert toks[-1].text == "北京" and toks[-1].end == 10


def test_ner_model_is_not_a_segmenter(ner: Tagger, tmp_path: Path) -> None:
    from zhtext.text.segment import get_segmenter

    ner.save(tmp_path / "ner")
    with pytest.raises(InputError, match="cannot segment"):
        get_segmenter(str(tmp_path / "ner"))


def test_bad_input() -> None:
    words = Sentence("我爱北京", [(0, 1, ""), (1, 2, ""), (2, 4, "")], "f.txt:3", words=True)
    ents = Sentence("我爱北京", [(2, 4, "LOC")], "g.txt:7")
    with pytest.raises(InputError, match=r"g.txt:7: this holds entities .* use --task ner"):
        Tagger("cws").fit([ents])
    with pytest.raises(InputError, match=r"f.txt:3: this holds segmented words"):
        Tagger("ner").fit([words, words])
    with pytest.raises(InputError, match=r"f.txt:3: the words have no POS tags"):
        Tagger("pos").fit([words])
    with pytest.raises(InputError, match=r"h.txt:2: empty sentence"):
        Tagger("ner").fit([Sentence("", [], "h.txt:2")])
    with pytest.raises(ZhtextError, match="unknown task 'srl'"):
        Tagger("srl")
    with pytest.raises(ZhtextError, match=r"unknown setting.*c3"):
        Tagger("cws", settings={"c3": 1})
    with pytest.raises(NotFittedError):
        Tagger("cws").predict(["我"])


def test_unknown_entity_types_at_evaluation(ner: Tagger) -> None:
    with pytest.raises(InputError, match="entity types the model does not know: TIME"):
        ner.evaluate([Sentence("今天", [(0, 2, "TIME")], "x.txt:1")])
