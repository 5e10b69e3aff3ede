"""Parameter-efficient fine-tuning: adapters on an encoder + head model (today LoRA).

:func:`add_adapters` reads :class:`~zhtext.neural.settings.PeftSettings` and wraps the model
with PEFT; the head's modules train fully and are saved with the adapters. Further PEFT
methods join as one more branch on ``settings.peft_method``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from zhtext.errors import InputError
from zhtext.neural.settings import PeftSettings

__all__ = ["add_adapters", "lora_targets"]

logger = logging.getLogger(__name__)

#: Attention projections LoRA adapts by default, as (query, value) pairs of module names.
_QUERY_VALUE = (("query", "value"), ("q_proj", "v_proj"), ("q_lin", "v_lin"))
#: Fused attention projections (one module for query, key and value).
_FUSED = ("qkv", "Wqkv", "c_attn", "query_key_value")


def lora_targets(model: Any, targets: str | None) -> list[str]:
    """The module names LoRA adapts: ``targets`` (comma-separated) or the attention's.

    Raises:
        InputError: A named module is not in the model, or no attention projection is found.
    """
    names = {n.rsplit(".", 1)[-1] for n, _ in model.named_modules()}
    if targets:
        chosen = [t.strip() for t in targets.split(",") if t.strip()]
        missing = [t for t in chosen if t not in names]
        if missing:
            raise InputError(f"LoRA target modules {missing} are not in the model")
        return chosen
    chosen = next(([a, b] for a, b in _QUERY_VALUE if a in names), [])
    if not chosen:
        chosen = [n for n in _FUSED if n in names]
    if not chosen:
        raise InputError("cannot find the attention projections for LoRA; name them with "
                         "--set lora_targets=a,b")
    return chosen


def add_adapters(model: Any, settings: PeftSettings, *, task_type: str,
                 modules_to_save: Sequence[str]) -> Any:
    """``model`` with the adapters ``settings`` ask for (the model itself when none).

    Args:
        model: An encoder + head ``PreTrainedModel``.
        settings: The PEFT settings.
        task_type: PEFT's task type (``"SEQ_CLS"``, ``"TOKEN_CLS"``).
        modules_to_save: The head's modules (trained fully, saved with the adapters). PEFT
            saves modules, not module lists: name each module of a list.
    """
    method = settings.peft_method
    if method is None:
        return model
    if method != "lora":  # pragma: no cover - one method today
        raise InputError(f"unknown PEFT method {method!r}")
    from peft import LoraConfig, TaskType, get_peft_model

    targets = lora_targets(model, settings.lora_targets)
    config = LoraConfig(task_type=TaskType(task_type), r=settings.lora_r,
                        lora_alpha=settings.lora_alpha, lora_dropout=settings.lora_dropout,
                        target_modules=targets, modules_to_save=list(modules_to_save))
    from zhtext.neural.training import quiet_transformers

    with quiet_transformers():  # PEFT reads the deprecated is_gradient_checkpointing
        peft_model = get_peft_model(model, config)
    trainable, total = peft_model.get_nb_trainable_parameters()
    logger.info("LoRA on %s: %d of %d parameters trainable (%.2f%%)", targets, trainable,
                total, 100 * trainable / max(1, total))
    return peft_model
