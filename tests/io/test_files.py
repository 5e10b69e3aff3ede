"""zhtext.io.files: one folder walker (hidden-ness judged below the root only), one set of
file errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zhtext.errors import InputError
from zhtext.io import DocumentReader
from zhtext.io.files import check_encoding, check_file, walk
from zhtext.pretrain.corpus import Corpus


def _tree(root: Path) -> Path:
    """``root/.data/corpus`` with visible files, a hidden file and a hidden folder in it."""
    corpus = root / ".data" / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / ".cache").mkdir()
    (corpus / "a.txt").write_text("今天天气很好\n", encoding="utf-8")
    (corpus / "sub" / "b.txt").write_text("球队赢得了比赛\n", encoding="utf-8")
    (corpus / ".hidden.txt").write_text("不该读到\n", encoding="utf-8")
    (corpus / ".cache" / "c.txt").write_text("也不该读到\n", encoding="utf-8")
    (root / "work").mkdir()
    return corpus


def test_hidden_is_judged_below_the_root_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    corpus = _tree(tmp_path)
    monkeypatch.chdir(tmp_path / "work")
    relative = Path("..") / ".data" / "corpus"  # '..' and a dot-folder in the root path
    assert [f.relative_to(relative).as_posix() for f in walk(relative)] == ["a.txt",
                                                                           "sub/b.txt"]
    assert walk(corpus) == [corpus / "a.txt", corpus / "sub" / "b.txt"]
    assert walk(relative, suffixes={".md"}) == []
    # Every reader of folders walks the same way.
    assert list(Corpus([str(relative)])) == ["今天天气很好", "球队赢得了比赛"]
    docs = DocumentReader([str(relative)], doc_per_file=True)
    assert [d.id for d in docs] == ["a.txt", os.path.join("sub", "b.txt")]


def test_pretrain_vocab_reads_a_relative_dot_folder(tmp_path: Path) -> None:
    pytest.importorskip("tokenizers", reason="needs tokenizers (pip install 'zhtext[neural]')")
    from tests.cli.test_cli_classify import zhtext

    _tree(tmp_path)
    out = zhtext("pretrain", "vocab", "../.data/corpus", "-o", "vocab", "--vocab-size", "200",
                 "--min-count", "1", cwd=tmp_path / "work")
    assert out.returncode == 0, out.stderr
    assert "2 documents" in out.stderr
    vocab = (tmp_path / "work" / "vocab" / "vocab.txt").read_text(encoding="utf-8").split()
    assert "球" in vocab and "该" not in vocab  # the hidden files were skipped


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.txt: no such file; check the path"):
        check_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="no such gold file"):
        check_file(tmp_path / "nope.txt", what="gold file")
    with pytest.raises(InputError, match="no such file or folder"):
        check_file(tmp_path / "nope", folders=True)
    with pytest.raises(InputError, match="is a folder; give a data file"):
        check_file(tmp_path, folder_hint="give a data file")
    assert check_file(tmp_path, folders=True) == tmp_path
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        check_encoding("klingon")
