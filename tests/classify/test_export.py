"""ONNX export (fp32 and int8) of textcnn, bert and bert-cnn: parity, loading, CLI, errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")
pytest.importorskip("onnxruntime", reason="needs onnxruntime (pip install 'zhtext[onnx]')")
pytest.importorskip("onnx", reason="needs onnx (pip install 'zhtext[onnx]')")

from typer.testing import CliRunner

from zhtext.artifacts import load, read_manifest
from zhtext.classify import TextClassifier
from zhtext.cli.app import app
from zhtext.errors import InputError, ZhtextError
from zhtext.export import export_onnx

FAST = {"epochs": 4, "batch_size": 16, "tensorboard": False, "patience": 0}


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, corpus, tiny_encoder) -> dict[str, Path]:
    texts, labels = corpus
    root = tmp_path_factory.mktemp("export")
    models = {
        "textcnn": TextClassifier("textcnn", bigram_buckets=500, word_buckets=500,
                                  num_filters=16, embedding_dim=16, learning_rate=5e-3, **FAST),
        "bert": TextClassifier("bert", model=str(tiny_encoder), learning_rate=5e-3, **FAST),
        "bert-cnn": TextClassifier("bert-cnn", model=str(tiny_encoder), learning_rate=1e-3,
                                   num_filters=16, **FAST),
    }
    out = {}
    for name, clf in models.items():
        clf.fit(texts, labels)
        out[name] = clf.save(root / name)
    linear = TextClassifier("linear").fit(texts, labels)
    out["linear"] = linear.save(root / "linear")
    # Texts of the task to check int8 exports on: random characters put tiny models near ties,
    # where a quantised weight may flip a class that means nothing.
    (root / "check.txt").write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    out["check"] = root / "check.txt"
    return out


@pytest.mark.parametrize("method", ["textcnn", "bert", "bert-cnn"])
@pytest.mark.integration
def test_export_reproduces_the_pytorch_model(method, trained, corpus, tmp_path: Path) -> None:
    texts, _ = corpus
    src = trained[method]
    probe = [*texts, "".join(texts[:12])]  # one text longer than the window: several windows
    expected = TextClassifier.load(src).predict_proba(probe)

    report = export_onnx(src, tmp_path / "fp32")
    assert report.top1_agreement == 1.0 and report.max_abs_diff < 1e-4
    onnx_clf = load(tmp_path / "fp32")
    assert type(onnx_clf.model_).__name__ == "OnnxClassifier"
    got = onnx_clf.predict_proba(probe)
    np.testing.assert_allclose(got, expected, atol=1e-4)
    assert [p.label for p in onnx_clf.predict(texts)] == \
        [p.label for p in TextClassifier.load(src).predict(texts)]

    report8 = export_onnx(src, tmp_path / "int8", int8=True, check=trained["check"],
                          check_size=64)
    manifest = read_manifest(tmp_path / "int8")
    assert manifest["runtime"] == "onnx" and manifest["onnx"]["int8"] is True
    parity = manifest["onnx"]["parity"]
    assert parity["check_texts"] == 64 and parity["top1_agreement_clear"] >= 0.95
    assert 0 <= parity["near_ties"] <= 64
    assert report8.max_abs_diff > 0  # quantised weights do change the scores, a little
    got8 = load(tmp_path / "int8").predict_proba(probe)
    assert (got8.argmax(1) == expected.argmax(1)).mean() >= 0.9
    assert np.abs(got8 - expected).max() < 0.1
    files = {p.name for p in (tmp_path / "int8").rglob("*") if p.is_file()}
    assert "model.onnx" in files
    assert not any(name.endswith((".bin", ".pkl", ".pt", ".safetensors")) for name in files)


def test_onnx_model_runs_without_torch_weights(trained, corpus, tmp_path: Path) -> None:
    """The export stands alone: the PyTorch directory can go away."""
    import shutil

    texts, _ = corpus
    src = tmp_path / "src"
    shutil.copytree(trained["bert"], src)
    export_onnx(src, tmp_path / "onnx", check=None, check_size=16)
    expected = TextClassifier.load(src).predict_proba(texts)
    shutil.rmtree(src)
    np.testing.assert_allclose(load(tmp_path / "onnx").predict_proba(texts), expected,
                               atol=1e-4)


@pytest.mark.integration
def test_export_cli_and_predict_with_onnx(trained, corpus, tmp_path: Path) -> None:
    texts, labels = corpus
    data = tmp_path / "check.tsv"
    data.write_text("".join(f"{t}\t{y}\n" for t, y in zip(texts, labels)), encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "onnx"
    result = runner.invoke(app, ["export", str(trained["textcnn"]), "--format", "onnx",
                                 "--int8", "-o", str(out), "--check", str(data)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["int8"] is True and report["check_texts"] == len(texts)
    assert report["check_source"] == str(data)
    # refuses to overwrite without --force; replaces with it
    again = runner.invoke(app, ["export", str(trained["textcnn"]), "-o", str(out)])
    assert again.exit_code != 0 and "--force" in str(again.exception or again.output)
    forced = runner.invoke(app, ["export", str(trained["textcnn"]), "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert read_manifest(out)["onnx"]["int8"] is False
    # classify predict / evaluate run the ONNX directory like any classifier
    pred = runner.invoke(app, ["classify", "predict", str(out), str(data)])
    assert pred.exit_code == 0, pred.output
    rows = [json.loads(line) for line in pred.stdout.strip().splitlines()]
    assert len(rows) == len(texts)
    expected = TextClassifier.load(trained["textcnn"]).predict(texts)
    assert [r["label"] for r in rows] == [p.label for p in expected]
    ev = runner.invoke(app, ["classify", "evaluate", str(out), str(data)])
    assert ev.exit_code == 0, ev.output
    assert "accuracy" in ev.output.lower()


def test_export_errors(trained, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match=r"linear.*needs no export"):
        export_onnx(trained["linear"], tmp_path / "x")
    with pytest.raises(InputError, match="not found"):
        export_onnx(tmp_path / "missing", tmp_path / "x")
    with pytest.raises(InputError, match=r"no-such\.txt: no such file"):
        export_onnx(trained["textcnn"], tmp_path / "x", check=tmp_path / "no-such.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError):
        export_onnx(trained["textcnn"], tmp_path / "x", check=empty)
    export_onnx(trained["textcnn"], tmp_path / "onnx", check_size=8)
    with pytest.raises(InputError, match="already an ONNX export"):
        export_onnx(tmp_path / "onnx", tmp_path / "y")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()

    # an export that does not reproduce its model is refused, and leaves nothing behind
    monkeypatch.setattr("zhtext.export._FP32_TOLERANCE", -1.0)
    with pytest.raises(ZhtextError, match="does not reproduce"):
        export_onnx(trained["textcnn"], tmp_path / "bad", check_size=8)
    assert not (tmp_path / "bad").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".bad")]


def test_damaged_onnx_directory(trained, tmp_path: Path) -> None:
    out = tmp_path / "onnx"
    export_onnx(trained["bert"], out, check_size=8)
    (out / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(InputError, match="cannot load the ONNX model"):
        load(out)
    (out / "model.onnx").unlink()
    with pytest.raises(InputError, match="missing"):
        load(out)
    runner = CliRunner()
    result = runner.invoke(app, ["export", str(trained["bert"]), "-o", str(tmp_path / "z"),
                                 "--format", "tflite"])
    assert result.exit_code != 0
    assert "unknown export format" in str(result.exception)
    export_onnx(trained["bert"], tmp_path / "o2", check_size=8)
    with pytest.raises(InputError, match="cannot be saved"):
        load(tmp_path / "o2").save(tmp_path / "o3")
    assert not (tmp_path / "o3").exists()


@pytest.mark.integration
def test_serve_runs_an_onnx_classifier(trained, corpus, tmp_path: Path) -> None:
    pytest.importorskip("fastapi", reason="needs the serve extras (pip install 'zhtext[serve]')")
    pytest.importorskip("httpx", reason="needs httpx (in the dev extras)")
    from fastapi.testclient import TestClient

    from zhtext.serve.app import create_app
    from zhtext.serve.models import ModelRegistry

    texts, _ = corpus
    export_onnx(trained["bert-cnn"], tmp_path / "onnx", int8=True, check=trained["check"])
    registry = ModelRegistry.load([f"news={tmp_path / 'onnx'}"])
    expected = load(tmp_path / "onnx").predict(texts[:5])
    with TestClient(create_app(registry)) as client:  # type: ignore[arg-type]
        r = client.post("/v1/classify", json={"texts": texts[:5]})
        assert r.status_code == 200, r.text
        got = r.json()["results"]
        assert [g["label"] for g in got] == [p.label for p in expected]
        models = client.get("/v1/models").json()
        assert any(m.get("name") == "news" for m in str_dicts(models))


def str_dicts(payload: object) -> list[dict[str, object]]:
    """Every dict inside a JSON payload (the model listing's shape does not matter here)."""
    out: list[dict[str, object]] = []
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            out.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


@pytest.mark.integration
def test_int8_export_that_changes_predictions_is_refused(trained, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import onnx
    from onnx import helper

    def flipped(src: Path, dest: Path) -> None:  # a "quantiser" that negates the logits
        model = onnx.load(str(src))
        graph = model.graph
        out = graph.output[0].name
        for node in graph.node:
            node.output[:] = [f"{o}_raw" if o == out else o for o in node.output]
        graph.node.append(helper.make_node("Neg", [f"{out}_raw"], [out]))
        onnx.save(model, str(dest))

    monkeypatch.setattr("zhtext.export._quantize", flipped)
    with pytest.raises(ZhtextError, match="changes the top class"):
        export_onnx(trained["textcnn"], tmp_path / "bad8", int8=True, check=trained["check"])
    assert not (tmp_path / "bad8").exists()
    # --min-agreement 0 accepts it (the user's call), and the figures say what happened
    report = export_onnx(trained["textcnn"], tmp_path / "ok8", int8=True,
                         check=trained["check"], min_agreement=0.0)
    assert report.top1_agreement < 0.5
