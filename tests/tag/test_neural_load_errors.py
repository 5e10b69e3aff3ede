"""The neural tagger: a missing encoder path is named, a bug while loading is not hidden."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")

from tests.tiny_encoder import build_tiny_encoder

from zhtext.errors import InputError
from zhtext.neural.encoder import looks_like_path, reading_saved_model
from zhtext.tag.neural import NeuralTagger, NeuralTaggerSettings

FIT = {"labels": ["O", "B-LOC", "I-LOC"], "outside": "O"}


@pytest.mark.parametrize("name", ["./missing-encoder", "~/zhtext-missing-encoder-7f3a",
                                  "a/b/missing"])
def test_a_missing_encoder_path_is_an_error_naming_it(tmp_path: Path, name: str) -> None:
    tagger = NeuralTagger(NeuralTaggerSettings(model=name, tensorboard=False))
    with pytest.raises(InputError, match="no such directory") as err:
        tagger.fit([["北"]], [["B-LOC"]], output_dir=tmp_path, **FIT)
    assert repr(name) in str(err.value)


def test_hub_names_are_not_paths() -> None:
    assert not looks_like_path("bert-base-chinese")
    assert not looks_like_path("google-bert/bert-base-chinese")
    assert looks_like_path("./m") and looks_like_path("~/m") and looks_like_path("/m")


def test_a_bug_while_loading_a_tagger_keeps_its_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from zhtext.neural.heads.token import TokenTagger

    d = build_tiny_encoder(tmp_path / "enc", ["北京上海我们在"])  # config.json and a tokenizer
    shutil.copytree(d, tmp_path / "m")

    def broken(*args: object, **kwargs: object) -> None:
        raise AttributeError("'TokenTagger' object has no attribute 'crf_'")

    monkeypatch.setattr(TokenTagger, "from_pretrained", broken)
    with caplog.at_level(logging.ERROR), pytest.raises(AttributeError, match="crf_"):
        NeuralTagger.load(tmp_path / "m", {"settings": {}})
    assert any("bug in zhtext" in r.getMessage() for r in caplog.records)


def test_reading_saved_model_turns_only_bad_input_into_input_errors(tmp_path: Path) -> None:
    for bad in (OSError("no such file"), ValueError("bad JSON"), EOFError()):
        with pytest.raises(InputError, match="damaged or incomplete"), \
                reading_saved_model(tmp_path):
            raise bad
    for bug in (KeyError("x"), TypeError("x"), IndexError("x"), RuntimeError("x")):
        with pytest.raises(type(bug)), reading_saved_model(tmp_path):
            raise bug
