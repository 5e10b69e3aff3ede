"""The NER CRF's learned lexicons (issue 19): gazetteer (jackknifed), affixes, clusters.

Tiny texts written for these tests; each test fails if its feature group were removed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhtext.errors import InputError
from zhtext.records import Sentence
from zhtext.schemes import to_tags
from zhtext.tag import lexicon
from zhtext.tag.crf import CrfSettings, CrfTagger
from zhtext.tag.features import FeatureSettings, Lexicons, sentence_features
from zhtext.tag.tagger import Tagger

PLAIN = FeatureSettings(dictionary=False, segmenter=False)


def _tags(text: str, spans: list[tuple[int, int, str]]) -> list[str]:
    return to_tags(len(text), spans, "bioes")


def _all(feats: list[list[str]]) -> set[str]:
    return {f for fs in feats for f in fs}


def test_gazetteer_matches_mark_start_inside_and_end() -> None:
    gaz = lexicon.gazetteer_from(lexicon.entity_counts(["华光公司在"], [
        _tags("华光公司在", [(0, 4, "ORG")])])[0])
    assert gaz.entries == {"华光公司": "ORG"}
    feats = sentence_features("他去华光公司", PLAIN, lexicons=Lexicons(gazetteer=gaz))
    assert "gs:ORG" in feats[2] and "gs:ORG:4" in feats[2]
    assert "gi:ORG" in feats[3] and "gi:ORG" in feats[4]
    assert "ge:ORG" in feats[5]
    assert not any(f.startswith("g") for f in feats[0] + feats[1])
    assert not any(f.startswith(("gs:", "gi:", "ge:"))
                   for f in _all(sentence_features("他去华光公司", PLAIN)))


def test_jackknife_folds_are_contiguous_and_hold_out_their_own_entities() -> None:
    texts = ["甲乙厂开工", "甲乙厂停工", "丙丁局开会", "丙丁局散会"]
    tags = [_tags(t, [(0, 3, "ORG")]) for t in texts]
    full, folds = lexicon.jackknife_gazetteers(texts, tags, 2)
    assert set(full.entries) == {"甲乙厂", "丙丁局"}
    assert [(a, b) for a, b, _ in folds] == [(0, 2), (2, 4)]
    assert set(folds[0][2].entries) == {"丙丁局"}  # fold 0 never sees its own 甲乙厂
    assert set(folds[1][2].entries) == {"甲乙厂"}
    # the CRF's training features follow the folds: no self-matches
    crf = CrfTagger(CrfSettings(dictionary="none", segmenter=False, affixes=False,
                                clusters=False, typed_dictionary=False, gazetteer_folds=2))
    feats = crf._train_features(texts, tags, entities=True)
    assert "gs:ORG" not in feats[0][0] and "gs:ORG" not in feats[2][0]
    # prediction uses every training entity
    assert "gs:ORG" in crf.featurize(["甲乙厂开工"])[0][0]


def test_affixes_learn_suffixes_and_surnames_and_look_ahead() -> None:
    texts = [f"{a}{b}公司和{s}先生" for a, b, s in zip("金银铜铁锡", "山水河湖海", "张张张王王")]
    tags = [_tags(t, [(0, 4, "ORG"), (5, 6, "PER")]) for t in texts]
    # PER spans of one character are names here, so the first character is the surname
    aff = lexicon.entity_affixes(texts, tags, min_count=2)
    assert "公司" in aff.suffixes["ORG"]
    assert aff.surnames == frozenset("张王")
    feats = sentence_features("到星月公司找张", PLAIN, lexicons=Lexicons(affixes=aff))
    assert "sf:ORG:3" in feats[1]  # 公司 ends 3 characters after 星
    assert "sf:ORG:0" in feats[4]
    assert "sn0" in feats[6]
    assert not any(f.startswith(("sf:", "sn")) for f in _all(sentence_features("到星月公司找张",
                                                                               PLAIN)))


def test_clusters_group_characters_by_their_neighbours() -> None:
    texts = [f"我在{a}吃饭" for a in "东西南北" * 5] + [f"他说{a}了" for a in "一二三四" * 5]
    cl = lexicon.char_clusters(texts, sizes=(2, 4), dim=4, min_count=2)
    assert cl["东"][0] == cl["西"][0] == cl["南"][0]
    assert cl["一"][0] == cl["二"][0] and cl["一"][0] != cl["东"][0]
    feats = sentence_features("我在东吃饭", PLAIN, lexicons=Lexicons(clusters=cl))
    assert f"k00:{cl['东'][0]}" in feats[2] and f"k10:{cl['东'][1]}" in feats[2]
    assert f"k0-1:{cl['在'][0]}" in feats[2]
    assert not any(f.startswith("k0") for f in _all(sentence_features("我在东吃饭", PLAIN)))


def test_typed_dictionary_marks_jieba_names_places_and_organisations() -> None:
    typed = lexicon.jieba_typed()
    assert typed.entries["北京"] == "ns" and typed.entries["新华社"] == "nt"
    feats = sentence_features("他在北京", PLAIN, lexicons=Lexicons(typed=typed))
    assert "js:ns" in feats[2] and "je:ns" in feats[3]
    assert not any(f.startswith("js:") for f in _all(sentence_features("他在北京", PLAIN)))


def _ner_data() -> list[Sentence]:
    out = []
    for i, (org, per, loc) in enumerate(zip(["华光公司", "星河公司", "蓝天大学", "白云大学"] * 6,
                                            ["张明", "王芳", "李强", "赵静"] * 6,
                                            ["北京", "上海", "南京", "西安"] * 6, strict=True)):
        text = f"{per}在{loc}的{org}工作{i % 3}年"
        a = len(per) + 1 + len(loc) + 1
        out.append(Sentence(text, [(0, len(per), "PER"), (len(per) + 1, len(per) + 1 + len(loc),
                                                          "LOC"), (a, a + len(org), "ORG")]))
    return out


@pytest.fixture(scope="module")
def ner_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Tagger, Path]:
    tagger = Tagger("ner", dictionary="none", segmenter=False, max_iterations=30,
                    gazetteer_folds=2, typed_dictionary=False).fit(_ner_data())
    d = tmp_path_factory.mktemp("ner") / "model"
    tagger.save(d)
    return tagger, d


def test_lexicons_are_saved_as_text_and_reloaded(ner_dir: tuple[Tagger, Path]) -> None:
    tagger, d = ner_dir
    manifest = json.loads((d / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["model"]["lexicons"] == {
        "gazetteer": "gazetteer.txt", "affixes": "affixes.txt", "clusters": "clusters.txt"}
    assert "华光公司\tORG" in (d / "gazetteer.txt").read_text(encoding="utf-8").splitlines()
    assert (d / "clusters.txt").read_text(encoding="utf-8").strip()
    loaded = Tagger.load(d)
    text = "张明在北京的华光公司工作"
    crf, again = tagger.model_.model_, loaded.model_.model_
    assert again.featurize([text]) == crf.featurize([text])
    assert any(f.startswith("gs:") for f in again.featurize([text])[0][6])
    assert any(f.startswith("k0") for f in again.featurize([text])[0][0])
    assert loaded.predict([text]) == tagger.predict([text])


def test_a_missing_or_damaged_lexicon_file_is_a_clear_error(ner_dir: tuple[Tagger, Path],
                                                            tmp_path: Path) -> None:
    import shutil

    _, d = ner_dir
    bad = tmp_path / "m"
    shutil.copytree(d, bad)
    (bad / "clusters.txt").write_text("东\tx\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"clusters\.txt line 1"):
        Tagger.load(bad)
    (bad / "gazetteer.txt").unlink()
    with pytest.raises(InputError, match=r"no gazetteer\.txt"):
        Tagger.load(bad)


def test_a_model_saved_before_the_lexicons_loads_without_them(ner_dir: tuple[Tagger, Path],
                                                             tmp_path: Path) -> None:
    import shutil

    _, d = ner_dir
    old = tmp_path / "old"
    shutil.copytree(d, old)
    manifest = json.loads((old / "zhtext.json").read_text(encoding="utf-8"))
    part = manifest["model"]
    del part["lexicons"]
    for key in ("trigrams", "gazetteer", "gazetteer_folds", "affixes", "clusters",
                "typed_dictionary"):
        part["settings"].pop(key)
    (old / "zhtext.json").write_text(json.dumps(manifest), encoding="utf-8")
    for name in ("gazetteer.txt", "affixes.txt", "clusters.txt"):
        (old / name).unlink()
    loaded = Tagger.load(old)
    crf = loaded.model_.model_
    assert crf._lexicons is None and not crf.settings.gazetteer and not crf.settings.clusters
    assert not crf.settings.typed_dictionary
    feats = _all(crf.featurize(["张明在北京"])[0])
    assert not any(f.startswith(("gs:", "k0", "sf:", "js:")) for f in feats)
    loaded.predict(["张明在北京"])


def test_cws_models_learn_no_lexicons() -> None:
    data = [Sentence("我爱北京", [(0, 1, ""), (1, 2, ""), (2, 4, "")], words=True)] * 10
    tagger = Tagger("cws", dictionary="none", segmenter=False, max_iterations=5).fit(data)
    assert tagger.model_.model_._lexicons is None


def test_trigrams_are_a_setting() -> None:
    with_tri = sentence_features("我在东吃", FeatureSettings(dictionary=False, segmenter=False,
                                                         trigrams=True))
    assert "tr0:在东吃" in with_tri[1] and "tr-1:我在东" in with_tri[1]
    assert not any(f.startswith("tr") for f in _all(sentence_features("我在东吃", PLAIN)))
