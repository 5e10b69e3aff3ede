"""``zhtext export``: a neural classifier as ONNX (optionally int8) with a parity check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def export(
    model_dir: Annotated[Path, typer.Argument(
        help="A textcnn, bert or bert-cnn directory made by 'zhtext classify train'.",
        show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="The new model directory.",
                                         show_default=False)],
    fmt: Annotated[str, typer.Option("--format", help="Export format: onnx.")] = "onnx",
    int8: Annotated[bool, typer.Option(
        "--int8", help="Quantise weights of matrix products and convolutions to int8 "
        "(onnxruntime dynamic quantisation): smaller and faster on CPUs.")] = False,
    check: Annotated[Path | None, typer.Option(
        "--check", help="Texts to compare the export with the PyTorch model on (any file "
        "'classify predict' reads; default: random texts from the model's vocabulary).",
        show_default=False)] = None,
    check_size: Annotated[int, typer.Option("--check-size", min=1,
                                            help="Texts compared.")] = 256,
    min_agreement: Annotated[float, typer.Option(
        "--min-agreement", min=0.0, max=1.0,
        help="Least share of check texts whose top class must not change (int8).")] = 0.95,
    opset: Annotated[int, typer.Option("--opset", min=14, help="ONNX opset.")] = 17,
    force: Annotated[bool, typer.Option("--force", help="Replace OUTPUT.")] = False,
) -> None:
    """Export a neural classifier to ONNX; 'classify predict/evaluate' and 'serve' run it."""
    from zhtext.errors import InputError

    if fmt != "onnx":
        raise InputError(f"unknown export format {fmt!r}; expected onnx")
    from zhtext.export import export_onnx

    report = export_onnx(model_dir, output, int8=int8, check=check, check_size=check_size,
                         min_agreement=min_agreement, opset=opset, force=force)
    typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
