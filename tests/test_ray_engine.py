"""``--engine ray`` on a local Ray cluster: shards in, output shards equal to the local path.

Texts written for these tests. One local Ray cluster (2 CPUs) serves the module.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("ray", reason="needs Ray (pip install 'zhtext[ray]')")
pytest.importorskip("ray.data", reason="needs Ray Data (pip install 'zhtext[ray]')")

from tests.ray_cluster import DOCS, cluster  # noqa: F401  (cluster: the fixture of every test)
from typer.testing import CliRunner

from zhtext.cli.app import app
from zhtext.errors import InputError
from zhtext.shards import list_shards, pending_shards, read_shard, write_shard

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("cluster")]



@pytest.fixture
def shards(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    n = 0
    for s in range(4):
        rows = []
        for k in range(6):
            rows.append(json.dumps({"id": f"d{n}", "text": DOCS[(s + k) % len(DOCS)]},
                                   ensure_ascii=False))
            n += 1
        (d / f"part-{s:03d}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return d


def _invoke(args: list[str]) -> object:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def _local(args: list[str], shards: Path, tmp_path: Path) -> str:
    both = tmp_path / "all.jsonl"
    both.write_text("".join(p.read_text(encoding="utf-8")
                            for p in sorted(shards.glob("*.jsonl"))), encoding="utf-8")
    out = tmp_path / "local.out"
    _invoke([*args[:1], *args[1:], str(both), "-o", str(out)])
    return out.read_text(encoding="utf-8")


def test_keywords_on_ray_equal_the_local_path(shards: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _invoke(["keywords", "extract", str(shards), "--engine", "ray", "--workers", "2",
             "--id-col", "id", "-f", "jsonl", "-o", str(out)])
    files = sorted(out.iterdir())
    assert [f.name for f in files] == [f"part-{s:03d}.jsonl" for s in range(4)]
    ray_lines = "".join(f.read_text(encoding="utf-8") for f in files)
    both = tmp_path / "all.jsonl"
    both.write_text("".join(p.read_text(encoding="utf-8")
                            for p in sorted(shards.glob("*.jsonl"))), encoding="utf-8")
    local = tmp_path / "local.jsonl"
    _invoke(["keywords", "extract", str(both), "--id-col", "id", "-f", "jsonl", "-o",
             str(local)])
    assert ray_lines == local.read_text(encoding="utf-8")  # line for line
    assert json.loads(ray_lines.splitlines()[0])["id"] == "d0"


def test_classify_predict_on_ray_equals_local(shards: Path, tmp_path: Path) -> None:
    from zhtext.classify import TextClassifier

    texts = DOCS * 4
    labels = ["科技", "城市", "财经", "体育", "科技"] * 4
    TextClassifier("linear").fit(texts, labels).save(tmp_path / "clf")
    out = tmp_path / "out"
    _invoke(["classify", "predict", str(tmp_path / "clf"), str(shards / "*.jsonl"),
             "--engine", "ray", "--id-col", "id", "-o", str(out)])
    ray_lines = "".join(f.read_text(encoding="utf-8") for f in sorted(out.iterdir()))
    both = tmp_path / "all.jsonl"
    both.write_text("".join(p.read_text(encoding="utf-8")
                            for p in sorted(shards.glob("*.jsonl"))), encoding="utf-8")
    local = tmp_path / "local.jsonl"
    _invoke(["classify", "predict", str(tmp_path / "clf"), str(both), "--id-col", "id",
             "--text-col", "text", "-o", str(local)])
    assert ray_lines == local.read_text(encoding="utf-8")
    assert len(ray_lines.splitlines()) == 24


def test_parquet_shards_and_tagging(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="needs pyarrow (pip install 'zhtext[classify]')")
    pq = pytest.importorskip("pyarrow.parquet",
                             reason="needs pyarrow (pip install 'zhtext[classify]')")
    from zhtext.tag import Sentence, Tagger

    d = tmp_path / "in"
    d.mkdir()
    for s in range(2):
        pq.write_table(pa.table({"text": DOCS[s::2]}), d / f"p{s}.parquet")
    train = [Sentence(f"{p}今天访问{c}。", [(0, len(p), "PER"),
                                            (len(p) + 4, len(p) + 4 + len(c), "LOC")])
             for p in ("张伟", "李明", "王芳") for c in ("北京", "上海", "南京")]
    Tagger("ner", settings={"dictionary": "none", "segmenter": False,
                            "max_iterations": 20}).fit(train).save(
        tmp_path / "ner")
    out = tmp_path / "out"
    _invoke(["tag", "predict", str(tmp_path / "ner"), str(d), "--engine", "ray", "-o",
             str(out)])
    rows = [json.loads(line) for f in sorted(out.iterdir())
            for line in f.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in rows] == DOCS[0::2] + DOCS[1::2]
    assert all("entities" in r for r in rows)


def test_rerun_does_only_the_missing_shards(shards: Path, tmp_path: Path) -> None:
    """A killed job leaves whole output shards only; a rerun does the rest (no Ray needed)."""
    from zhtext.keywords.batch import KeywordLines
    from zhtext.keywords.tfidf import TfidfKeywords

    out = tmp_path / "out"
    all_shards = list_shards(shards, out, ".jsonl")
    work = KeywordLines(TfidfKeywords(), 3, "jsonl")
    opts = {"text_col": "text", "id_col": "id", "batch_size": 4}
    write_shard(all_shards[0], work, **opts)
    finished = all_shards[0].target.read_text(encoding="utf-8")

    class Boom:
        def __call__(self, ids: list[object], texts: list[str]) -> str:
            raise KeyboardInterrupt  # killed half-way through a shard

    with pytest.raises(KeyboardInterrupt):
        write_shard(all_shards[1], Boom(), **opts)  # type: ignore[arg-type]
    assert not all_shards[1].target.exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp file left
    # a SIGKILL leaves its temporary file behind: the rerun removes it
    stale = out / ".part-002.jsonl.12345.tmp"
    stale.write_text("half", encoding="utf-8")
    todo = pending_shards(all_shards, force=False)
    assert [s.source.name for s in todo] == ["part-001.jsonl", "part-002.jsonl",
                                             "part-003.jsonl"]
    assert not stale.exists()
    assert len(pending_shards(all_shards, force=True)) == 4
    for s in todo:
        write_shard(s, work, **opts)
    assert all_shards[0].target.read_text(encoding="utf-8") == finished


def test_cli_rerun_skips_finished_shards(shards: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "part-000.jsonl").write_text("finished earlier\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["keywords", "extract", str(shards), "--engine", "ray",
                                      "-f", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 finished shard(s) skipped" in result.output
    assert (out / "part-000.jsonl").read_text(encoding="utf-8") == "finished earlier\n"
    assert len(list(out.glob("*.jsonl"))) == 4


def test_engine_errors(shards: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["keywords", "extract", str(shards), "--engine", "spark", "-o",
                            str(tmp_path / "o")])
    assert r.exit_code != 0 and "expected local or ray" in r.output
    r = runner.invoke(app, ["keywords", "extract", str(shards), "--engine", "ray"])
    assert r.exit_code != 0 and "-o DIR" in str(r.exception)
    r = runner.invoke(app, ["keywords", "extract", str(tmp_path / "none" / "*.jsonl"),
                            "--engine", "ray", "-o", str(tmp_path / "o")])
    assert r.exit_code != 0 and "no input shards" in str(r.exception)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.jsonl").write_text('{"text": "好"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.jsonl:2: not valid JSON"):
        list(read_shard(bad / "a.jsonl", text_col="text", id_col=None, batch_size=10))
    # the same error, not a Ray traceback, when a worker meets it; no output shard appears
    r = runner.invoke(app, ["keywords", "extract", str(bad), "--engine", "ray", "-o",
                            str(tmp_path / "o2")])
    assert r.exit_code != 0
    assert isinstance(r.exception, InputError), r.exception
    assert "a.jsonl:2: not valid JSON" in str(r.exception)
    assert not (tmp_path / "o2" / "a.jsonl").exists()
