"""The zhtext command as a user runs it: real processes, exit codes, stderr, files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

DOC = "深度学习推动了自然语言处理的快速发展。神经网络模型在机器翻译中效果显著。"


def zhtext(*args: str, stdin: str | None = None, cwd: Path | None = None
           ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "zhtext", *args], input=stdin,
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def assert_clean_error(out: subprocess.CompletedProcess[str], *words: str) -> None:
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    for w in words:
        assert w in out.stderr, out.stderr


def test_version_and_help() -> None:
    v = zhtext("--version")
    assert v.returncode == 0
    assert v.stdout.startswith("zhtext ")
    h = zhtext("--help")
    assert h.returncode == 0
    assert "keywords" in h.stdout


def test_text_output(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(DOC + "\n", encoding="utf-8")
    out = zhtext("keywords", "extract", str(f))
    assert out.returncode == 0, out.stderr
    words = out.stdout.split()
    assert 1 <= len(words) <= 5
    assert "深度学习" in words


def test_jsonl_keeps_empty_and_blank_lines_in_place(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(f"{DOC}\n\n   \n城市轨道交通建设改善了居民出行。\n", encoding="utf-8")
    out = zhtext("keywords", "extract", str(f), "-f", "jsonl")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == [1, 2, 3, 4]
    assert rows[1]["keywords"] == [] and rows[2]["keywords"] == []
    lines = f.read_text(encoding="utf-8").split("\n")
    for r in (rows[0], rows[3]):
        assert r["keywords"]
        for k in r["keywords"]:
            assert set(k) == {"text", "score", "start", "end"}
            assert lines[r["id"] - 1][k["start"] : k["end"]] == k["text"]


def test_tsv_output(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(DOC + "\n", encoding="utf-8")
    out = zhtext("keywords", "extract", str(f), "-f", "tsv", "-k", "3")
    assert out.returncode == 0
    rows = [line.split("\t") for line in out.stdout.splitlines()]
    assert [r[1] for r in rows] == ["1", "2", "3"]
    assert all(r[0] == "1" and len(r) == 4 for r in rows)
    scores = [float(r[3]) for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_empty_file(tmp_path: Path) -> None:
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    out = zhtext("keywords", "extract", str(f), "-f", "jsonl")
    assert out.returncode == 0
    assert out.stdout == ""


def test_gbk_file_error_then_encoding_option(tmp_path: Path) -> None:
    f = tmp_path / "gbk.txt"
    f.write_bytes((DOC + "\n").encode("gbk"))
    bad = zhtext("keywords", "extract", str(f))
    assert_clean_error(bad, "gbk.txt:1", "--encoding gbk")
    good = zhtext("keywords", "extract", str(f), "--encoding", "gbk")
    assert good.returncode == 0
    assert "深度学习" in good.stdout


def test_binary_junk(tmp_path: Path) -> None:
    f = tmp_path / "junk.bin"
    f.write_bytes(bytes(range(256)) * 8)
    assert_clean_error(zhtext("keywords", "extract", str(f)), "junk.bin", "binary")


def test_ten_megabyte_single_line(tmp_path: Path) -> None:
    f = tmp_path / "long.txt"
    unit = "城市轨道交通建设改善了居民出行条件，地铁线路带动了沿线发展。"
    f.write_text(unit * (10 * 2**20 // len(unit.encode("utf-8")) + 1) + "\n", encoding="utf-8")
    assert f.stat().st_size > 10 * 2**20
    out = zhtext("keywords", "extract", str(f), "-f", "jsonl")
    assert out.returncode == 0, out.stderr
    rows = out.stdout.splitlines()
    assert len(rows) == 1
    assert json.loads(rows[0])["keywords"]


def test_mixed_scripts_offsets_point_into_the_original(tmp_path: Path) -> None:
    doc = "ＡＩ芯片😀与GPU性能，深度学习框架ＰｙＴｏｒｃｈ……还有 English words 和①号方案。"
    f = tmp_path / "mixed.txt"
    f.write_text(doc + "\n", encoding="utf-8")
    out = zhtext("keywords", "extract", str(f), "-f", "jsonl", "-k", "10")
    assert out.returncode == 0, out.stderr
    kws = json.loads(out.stdout)["keywords"]
    assert kws
    for k in kws:
        # the keyword as written in the document (full-width stays full-width)
        assert doc[k["start"] : k["end"]] == k["text"]
    normalised = {unicodedata.normalize("NFKC", k["text"]) for k in kws}
    assert "PyTorch" in normalised or "深度学习框架" in normalised
    assert "ＡＩ芯片" in {k["text"] for k in kws} or "ＰｙＴｏｒｃｈ" in {k["text"] for k in kws}


def test_missing_file() -> None:
    assert_clean_error(zhtext("keywords", "extract", "no-such-file.txt"), "no-such-file.txt")


def test_unknown_method(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(DOC, encoding="utf-8")
    assert_clean_error(zhtext("keywords", "extract", str(f), "-m", "rake"),
                       "rake", "tfidf, textrank, embedding")


def test_stdin() -> None:
    out = zhtext("keywords", "extract", "-", stdin=DOC + "\n")
    assert out.returncode == 0
    assert "深度学习" in out.stdout


def test_output_file_atomic_and_force(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(DOC + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    assert zhtext("keywords", "extract", str(f), "-o", str(target)).returncode == 0
    first = target.read_text(encoding="utf-8")
    assert "深度学习" in first
    again = zhtext("keywords", "extract", str(f), "-o", str(target), "-k", "1")
    assert_clean_error(again, "--force")
    assert target.read_text(encoding="utf-8") == first
    forced = zhtext("keywords", "extract", str(f), "-o", str(target), "-k", "1", "--force")
    assert forced.returncode == 0
    assert len(target.read_text(encoding="utf-8").split()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "out.jsonl"]


def test_jobs_two_gives_identical_output(tmp_path: Path) -> None:
    topics = ["深度学习模型", "城市轨道交通", "土壤污染修复", "新能源汽车电池", "", "乡村旅游"]
    lines = [f"第{i}篇：{topics[i % len(topics)]}的研究进展与应用前景。" if i % 7 else ""
             for i in range(600)]
    f = tmp_path / "many.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = zhtext("keywords", "extract", str(f), "-f", "jsonl", "--jobs", "1")
    two = zhtext("keywords", "extract", str(f), "-f", "jsonl", "--jobs", "2")
    assert one.returncode == 0 and two.returncode == 0, two.stderr
    assert one.stdout == two.stdout
    assert len(one.stdout.splitlines()) == 600


def test_default_jobs_depend_on_the_input_size() -> None:
    from zhtext.keywords.batch import AUTO_JOBS_BYTES, AUTO_JOBS_MAX, auto_jobs

    assert auto_jobs(None, cores=8) == 1  # a pipe: size unknown
    assert auto_jobs(AUTO_JOBS_BYTES - 1, cores=8) == 1
    assert auto_jobs(AUTO_JOBS_BYTES, cores=2) == 2
    assert auto_jobs(10 * AUTO_JOBS_BYTES, cores=1) == 1
    assert auto_jobs(10 * AUTO_JOBS_BYTES, cores=64) == AUTO_JOBS_MAX
    assert auto_jobs(AUTO_JOBS_BYTES) >= 1


def test_input_size_of_files_redirects_and_pipes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhtext.cli.common import input_size
    from zhtext.io import DocumentReader

    f = tmp_path / "a.txt"
    f.write_text("一\n二\n", encoding="utf-8")
    assert input_size(DocumentReader([f])) == f.stat().st_size
    with open(f, "rb", buffering=0) as redirected:  # zhtext keywords extract < a.txt
        redirected.read(4)  # what is left to read counts
        monkeypatch.setattr(sys, "stdin", redirected)
        assert input_size(DocumentReader(["-"])) == f.stat().st_size - 4
        assert input_size(DocumentReader(["-", f])) is None
    r, w = os.pipe()
    with open(r, "rb") as pipe, open(w, "wb"):
        monkeypatch.setattr(sys, "stdin", pipe)
        assert input_size(DocumentReader(["-"])) is None


def _big_input(path: Path, *, jsonl: bool = False) -> int:
    """A file just over the size from which --jobs defaults to several processes."""
    from zhtext.keywords.batch import AUTO_JOBS_BYTES

    topics = ["深度学习模型在图像识别中的应用", "城市轨道交通对居民出行的影响",
              "土壤重金属污染的植物修复技术", "新能源汽车动力电池的热管理", "乡村旅游与农民增收"]
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        while out.tell() < AUTO_JOBS_BYTES:
            text = (f"第{n}篇：{topics[n % 5]}研究。本文分析了{topics[(n * 3) % 5]}的进展，"
                    f"并讨论{topics[(n + 2) % 5]}。" if n % 11 else "")
            out.write(json.dumps({"doc": f"d{n}", "text": text}, ensure_ascii=False) + "\n"
                      if jsonl else text + "\n")
            n += 1
    return n


def test_large_input_uses_both_cores_by_default_with_identical_output(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    n = _big_input(f)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with open(f, "rb") as stdin:  # standard input redirected from a file counts as a file
        auto = subprocess.run([sys.executable, "-m", "zhtext", "-v", "keywords", "extract",
                               "-f", "jsonl"], stdin=stdin, capture_output=True, text=True,
                              env=env, timeout=600)
    assert auto.returncode == 0, auto.stderr
    if len(os.sched_getaffinity(0)) > 1:
        assert "worker processes" in auto.stderr
    one = zhtext("keywords", "extract", str(f), "-f", "jsonl", "--jobs", "1")
    assert one.returncode == 0, one.stderr
    assert auto.stdout == one.stdout
    assert len(one.stdout.splitlines()) == n


def test_large_input_ids_and_errors_as_with_one_process(tmp_path: Path) -> None:
    f = tmp_path / "big.jsonl"
    n = _big_input(f, jsonl=True)
    with open(f, "a", encoding="utf-8") as out:
        out.write('{"doc": "last", "text": 7}\n')  # a bad record at the very end
    runs = {}
    for jobs in ([], ["--jobs", "1"]):
        target = tmp_path / f"out{len(jobs)}.tsv"
        runs[len(jobs)] = zhtext("keywords", "extract", str(f), "--id-col", "doc", "-f", "tsv",
                                 "-o", str(target), *jobs)
        assert not target.exists()  # nothing half-written
    auto, one = runs[0], runs[2]
    assert_clean_error(auto, f"big.jsonl:{n + 1}", "field 'text' should be a string", "7")
    assert auto.stderr == one.stderr and auto.stdout == one.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl"]
    good = tmp_path / "good.jsonl"
    _big_input(good, jsonl=True)
    auto = zhtext("keywords", "extract", str(good), "--id-col", "doc", "-f", "tsv")
    one = zhtext("keywords", "extract", str(good), "--id-col", "doc", "-f", "tsv", "-j", "1")
    assert auto.returncode == 0 and auto.stdout == one.stdout
    assert auto.stdout.startswith("d1\t1\t")


def test_jsonl_input_and_folder_input(tmp_path: Path) -> None:
    j = tmp_path / "d.jsonl"
    j.write_text(json.dumps({"doc": "a1", "body": DOC}, ensure_ascii=False) + "\n",
                 encoding="utf-8")
    out = zhtext("keywords", "extract", str(j), "--text-col", "body", "--id-col", "doc",
                 "-f", "jsonl")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["id"] == "a1"
    missing = zhtext("keywords", "extract", str(j), "-f", "jsonl")
    assert_clean_error(missing, "d.jsonl:1", "--text-col")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "b.txt").write_text(DOC, encoding="utf-8")
    (folder / "a.txt").write_text("城市轨道交通建设改善了居民出行。", encoding="utf-8")
    assert_clean_error(zhtext("keywords", "extract", str(folder)), "--doc-per-file")
    out = zhtext("keywords", "extract", str(folder), "--doc-per-file", "-f", "jsonl")
    assert [json.loads(x)["id"] for x in out.stdout.splitlines()] == ["a.txt", "b.txt"]


def test_fit_then_extract_with_model(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join([DOC, "城市轨道交通建设改善了居民出行。"] * 15) + "\n",
                      encoding="utf-8")
    model = tmp_path / "kw"
    out = zhtext("keywords", "fit", str(corpus), "-o", str(model))
    assert out.returncode == 0, out.stderr
    assert (model / "zhtext.json").is_file() and (model / "idf.json").is_file()
    assert_clean_error(zhtext("keywords", "fit", str(corpus), "-o", str(model)), "--force")
    ext = zhtext("keywords", "extract", str(model), str(corpus), "-f", "jsonl")
    assert ext.returncode == 0, ext.stderr
    assert len(ext.stdout.splitlines()) == 30
    assert "--model" not in ext.stderr  # the model directory first is the current spelling
    # The model's IDF decides, not the built-in statistics: the words of this tiny corpus are
    # everywhere in it, so their fitted IDF is low and the scores differ from the default's.
    default = zhtext("keywords", "extract", str(corpus), "-f", "jsonl")
    assert ext.stdout != default.stdout
    # The earlier spelling, --model DIR, still works, with a warning that says the new one.
    old = zhtext("keywords", "extract", str(corpus), "--model", str(model), "-f", "jsonl")
    assert old.returncode == 0, old.stderr
    assert old.stdout == ext.stdout
    assert "now goes first" in old.stderr
    assert_clean_error(zhtext("keywords", "extract", str(corpus), "--model",
                              str(tmp_path / "none")), "no such directory")
    gold = tmp_path / "gold.tsv"
    gold.write_text(f"t\t{DOC}\t深度学习_神经网络模型\n", encoding="utf-8")
    ev = zhtext("keywords", "evaluate", str(model), str(gold), "--json")
    assert ev.returncode == 0, ev.stderr
    assert json.loads(ev.stdout)["method"] == str(model)


def test_evaluate(tmp_path: Path) -> None:
    gold = tmp_path / "gold.tsv"
    gold.write_text(
        f"to keywords\t{DOC}\t深度学习_神经网络模型_不存在的词\n"
        "to keywords\t城市轨道交通建设改善了居民出行条件。\t轨道交通_居民出行\n",
        encoding="utf-8",
    )
    out = zhtext("keywords", "evaluate", str(gold), "-k", "3,5", "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    by_k = {r["k"]: r for r in res["scores"]}
    assert by_k[5]["gold"] == 5
    assert by_k[5]["documents"] == 2
    assert by_k[5]["hits"] >= 2  # 深度学习 and 轨道交通-like terms are found
    assert 0 < by_k[5]["f1"] <= 1
    table = zhtext("keywords", "evaluate", str(gold))
    assert table.returncode == 0
    assert "F1" in table.stdout


def test_embedding_without_encoder(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(DOC, encoding="utf-8")
    assert_clean_error(zhtext("keywords", "extract", str(f), "-m", "embedding"), "--model")


@pytest.mark.parametrize("args", [["-k", "0"], ["-f", "xml"], ["--input-format", "xml"]])
def test_bad_options(tmp_path: Path, args: list[str]) -> None:
    f = tmp_path / "a.txt"
    f.write_text(DOC, encoding="utf-8")
    out = zhtext("keywords", "extract", str(f), *args)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr


def test_method_settings_and_pos_filter(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(DOC + "\n", encoding="utf-8")
    ok = zhtext("keywords", "extract", str(f), "-m", "textrank", "--set", "window=3",
                "--set", "damping=0.9")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.split()
    assert_clean_error(zhtext("keywords", "extract", str(f), "--set", "windw=3"),
                       "windw: not a setting of method 'tfidf'", "position_weight")
    # a setting of another method names the method that reads it
    assert_clean_error(zhtext("keywords", "extract", str(f), "--set", "window=3"),
                       "window (read by textrank): not a setting of method 'tfidf'")
    assert_clean_error(zhtext("keywords", "extract", str(f), "-m", "textrank", "--set",
                              "window=1"), "window must be a whole number of at least 2")
    nouns = zhtext("keywords", "extract", str(f), "--pos", "n", "--no-phrases", "-k", "10")
    assert nouns.returncode == 0
    from zhtext.text import get_segmenter

    tags = dict(get_segmenter("rjieba").tag(DOC))
    assert all(tags.get(w) == "n" for w in nouns.stdout.split())


def test_pure_python_fallback_gives_the_same_output(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(f"{DOC}\n城市轨道交通建设改善了居民出行条件。“轨道交通”很重要。\n\n",
                 encoding="utf-8")
    for args in ([], ["--no-phrases"], ["-m", "textrank"]):
        compiled = zhtext("keywords", "extract", str(f), "-f", "jsonl", *args)
        env = {**os.environ, "ZHTEXT_PURE_PYTHON": "1", "HF_HUB_OFFLINE": "1"}
        pure = subprocess.run([sys.executable, "-m", "zhtext", "keywords", "extract", str(f),
                               "-f", "jsonl", *args], capture_output=True, text=True, env=env)
        assert pure.returncode == 0, pure.stderr
        a = [json.loads(x) for x in compiled.stdout.splitlines()]
        b = [json.loads(x) for x in pure.stdout.splitlines()]
        assert [[k["text"] for k in r["keywords"]] for r in a] == \
            [[k["text"] for k in r["keywords"]] for r in b]
        for ra, rb in zip(a, b):
            for ka, kb in zip(ra["keywords"], rb["keywords"]):
                # PageRank stops at a tolerance: scores agree to about 1e-4
                assert ka["score"] == pytest.approx(kb["score"], rel=1e-3)


def test_keywords_settings_lists_each_methods_settings_with_defaults() -> None:
    one = zhtext("keywords", "settings", "textrank")
    assert one.returncode == 0, one.stderr
    rows = {line.split()[0]: line for line in one.stdout.splitlines() if line.strip()}
    assert "window" in rows and " 5 " in rows["window"] + " "
    assert "idf" not in rows  # a tfidf setting
    assert "Bonus for candidates" in rows["position_weight"]  # help from the base class
    every = zhtext("keywords", "settings")
    assert every.returncode == 0
    for m in ("tfidf:", "textrank:", "embedding:", "supervised:"):
        assert m in every.stdout.splitlines()
    assert_clean_error(zhtext("keywords", "settings", "nosuch"), "unknown keyword method")


def test_train_takes_the_encoder_and_device_of_the_bert_tagger(tmp_path: Path) -> None:
    gold = tmp_path / "gold.tsv"
    gold.write_text(f"t\t{DOC}\t深度学习\n", encoding="utf-8")
    # The CRF tagger has no encoder: --model and --device are refused before any work.
    out = zhtext("keywords", "train", "--train", str(gold), "-o", str(tmp_path / "m"),
                 "--model", "bert-base-chinese")
    assert_clean_error(out, "--tagger bert")
    assert not (tmp_path / "m").exists()
    out = zhtext("keywords", "train", "--train", str(gold), "-o", str(tmp_path / "m"),
                 "--tagger", "bert", "--device", "gpu")
    assert out.returncode == 2 and "--device" in out.stderr
    # A path that is not there is a clear error, not a hub lookup.
    out = zhtext("keywords", "train", "--train", str(gold), "-o", str(tmp_path / "m"),
                 "--tagger", "bert", "--model", "./no/encoder")
    assert_clean_error(out, "no such directory")
