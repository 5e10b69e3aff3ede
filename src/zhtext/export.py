"""ONNX export of neural classifiers, dynamic int8 quantisation, and a parity check.

``zhtext export DIR --format onnx [--int8] -o OUT`` turns a ``textcnn``, ``bert`` or ``bert-cnn``
classifier (LoRA adapters merged) into a classifier directory whose forward pass is an ONNX
graph: ``torch.onnx`` writes it with dynamic batch and length axes, onnxruntime's transformer
optimiser fuses the encoder's attention and layer norms, and with ``--int8``
``onnxruntime.quantization.quantize_dynamic`` stores the weights of the matrix products in int8
(activations are quantised on the fly). Before the directory appears, the ONNX model and the
PyTorch model score the same texts: an fp32 export must give the same probabilities (a bug
otherwise), an int8 one must agree on the top class for at least ``min_agreement`` of the
texts the PyTorch model does not score as near ties.
The figures go into ``zhtext.json``; ``zhtext classify predict`` / ``evaluate`` / ``serve`` run
the result like any classifier.
"""

from __future__ import annotations

import contextlib
import logging
import random
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from zhtext.errors import InputError, ZhtextError

__all__ = ["ExportReport", "export_onnx"]

logger = logging.getLogger(__name__)

_FP32_TOLERANCE = 1e-3  # largest probability difference an fp32 export may show
_NEAR_TIE = 0.02  # best two classes closer than this: a top-class flip is not counted
_INPUTS = ("input_ids", "attention_mask", "token_type_ids", "bigram_ids", "word_ids")
_OWN_KEYS = ("format_version", "task", "method", "created_at", "created_with")


@dataclass
class ExportReport:
    """What an export did and how closely the ONNX model follows the PyTorch one."""

    path: str
    method: str
    int8: bool
    opset: int
    fused: bool
    size_bytes: int
    source_size_bytes: int
    check_texts: int
    check_source: str
    max_abs_diff: float
    top1_agreement: float

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return asdict(self)


def _synthetic_texts(neural: Any, n: int, seed: int) -> list[str]:
    """Texts of random characters from the model's vocabulary, of mixed lengths."""
    tokens = neural.export_tokens()
    if not tokens:
        tokens = list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会")
    rng = random.Random(seed)
    top = max(8, min(2 * neural.max_length_, 300))
    return ["".join(rng.choice(tokens) for _ in range(rng.randint(4, top))) for _ in range(n)]


def _wrapper(model: Any, names: Sequence[str]) -> Any:
    from torch import nn

    class Logits(nn.Module):  # a plain signature with positional tensors for the exporter
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *args: Any) -> Any:
            return self.model(**dict(zip(names, args))).logits

    return Logits().eval()


def _convs_as_matmuls(model: Any) -> Any:
    """A copy of ``model`` whose convolution bank is one matrix product (``UnfoldedConvs``).

    The same function, but onnxruntime quantises a ``MatMul`` with constant weights into its
    fast int8 kernels, while its ``ConvInteger`` is slower than a float convolution.
    """
    import copy

    from torch import nn

    from zhtext.neural.conv import UnfoldedConvs

    convs = getattr(model, "convs", None)
    if not isinstance(convs, nn.ModuleList) or isinstance(convs, UnfoldedConvs):
        return model
    out = copy.deepcopy(model)
    out.convs = UnfoldedConvs(convs)
    return out.eval()


def _eager_attention(model: Any) -> None:
    """Trace attention as plain operations, which onnxruntime's optimiser fuses."""
    for module in model.modules():  # the outermost model that takes it sets all inside it
        setter = getattr(module, "set_attn_implementation", None)
        if callable(setter):
            try:
                setter("eager")
            except (ValueError, AttributeError, TypeError, NotImplementedError):
                continue  # a wrapper (bert-cnn's head) or an old model: try the next one
            return


def _torch_export(neural: Any, path: Path, sample: dict[str, np.ndarray], opset: int) -> None:
    import warnings

    import torch

    names = [k for k in _INPUTS if k in sample]
    args = tuple(torch.from_numpy(sample[k]) for k in names)
    axes = {k: {0: "batch", 1: "length"} for k in names}
    axes["logits"] = {0: "batch"}
    model = _convs_as_matmuls(neural.model_.float().cpu().eval())
    _eager_attention(model)
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(_wrapper(model, names), args, str(path), input_names=names,
                          output_names=["logits"], dynamic_axes=axes, opset_version=opset,
                          dynamo=False, do_constant_folding=True)


