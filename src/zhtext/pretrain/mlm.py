"""Masked-language pretraining of a BERT from scratch, or continued from a checkpoint.

``Trainer`` runs it (checkpoints, ``--resume``, TensorBoard, ``torchrun``); what is ours is the
data: the streamed, packed corpus with word starts from zhtext's segmenter, and dynamic
whole-word masking. The loss is computed on the masked positions only (the output layer over
the vocabulary is most of a small model's cost), by a subclass of ``BertForMaskedLM`` that
keeps its weights' names, so the result is a standard ``BertForMaskedLM`` directory.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from zhtext.errors import InputError
from zhtext.neural.distributed import main_process_first, max_over_processes, world_size
from zhtext.neural.settings import (
    TrainingSettings,
    as_number,
    check_at_least_0,
    check_fraction,
    check_positive,
)
from zhtext.neural.training import first_line, run_trainer

__all__ = ["SIZES", "PretrainResult", "PretrainSettings", "bert_config", "load_start",
           "pretrain_mlm", "summary_line"]

logger = logging.getLogger(__name__)

Size = Literal["tiny", "small", "base"]
SIZES: dict[str, dict[str, int]] = {
    # layers, width, heads, feed-forward width; "base" is bert-base-chinese's shape
    "tiny": {"num_hidden_layers": 2, "hidden_size": 128, "num_attention_heads": 2,
             "intermediate_size": 512},
    "small": {"num_hidden_layers": 4, "hidden_size": 256, "num_attention_heads": 4,
              "intermediate_size": 1024},
    "base": {"num_hidden_layers": 12, "hidden_size": 768, "num_attention_heads": 12,
             "intermediate_size": 3072},
}


@dataclass
class PretrainSettings(TrainingSettings):
    """Settings of ``zhtext pretrain mlm``; each can be set with ``--set NAME=VALUE``.

    The training fields are the shared ones of :mod:`zhtext.neural.settings`; pretraining has
    no dev set, so no early stopping.
    """

    epochs: float = field(default=1.0, metadata={"help": "Passes over the corpus."})
    batch_size: int = field(default=64, metadata={"help": "Blocks per batch."})
    learning_rate: float = field(default=0.0, metadata={
        "help": "Peak learning rate (0: 5e-4 from scratch, 5e-5 with --from)."})
    max_length: int = field(default=128, metadata={"help": "Tokens per packed block."})
    mask_prob: float = field(default=0.15, metadata={"help": "Share of words masked."})
    whole_word: bool = field(default=True, metadata={
        "help": "Mask whole words (segmenter words), as Chinese BERT-wwm; false: tokens."})
    segmenter: str = field(default="rjieba", metadata={
        "help": "The segmenter of whole-word masking: rjieba, jieba, or a cws model dir."})
    max_steps: int = field(default=0, metadata={
        "help": "Optimiser steps (0: from epochs); sets the learning-rate schedule."})
    dropout: float = field(default=0.0, metadata={
        "help": "Dropout while pretraining (short runs learn faster without); the saved "
        "model keeps its config's dropout for fine-tuning."})
    save_minutes: float = field(default=10.0, metadata={
        "help": "Minutes between checkpoints (estimated from the first steps)."})

    def validate(self) -> None:  # noqa: D102
        super().validate()
        if not 0 < as_number("mask_prob", self.mask_prob) < 1:
            raise InputError(f"`mask_prob` should be between 0 and 1, got {self.mask_prob}.")
        if self.max_length < 8:
            raise InputError(f"`max_length` should be at least 8, got {self.max_length}.")
        check_at_least_0("max_steps", self.max_steps)
        if self.epochs <= 0 and self.max_steps <= 0:
            raise InputError(f"`epochs` or `max_steps` should be positive, got epochs "
                             f"{self.epochs} and max_steps {self.max_steps}.")
        check_positive("batch_size", self.batch_size)
        check_fraction("dropout", self.dropout)
        check_at_least_0("save_minutes", self.save_minutes)


@dataclass
class PretrainResult:
    """What a pretraining run did."""

    model: Any
    tokenizer: Any
    metrics: dict[str, Any]
    history: list[dict[str, Any]]

    def summary(self) -> str:
        """The run in one line for a person, numbers rounded by what they mean.

        For example ``1,200 steps, 5,321 tokens/s, final loss 7.893, held-out MLM accuracy
        0.1234`` (``metrics`` keeps them at full precision).
        """
        return summary_line(self.metrics)


def summary_line(metrics: dict[str, Any]) -> str:
    """One line of a pretraining run's ``metrics`` (see :meth:`PretrainResult.summary`)."""
    from zhtext.report.numbers import shown

    m = metrics
    return (f"{shown(m.get('steps'))} steps, "
            f"{shown(m.get('tokens_per_second'), 'tokens_per_second')} tokens/s, "
            f"final loss {shown(m.get('final_train_loss'), 'loss')}, "
            f"held-out MLM accuracy {shown(m.get('held_out_accuracy'), 'accuracy')}")


