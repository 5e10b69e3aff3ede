from __future__ import annotations

import json
from pathlib import Path

import pytest

import zhtext
from zhtext import InputError
from zhtext.keywords import TextRankKeywords, TfidfKeywords


def test_tfidf_save_load_roundtrip(tmp_path: Path, docs: list[str]) -> None:
    kw = TfidfKeywords(idf="fitted", user_dict=[]).fit(docs * 3)
    out = kw.save(tmp_path / "kw")
    manifest = json.loads((out / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["task"] == "keywords" and manifest["method"] == "tfidf"
    assert manifest["format_version"] == 1
    assert (out / "idf.json").is_file()
    loaded = zhtext.load(str(out))
    assert isinstance(loaded, TfidfKeywords)
    assert loaded.extract(docs, 5) == kw.extract(docs, 5)


def test_textrank_word2vec_roundtrip_without_pickle(tmp_path: Path, docs: list[str]) -> None:
    pytest.importorskip("gensim", reason="needs gensim (pip install 'zhtext[topics]')")
    tr = TextRankKeywords(embeddings="word2vec", vector_size=8).fit(docs * 10)
    out = tr.save(tmp_path / "tr")
    assert (out / "vectors.npy").is_file() and (out / "vocab.json").is_file()
    loaded = zhtext.load(str(out))
    a, b = loaded.extract(docs, 5), tr.extract(docs, 5)
    assert [[k.text for k in d] for d in a] == [[k.text for k in d] for d in b]
    assert [k.score for k in a[0]] == pytest.approx([k.score for k in b[0]], rel=1e-5)


def test_existing_directory_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "kw"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    with pytest.raises(InputError, match="--force"):
        TfidfKeywords().save(target)
    assert (target / "keep.txt").exists()
    TfidfKeywords().save(target, force=True)
    assert not (target / "keep.txt").exists()
    assert (target / "zhtext.json").exists()


def test_failed_save_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kw = TfidfKeywords().fit(["深度学习模型", "城市交通规划"])

    def boom(self: TfidfKeywords, directory: Path) -> dict[str, str]:
        (directory / "half.json").write_text("{")
        raise RuntimeError("disk full")

    monkeypatch.setattr(TfidfKeywords, "_save_parts", boom)
    with pytest.raises(RuntimeError):
        kw.save(tmp_path / "kw")
    assert list(tmp_path.iterdir()) == []


def test_load_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        zhtext.load(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"zhtext\.json"):
        zhtext.load(str(tmp_path / "empty"))
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "zhtext.json").write_text('{"task": "keywords", "format_version": 99}')
    with pytest.raises(InputError, match="newer"):
        zhtext.load(str(bad))


def test_artifact_is_world_readable(tmp_path: Path) -> None:
    out = TfidfKeywords().save(tmp_path / "kw")
    assert out.stat().st_mode & 0o055 == 0o055
