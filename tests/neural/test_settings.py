"""The shared neural settings: one validation, one error text in classify, tag and pretrain."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields

import pytest

from zhtext.classify.neural import NeuralSettings
from zhtext.errors import InputError
from zhtext.neural.settings import (
    EarlyStoppingSettings,
    EncoderSettings,
    PeftSettings,
    TrainingSettings,
    WindowSettings,
)
from zhtext.pretrain.mlm import PretrainSettings
from zhtext.tag.neural import NeuralTaggerSettings

TASKS = [NeuralSettings, NeuralTaggerSettings, PretrainSettings]
FINE_TUNING = [NeuralSettings, NeuralTaggerSettings]


def _names(cls: type) -> set[str]:
    return {f.name for f in fields(cls)}


@pytest.mark.parametrize(("values", "message"), [
    ({"device": "gpu"}, "`device` should be one of auto, cpu, cuda, got 'gpu'."),
    ({"device": "tpu"}, "`device` should be one of auto, cpu, cuda, got 'tpu'."),
    ({"mixed_precision": "fp8"},
     "`mixed_precision` should be one of auto, no, fp16, bf16, got 'fp8'."),
    ({"epochs": -1}, "`epochs` should be at least 0, got -1."),
    ({"epochs": "three"}, "`epochs` should be a number, got 'three'."),
    ({"batch_size": -8}, "`batch_size` should be at least 0, got -8."),
    ({"learning_rate": -1e-3}, "`learning_rate` should be at least 0, got -0.001."),
    ({"weight_decay": -0.5}, "`weight_decay` should be at least 0, got -0.5."),
    ({"warmup_ratio": 1.0}, "`warmup_ratio` should be in [0, 1), got 1.0."),
    ({"gradient_accumulation": 0}, "`gradient_accumulation` should be positive, got 0."),
    ({"max_minutes": -2}, "`max_minutes` should be at least 0, got -2."),
    ({"seed": "x"}, "`seed` should be an integer, got 'x'."),
    ({"seed": 1.5}, "`seed` should be an integer, got 1.5."),
])
@pytest.mark.parametrize("cls", TASKS, ids=lambda c: c.__name__)
def test_training_fields_fail_the_same_way_in_every_task(cls, values, message) -> None:
    with pytest.raises(InputError) as e:
        cls(**values)
    assert str(e.value) == message


@pytest.mark.parametrize(("values", "message"), [
    ({"patience": -1}, "`patience` should be at least 0, got -1."),
    ({"eval_per_epoch": 0}, "`eval_per_epoch` should be positive, got 0."),
    ({"stride": -4}, "`stride` should be at least 0, got -4."),
    ({"max_length": -1}, "`max_length` should be at least 0, got -1."),
    ({"predict_batch_size": 0}, "`predict_batch_size` should be positive, got 0."),
    ({"init": "fresh"}, "`init` should be one of pretrained, random, got 'fresh'."),
])
@pytest.mark.parametrize("cls", FINE_TUNING, ids=lambda c: c.__name__)
def test_fine_tuning_fields_fail_the_same_way(cls, values, message) -> None:
    with pytest.raises(InputError) as e:
        cls(**values)
    assert str(e.value) == message


@pytest.mark.parametrize(("values", "message"), [
    ({"lora_r": 0}, "`lora_r` should be positive, got 0."),
    ({"lora_alpha": -16}, "`lora_alpha` should be positive, got -16."),
    ({"lora_dropout": 1.5}, "`lora_dropout` should be in [0, 1), got 1.5."),
])
def test_peft_fields(values, message) -> None:
    with pytest.raises(InputError) as e:
        NeuralSettings(**values)
    assert str(e.value) == message
    assert NeuralSettings().peft_method is None
    assert NeuralSettings(lora=True).peft_method == "lora"


def test_task_rules_on_top_of_the_shared_ones() -> None:
    # 0 means "the method's default" in classify, but not in the tagger
    assert NeuralSettings(epochs=0, batch_size=0).epochs == 0
    with pytest.raises(InputError, match="`batch_size` should be positive, got 0"):
        NeuralTaggerSettings(batch_size=0)
    with pytest.raises(InputError, match="`epochs` should be positive, got 0"):
        NeuralTaggerSettings(epochs=0)
    with pytest.raises(InputError, match="`epochs` or `max_steps` should be positive"):
        PretrainSettings(epochs=0)
    assert PretrainSettings(epochs=0, max_steps=10).max_steps == 10
    with pytest.raises(InputError, match="`kernel_sizes` should be comma-separated"):
        NeuralSettings(kernel_sizes="2;3")
    with pytest.raises(InputError, match="`max_length` should be at least 3"):
        NeuralTaggerSettings(max_length=2)
    with pytest.raises(InputError, match="`max_length` should be at least 8, got 4"):
        PretrainSettings(max_length=4)
    with pytest.raises(InputError, match=r"`dropout` should be in \[0, 1\), got 1.0"):
        NeuralSettings(dropout=1.0)


def test_every_task_has_the_shared_fields_once() -> None:
    shared = _names(TrainingSettings)
    assert {"epochs", "batch_size", "learning_rate", "warmup_ratio", "weight_decay", "seed",
            "device", "mixed_precision", "gradient_accumulation", "tensorboard",
            "max_minutes"} <= shared
    for cls in TASKS:
        names = [f.name for f in fields(cls)]
        assert len(names) == len(set(names))
        assert shared <= set(names)
    for cls in FINE_TUNING:
        assert (_names(EncoderSettings) | _names(EarlyStoppingSettings)
                | _names(WindowSettings)) <= _names(cls)
    assert _names(PeftSettings) <= _names(NeuralSettings)
    # pretraining has no dev data: no early-stopping fields kept only for the trainer's sake
    assert not _names(EarlyStoppingSettings) & _names(PretrainSettings)
    # a task's own default for a shared field; the field's checks stay the shared ones
    assert NeuralTaggerSettings().batch_size == 16 and PretrainSettings().batch_size == 64
    assert NeuralSettings().predict_batch_size == 256


def test_numpy_numbers_are_numbers() -> None:
    np = pytest.importorskip("numpy")
    s = NeuralSettings(epochs=np.float64(2.0), batch_size=np.int64(8), seed=np.int32(7))
    assert s.batch_size == 8 and s.seed == 7
    with pytest.raises(InputError, match="`batch_size` should be at least 0, got -1"):
        NeuralSettings(batch_size=np.int64(-1))
    with pytest.raises(InputError, match="`epochs` should be a number, got True"):
        NeuralSettings(epochs=True)


def test_saved_settings_load_without_dropped_names() -> None:
    # pretraining runs saved before kept patience / eval_per_epoch in their settings
    old = {"epochs": 2.0, "patience": 0, "eval_per_epoch": 1, "mask_prob": 0.2}
    s = PretrainSettings.from_dict(old)
    assert s.epochs == 2.0 and s.mask_prob == 0.2
    assert NeuralTaggerSettings.from_dict({"crf": False, "gone": 1}).crf is False


def test_facades_report_the_shared_error() -> None:
    from zhtext.classify import TextClassifier
    from zhtext.tag import Tagger

    message = "`device` should be one of auto, cpu, cuda, got 'gpu'."
    with pytest.raises(InputError) as e:
        TextClassifier("textcnn", device="gpu").fit(["球队赢了", "央行降息"] * 3, ["a", "b"] * 3)
    assert str(e.value) == message
    with pytest.raises(InputError) as e:  # checked when the settings are built
        Tagger("ner", "bert", model="x", device="gpu").settings  # noqa: B018
    assert str(e.value) == message


def test_settings_import_no_torch() -> None:
    code = ("import sys, zhtext.neural, zhtext.neural.settings, zhtext.neural.training\n"
            "print(sorted({'torch', 'transformers', 'numpy'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
