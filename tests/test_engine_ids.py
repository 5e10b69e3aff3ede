"""``--engine local`` and ``--engine ray`` give the same ids, in the same order (issue 18).

With several input files the local engine names a document by its line number prefixed with
its file (``path:line``); the Ray engine, which reads each file as a shard, must do the same
(not the line number within the shard), whether the shards come as a directory, a glob or
several files, and over batch boundaries inside a shard. Texts written for these tests; one
local Ray cluster (2 CPUs) serves the module.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("ray", reason="needs Ray (pip install 'zhtext[ray]')")
pytest.importorskip("ray.data", reason="needs Ray Data (pip install 'zhtext[ray]')")

from tests.ray_cluster import DOCS as RAY_DOCS
from tests.ray_cluster import cluster  # noqa: F401  (the fixture every test here uses)
from typer.testing import CliRunner

from zhtext.cli.app import app

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("cluster")]

DOCS = [*RAY_DOCS, "张伟今天访问北京。"]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A .txt (with an empty line) and a JSONL with ids, 7 documents each."""
    d = tmp_path / "in"
    d.mkdir()
    lines = [DOCS[k % len(DOCS)] for k in range(7)]
    lines[3] = ""
    (d / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = [json.dumps({"id": f"r{k}", "text": DOCS[(k + 2) % len(DOCS)]}, ensure_ascii=False)
            for k in range(7)]
    (d / "b.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return d


def _run(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (result.output, result.exception)


def _local(args: list[str], files: list[Path], out: Path) -> str:
    _run([*args, *map(str, files), "-o", str(out)])
    return out.read_text(encoding="utf-8")


def _ray(args: list[str], inputs: list[str], out: Path, suffix: str,
         files: list[Path]) -> str:
    _run([*args, *inputs, "--engine", "ray", "--workers", "2", "-o", str(out)])
    assert sorted(p.name for p in out.iterdir()) == sorted(f.stem + suffix for f in files)
    return "".join((out / (f.stem + suffix)).read_text(encoding="utf-8") for f in files)


def _ids(text: str) -> list[object]:
    return [json.loads(line)["id"] for line in text.splitlines()]


@pytest.mark.parametrize("id_col", [[], ["--id-col", "id"]], ids=["line-ids", "id-col"])
def test_keywords_ids_agree(corpus: Path, tmp_path: Path, id_col: list[str]) -> None:
    files = [corpus / "a.txt", corpus / "b.jsonl"]
    args = ["keywords", "extract", "-f", "jsonl", *id_col]
    local = _local(args, files, tmp_path / "local.jsonl")
    a = str(corpus / "a.txt")
    expected = [f"{a}:{k}" for k in range(1, 8)]
    expected += ([f"r{k}" for k in range(7)] if id_col
                 else [f"{corpus / 'b.jsonl'}:{k}" for k in range(1, 8)])
    assert _ids(local) == expected
    # the shards as a directory, a glob and the files themselves
    for n, inputs in enumerate([[str(corpus)], [str(corpus / "*")], list(map(str, files))]):
        assert _ray(args, inputs, tmp_path / f"ray{n}", ".jsonl", files) == local, inputs


def test_one_shard_keeps_line_numbers(corpus: Path, tmp_path: Path) -> None:
    files = [corpus / "a.txt"]
    args = ["keywords", "extract", "-f", "jsonl"]
    local = _local(args, files, tmp_path / "local.jsonl")
    assert _ids(local) == list(range(1, 8))
    assert _ray(args, [str(corpus / "a.txt")], tmp_path / "ray", ".jsonl", files) == local


@pytest.mark.parametrize("id_col", [[], ["--id-col", "id"]], ids=["line-ids", "id-col"])
def test_classify_ids_agree_over_batches(tmp_path: Path, id_col: list[str]) -> None:
    """CSV files with a header, in batches of 2 rows (shards of 5 rows)."""
    from zhtext.classify import TextClassifier

    TextClassifier("linear").fit(DOCS * 3, ["科技", "城市", "财经", "体育", "科技", "城市"] * 3
                                 ).save(tmp_path / "clf")
    d = tmp_path / "csv"
    d.mkdir()
    files = [d / "c1.csv", d / "c2.csv"]
    for s, f in enumerate(files):
        f.write_text("id,text\n" + "".join(f"x{s}{k},{DOCS[(s + k) % len(DOCS)]}\n"
                                           for k in range(5)), encoding="utf-8")
    args = ["classify", "predict", str(tmp_path / "clf"), "--batch-size", "2", *id_col]
    local = _local(args, files, tmp_path / "local.jsonl")
    assert len(local.splitlines()) == 10
    if not id_col:
        assert _ids(local)[:2] == [f"{files[0]}:2", f"{files[0]}:3"]  # line 1: the header
    assert _ray(args, [str(d / "*.csv")], tmp_path / "ray", ".jsonl", files) == local


def test_tag_ids_agree_over_batches(corpus: Path, tmp_path: Path) -> None:
    from zhtext.tag import Sentence, Tagger

    train = [Sentence(f"{p}今天访问{c}。", [(0, len(p), "PER"),
                                            (len(p) + 4, len(p) + 4 + len(c), "LOC")])
             for p in ("张伟", "李明", "王芳") for c in ("北京", "上海", "南京")]
    Tagger("ner", settings={"dictionary": "none", "segmenter": False,
                            "max_iterations": 20}).fit(train).save(tmp_path / "ner")
    files = [corpus / "a.txt", corpus / "b.jsonl"]
    args = ["tag", "predict", str(tmp_path / "ner"), "--batch-size", "3"]
    local = _local(args, files, tmp_path / "local.jsonl")
    assert _ids(local)[0] == f"{corpus / 'a.txt'}:1"
    assert _ray(args, [str(corpus)], tmp_path / "ray", ".jsonl", files) == local


@pytest.mark.parametrize(("command", "option"), [
    (["keywords", "extract", "--doc-per-file"], "--doc-per-file"),
    (["keywords", "extract", "--input-format", "text"], "--input-format"),
    (["tag", "predict", "MODEL", "--jobs", "2"], "--jobs"),
    (["classify", "predict", "MODEL", "--header"], "--header"),
])
def test_local_only_options_are_refused_on_ray(tmp_path: Path, command: list[str],
                                               option: str) -> None:
    """An option the Ray engine would drop is a usage error, not different records."""
    (tmp_path / "a.txt").write_text(DOCS[0] + "\n", encoding="utf-8")
    args = [str(tmp_path) if a == "MODEL" else a for a in command]
    res = CliRunner().invoke(app, [*args, str(tmp_path / "a.txt"), "--engine", "ray", "-o",
                                   str(tmp_path / "out")], terminal_width=200)
    assert res.exit_code == 2, res.output
    assert option in res.output and "--engine local" in res.output
    assert not (tmp_path / "out").exists()