def _fuse(neural: Any, src: Path, dest: Path) -> bool:
    """Fuse attention / layer norm / GELU subgraphs of an encoder (onnxruntime's optimiser)."""
    if not neural.export_fusable():
        return False
    cfg = getattr(neural.model_.config, "encoder_config", None) or neural.model_.config.to_dict()
    heads, hidden = int(cfg.get("num_attention_heads", 0)), int(cfg.get("hidden_size", 0))
    if not heads or not hidden or cfg.get("model_type", "bert") not in ("bert", "roberta",
                                                                        "ernie", "electra"):
        return False
    try:
        from onnxruntime.transformers import optimizer

        opt = optimizer.optimize_model(str(src), model_type="bert", num_heads=heads,
                                       hidden_size=hidden, opt_level=1)
        opt.save_model_to_file(str(dest))
    except Exception as e:  # an unfused graph is still correct, only slower
        logger.warning("attention fusion skipped (%s: %s)", type(e).__name__, e)
        return False
    return True


def _quantize(src: Path, dest: Path) -> None:
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Fused graphs hold contrib ops that shape inference cannot type: their outputs are float.
    # The quantiser logs notes about those on the root logger: nothing a user can act on.
    with _root_logging_at(logging.ERROR):
        quantize_dynamic(str(src), str(dest), weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul", "Gemm", "Attention", "Conv"],
                         extra_options={"MatMulConstBOnly": True,
                                        "DefaultTensorType": TensorProto.FLOAT})


@contextlib.contextmanager
def _root_logging_at(level: int) -> Iterator[None]:
    """Raise the root logger's level for a block."""
    root = logging.getLogger()
    saved = root.level
    root.setLevel(max(level, root.level))
    try:
        yield
    finally:
        root.setLevel(saved)


def _load_texts(path: Path) -> list[str]:
    from zhtext.io.tabular import read_data

    texts = [t for t in read_data(path, require_labels=False).texts if t.strip()]
    if not texts:
        raise InputError("no texts to check the export with", path=str(path))
    return texts


