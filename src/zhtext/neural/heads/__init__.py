"""Encoders with heads, one module each, every one a ``PreTrainedModel`` with its own config.

- :mod:`~zhtext.neural.heads.base`: an encoder (any ``AutoModel``) whose config travels inside
  the head's config, so ``save_pretrained`` writes encoder and head together (safetensors) and
  ``from_pretrained`` reads them back without the encoder's original directory.
- :mod:`~zhtext.neural.heads.linear`: encoder + linear layer over the pooled text
  (``AutoModelForSequenceClassification``: classify ``bert``).
- :mod:`~zhtext.neural.heads.cnn`: encoder + convolutions of several widths, max-pooled
  (classify ``bert-cnn``).
- :mod:`~zhtext.neural.heads.token`: encoder + linear layer per token, optionally a CRF on top
  (tag ``bert``).
- :mod:`~zhtext.neural.heads.crf`: the linear-chain CRF layer.

The modules import torch and transformers when imported; this package itself imports nothing.
"""
