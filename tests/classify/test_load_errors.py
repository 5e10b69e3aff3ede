"""Loading errors: a damaged directory is a clear error, a bug keeps its traceback (defect 14).

Before, every TypeError, AttributeError, KeyError or RuntimeError raised while reading a saved
neural model became "the directory is damaged or incomplete", hiding zhtext's own bugs; and a
``--model`` path that does not exist went to the hub as if it were a model name.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from tests.cli.test_cli_classify import assert_clean_error, make_rows, write_tsv, zhtext

from zhtext.classify import TextClassifier
from zhtext.errors import InputError

SMALL = {"epochs": 1, "batch_size": 16, "tensorboard": False, "num_filters": 8,
         "embedding_dim": 8, "bigram_buckets": 0, "word_buckets": 0}


@pytest.fixture(scope="module")
def saved(corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts, labels = corpus
    return TextClassifier("textcnn", **SMALL).fit(texts, labels).save(
        tmp_path_factory.mktemp("load") / "m")


def test_a_bug_while_loading_keeps_its_traceback(saved: Path, monkeypatch: pytest.MonkeyPatch,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    from zhtext.classify.textcnn import TextCNNForSequenceClassification

    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("unexpected keyword argument 'dtypes'")  # as a zhtext bug would

    monkeypatch.setattr(TextCNNForSequenceClassification, "from_pretrained", broken)
    with caplog.at_level(logging.ERROR), pytest.raises(TypeError, match="dtypes") as err:
        TextClassifier.load(saved)
    assert not isinstance(err.value, InputError)
    assert any("bug in zhtext" in note for note in getattr(err.value, "__notes__", []))
    assert sum("bug in zhtext" in r.getMessage() for r in caplog.records) == 1


def test_weights_that_do_not_fit_the_config_are_a_damaged_directory(saved: Path,
                                                                     tmp_path: Path) -> None:
    import shutil

    d = tmp_path / "m"
    shutil.copytree(saved, d)
    config = d / "model" / "config.json"
    values = json.loads(config.read_text(encoding="utf-8"))
    values["num_filters"] = 16  # saved with 8
    config.write_text(json.dumps(values), encoding="utf-8")
    with pytest.raises(InputError, match="damaged or incomplete") as err:
        TextClassifier.load(d)
    assert err.value.path == str(d)


@pytest.mark.parametrize("name", ["./no-such-encoder", "../no-such-encoder",
                                  "~/zhtext-no-such-encoder-7f3a"])
def test_a_missing_model_path_is_named_not_looked_up(tmp_path: Path, name: str) -> None:
    train = write_tsv(tmp_path / "train.tsv", make_rows(4))
    (tmp_path / "w").mkdir()
    out = zhtext("classify", "train", "--method", "bert", "--train", train, "-o",
                 tmp_path / "m", "--model", name, cwd=tmp_path / "w")
    assert_clean_error(out, repr(name), "no such directory")
    assert not (tmp_path / "m").exists()
