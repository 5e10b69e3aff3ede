"""Text classification: ``TextClassifier`` over TF-IDF + linear, TextCNN and encoders.

Data files are read by :mod:`zhtext.io.tabular` (``read_data``, ``iter_batches``). Heavy
libraries (scikit-learn, torch, transformers) load only when a method needs them.
"""

from __future__ import annotations

from zhtext.classify.classifier import METHODS, TextClassifier, method_settings
from zhtext.records import Prediction

__all__ = [
    "METHODS",
    "Prediction",
    "TextClassifier",
    "method_settings",
]
