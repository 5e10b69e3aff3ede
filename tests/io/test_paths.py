"""Folders named with '..' or inside a dot-folder, through the CLI (issue 18, item 2).

``zhtext pretrain vocab ../corpus`` used to say the folder had no corpus files: a path
containing ``..`` or a dot-folder was treated as hidden. Hidden-ness is judged below the
folder given only (``zhtext.io.files.walk``); hidden files below it are still skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.test_cli_classify import zhtext

# Short texts written for these tests (not taken from any data set).
DOCS = {
    "a.txt": "球队在联赛决赛中赢得冠军，球迷欢呼庆祝。主教练赛后接受采访。",
    "sub/b.txt": "央行宣布下调存款利率，股市应声上涨，投资者信心回升。",
}
HIDDEN = {
    ".notes.txt": "隐藏文件鹦鹉螺",
    ".cache/c.txt": "隐藏文件夹鹦鹉螺",
}


def _tree(folder: Path) -> Path:
    for name, text in {**DOCS, **HIDDEN}.items():
        f = folder / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """``tmp_path/corpus``, ``tmp_path/.data/corpus`` and the working folder ``tmp_path/work``."""
    _tree(tmp_path / "corpus")
    _tree(tmp_path / ".data" / "corpus")
    (tmp_path / "work").mkdir()
    return tmp_path


@pytest.mark.parametrize("folder", ["../corpus", "../.data/corpus", "../work/../corpus"])
def test_pretrain_vocab_walks_relative_and_dot_folders(layout: Path, folder: str) -> None:
    pytest.importorskip("tokenizers", reason="needs tokenizers (pip install 'zhtext[neural]')")
    out = zhtext("pretrain", "vocab", folder, "-o", "vocab", "--vocab-size", "200",
                 "--min-count", "1", cwd=layout / "work")
    assert out.returncode == 0, out.stderr
    assert "2 documents" in out.stderr
    vocab = (layout / "work" / "vocab" / "vocab.txt").read_text(encoding="utf-8").split()
    assert "球" in vocab and "央" in vocab
    assert "鹦" not in vocab  # hidden files below the folder were skipped


@pytest.mark.integration
def test_pretrain_mlm_walks_a_relative_folder(layout: Path) -> None:
    # One optimiser step of a tiny model: enough to show the folder was walked (before the
    # fix the run stopped at "folder has no corpus files").
    pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")
    out = zhtext("pretrain", "mlm", "../.data/corpus", "-o", "m", "--size", "tiny",
                 "--steps", "1", "--vocab-size", "200", "--min-count", "1",
                 "--set", "batch_size=2", "--set", "max_length=16", cwd=layout / "work")
    assert "no corpus files" not in out.stderr, out.stderr
    assert out.returncode == 0, out.stderr
    vocab = (layout / "work" / "m" / "vocab.txt").read_text(encoding="utf-8").split()
    assert "球" in vocab and "鹦" not in vocab


@pytest.mark.parametrize("folder", ["../corpus", "../.data/corpus"])
def test_keywords_extract_doc_per_file_walks_relative_folders(layout: Path,
                                                              folder: str) -> None:
    out = zhtext("keywords", "extract", "--doc-per-file", folder, "--format", "jsonl",
                 cwd=layout / "work")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [Path(r["id"]).as_posix() for r in rows] == ["a.txt", "sub/b.txt"]
    words = {k["text"] if isinstance(k, dict) else k[0] for r in rows for k in r["keywords"]}
    assert not any("鹦鹉螺" in w for w in words)
    assert words  # the two documents gave keywords
