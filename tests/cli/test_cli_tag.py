"""``zhtext tag`` as a user runs it: train, evaluate, predict in every format, bad input, and a
trained segmenter plugged into keywords, topics and classification."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.cli.test_cli_classify import assert_clean_error, make_rows, write_tsv, zhtext
from tests.tag.conftest import write_conll, write_pd

FAST = ["--set", "dictionary=none", "--set", "segmenter=false", "--set", "max_iterations=40"]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tagcli")
    write_pd(d / "pd.txt")
    write_conll(d / "ner.txt")
    write_conll(d / "ner_bmes.txt", n=20, seed=3, scheme="bmes")
    (d / "in.txt").write_text("陈静今天考察南京，讨论合作。\r\n\r\n刘强今天来到ＡＢ广州\r\n",
                              encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def cws(work: Path) -> Path:
    pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
    out = zhtext("tag", "train", "--train", work / "pd.txt", "-o", work / "cws",
                 "--dev-split", "0.2", *FAST)
    assert out.returncode == 0, out.stderr
    assert "saved cws crf model" in out.stderr and "dev F1" in out.stderr
    # The summary says the model's size, and rounds its numbers (issue 18).
    assert re.search(r"s training, [\d.]+ MB\); dev F1 [01]\.\d{1,4}(,|$)", out.stderr), out.stderr
    return work / "cws"


@pytest.fixture(scope="module")
def ner(work: Path) -> Path:
    pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
    out = zhtext("tag", "train", "--task", "ner", "--train", work / "ner.txt", "-o",
                 work / "ner", *FAST)
    assert out.returncode == 0, out.stderr
    return work / "ner"


def test_train_writes_model_metrics_and_report(cws: Path) -> None:
    manifest = json.loads((cws / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["task"] == "tag" and manifest["tag_task"] == "cws"
    assert manifest["labels"] == ["B", "E", "M", "S"]
    metrics = json.loads((cws / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["f1"] > 0.9 and "oov_recall" in metrics and metrics["iv_recall"] > 0.9
    assert "Sentences with the most errors" in (cws / "report.html").read_text(encoding="utf-8")
    assert (cws / "model.crfsuite").is_file() and (cws / "vocabulary.txt").is_file()


def test_predict_sighan_jsonl_conll(cws: Path, ner: Path, work: Path) -> None:
    out = zhtext("tag", "predict", cws, work / "in.txt", "--format", "sighan")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    assert lines[0] == "陈 静 今天 考察 南京 ， 讨论 合作 。"
    assert lines[1] == ""  # empty input lines stay, so output lines match input lines
    assert lines[2].replace(" ", "") == "刘强今天来到ＡＢ广州"
    out = zhtext("tag", "predict", ner, work / "in.txt")
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(rows) == 3 and rows[1]["entities"] == []
    ents = [(e["text"], e["label"], e["start"], e["end"]) for e in rows[0]["entities"]]
    assert ents[:2] == [("陈静", "PER", 0, 2), ("南京", "LOC", 6, 8)]
    out = zhtext("tag", "predict", cws, work / "in.txt", "-f", "conll", "-o", work / "o.conll")
    assert out.returncode == 0, out.stderr
    conll = (work / "o.conll").read_text(encoding="utf-8").split("\n")
    assert conll[:2] == ["陈 B", "静 E"] or conll[:2] == ["陈 S", "静 S"]
    again = zhtext("tag", "predict", cws, work / "in.txt", "-f", "conll", "-o", work / "o.conll")
    assert_clean_error(again, "already exists")


def test_evaluate_prints_per_type_table_and_writes_report(ner: Path, work: Path) -> None:
    out = zhtext("tag", "evaluate", ner, work / "ner_bmes.txt", "-o", work / "eval")
    assert out.returncode == 0, out.stderr
    assert "PER" in out.stdout and "LOC" in out.stdout and "F1" in out.stdout
    metrics = json.loads((work / "eval" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["f1"] > 0.8 and {r["label"] for r in metrics["per_type"]} == {
        "PER", "LOC", "ORG"}


def test_bad_input_is_a_clear_error(work: Path, cws: Path, ner: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text("张 B-PER\n三 I-PER\n四\n", encoding="utf-8")
    out = zhtext("tag", "train", "--task", "ner", "--train", broken, "-o", tmp_path / "m",
                 "--data-format", "conll")
    assert_clean_error(out, "broken.txt:3", "expected 'character TAG'")
    assert not (tmp_path / "m").exists()
    out = zhtext("tag", "train", "--task", "cws", "--train", work / "ner.txt", "-o",
                 tmp_path / "m")
    assert_clean_error(out, "ner.txt:1", "use --task ner")
    out = zhtext("tag", "train", "--train", work / "pd.txt", "-o", cws)
    assert_clean_error(out, "already exists", "--force")
    out = zhtext("tag", "predict", ner, work / "in.txt", "--format", "sighan")
    assert_clean_error(out, "ner model")
    out = zhtext("tag", "train", "--train", work / "pd.txt", "-o", tmp_path / "m",
                 "--method", "bert")
    assert_clean_error(out, "needs an encoder")
    out = zhtext("tag", "train", "--train", work / "pd.txt", "-o", tmp_path / "m",
                 "--set", "c3=1")
    assert_clean_error(out, "c3", "not a setting of method")
    out = zhtext("tag", "predict", work / "pd.txt", work / "in.txt")
    assert out.returncode != 0 and "Traceback" not in out.stderr


def test_settings_lists_crf_settings() -> None:
    out = zhtext("tag", "settings", "crf")
    assert out.returncode == 0 and "max_iterations" in out.stdout and "dictionary" in out.stdout


def test_segmenter_dir_in_keywords_topics_and_classify(cws: Path, work: Path) -> None:
    pytest.importorskip("gensim", reason="needs gensim (pip install 'zhtext[topics]')")
    pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")
    doc = work / "doc.txt"
    doc.write_text("张伟今天访问北京，讨论经济。李明今天来到上海，讨论经济。\n", encoding="utf-8")
    out = zhtext("keywords", "extract", doc, "--segmenter", cws, "-k", "3")
    assert out.returncode == 0, out.stderr
    assert "经济" in out.stdout
    out = zhtext("keywords", "extract", doc, "--segmenter", work / "missing", "-k", "3")
    assert_clean_error(out, "unknown segmenter")
    docs = work / "docs.txt"
    lines = ["张伟今天访问北京，讨论经济发展。"] * 6 + ["王芳今天来到广州，讨论项目合作。"] * 6
    docs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = zhtext("topics", "fit", docs, "-o", work / "topics", "--k", "2", "--min-df", "1",
                 "--restarts", "1", "--segmenter", cws)
    assert out.returncode == 0, out.stderr
    train = write_tsv(work / "cls.tsv", make_rows(10))
    out = zhtext("classify", "train", "--train", train, "-o", work / "cls", "--segmenter", cws)
    assert out.returncode == 0, out.stderr
    manifest = json.loads((work / "cls" / "zhtext.json").read_text(encoding="utf-8"))
    assert str(cws.resolve()) in json.dumps(manifest, ensure_ascii=False)


def test_predict_takes_the_common_input_options(cws: Path, tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text("陈静今天考察南京\n刘强来到广州\n", encoding="utf-8")
    b = tmp_path / "b.jsonl"
    b.write_text('{"doc": "n1", "body": "陈静今天考察南京"}\n', encoding="utf-8")
    out = zhtext("tag", "predict", cws, a, a)
    assert out.returncode == 0, out.stderr
    assert [json.loads(line)["id"] for line in out.stdout.splitlines()] == [
        f"{a}:1", f"{a}:2", f"{a}:1", f"{a}:2"]
    out = zhtext("tag", "predict", cws, b, "--text-col", "body", "--id-col", "doc")
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    assert row["id"] == "n1" and row["text"] == "陈静今天考察南京"
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("刘强来到广州\n".encode("gbk"))
    assert_clean_error(zhtext("tag", "predict", cws, gbk), "gbk.txt:1", "--encoding gbk")
    out = zhtext("tag", "predict", cws, gbk, "--encoding", "gbk", "--input-format", "text")
    assert out.returncode == 0 and json.loads(out.stdout)["id"] == 1, out.stderr
