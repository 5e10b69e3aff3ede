"""Text classification: ``TextClassifier`` over TF-IDF + linear, TextCNN and encoders.

Heavy libraries (scikit-learn, torch, transformers) load only when a method needs them.
"""

from __future__ import annotations

from zhtext.classify.classifier import METHODS, TextClassifier, method_settings
from zhtext.classify.data import LabeledData, read_data, read_label_names, split_data
from zhtext.records import Prediction

__all__ = [
    "METHODS",
    "LabeledData",
    "Prediction",
    "TextClassifier",
    "method_settings",
    "read_data",
    "read_label_names",
    "split_data",
]