def export_onnx(
    model_dir: str | Path,
    out: str | Path,
    *,
    int8: bool = False,
    check: str | Path | None = None,
    check_size: int = 256,
    min_agreement: float = 0.95,
    opset: int = 17,
    force: bool = False,
) -> ExportReport:
    """Export a neural classifier directory to an ONNX classifier directory.

    Args:
        model_dir: A ``textcnn``, ``bert`` or ``bert-cnn`` directory of ``classify train``.
        out: The new directory (an error if it exists, unless ``force``).
        int8: Quantise the weights of matrix products and convolutions to int8.
        check: Texts (any format ``classify predict`` reads) to compare ONNX and PyTorch on;
            by default ``check_size`` texts of random characters from the model's vocabulary.
        check_size: Texts checked (the first ones of ``check``).
        min_agreement: Least share of check texts whose top class must match (int8).
        opset: ONNX opset.
        force: Replace ``out``.

    Raises:
        InputError: Not a neural classifier, ``out`` exists, or unreadable check texts.
        ZhtextError: The exported model does not reproduce the PyTorch model's predictions.
    """
    from zhtext.artifacts import read_manifest, write_artifact
    from zhtext.classify.classifier import TextClassifier

    src = Path(model_dir)
    manifest = read_manifest(src)
    if manifest.get("task") != "classify":
        raise InputError(f"'zhtext export' exports classifiers; this is a "
                         f"{manifest.get('task')!r} model", path=str(src))
    if manifest.get("runtime") == "onnx":
        raise InputError("this model is already an ONNX export; export its PyTorch source "
                         f"({manifest.get('onnx', {}).get('source', 'the original directory')})",
                         path=str(src))
    from zhtext.classify.classifier import backend_class
    from zhtext.classify.methods import METHODS

    method = manifest.get("method")
    if (not isinstance(method, str) or method not in METHODS
            or not backend_class(method).exportable):
        raise InputError(f"ONNX export covers textcnn, bert and bert-cnn; a {method!r} model "
                         "needs no export (serve or predict with the directory itself)",
                         path=str(src))
    dest = Path(out)
    if dest.exists() and not force:
        raise InputError("output directory already exists; choose another path or pass "
                         "--force to replace it", path=str(dest))
    if not 0.0 <= min_agreement <= 1.0:
        raise InputError(f"--min-agreement should be between 0 and 1, got {min_agreement}")
    given = _load_texts(Path(check))[:check_size] if check is not None else None
    neural = TextClassifier.load(src, manifest).model_
    texts = given if given is not None else _synthetic_texts(neural, check_size, seed=0)
    source = str(check) if check is not None else "random characters of the vocabulary"

    from zhtext.classify.neural import pad_windows
    from zhtext.classify.onnx_model import OnnxClassifier, OnnxModel, session

    feats, _ = neural._encode(texts[:2])
    sample = pad_windows([{k: v[i] for k, v in feats.items()} for i in range(len(feats[
        "input_ids"]))], neural._pad_id())
    expected = neural.predict_proba(texts)
    config = {"bigram_buckets": int(getattr(neural.model_.config, "bigram_buckets", 0) or 0),
              "word_buckets": int(getattr(neural.model_.config, "word_buckets", 0) or 0)}

    work = Path(tempfile.mkdtemp(prefix="zhtext-export-"))
    try:
        raw = work / "raw.onnx"
        _torch_export(neural, raw, sample, opset)
        fused = _fuse(neural, raw, work / "fused.onnx")
        fp32 = work / "fused.onnx" if fused else raw
        final = fp32
        if int8:
            final = work / "int8.onnx"
            _quantize(fp32, final)

        def scores(path: Path) -> np.ndarray:
            runner = OnnxClassifier.__new__(OnnxClassifier)
            runner.__dict__.update(neural.__dict__)
            runner.model_ = OnnxModel(session(path), SimpleNamespace(**config))
            return runner.predict_proba(texts)

        got32 = scores(fp32)
        diff32 = float(np.abs(got32 - expected).max())
        if diff32 > _FP32_TOLERANCE:
            raise ZhtextError(f"the ONNX export does not reproduce the PyTorch model: "
                              f"probabilities differ by up to {diff32:.2g} (allowed "
                              f"{_FP32_TOLERANCE}); please report this with the model's "
                              "method and transformers / torch versions")
        got = scores(final) if int8 else got32
        diff = float(np.abs(got - expected).max())
        same = got.argmax(1) == expected.argmax(1)
        agree = float(same.mean())
        # A text the PyTorch model scores as a near tie between its two best classes may flip
        # with any rounding: such flips say nothing about the export and are not held against it.
        top2 = np.sort(expected, axis=1)[:, -2:]
        decisive = (top2[:, 1] - top2[:, 0]) >= _NEAR_TIE
        agree_decisive = float(same[decisive].mean()) if decisive.any() else 1.0
        if agree_decisive < min_agreement:
            raise ZhtextError(f"int8 quantisation changes the top class of "
                              f"{100 * (1 - agree_decisive):.1f}% of the {int(decisive.sum())} "
                              f"check texts with a clear best class (more than "
                              f"{100 * (1 - min_agreement):.1f}% allowed by --min-agreement); "
                              "export without --int8, or check with real texts (--check FILE)")

        report = ExportReport(
            path=str(dest), method=str(method), int8=int8, opset=opset, fused=fused,
            size_bytes=final.stat().st_size, source_size_bytes=_size(src / "model"),
            check_texts=len(texts), check_source=source, max_abs_diff=diff,
            top1_agreement=agree)

        def build(tmp: Path) -> dict[str, Any]:
            shutil.copyfile(final, tmp / "model.onnx")
            neural.export_tokenizer(src, tmp)
            kept = {k: v for k, v in manifest.items() if k not in _OWN_KEYS}
            kept.pop("adapter", None)
            neural_info = dict(kept.get("neural", {}))
            neural_info.pop("history", None)
            kept["neural"] = neural_info
            return {**kept, "runtime": "onnx",
                    "onnx": {"file": "model.onnx", "int8": int8, "opset": opset,
                             "fused": fused, "config": config, "source": str(src.resolve()),
                             "parity": {"check_texts": len(texts), "check_source": source,
                                        "max_abs_diff": diff, "fp32_max_abs_diff": diff32,
                                        "top1_agreement": agree,
                                        "top1_agreement_clear": agree_decisive,
                                        "near_ties": int((~decisive).sum())}}}

        write_artifact(dest, task="classify", method=str(method), build=build, force=force)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0
