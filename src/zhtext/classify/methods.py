"""The classification methods by name: one line each (a :class:`ClassifierBackend`)."""

from __future__ import annotations

from zhtext.registry import Methods

__all__ = ["METHODS"]

METHODS = Methods("classify", {
    "linear": "zhtext.classify.linear:LinearClassifier",
    "textcnn": "zhtext.classify.neural:NeuralClassifier",
    "bert": "zhtext.classify.neural:NeuralClassifier",
    "bert-cnn": "zhtext.classify.neural:NeuralClassifier",
}, aliases={"linear.v1": "linear", "textcnn.v1": "textcnn", "bert.v1": "bert",
            "bert-cnn.v1": "bert-cnn"})
