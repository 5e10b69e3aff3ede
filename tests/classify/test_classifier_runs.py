"""``TextClassifier.fit(output_dir=...)``: the run directory of ``classify train -o``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import zhtext
from zhtext.classify import TextClassifier
from zhtext.errors import InputError, ZhtextError

SMALL = {"epochs": 2, "batch_size": 16, "tensorboard": False, "num_filters": 8,
         "embedding_dim": 8, "bigram_buckets": 0, "word_buckets": 0, "patience": 0}


def test_linear_fit_with_output_dir_saves_the_model(corpus, tmp_path: Path) -> None:
    texts, labels = corpus
    out = tmp_path / "m"
    clf = TextClassifier("linear", min_df=1).fit(texts[:60], labels[:60], dev_texts=texts[60:],
                                                 dev_labels=labels[60:], output_dir=out)
    assert (out / "zhtext.json").is_file() and (out / "metrics.json").is_file()
    assert not (out / "training.json").exists()  # nothing checkpointed
    again = zhtext.load(out)
    assert [p.label for p in again.predict(texts[60:])] == [
        p.label for p in clf.predict(texts[60:])]
    with pytest.raises(ZhtextError, match=r"already exists.*--force"):
        TextClassifier("linear", min_df=1).fit(texts, labels, output_dir=out)
    TextClassifier("linear", min_df=1).fit(texts, labels, output_dir=out, force=True)
    with pytest.raises(ZhtextError, match="give one"):
        TextClassifier("linear").fit(texts, labels, output_dir=out, force=True, resume=True)


def test_bad_settings_make_no_directory(corpus, tmp_path: Path) -> None:
    texts, labels = corpus
    with pytest.raises(InputError):
        TextClassifier("linear", C=-1.0).fit(texts, labels, output_dir=tmp_path / "m")
    assert not (tmp_path / "m").exists()


torch_needed = pytest.mark.skipif(
    not all(__import__("importlib").util.find_spec(m) for m in ("torch", "transformers")),
    reason="needs PyTorch and transformers (pip install 'zhtext[neural]')")


@torch_needed
def test_textcnn_run_writes_training_json_then_the_model(corpus, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from zhtext.classify import neural

    texts, labels = corpus
    out = tmp_path / "run"
    seen: dict[str, Any] = {}
    real_fit = neural.NeuralClassifier.fit

    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen["work_dir"] = kwargs.get("work_dir")
        seen["state"] = json.loads((out / "training.json").read_text(encoding="utf-8"))
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(neural.NeuralClassifier, "fit", fit)
    TextClassifier("textcnn", **SMALL).fit(texts, labels, dev_texts=texts[:20],
                                           dev_labels=labels[:20], output_dir=out)
    assert seen["work_dir"] == out  # checkpoints go into the run directory itself
    assert seen["state"]["method"] == "textcnn" and seen["state"]["params"] == SMALL
    assert (out / "zhtext.json").is_file() and (out / "model" / "model.safetensors").is_file()
    assert (out / "metrics.json").is_file()
    assert not (out / "checkpoints").exists() and not (out / "training.json").exists()
    assert zhtext.load(out).predict(texts[:3])[0].label in set(labels)
    with pytest.raises(InputError, match="already exists"):
        TextClassifier("textcnn", **SMALL).fit(texts, labels, output_dir=out)
    with pytest.raises(InputError, match="already trained, nothing to resume"):
        TextClassifier("textcnn", **SMALL).fit(texts, labels, output_dir=out, resume=True)


@torch_needed
def test_an_interrupted_run_resumes_from_its_checkpoint(corpus, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from transformers import TrainerCallback

    from zhtext.classify import neural
    from zhtext.neural.training import last_checkpoint

    texts, labels = corpus
    out = tmp_path / "run"
    real_run = neural.run_trainer

    class Interrupt(TrainerCallback):  # Ctrl-C once the first checkpoint is written
        def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            raise KeyboardInterrupt

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        return real_run(*args, callbacks=[Interrupt()], **kwargs)

    monkeypatch.setattr(neural, "run_trainer", interrupted)
    dev = {"dev_texts": texts[:20], "dev_labels": labels[:20]}
    with pytest.raises(KeyboardInterrupt):
        TextClassifier("textcnn", **SMALL).fit(texts, labels, output_dir=out, **dev)
    monkeypatch.setattr(neural, "run_trainer", real_run)
    assert (out / "training.json").is_file() and not (out / "zhtext.json").exists()
    complete = last_checkpoint(out / "checkpoints")
    assert complete is not None
    step = int(Path(complete).name.split("-")[1])

    with pytest.raises(InputError, match=r"unfinished training run.*--resume"):
        TextClassifier("textcnn", **SMALL).fit(texts, labels, output_dir=out, **dev)
    with pytest.raises(InputError, match="other settings"):
        TextClassifier("textcnn", **{**SMALL, "patience": 3}).fit(
            texts, labels, output_dir=out, resume=True, **dev)
    clf = TextClassifier("textcnn", **SMALL).fit(texts, labels, output_dir=out, resume=True,
                                                 **dev)
    manifest = json.loads((out / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["neural"]["resumed_from_step"] >= step > 0
    assert clf.model_.resumed_from_ == manifest["neural"]["resumed_from_step"]
    assert not (out / "training.json").exists()


def test_resume_without_a_run_is_refused(corpus, tmp_path: Path) -> None:
    texts, labels = corpus
    with pytest.raises(InputError, match="nothing to resume"):
        TextClassifier("linear").fit(texts, labels, output_dir=tmp_path / "none", resume=True)
    with pytest.raises(ZhtextError, match="not both"):
        TextClassifier("linear").fit(texts, labels, output_dir=tmp_path / "a",
                                     work_dir=tmp_path / "b")
