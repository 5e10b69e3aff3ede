"""The neural core under classify, tag and pretrain: settings, training runs, encoders, heads.

The layer between :mod:`zhtext.text` and the tasks. It may import ``zhtext.errors``,
``zhtext.records``, ``zhtext.text`` and third-party libraries, never a task package; each
task builds its models from the parts here:

- :mod:`~zhtext.neural.settings`: ``TrainingSettings`` (the ``Trainer`` fields), with
  ``EncoderSettings``, ``PeftSettings``, ``EarlyStoppingSettings`` and ``WindowSettings``;
  one validation and one error text for every task.
- :mod:`~zhtext.neural.training`: the shared ``Trainer`` run, checkpoints, default encoder
  learning rates; :mod:`~zhtext.neural.distributed`: ranks and barriers under ``torchrun``.
- :mod:`~zhtext.neural.encoder`: loading an encoder (hub name or local directory) with a clear
  error, its saved config, its position limit; :mod:`~zhtext.neural.peft`: LoRA adapters.
- :mod:`~zhtext.neural.windows`: window lengths, padding, length-sorted batched inference.
- :mod:`zhtext.neural.heads`: encoder + head models (linear, CNN, token classification, CRF),
  each a ``PreTrainedModel`` saved and loaded with ``save_pretrained`` / ``from_pretrained``.

Importing this package (and ``settings``, ``windows``, ``distributed``) loads neither torch nor
transformers; the modules that need them import them inside functions or are the model
modules themselves (``heads``, ``conv``, ``loss``).
"""

from __future__ import annotations

from zhtext.neural.settings import (
    EarlyStoppingSettings,
    EncoderSettings,
    PeftSettings,
    TrainingSettings,
    WindowSettings,
)

__all__ = ["EarlyStoppingSettings", "EncoderSettings", "PeftSettings", "TrainingSettings",
           "WindowSettings"]
