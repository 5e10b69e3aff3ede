"""Encoders with heads as modules: built on an encoder, saved and loaded the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

import torch
from tests.tiny_encoder import build_tiny_encoder

from zhtext.errors import InputError
from zhtext.neural.encoder import load_tokenizer_and_config, reading_saved_model
from zhtext.neural.heads.base import EncoderWithHead
from zhtext.neural.heads.cnn import BertCnnConfig, BertCnnForSequenceClassification
from zhtext.neural.heads.token import TokenTagger, TokenTaggerConfig

TEXT = "我们在北京买书今天天气很好"


@pytest.fixture(scope="module")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_encoder(tmp_path_factory.mktemp("enc") / "tiny", [TEXT])


def _heads(encoder: Path) -> list[EncoderWithHead]:
    labels = {"num_labels": 3, "id2label": {0: "a", 1: "b", 2: "c"},
              "label2id": {"a": 0, "b": 1, "c": 2}}
    return [
        BertCnnForSequenceClassification.from_encoder(
            str(encoder), BertCnnConfig(kernel_sizes=[2, 3], num_filters=4, **labels)),
        TokenTagger.from_encoder(str(encoder), TokenTaggerConfig(crf=True, **labels)),
        TokenTagger.from_encoder(str(encoder), TokenTaggerConfig(crf=False, **labels)),
    ]


def test_heads_save_and_load_like_any_model(encoder: Path, tmp_path: Path) -> None:
    tokenizer, _ = load_tokenizer_and_config(str(encoder))
    batch = tokenizer([TEXT, TEXT[:4]], padding=True, return_tensors="pt")
    torch.manual_seed(0)
    for i, model in enumerate(_heads(encoder)):
        assert type(model).__qualname__ == type(model).__name__  # a module-level class
        model.eval()
        d = tmp_path / str(i)
        model.save_pretrained(d, safe_serialization=True)
        assert (d / "model.safetensors").is_file() and not list(d.glob("*.bin"))
        again = type(model).from_pretrained(d, use_safetensors=True).eval()
        assert again.config.encoder_config["hidden_size"] == 32
        with torch.inference_mode():
            a = model(**batch).logits
            b = again(**batch).logits
        torch.testing.assert_close(a, b)


def test_token_tagger_decodes_the_tagged_positions(encoder: Path) -> None:
    model = _heads(encoder)[1].eval()
    logits = torch.randn(2, 5, 3)
    mask = torch.tensor([[0, 1, 1, 0, 1], [0, 1, 0, 0, 0]])
    paths = model.decode(logits, mask)
    assert [len(p) for p in paths] == [3, 1]
    probs = model.marginals(logits, mask)
    assert probs.shape == (2, 3, 3)
    torch.testing.assert_close(probs[0].sum(1), torch.ones(3))


def test_load_errors_name_the_fix(encoder: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"cannot load encoder .*give a local directory"):
        load_tokenizer_and_config(str(tmp_path / "nothing"))
    model = _heads(encoder)[1]
    model.save_pretrained(tmp_path / "m", safe_serialization=True)
    weights = tmp_path / "m" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(InputError, match="the directory is damaged or incomplete"), \
            reading_saved_model(tmp_path / "m"):
        TokenTagger.from_pretrained(tmp_path / "m", use_safetensors=True)
