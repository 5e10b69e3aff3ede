"""Settings of every neural run: one set of ``Trainer`` fields, one validation, one error text.

Each task's settings dataclass is one of these put together, plus its own fields::

    NeuralSettings(EncoderSettings, TrainingSettings, EarlyStoppingSettings, WindowSettings,
                   PeftSettings)                       # classify: textcnn, bert, bert-cnn
    NeuralTaggerSettings(EncoderSettings, TrainingSettings, EarlyStoppingSettings,
                         WindowSettings)               # tag: bert
    PretrainSettings(TrainingSettings)                 # pretrain mlm

Every field is a ``--set NAME=VALUE`` of its command (``zhtext classify settings bert`` lists
them). Each value is checked against the field's type (an ``int`` field takes integers, ...)
and the :class:`~zhtext.params.Range` in its ``metadata["range"]`` by
:func:`zhtext.params.check_fields`, then by ``validate``. A task may give a shared field
another default (and a help text saying what its ``0`` means); the checks stay the ones here.
Checks run in ``__post_init__`` and echo the bad value, as PEFT's configs do:
"`batch_size` should be positive, got 0."

Usage:
    >>> from dataclasses import dataclass, field
    >>> @dataclass
    ... class MySettings(TrainingSettings):
    ...     alpha: float = field(default=0.5, metadata={"help": "My method's alpha."})
    ...     def validate(self) -> None:
    ...         super().validate()
    ...         check_fraction("alpha", self.alpha)
    >>> MySettings(device="gpu")
    Traceback (most recent call last):
    ...
    zhtext.errors.InputError: `device` should be one of auto, cpu, cuda, got 'gpu'.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

from zhtext.errors import InputError
from zhtext.params import check_fields

__all__ = ["DEVICES", "INITS", "PRECISIONS", "EarlyStoppingSettings", "EncoderSettings",
           "PeftSettings", "Settings", "TrainingSettings", "WindowSettings", "as_number",
           "check_at_least_0", "check_choice", "check_fraction", "check_positive"]

Device = Literal["auto", "cpu", "cuda"]
Precision = Literal["auto", "no", "fp16", "bf16"]
Init = Literal["pretrained", "random"]
DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda")
PRECISIONS: tuple[str, ...] = ("auto", "no", "fp16", "bf16")
INITS: tuple[str, ...] = ("pretrained", "random")

S = TypeVar("S", bound="Settings")


def as_number(name: str, value: Any) -> float:
    """``value`` as a float, else "`name` should be a number, got 'x'.".

    numpy numbers count (a grid search hands them over); ``bool`` does not.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"`{name}` should be a number, got {value!r}.")
    return float(value)


def check_positive(name: str, value: Any) -> None:
    """``value`` > 0, else "`name` should be positive, got value."."""
    if not as_number(name, value) > 0:
        raise InputError(f"`{name}` should be positive, got {value}.")


def check_at_least_0(name: str, value: Any) -> None:
    """``value`` >= 0, else "`name` should be at least 0, got value."."""
    if not as_number(name, value) >= 0:
        raise InputError(f"`{name}` should be at least 0, got {value}.")


def check_fraction(name: str, value: Any) -> None:
    """``0 <= value < 1``, else "`name` should be in [0, 1), got value."."""
    if not 0 <= as_number(name, value) < 1:
        raise InputError(f"`{name}` should be in [0, 1), got {value}.")


def check_choice(name: str, value: Any, choices: Iterable[str]) -> None:
    """``value`` is one of ``choices``, else "`name` should be one of a, b, got 'c'."."""
    options = tuple(choices)
    if value not in options:
        raise InputError(f"`{name}` should be one of {', '.join(options)}, got {value!r}.")


@dataclass
class Settings:
    """The root of every settings dataclass: checks in ``__post_init__``, names, loading."""

    def __post_init__(self) -> None:
        check_fields(self)  # each field's type and declared ``metadata["range"]``
        self.validate()

    def validate(self) -> None:
        """Raise :class:`~zhtext.errors.InputError` naming the first bad value.

        Subclasses check their own fields and call ``super().validate()``.
        """

    @classmethod
    def names(cls) -> list[str]:
        """The setting names (the keys of ``--set``)."""
        return [f.name for f in fields(cls)]

    @classmethod
    def from_dict(cls: type[S], values: Mapping[str, Any]) -> S:
        """Settings from a saved dict (a model's manifest), leaving out names no longer known.

        Settings a library version dropped (such as pretraining's unused ``patience``) are
        ignored, so every model saved before stays loadable.
        """
        known = set(cls.names())
        return cls(**{k: v for k, v in values.items() if k in known})