def bert_config(size: Size | None, config_file: Path | None, vocab_size: int,
                tokenizer: Any) -> Any:
    """A ``BertConfig`` of a named size, or read from a JSON file, for ``tokenizer``."""
    from transformers import BertConfig

    if config_file is not None:
        try:
            d = json.loads(Path(config_file).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise InputError(f"cannot read the model config: {first_line(e)}; give a JSON "
                             "file of BertConfig fields", path=str(config_file)) from None
        if not isinstance(d, dict):
            raise InputError("the model config should be a JSON object of BertConfig fields",
                             path=str(config_file))
        d = {k: v for k, v in d.items() if k not in ("architectures", "model_type")}
    else:
        d = dict(SIZES[size or "small"])
    d.update(vocab_size=vocab_size, pad_token_id=tokenizer.pad_token_id)
    d.setdefault("max_position_embeddings", 512)
    try:
        config = BertConfig(**d)
    except (TypeError, ValueError) as e:
        raise InputError(f"bad model config: {first_line(e)}",
                         path=str(config_file) if config_file else None) from None
    if config.hidden_size % config.num_attention_heads:
        raise InputError(f"hidden_size {config.hidden_size} is not a multiple of "
                         f"num_attention_heads {config.num_attention_heads}",
                         path=str(config_file) if config_file else None)
    return config


def _masked_only_class() -> Any:
    import torch
    from transformers import BertForMaskedLM
    from transformers.modeling_outputs import MaskedLMOutput

    class MaskedPositionsBertForMaskedLM(BertForMaskedLM):  # type: ignore[no-untyped-call]
        """``BertForMaskedLM`` whose training loss scores the masked positions only."""

        def forward(self, input_ids: Any = None, attention_mask: Any = None,
                    token_type_ids: Any = None, labels: Any = None, **kwargs: Any) -> Any:
            if labels is None:
                return super().forward(input_ids=input_ids, attention_mask=attention_mask,
                                       token_type_ids=token_type_ids, **kwargs)
            states = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            picked = labels != -100
            logits = self.cls(states[picked])
            loss = torch.nn.functional.cross_entropy(logits.float(), labels[picked])
            return MaskedLMOutput(loss=loss, logits=logits)

    return MaskedPositionsBertForMaskedLM


def load_start(name_or_path: str) -> tuple[Any, Any]:
    """The model and tokenizer to continue pretraining (``--from``).

    Raises:
        InputError: It cannot be loaded, or is not a masked-LM checkpoint.
    """
    from transformers import AutoConfig, AutoModelForMaskedLM, AutoTokenizer

    try:
        config = AutoConfig.from_pretrained(name_or_path)
        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
    except (OSError, ValueError) as e:
        raise InputError(f"cannot load {name_or_path!r} to continue pretraining: "
                         f"{first_line(e)}; give a directory made by 'zhtext pretrain mlm' or "
                         "a masked-LM hub model (bert-base-chinese, ...)") from None
    archs = [a for a in (getattr(config, "architectures", None) or [])]
    if not any(a.endswith(("ForMaskedLM", "ForPreTraining")) for a in archs):
        raise InputError(f"{name_or_path!r} is not a masked-LM checkpoint (its architectures: "
                         f"{', '.join(archs) or 'none'}); --from needs a model with its MLM "
                         "head, e.g. one made by 'zhtext pretrain mlm', not a fine-tuned "
                         "classifier or tagger")
    from zhtext.neural.training import quiet_transformers

    try:
        with quiet_transformers(loading=True):  # a pretraining head's keys are expected
            model = AutoModelForMaskedLM.from_pretrained(name_or_path)
    except (OSError, ValueError) as e:
        raise InputError(f"cannot load the masked-LM weights of {name_or_path!r}: "
                         f"{first_line(e)}") from None
    if tokenizer.mask_token_id is None:
        raise InputError(f"the tokenizer of {name_or_path!r} has no mask token")
    return model, tokenizer


def pretrain_mlm(texts: Iterable[str], tokenizer: Any, *, work: Path,
                 settings: PretrainSettings | None = None, config: Any = None,
                 start_model: Any = None, resume: bool = False) -> PretrainResult:
    """Pretrain (or continue pretraining) a BERT masked LM on a corpus.

    Args:
        texts: The corpus (streamed once into a packed cache in ``work/cache``).
        tokenizer: A BERT tokenizer (``pretrain vocab``, or the start model's).
        work: The run directory: cache, checkpoints, logs.
        settings: Training settings.
        config: A ``BertConfig`` for a new model (ignored with ``start_model``).
        start_model: A masked LM to continue from (domain adaptation).
        resume: Continue from the newest checkpoint in ``work/checkpoints``.
    """
    from transformers import set_seed

    from zhtext.pretrain.packing import pack_corpus
    from zhtext.text.segment import get_segmenter

    s = settings or PretrainSettings()
    segmenter = get_segmenter(s.segmenter) if s.whole_word else None
    t0 = time.perf_counter()
    with main_process_first():  # rank 0 packs the cache, the others then read it
        train, held, counts = pack_corpus(texts, tokenizer, segmenter,
                                          max_length=s.max_length, directory=work / "cache",
                                          whole_word=s.whole_word)
    pack_seconds = time.perf_counter() - t0
    if len(train) == 0:
        raise InputError("the corpus has no text to pretrain on (no tokens after reading it)")
    if counts.get("tokens") and counts.get("unknown", 0) / counts["tokens"] > 0.2:
        logger.warning("%.0f%% of the corpus's tokens are [UNK]: the vocabulary does not fit "
                       "this corpus", 100 * counts["unknown"] / counts["tokens"])
    set_seed(s.seed)
    masked_cls = _masked_only_class()
    if start_model is not None:
        model = start_model
        if type(model).__name__ == "BertForMaskedLM":
            model.__class__ = masked_cls
        if len(tokenizer) > model.config.vocab_size:
            model.resize_token_embeddings(len(tokenizer))
    else:
        model = masked_cls(config)
    if s.max_length > model.config.max_position_embeddings:
        limit = model.config.max_position_embeddings
        raise InputError(f"max_length {s.max_length} is longer than the model's {limit} "
                         f"positions (its max_position_embeddings); give --set "
                         f"max_length={limit} (or less)")
    kept_dropout = _set_dropout(model, s.dropout)
    lr = s.learning_rate or (5e-5 if start_model is not None else 5e-4)
    per_step = s.batch_size * s.gradient_accumulation  # global: split over the processes
    steps_per_epoch = max(1, math.ceil(len(train) / per_step))
    total = s.max_steps or max(1, math.ceil(steps_per_epoch * s.epochs))
    masker = _masker(tokenizer, s)
    step_seconds = _probe_seconds(model, masker, train, s)
    save_steps = max_over_processes(max(10, int(s.save_minutes * 60 /
                                             max(step_seconds, 1e-3))))
    logger.info("pretraining on %d blocks of %d tokens (%d held out), %d steps, checkpoint "
                "every %d steps (~%.1f s/step)", len(train), s.max_length, len(held), total,
                save_steps, step_seconds)
    t1 = time.perf_counter()
    trainer, resumed_from = run_trainer(
        model, replace(s, learning_rate=lr), work=work, train_set=train, eval_set=None,
        collate=masker, steps_per_epoch=steps_per_epoch, metric=None, compute_metrics=None,
        resume=resume,
        overrides={"max_steps": total, "save_steps": save_steps,
                   "warmup_steps": int(s.warmup_ratio * total),
                   "logging_steps": max(1, min(50, total // 100)),
                   "save_total_limit": 1})
    train_seconds = time.perf_counter() - t1
    state = trainer.state
    steps_done = int(state.global_step) - int(resumed_from or 0)
    tokens_per_block = train.tokens / max(1, len(train))
    trained_tokens = steps_done * per_step * tokens_per_block
    history = [{"step": h["step"], "loss": h["loss"], "learning_rate": h.get("learning_rate")}
               for h in state.log_history if "loss" in h]
    model.eval()
    _set_dropout(model, kept_dropout)
    held_metrics = _held_out(model, held, tokenizer, s)
    model.__class__ = _plain_class()
    metrics = {
        "documents": counts.get("documents", 0), "corpus_tokens": counts.get("tokens", 0),
        "unknown_share": round(counts.get("unknown", 0) / max(1, counts.get("tokens", 1)), 5),
        "blocks": len(train), "held_out_blocks": len(held), "block_length": s.max_length,
        "steps": int(state.global_step), "planned_steps": total,
        "resumed_from_step": resumed_from, "epochs_done": round(
            state.global_step * per_step / max(1, len(train)), 3),
        "batch_size": per_step, "learning_rate": lr, "processes": world_size(),
        "pack_seconds": round(pack_seconds, 1), "train_seconds": round(train_seconds, 1),
        "tokens_per_second": round(trained_tokens / max(train_seconds, 1e-6), 1),
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "final_train_loss": history[-1]["loss"] if history else None,
        **held_metrics,
        "whole_word_masking": s.whole_word, "segmenter": s.segmenter if s.whole_word else None,
        "settings": asdict(s),
    }
    return PretrainResult(model=model, tokenizer=tokenizer, metrics=metrics, history=history)


def _set_dropout(model: Any, p: float | dict[int, float]) -> dict[int, float]:
    """Set every dropout layer's rate (one rate, or the rates returned by an earlier call).

    Returns the rates it replaced, by layer, so they can be put back. The config is not
    touched: it keeps the rates the model is saved (and fine-tuned) with.
    """
    import torch

    before: dict[int, float] = {}
    for i, module in enumerate(model.modules()):
        if isinstance(module, torch.nn.Dropout):
            before[i] = module.p
            module.p = p.get(i, module.p) if isinstance(p, dict) else p
    return before


def _plain_class() -> Any:
    from transformers import BertForMaskedLM

    return BertForMaskedLM


def _masker(tokenizer: Any, s: PretrainSettings, seed: int | None = None) -> Any:
    from zhtext.pretrain.masking import whole_word_masker

    return whole_word_masker(mask_id=tokenizer.mask_token_id, vocab_size=len(tokenizer),
                             pad_id=tokenizer.pad_token_id,
                             first_normal_id=len(tokenizer.all_special_ids),
                             mask_prob=s.mask_prob, seed=seed)


def _probe_seconds(model: Any, masker: Any, train: Any, s: PretrainSettings) -> float:
    """Seconds per optimiser step, from two timed forward/backward passes (no update)."""
    n = min(len(train), s.batch_size)
    batch = masker([train[i] for i in range(n)])
    model.train()
    times = []
    for _ in range(2):
        t = time.perf_counter()
        model(**batch).loss.backward()
        times.append(time.perf_counter() - t)
    model.zero_grad(set_to_none=True)
    return min(times) * s.gradient_accumulation * s.batch_size / max(1, n)


def _held_out(model: Any, held: Any, tokenizer: Any, s: PretrainSettings) -> dict[str, Any]:
    """Masked-LM loss and accuracy on the held-out blocks (fixed masks)."""
    import torch

    if len(held) == 0:
        return {"held_out_loss": None, "held_out_accuracy": None}
    masker = _masker(tokenizer, s, seed=1234)
    total_loss, correct, n = 0.0, 0, 0
    device = next(model.parameters()).device
    with torch.no_grad():
        for i in range(0, len(held), 64):
            batch = masker([held[j] for j in range(i, min(len(held), i + 64))])
            batch = {k: v.to(device) for k, v in batch.items()}
            out = model(**batch)
            picked = batch["labels"][batch["labels"] != -100]
            k = int(picked.numel())
            total_loss += float(out.loss) * k
            correct += int((out.logits.argmax(-1) == picked).sum())
            n += k
    return {"held_out_loss": round(total_loss / max(1, n), 4),
            "held_out_accuracy": round(correct / max(1, n), 4),
            "held_out_perplexity": round(math.exp(min(50.0, total_loss / max(1, n))), 2)}
