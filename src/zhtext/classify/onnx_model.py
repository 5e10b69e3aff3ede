"""A neural classifier exported to ONNX (``zhtext export``), run by onnxruntime.

It tokenizes and windows texts exactly as the PyTorch model it came from (the same
:class:`~zhtext.classify.neural.NeuralClassifier` code) and only swaps the forward pass for an
onnxruntime session, so predictions, long-text windows and probabilities keep their meaning;
torch is not imported.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from zhtext.classify.neural import NeuralClassifier, NeuralSettings
from zhtext.errors import InputError
from zhtext.neural.training import first_line

__all__ = ["OnnxClassifier", "OnnxModel", "session"]

logger = logging.getLogger(__name__)


def session(path: Path, threads: int = 0) -> Any:
    """An onnxruntime CPU session of ``path`` with all graph optimisations.

    Args:
        path: The ``.onnx`` file.
        threads: Intra-op threads (0: ``OMP_NUM_THREADS`` if set, else onnxruntime's choice,
            one per physical core).
    """
    try:
        import onnxruntime as ort
    except ImportError:
        raise InputError("running an ONNX model needs onnxruntime: pip install "
                         "'zhtext[onnx]'") from None
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    threads = threads or int(os.environ.get("OMP_NUM_THREADS", "0") or 0)
    if threads:
        opts.intra_op_num_threads = threads
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


@dataclass
class OnnxModel:
    """An onnxruntime session with the bits of the model config that tokenization reads."""

    session: Any
    config: Any = field(default_factory=SimpleNamespace)

    @property
    def input_names(self) -> list[str]:
        """The graph's input names."""
        return [i.name for i in self.session.get_inputs()]


class OnnxClassifier(NeuralClassifier):
    """A ``textcnn`` / ``bert`` / ``bert-cnn`` classifier whose forward pass is ONNX."""

    def _logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        names = self.model_.input_names
        feed = {k: v for k, v in batch.items() if k in names}
        return np.asarray(self.model_.session.run(["logits"], feed)[0], dtype=np.float32)

    def save(self, d: Path) -> dict[str, Any]:
        """Not available: an exported model is saved by ``zhtext export`` only."""
        raise InputError("an ONNX model cannot be saved again; export the PyTorch model with "
                         "'zhtext export'")

    @classmethod
    def load(cls, d: Path, manifest: dict[str, Any]) -> OnnxClassifier:
        """Read a directory written by :func:`zhtext.export.export_onnx`."""
        method = manifest["method"]
        info = manifest.get("neural", {})
        onnx_info = manifest.get("onnx", {})
        settings = NeuralSettings.from_dict(info.get("settings", {}))
        settings.model = str(d / "tokenizer")
        obj = cls(method, settings)
        obj.labels_ = list(manifest["labels"])
        obj.multi_label_ = bool(manifest.get("multi_label", False))
        obj.max_length_ = int(info.get("max_length", 128))
        onnx_file = d / str(onnx_info.get("file", "model.onnx"))
        if not onnx_file.is_file():
            raise InputError(f"the ONNX model file {onnx_file.name} is missing; the directory "
                             "is damaged or incomplete (export it again)", path=str(d))
        try:
            if method == "textcnn":
                from zhtext.classify.vocab import Vocab

                obj.tokenizer_ = Vocab.load(d / "vocab.json")
            else:
                from transformers import AutoTokenizer

                obj.tokenizer_ = AutoTokenizer.from_pretrained(d / "tokenizer")
            sess = session(onnx_file)
        except InputError:
            raise
        except Exception as e:
            raise InputError(f"cannot load the ONNX model ({type(e).__name__}: "
                             f"{first_line(e)}); the directory is damaged or incomplete",
                             path=str(d)) from None
        obj.model_ = OnnxModel(sess, SimpleNamespace(**onnx_info.get("config", {})))
        return obj