@dataclass
class EncoderSettings(Settings):
    """The pretrained encoder a task fine-tunes."""

    model: str | None = field(default=None, metadata={
        "help": "Encoder: a hub name (e.g. bert-base-chinese) or a local directory (e.g. one "
                "made by 'zhtext pretrain mlm')."})
    init: Init = field(default="pretrained", metadata={
        "help": "'pretrained' loads the encoder's weights; 'random' builds the same "
                "architecture from its config with fresh weights (a baseline to measure "
                "pretraining)."})

    def validate(self) -> None:  # noqa: D102
        super().validate()
        check_choice("init", self.init, INITS)


@dataclass
class TrainingSettings(Settings):
    """What every ``Trainer`` run reads (:func:`zhtext.neural.training.run_trainer`).

    ``batch_size`` is the global batch: under ``torchrun`` each of N processes takes
    ``batch_size / N``, so a multi-process run sees the batches of a single process.
    """

    epochs: float = field(default=3.0, metadata={
        "help": "Training epochs (early stopping on dev may end sooner)."})
    batch_size: int = field(default=32, metadata={"help": "Batch size."})
    learning_rate: float = field(default=0.0, metadata={
        "help": "Peak learning rate (0: the method's default)."})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay."})
    warmup_ratio: float = field(default=0.06, metadata={"help": "Linear warm-up share."})
    seed: int = field(default=42, metadata={"help": "Random seed."})
    gradient_accumulation: int = field(default=1, metadata={
        "help": "Batches per optimiser step."})
    device: Device = field(default="auto", metadata={"help": "auto | cpu | cuda."})
    mixed_precision: Precision = field(default="auto", metadata={
        "help": "auto: fp16 on CUDA, none on CPU."})
    tensorboard: bool = field(default=True, metadata={
        "help": "TensorBoard logs in DIR/logs (when tensorboard is installed)."})
    max_minutes: float = field(default=0.0, metadata={
        "help": "Stop (with a checkpoint) after this many minutes of training (0: no limit)."})

    def validate(self) -> None:  # noqa: D102
        super().validate()
        for name in ("epochs", "batch_size", "learning_rate", "weight_decay", "max_minutes"):
            check_at_least_0(name, getattr(self, name))
        check_positive("gradient_accumulation", self.gradient_accumulation)
        check_fraction("warmup_ratio", self.warmup_ratio)
        if isinstance(self.seed, bool) or not isinstance(self.seed, numbers.Integral):
            raise InputError(f"`seed` should be an integer, got {self.seed!r}.")
        check_choice("device", self.device, DEVICES)
        check_choice("mixed_precision", self.mixed_precision, PRECISIONS)


@dataclass
class EarlyStoppingSettings(Settings):
    """Evaluation on dev data during training: the best checkpoint, stopping early."""

    patience: int = field(default=2, metadata={
        "help": "Evaluations without dev improvement before stopping early (0: never stop)."})
    eval_per_epoch: int = field(default=2, metadata={"help": "Dev evaluations per epoch."})

    def validate(self) -> None:  # noqa: D102
        super().validate()
        check_at_least_0("patience", self.patience)
        check_positive("eval_per_epoch", self.eval_per_epoch)


@dataclass
class WindowSettings(Settings):
    """Texts cut into overlapping windows of tokens, scored in length-sorted batches."""

    max_length: int = field(default=0, metadata={
        "help": "Window length in tokens with [CLS]/[SEP] (0: from the training data, at most "
                "512 and the encoder's positions); longer texts get overlapping windows."})
    stride: int = field(default=0, metadata={
        "help": "Tokens between window starts in long texts (0: half a window)."})
    predict_batch_size: int = field(default=64, metadata={
        "help": "Windows per batch at prediction."})

    def validate(self) -> None:  # noqa: D102
        super().validate()
        check_at_least_0("max_length", self.max_length)
        check_at_least_0("stride", self.stride)
        check_positive("predict_batch_size", self.predict_batch_size)


@dataclass
class PeftSettings(Settings):
    """Parameter-efficient fine-tuning (PEFT): today LoRA adapters.

    :attr:`peft_method` names the method in use, so further PEFT methods can join as one more
    switch with their own fields (:func:`zhtext.neural.peft.add_adapters` dispatches on it).
    """

    lora: bool = field(default=False, metadata={"help": "Train LoRA adapters (PEFT)."})
    lora_r: int = field(default=8, metadata={"help": "LoRA rank."})
    lora_alpha: int = field(default=16, metadata={"help": "LoRA scaling."})
    lora_dropout: float = field(default=0.1, metadata={"help": "LoRA dropout."})
    lora_targets: str | None = field(default=None, metadata={
        "help": "Comma-separated module names for LoRA (default: attention query/value)."})

    @property
    def peft_method(self) -> str | None:
        """The PEFT method in use (``"lora"``), or ``None`` for full fine-tuning."""
        return "lora" if self.lora else None

    def validate(self) -> None:  # noqa: D102
        super().validate()
        check_positive("lora_r", self.lora_r)
        check_positive("lora_alpha", self.lora_alpha)
        check_fraction("lora_dropout", self.lora_dropout)
