"""Numbers as people read them: rounded to what they mean, by their name.

:func:`shown` is the one function that turns a figure into text for a person (HTML reports,
leaderboards on a terminal, log lines, summaries). Files for programs (JSON) keep full
precision; only what is shown is rounded:

* times (``*_seconds``, ``seconds``, ``*_ms``) and sizes (``*_mb``, ``mb``): 1 decimal;
* scores in [0, 1] (accuracy, precision, recall, F1, AUC, coherence, score): 4 decimals;
* losses: 4 significant digits (``7.893``);
* rates (``*_per_second``): whole numbers with thousands separators;
* learning rates: 3 significant digits (``5e-05``);
* counts (integers): thousands separators (``5,000``); booleans as ``True`` / ``False``;
* any other float: 4 significant digits, trailing zeros dropped.

A time or size under 0.1 keeps two significant digits (``0.031``): rounding it to ``0.0``
would say it is nothing.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["kind_of", "shown"]

_SCORES = frozenset({"accuracy", "precision", "recall", "f1", "auc", "coherence", "score",
                     "map", "ndcg", "mrr", "p", "r"})
_DURATIONS = ("seconds", "_ms", "minutes", "_s")
_SIZES = ("_mb", "mb", "megabytes", "_gb")


def kind_of(name: str | None) -> str:
    """What a figure called ``name`` measures (``time``, ``size``, ``score``, ``loss``...).

    One of ``time``, ``size``, ``score``, ``loss``, ``rate``, ``learning_rate``, ``other``.
    The name is matched without case, spaces and dashes counting as underscores
    (``dev accuracy``, ``model_mb``, ``eval_loss``, ``tokens_per_second``).
    """
    if not name:
        return "other"
    n = name.strip().lower().replace(" ", "_").replace("-", "_")
    if "learning_rate" in n or n in ("lr", "encoder_lr"):
        return "learning_rate"
    if n.endswith(("per_second", "per_sec", "_per_s", "/s")) or n in ("throughput", "req_s"):
        return "rate"
    if "loss" in n or n in ("perplexity",):
        return "loss"
    if n.endswith(_DURATIONS) or n in ("time", "latency", "elapsed"):
        return "time"
    if n.endswith(_SIZES) or n in ("size_mb", "mb"):
        return "size"
    if set(re.split(r"[^a-z0-9]+", n)) & _SCORES:
        return "score"
    return "other"


def _significant(f: float, digits: int) -> str:
    """``f`` with ``digits`` significant digits, never in scientific notation."""
    if f == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(f))))
    text = f"{f:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def shown(value: Any, name: str | None = None) -> str:
    """``value`` as text for a person, rounded by what ``name`` measures (see the module doc).

    Args:
        value: A number, ``None`` (shown as an em dash), a list or mapping (JSON), or anything
            else (``str``).
        name: The figure's name (a column, a key: ``train_seconds``, ``accuracy``...).

    Returns:
        The text.
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f):
            return str(f)
        kind = kind_of(name)
        if kind in ("time", "size"):
            return f"{f:,.1f}" if f == 0 or abs(f) >= 0.1 else _significant(f, 2)
        if kind == "score":
            return f"{f:.4f}"
        if kind == "loss":
            return _significant(f, 4)
        if kind == "rate":
            return f"{f:,.0f}" if abs(f) >= 100 else _significant(f, 3)
        if kind == "learning_rate":
            return f"{f:.3g}"
        if f.is_integer() and abs(f) < 1e15:
            return f"{int(f):,}"
        return _significant(f, 4)
    if isinstance(value, (Mapping, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
