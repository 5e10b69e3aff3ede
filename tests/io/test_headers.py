"""Header rows and column names in Chinese (and mixed) CSV/TSV files (issue 18, item 1).

A header such as ``标题,类别`` must be recognised as a header, not read as a row of data (which
made ``类别`` an 11th class, or stopped with "cannot tell which column holds the text" when
the labels are numbers), and a file without a header whose first row is Chinese must keep that
row as data.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhtext.io.tabular import iter_batches, read_data

# Short texts written for these tests (not taken from any data set): ten classes, four each.
CLASSES = {
    "体育": ["国足客场战平对手", "女排夺得世界冠军", "篮球联赛今晚开打", "中超球队更换主教练"],
    "财经": ["央行下调存款利率", "股市三大指数收涨", "基金公司发布年报", "人民币汇率小幅走高"],
    "科技": ["新款手机搭载自研芯片", "人工智能模型开源", "芯片厂商扩建工厂", "操作系统迎来升级"],
    "教育": ["高考报名人数创新高", "中小学推行课后服务", "大学新增智能专业", "教师培训计划启动"],
    "娱乐": ["新电影票房破十亿", "歌手发布全新专辑", "综艺节目收视领先", "电视剧定档暑期播出"],
    "健康": ["专家提醒注意防暑", "医院开通线上挂号", "新药获批进入临床", "冬季流感进入高发期"],
    "旅游": ["景区推出夜游项目", "假期出境游人数回升", "古镇游客络绎不绝", "航空公司增开旅游航线"],
    "汽车": ["新能源汽车销量大增", "车企发布新款轿车", "充电桩建设加快推进", "汽车出口量同比上升"],
    "房产": ["多地放宽购房限制", "二手房成交量回暖", "新楼盘开盘售罄", "房贷利率继续下行"],
    "军事": ["海军舰艇编队出访", "空军举行实战演练", "新型战机完成试飞", "边防部队开展巡逻"],
}
NAMES = list(CLASSES)


def rows(numeric: bool = False) -> list[tuple[str, str]]:
    """(text, label) in an interleaved order, labels as names or as class ids."""
    out = []
    for i in range(4):
        for k, (name, texts) in enumerate(CLASSES.items()):
            out.append((texts[i], str(k) if numeric else name))
    return out


def write(path: Path, header: list[str] | None, body: list[tuple[str, ...]]) -> Path:
    sep = "\t" if path.suffix == ".tsv" else ","
    lines = ([sep.join(header)] if header else []) + [sep.join(r) for r in body]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_chinese_header_with_label_names(tmp_path: Path, suffix: str) -> None:
    f = write(tmp_path / f"train{suffix}", ["标题", "类别"], rows())
    data = read_data(f)
    assert data.label_set() == sorted(NAMES)  # ten classes, not an 11th '类别'
    assert "类别" not in data.single_labels() and "标题" not in data.texts
    assert len(data) == 40 and data.lines[0] == 2
    assert data.text_col == 0 and data.label_col == 1


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_chinese_header_with_numeric_labels(tmp_path: Path, suffix: str) -> None:
    f = write(tmp_path / f"train{suffix}", ["标题", "类别"], rows(numeric=True))
    data = read_data(f)
    assert data.label_set() == [str(k) for k in range(10)]
    assert data.texts[0] == "国足客场战平对手"
    # Named by the header, the columns can be chosen by their Chinese names too.
    again = read_data(f, text_col="标题", label_col="类别")
    assert again.texts == data.texts and again.labels == data.labels


@pytest.mark.parametrize("header", [["text", "类别"], ["标题", "label"], ["类别", "内容"]])
def test_mixed_and_reordered_headers(tmp_path: Path, header: list[str]) -> None:
    body = rows()
    if header[0] == "类别":
        body = [(lab, text) for text, lab in body]
    f = write(tmp_path / "d.csv", header, body)
    data = read_data(f)
    assert data.label_set() == sorted(NAMES)
    assert data.texts[0] == "国足客场战平对手"


def test_unknown_chinese_names_guessed_by_shape(tmp_path: Path) -> None:
    # Names zhtext does not know ('新闻', '栏目名'): the first row is still a header (its
    # '栏目名' appears nowhere below while every label repeats), and of two columns the
    # longer one is the text.
    f = write(tmp_path / "d.tsv", ["栏目名", "新闻句"], [(lab, t) for t, lab in rows()])
    data = read_data(f)
    assert data.label_set() == sorted(NAMES)
    assert data.text_col == 1 and data.label_col == 0


def test_two_text_names_are_not_a_label(tmp_path: Path) -> None:
    f = write(tmp_path / "d.csv", ["标题", "内容"], [(t, t + "，详情见正文") for t, _ in rows()])
    data = read_data(f, require_labels=False)
    assert data.label_col is None
    assert data.texts[0] == "国足客场战平对手，详情见正文"  # '内容' before '标题', as in English


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
@pytest.mark.parametrize("numeric", [False, True])
def test_no_header_chinese_first_row_stays_data(tmp_path: Path, suffix: str,
                                                numeric: bool) -> None:
    f = write(tmp_path / f"train{suffix}", None, rows(numeric=numeric))
    data = read_data(f)
    assert len(data) == 40 and data.lines[0] == 1
    assert data.texts[0] == "国足客场战平对手"
    assert len(data.label_set()) == 10


def test_first_row_whose_label_recurs_is_data_even_with_a_rare_class(tmp_path: Path) -> None:
    body = [*rows(), ("航天员顺利返回地面", "航天")]
    f = write(tmp_path / "d.tsv", None, body)
    assert read_data(f).texts[0] == "国足客场战平对手"


def test_explicit_header_options_win(tmp_path: Path) -> None:
    f = write(tmp_path / "d.csv", ["标题", "类别"], rows())
    as_data = read_data(f, header=False)
    assert as_data.texts[0] == "标题" and len(as_data.label_set()) == 11
    g = write(tmp_path / "g.csv", None, rows())
    assert read_data(g, header=True).texts[0] == "央行下调存款利率"


def test_the_guess_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    f = write(tmp_path / "d.csv", ["栏目名", "新闻句"], [(lab, t) for t, lab in rows()])
    with caplog.at_level(logging.WARNING, logger="zhtext.io.tabular"):
        read_data(f)
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "header" in said and "--no-header" in said


def test_streaming_reader_guesses_the_same(tmp_path: Path) -> None:
    f = write(tmp_path / "d.csv", ["标题", "类别"], rows(numeric=True))
    batches = list(iter_batches(f, batch_size=16))
    ids = [i for b_ids, _ in batches for i in b_ids]
    texts = [t for _, b_texts in batches for t in b_texts]
    assert texts[0] == "国足客场战平对手" and len(texts) == 40 and ids[0] == 2


@pytest.mark.parametrize("numeric", [False, True])
def test_classify_train_cli_reads_a_chinese_header(tmp_path: Path, numeric: bool) -> None:
    from zhtext.cli.app import app

    f = write(tmp_path / "train.csv", ["标题", "类别"], rows(numeric=numeric))
    out = tmp_path / "model"
    result = CliRunner().invoke(app, ["classify", "train", "--train", str(f), "-o", str(out),
                                      "--dev-split", "0"])
    assert result.exit_code == 0, result.output
    labels = json.loads((out / "zhtext.json").read_text(encoding="utf-8"))["labels"]
    assert sorted(labels) == (sorted(str(k) for k in range(10)) if numeric else sorted(NAMES))
