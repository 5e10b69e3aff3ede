"""Third-party methods register through ``zhtext.<task>.methods`` entry points.

A tiny classify method and a tiny tag method are written into a temporary folder on
``sys.path`` and announced by a fake entry-point lookup (nothing is installed); they then
train, save, load with ``zhtext.load`` and predict through the facades and the CLI exactly
as the built-in methods do.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest
from typer.testing import CliRunner

import zhtext
from zhtext import registry
from zhtext.classify import METHODS, TextClassifier
from zhtext.errors import ZhtextError

PLUGIN = '''
import json
from dataclasses import dataclass, field

import numpy as np

from zhtext.classify.backend import ClassifierBackend
from zhtext.tag.backend import TaggerBackend


@dataclass
class PriorSettings:
    smoothing: float = field(default=1.0, metadata={"help": "Added to every class count."})


class Prior(ClassifierBackend):
    """Predicts the training label distribution, whatever the text."""

    settings_class = PriorSettings

    def fit(self, texts, y, labels, *, multi_label=False, dev=None, work_dir=None,
            resume=False):
        counts = np.bincount(y, minlength=len(labels)) + self.settings.smoothing
        self.prior_ = counts / counts.sum()
        return self

    def predict_proba(self, texts):
        return np.tile(self.prior_, (len(texts), 1)).astype(np.float32)

    def save(self, d):
        (d / "prior.json").write_text(json.dumps(self.prior_.tolist()), encoding="utf-8")
        return {"prior": {"smoothing": self.settings.smoothing}}

    @classmethod
    def load(cls, d, manifest):
        obj = cls(PriorSettings(**manifest["prior"]))
        obj.prior_ = np.array(json.loads((d / "prior.json").read_text(encoding="utf-8")))
        return obj


@dataclass
class SinglesSettings:
    tag: str = field(default="S", metadata={"help": "The tag of every character."})


class Singles(TaggerBackend):
    """Every character is a word of its own."""

    settings_class = SinglesSettings

    def fit(self, texts, tags, *, outside, words=None, dev=None, dev_metric=None,
            output_dir=None, resume=False, progress=None):
        self.labels_ = sorted({t for ts in tags for t in ts})
        self.history_ = {"texts": len(texts)}
        return self

    def tags(self, texts):
        return [[self.settings.tag] * len(t) for t in texts]

    def marginals(self, texts):
        k = self.labels_.index(self.settings.tag)
        out = []
        for t in texts:
            p = np.zeros((len(t), len(self.labels_)))
            p[:, k] = 1.0
            out.append(([self.settings.tag] * len(t), p))
        return out

    def save(self, d):
        return {"model": {"tag": self.settings.tag}, "pos_model": None}

    @classmethod
    def load(cls, d, manifest, settings):
        obj = cls(settings)
        obj.labels_ = list(manifest["labels"])
        return obj
'''

GROUPS = {"zhtext.classify.methods": {"prior": "zhtext_prior_plugin:Prior"},
          "zhtext.tag.methods": {"singles": "zhtext_prior_plugin:Singles"}}


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "zhtext_prior_plugin.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    real = registry._entry_points

    def entry_points(group: str) -> dict[str, metadata.EntryPoint]:
        if group in GROUPS:
            return {name: metadata.EntryPoint(name=name, value=value, group=group)
                    for name, value in GROUPS[group].items()}
        return real(group)

    monkeypatch.setattr(registry, "_entry_points", entry_points)


TEXTS = ["央行下调利率", "国足赢得比赛", "股市上涨", "女排夺得冠军", "银行发布财报", "球迷欢呼"]
LABELS = ["财经", "体育", "财经", "体育", "财经", "财经"]


def test_a_plugin_classify_method_trains_saves_and_loads(plugin: None, tmp_path: Path) -> None:
    assert "prior" in METHODS and METHODS.names()[-1] == "prior"
    clf = TextClassifier("prior", smoothing=0.0).fit(TEXTS, LABELS)
    assert clf.get_params()["smoothing"] == 0.0
    assert clf.predict(["随便什么"])[0].label == "财经"
    out = clf.save(tmp_path / "m")
    manifest = json.loads((out / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["method"] == "prior" and manifest["prior"] == {"smoothing": 0.0}
    again = zhtext.load(out)
    assert isinstance(again, TextClassifier)
    assert again.predict_proba(["x"]).tolist() == clf.predict_proba(["x"]).tolist()


def test_a_plugin_classify_method_through_the_cli(plugin: None, tmp_path: Path) -> None:
    from zhtext.cli.app import app

    data = tmp_path / "train.tsv"
    data.write_text("text\tlabel\n" + "".join(f"{t}\t{y}\n" for t, y in zip(TEXTS, LABELS)),
                    encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "m"
    result = runner.invoke(app, ["classify", "train", "--method", "prior", "--train",
                                 str(data), "-o", str(out), "--dev-split", "0", "--set",
                                 "smoothing=2"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "zhtext.json").read_text(encoding="utf-8"))["prior"] == {
        "smoothing": 2.0}
    pred = runner.invoke(app, ["classify", "predict", str(out), str(data)])
    assert pred.exit_code == 0, pred.output
    rows = [json.loads(line) for line in pred.stdout.strip().splitlines()]
    assert [r["label"] for r in rows] == ["财经"] * len(TEXTS)
    settings = runner.invoke(app, ["classify", "settings", "prior"])
    assert settings.exit_code == 0 and "smoothing" in settings.output
    bad = runner.invoke(app, ["classify", "train", "--method", "nope", "--train", str(data),
                              "-o", str(tmp_path / "n")])
    assert bad.exit_code != 0
    assert "prior" in str(bad.exception)  # the unknown-method error lists the plug-in


def test_a_plugin_tag_method_trains_saves_and_loads(plugin: None, tmp_path: Path) -> None:
    from zhtext.records import Sentence
    from zhtext.tag import METHODS as TAG_METHODS
    from zhtext.tag import Tagger

    assert "singles" in TAG_METHODS
    data = [Sentence("我爱北京", [(0, 1, ""), (1, 2, ""), (2, 4, "")], words=True)] * 3
    tagger = Tagger("cws", "singles").fit(data)
    assert [t.text for t in tagger.predict(["我爱北京"])[0]] == ["我", "爱", "北", "京"]
    out = tagger.save(tmp_path / "t")
    again = zhtext.load(out)
    assert isinstance(again, Tagger) and again.method == "singles"
    assert [t.text for t in again.predict(["你好"])[0]] == ["你", "好"]
    tags, probs = again.char_marginals(["你好"])[0]
    assert tags == ["S", "S"] and probs.shape == (2, len(again.labels))


def test_unknown_methods_list_the_valid_names() -> None:
    with pytest.raises(ZhtextError, match=r"unknown classification method 'nope'.*linear"):
        TextClassifier("nope")
    from zhtext.tag import Tagger

    with pytest.raises(ZhtextError, match="unknown method 'nope'; expected one of: crf, bert"):
        Tagger("cws", "nope")


def test_versioned_aliases_name_the_same_backend() -> None:
    from zhtext.classify.classifier import backend_class
    from zhtext.keywords.registry import method_class
    from zhtext.tag.tagger import backend_class as tag_backend

    assert backend_class("textcnn.v1") is backend_class("textcnn")
    assert tag_backend("crf.v1") is tag_backend("crf")
    assert method_class("tfidf.v1") is method_class("tfidf")
    clf = TextClassifier("linear.v1", C=1.0)
    assert clf.get_params()["method"] == "linear.v1"
