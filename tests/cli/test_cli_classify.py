"""``zhtext classify`` as a user runs it: real processes, exit codes, stderr, files (linear)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.processes import HANG_GUARD

# Short texts written for these tests (not taken from any data set): three themes, each
# sentence made from a template and two word lists.
THEMES = {
    "体育": (["国足", "主队", "女排", "篮球队", "网球选手", "中超球队"],
             ["赢得比赛", "客场战平", "夺得冠军", "晋级决赛", "输掉比赛"],
             ["进球", "主教练", "球迷", "联赛", "赛季"]),
    "财经": (["央行", "上市公司", "银行", "基金公司", "证券市场"],
             ["下调利率", "发布财报", "股价上涨", "营收增长", "发行债券"],
             ["投资者", "利润", "股市", "汇率", "通胀"]),
    "科技": (["科技公司", "研究团队", "芯片厂商", "手机品牌", "软件开发者"],
             ["发布新款手机", "推出人工智能模型", "研发新芯片", "升级操作系统", "开源代码"],
             ["算法", "屏幕", "电池", "处理器", "网络"]),
}
TEMPLATES = ["{a}{b}，{c}备受关注", "今天{a}{b}", "{c}方面，{a}{b}", "据报道{a}{b}，涉及{c}"]
PROBES = {"体育": "女排夺得冠军，球迷欢呼", "财经": "央行下调利率，股市上涨",
          "科技": "手机品牌发布新款手机，搭载新芯片"}


def make_rows(n_per_class: int = 40, seed: int = 0) -> list[tuple[str, str, str]]:
    """(id, text, label) rows, shuffled."""
    rng = random.Random(seed)
    rows: list[tuple[str, str]] = []
    for label, (subjects, verbs, topics) in THEMES.items():
        for _ in range(n_per_class):
            text = rng.choice(TEMPLATES).format(a=rng.choice(subjects), b=rng.choice(verbs),
                                                c=rng.choice(topics))
            rows.append((text, label))
    rng.shuffle(rows)
    return [(f"n{i:03d}", text, label) for i, (text, label) in enumerate(rows)]


def write_tsv(path: Path, rows: list[tuple[str, str, str]], header: bool = True) -> Path:
    lines = (["id\ttext\tlabel"] if header else []) + ["\t".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def zhtext(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "zhtext", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=HANG_GUARD)


def assert_clean_error(out: subprocess.CompletedProcess[str], *words: str) -> None:
    assert out.returncode != 0, out.stdout
    assert "Traceback" not in out.stderr, out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, out.stderr
    for w in words:
        assert w in errors[0], out.stderr


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("classify")
    write_tsv(d / "train.tsv", make_rows())
    write_tsv(d / "test.tsv", make_rows(8, seed=1))
    return d


@pytest.fixture(scope="module")
def model(work: Path) -> Path:
    pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")
    out = zhtext("classify", "train", "--train", work / "train.tsv", "-o", work / "model",
                 "--id-col", "id")
    assert out.returncode == 0, out.stderr
    assert "saved linear model" in out.stderr and "dev accuracy" in out.stderr
    return work / "model"


def damaged_copy(model: Path, tmp_path: Path) -> Path:
    d = tmp_path / "damaged"
    shutil.copytree(model, d)
    return d


# -- the normal path ----------------------------------------------------------------------


def test_train_writes_model_metrics_and_report(model: Path) -> None:
    manifest = json.loads((model / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["task"] == "classify" and manifest["method"] == "linear"
    assert manifest["labels"] == sorted(THEMES)
    metrics = json.loads((model / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["accuracy"] >= 0.8
    assert (model / "report.html").stat().st_size > 0
    assert (model / "linear" / "weights.npy").is_file()
    # Nothing half-written is left beside it.
    assert sorted(p.name for p in model.parent.iterdir() if p.name.startswith(".")) == []


def test_predict_jsonl_one_object_per_row_in_order(model: Path, work: Path) -> None:
    rows = make_rows(8, seed=1)
    out = zhtext("classify", "predict", model, work / "test.tsv", "--id-col", "id",
                 "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    preds = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(preds) == len(rows)
    assert [p["id"] for p in preds] == [r[0] for r in rows]
    for p in preds:
        assert set(p) == {"id", "label", "score", "scores"}
        assert p["label"] in THEMES
        assert set(p["scores"]) == set(THEMES)
        assert p["score"] == pytest.approx(max(p["scores"].values()))
        assert sum(p["scores"].values()) == pytest.approx(1.0, abs=1e-4)
    right = sum(p["label"] == r[2] for p, r in zip(preds, rows))
    assert right >= 0.8 * len(rows)


def test_predict_plain_text_and_tsv_format(model: Path, tmp_path: Path) -> None:
    f = tmp_path / "docs.txt"
    f.write_text("\n".join(PROBES.values()) + "\n", encoding="utf-8")
    out = zhtext("classify", "predict", model, f)
    assert out.returncode == 0, out.stderr
    preds = [json.loads(line) for line in out.stdout.splitlines()]
    assert [p["id"] for p in preds] == [1, 2, 3]
    assert [p["label"] for p in preds] == list(PROBES)
    tsv = zhtext("classify", "predict", model, f, "--format", "tsv", "-o", tmp_path / "p.tsv")
    assert tsv.returncode == 0, tsv.stderr
    cells = [line.split("\t") for line in (tmp_path / "p.tsv").read_text(
        encoding="utf-8").splitlines()]
    assert [c[:2] for c in cells] == [["1", "体育"], ["2", "财经"], ["3", "科技"]]


def test_evaluate_prints_accuracy_and_writes_report(model: Path, work: Path,
                                                    tmp_path: Path) -> None:
    out = zhtext("classify", "evaluate", model, work / "test.tsv", "-o", tmp_path / "eval")
    assert out.returncode == 0, out.stderr
    assert "accuracy" in out.stdout and "macro-F1" in out.stdout
    for label in THEMES:
        assert label in out.stdout
    metrics = json.loads((tmp_path / "eval" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["accuracy"] >= 0.8
    assert (tmp_path / "eval" / "report.html").stat().st_size > 0
    again = zhtext("classify", "evaluate", model, work / "test.tsv", "-o", tmp_path / "eval")
    assert_clean_error(again, "already exists", "--force")


def test_compare_prints_leaderboard(work: Path) -> None:
    pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")
    out = zhtext("classify", "compare", "--train", work / "train.tsv", "--methods", "linear")
    assert out.returncode == 0, out.stderr
    assert "linear" in out.stdout and "accuracy" in out.stdout


def test_settings_linear() -> None:
    out = zhtext("classify", "settings", "linear")
    assert out.returncode == 0, out.stderr
    names = [line.split()[0] for line in out.stdout.splitlines() if line.strip()]
    for name in ("char_ngrams", "word_ngrams", "min_df", "C", "cv"):
        assert name in names
    bad = zhtext("classify", "settings", "no-such-method")
    assert_clean_error(bad, "no-such-method")


# -- bad input: one clear line, non-zero exit, no traceback -------------------------------


def test_evaluate_unseen_label_names_label_and_line(model: Path, tmp_path: Path) -> None:
    rows = make_rows(3, seed=2)
    rows.insert(4, ("n900", "歌手发布新专辑，粉丝期待演唱会", "娱乐"))
    f = write_tsv(tmp_path / "eval.tsv", rows)
    out = zhtext("classify", "evaluate", model, f)
    # Header is line 1, so the fifth row is line 6.
    assert_clean_error(out, "'娱乐'", f"{f}:6:")


def test_train_one_class(work: Path, tmp_path: Path) -> None:
    rows = [r for r in make_rows(10) if r[2] == "体育"]
    f = write_tsv(tmp_path / "one.tsv", rows)
    out = zhtext("classify", "train", "--train", f, "-o", tmp_path / "m")
    assert_clean_error(out, "one class", "'体育'")
    assert not (tmp_path / "m").exists()
    assert list(tmp_path.iterdir()) == [f]  # no half-written directory either


def test_train_empty_text_names_line(tmp_path: Path) -> None:
    rows = make_rows(10)
    rows[6] = ("n006", "   ", rows[6][2])
    f = write_tsv(tmp_path / "t.tsv", rows)
    out = zhtext("classify", "train", "--train", f, "-o", tmp_path / "m")
    assert_clean_error(out, f"{f}:8:", "empty text")
    assert not (tmp_path / "m").exists()


def test_train_malformed_row_names_line(tmp_path: Path) -> None:
    f = write_tsv(tmp_path / "t.tsv", make_rows(10))
    lines = f.read_text(encoding="utf-8").splitlines()
    lines[11] = "n999\t多出\t一列\t体育"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = zhtext("classify", "train", "--train", f, "-o", tmp_path / "m")
    assert_clean_error(out, f"{f}:12:", "expected 3 tab-separated fields, found 4")
    assert not (tmp_path / "m").exists()


def test_train_unknown_text_col_lists_columns(work: Path, tmp_path: Path) -> None:
    out = zhtext("classify", "train", "--train", work / "train.tsv", "-o", tmp_path / "m",
                 "--text-col", "content")
    assert_clean_error(out, "'content'", "'id'", "'text'", "'label'")
    assert not (tmp_path / "m").exists()


def test_train_dev_label_not_in_training(work: Path, tmp_path: Path) -> None:
    dev = write_tsv(tmp_path / "dev.tsv", [("n1", "歌手发布新专辑", "娱乐")])
    out = zhtext("classify", "train", "--train", work / "train.tsv", "--dev", dev,
                 "-o", tmp_path / "m")
    assert_clean_error(out, "'娱乐'", f"{dev}:2:")
    assert not (tmp_path / "m").exists()


def test_train_gbk_file_suggests_encoding(tmp_path: Path) -> None:
    f = tmp_path / "gbk.tsv"
    f.write_bytes("".join(f"{t}\t{lab}\n" for _, t, lab in make_rows(10)).encode("gbk"))
    out = zhtext("classify", "train", "--train", f, "-o", tmp_path / "m")
    assert_clean_error(out, str(f), "utf-8", "--encoding")
    assert not (tmp_path / "m").exists()


def test_train_existing_output_needs_force(work: Path, tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")
    small = write_tsv(tmp_path / "small.tsv", make_rows(12, seed=3))
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "keep.txt").write_text("x", encoding="utf-8")
    out = zhtext("classify", "train", "--train", small, "-o", dest)
    assert_clean_error(out, str(dest), "already exists", "--force")
    assert (dest / "keep.txt").is_file()
    forced = zhtext("classify", "train", "--train", small, "-o", dest, "--force")
    assert forced.returncode == 0, forced.stderr
    assert (dest / "zhtext.json").is_file() and not (dest / "keep.txt").exists()


def test_resume_missing_directory(work: Path, tmp_path: Path) -> None:
    out = zhtext("classify", "train", "--train", work / "train.tsv", "-o", tmp_path / "nope",
                 "--resume")
    assert_clean_error(out, str(tmp_path / "nope"), "nothing to resume")
    assert not (tmp_path / "nope").exists()


def test_predict_missing_model_dir(work: Path, tmp_path: Path) -> None:
    out = zhtext("classify", "predict", tmp_path / "nope", work / "test.tsv")
    assert_clean_error(out, "model directory not found")


def test_predict_model_missing_weights(model: Path, work: Path, tmp_path: Path) -> None:
    d = damaged_copy(model, tmp_path)
    (d / "linear" / "weights.npy").unlink()
    out = zhtext("classify", "predict", d, work / "test.tsv")
    assert_clean_error(out, "weights.npy", "damaged")
    assert out.stdout == ""


def test_predict_model_truncated_weights(model: Path, work: Path, tmp_path: Path) -> None:
    d = damaged_copy(model, tmp_path)
    w = d / "linear" / "weights.npy"
    w.write_bytes(w.read_bytes()[:100])
    out = zhtext("classify", "predict", d, work / "test.tsv")
    assert_clean_error(out, "damaged")


def test_predict_model_empty_weights(model: Path, work: Path, tmp_path: Path) -> None:
    d = damaged_copy(model, tmp_path)
    (d / "linear" / "weights.npy").write_bytes(b"")
    out = zhtext("classify", "predict", d, work / "test.tsv")
    assert_clean_error(out, "damaged")


def test_predict_model_corrupt_manifest(model: Path, work: Path, tmp_path: Path) -> None:
    d = damaged_copy(model, tmp_path)
    m = d / "zhtext.json"
    m.write_text(m.read_text(encoding="utf-8")[:50], encoding="utf-8")
    out = zhtext("classify", "predict", d, work / "test.tsv")
    assert_clean_error(out, "zhtext.json", "not valid JSON", "damaged")
    manifest = json.loads((model / "zhtext.json").read_text(encoding="utf-8"))
    del manifest["labels"]
    m.write_text(json.dumps(manifest), encoding="utf-8")
    out = zhtext("classify", "predict", d, work / "test.tsv")
    assert_clean_error(out, "no valid method and labels", "damaged")


def test_predict_reads_several_files_and_stdin(model: Path, tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text("球队赢得了比赛\n央行宣布降息\n", encoding="utf-8")
    out = zhtext("classify", "predict", model, a, a)
    assert out.returncode == 0, out.stderr
    assert [json.loads(line)["id"] for line in out.stdout.splitlines()] == [
        f"{a}:1", f"{a}:2", f"{a}:1", f"{a}:2"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    piped = subprocess.run([sys.executable, "-m", "zhtext", "classify", "predict",
                            str(model), "-"], input="球队赢得了比赛\n", text=True,
                           capture_output=True, env=env, timeout=HANG_GUARD)
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["id"] == 1
    old = zhtext("classify", "predict", model, a, "--data-format", "text")
    assert old.returncode == 0 and "deprecated" in old.stderr, old.stderr


def test_train_with_a_test_file_saves_its_metrics_beside_the_model(work: Path,
                                                                   tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")
    out = zhtext("classify", "train", "--train", work / "train.tsv", "--test",
                 work / "test.tsv", "-o", tmp_path / "m", "--id-col", "id")
    assert out.returncode == 0, out.stderr
    assert "test accuracy" in out.stdout + out.stderr
    metrics = json.loads((tmp_path / "m" / "test_metrics.json").read_text(encoding="utf-8"))
    assert 0.0 <= metrics["accuracy"] <= 1.0
    assert (tmp_path / "m" / "zhtext.json").is_file()
