"""Reading People's Daily, CoNLL, JSON span and whitespace-segmented files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhtext.errors import InputError
from zhtext.io.tagged import read_tagged, sniff_format, split_dev


def test_peoples_daily_ids_compounds_and_crlf(corpora: Path) -> None:
    data = read_tagged(corpora / "pd.txt")
    assert sniff_format(corpora / "pd.txt") == "peoples-daily"
    s = data[0]
    assert s.id is not None and s.group == s.id.rsplit("-", 1)[0]
    words = [(s.text[a:b], t) for a, b, t in s.spans]
    # the bracketed compound [北京/ns 新华社/nt]nt is read as its two words
    assert ("，", "w") in words and words[-1] == ("。", "w")
    assert all(t for _, t in words) and "[" not in s.text and "]" not in s.text
    assert sum(b - a for a, b, _ in s.spans) == len(s.text)


def test_bare_cr_line_endings(tmp_path: Path) -> None:
    p = tmp_path / "cr.txt"
    p.write_bytes("我/r  爱/v\r北京/ns\r".encode())
    data = read_tagged(p, "segmented")
    assert [s.text for s in data] == ["我爱", "北京"]


def test_conll_bio_and_bmes(corpora: Path, tmp_path: Path) -> None:
    data = read_tagged(corpora / "ner.txt")
    assert sniff_format(corpora / "ner.txt") == "conll"
    s = data[0]
    assert {t for _, _, t in s.spans} == {"PER", "LOC", "ORG"}
    assert s.text[s.spans[0][0]:s.spans[0][1]] in {"张伟", "李明", "王芳", "刘强", "陈静"}
    p = tmp_path / "bmes.txt"
    p.write_text("高 B-NAME\n勇 E-NAME\n： O\n男 S-SEX\n", encoding="utf-8")
    assert read_tagged(p)[0].spans == [(0, 2, "NAME"), (3, 4, "SEX")]


def test_weibo_style_position_digits(tmp_path: Path) -> None:
    p = tmp_path / "weibo.txt"
    p.write_text("张0\tB-PER.NAM\n三1\tI-PER.NAM\n说0\tO\n\n", encoding="utf-8")
    s = read_tagged(p)[0]
    assert s.text == "张三说" and s.spans == [(0, 2, "PER.NAM")]


def test_json_cluener_and_our_own_output(tmp_path: Path) -> None:
    p = tmp_path / "c.json"
    p.write_text(json.dumps({"text": "浙商银行企业信贷部", "label": {
        "company": {"浙商银行": [[0, 3]]}}}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_tagged(p)[0].spans == [(0, 4, "company")]
    q = tmp_path / "ours.jsonl"
    q.write_text(json.dumps({"text": "我爱北京", "tokens": [
        {"start": 0, "end": 1, "pos": "r"}, {"start": 1, "end": 2, "pos": "v"},
        {"start": 2, "end": 4, "pos": "ns"}]}) + "\n", encoding="utf-8")
    s = read_tagged(q)[0]
    assert s.words and s.spans[-1] == (2, 4, "ns")


def test_sighan_segmented_text_with_ideographic_spaces(tmp_path: Path) -> None:
    p = tmp_path / "gold.utf8"
    p.write_text("共同  创造\u3000美好 的\r\n新 世纪\r\n", encoding="utf-8")
    data = read_tagged(p)
    assert sniff_format(p) == "segmented"
    assert [(s.text, len(s.spans)) for s in data] == [("共同创造美好的", 4), ("新世纪", 2)]


def test_errors_name_file_line_and_value(tmp_path: Path) -> None:
    p = tmp_path / "broken.txt"
    p.write_text("张 B-PER\n三\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.txt:2: expected 'character TAG', found '三'"):
        read_tagged(p, "conll")
    q = tmp_path / "cluener.json"
    q.write_text(json.dumps({"text": "浙商银行", "label": {"company": {"浙商": [[1, 2]]}}},
                            ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cluener.json:1: entity '浙商' .* does not match"):
        read_tagged(q)
    r = tmp_path / "mixed.txt"
    r.write_text("张 B-PER\n三 I-PER\n\n李 B-PER\n四 M-PER\n五 E-PER\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"mix I- .* and M-"):
        read_tagged(r)
    u = tmp_path / "unknown.txt"
    u.write_text("张 X-PER\n三 O\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown tag prefix"):
        read_tagged(u, "conll")
    g = tmp_path / "gbk.txt"
    g.write_bytes("中国/ns".encode("gbk"))
    with pytest.raises(InputError, match=r"gbk\.txt:1: cannot decode .* as utf-8.*GBK"):
        read_tagged(g)
    w = tmp_path / "pd.txt"
    w.write_text("19980101-01-001-001/m  中国/ns  人民\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"pd.txt:1: token '人民' has no /TAG"):
        read_tagged(w)
    with pytest.raises(InputError, match="no such file"):
        read_tagged(tmp_path / "missing.txt")


def test_broken_transitions_are_read_leniently_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    p = tmp_path / "split.txt"
    p.write_text("三 I-PER\n说 O\n\n张 B-PER\n三 I-PER\n", encoding="utf-8")
    data = read_tagged(p)
    assert data[0].spans == [(0, 1, "PER")]
    assert "1 sentence(s) are not valid BIO" in caplog.text


def test_dev_split_keeps_articles_whole(corpora: Path) -> None:
    data = read_tagged(corpora / "pd.txt")
    train, dev = split_dev(data, 0.2, seed=1)
    assert len(train) + len(dev) == len(data) and dev
    assert not {s.group for s in train} & {s.group for s in dev}
    assert split_dev(data, 0.2, seed=1)[1] == dev  # seeded


def test_dev_split_without_article_ids_holds_out_consecutive_blocks() -> None:
    from zhtext.io.tagged import DEV_BLOCK
    from zhtext.records import Sentence

    data = [Sentence(f"句子{i}", [], None) for i in range(40 * DEV_BLOCK)]
    train, dev = split_dev(data, 0.1, seed=3)
    assert len(dev) == 4 * DEV_BLOCK and len(train) + len(dev) == len(data)
    at = sorted(int(s.text[2:]) for s in dev)
    blocks = {i // DEV_BLOCK for i in at}  # whole blocks of consecutive sentences
    assert len(blocks) == 4
    assert at == [i for b in sorted(blocks) for i in range(b * DEV_BLOCK, (b + 1) * DEV_BLOCK)]
    small = data[:30]  # small data: single sentences, as before
    assert len(split_dev(small, 0.1, seed=3)[1]) == 3
