"""Every ``--set`` value of ``classify train`` is type- and range-checked (issue 18, defect 3).

Before, these values reached torch or the hashing code: a traceback (``out_channels must be
divisible by groups``, ``empty(): argument 'size'``, ``integer modulo by zero``...).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from tests.cli.test_cli_classify import assert_clean_error, make_rows, write_tsv, zhtext

from zhtext.classify import TextClassifier
from zhtext.errors import InputError


@pytest.fixture(scope="module")
def train(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tsv(tmp_path_factory.mktemp("set") / "train.tsv", make_rows(6))


@pytest.mark.parametrize(("setting", "words"), [
    ("num_filters=-5", ["`num_filters`", "positive", "-5"]),
    ("num_filters=1.5", ["`num_filters`", "an integer", "positive", "1.5"]),
    ("embedding_dim=2.5", ["`embedding_dim`", "an integer", "2.5"]),
    ("bigram_buckets=1", ["`bigram_buckets`", "at least 2", "or 0", "got 1"]),
    ("word_buckets=-3", ["`word_buckets`", "at least 2", "-3"]),
    ("dropout=NaN", ["`dropout`", "a number", "[0, 1)", "nan"]),
    ("dropout=1.5", ["`dropout`", "[0, 1)", "1.5"]),
    ("stride=2.5", ["`stride`", "an integer", "2.5"]),
    ("max_minutes=Infinity", ["`max_minutes`", "a number", "inf"]),
    ("num_filters=abc", ["`num_filters`", "an integer", "'abc'"]),
    ("class_weights=maybe", ["`class_weights`", "true or false", "'maybe'"]),
])
def test_bad_set_values_are_clean_errors(train: Path, tmp_path: Path, setting: str,
                                         words: list[str]) -> None:
    out = zhtext("classify", "train", "--method", "textcnn", "--train", train,
                 "-o", tmp_path / "m", "--set", setting, "--set", "epochs=1")
    assert_clean_error(out, *words)
    assert not (tmp_path / "m" / "zhtext.json").exists()


def test_numbers_for_text_and_float_settings_are_read_as_such() -> None:
    # --set kernel_sizes=3 arrives as the JSON number 3; epochs=2 as an int for a float.
    s = TextClassifier("textcnn", kernel_sizes=3, epochs=2)._settings()
    assert s.kernel_sizes == "3" and s.epochs == 2.0 and isinstance(s.epochs, float)


def test_the_python_api_gets_the_same_checks() -> None:
    with pytest.raises(InputError, match=r"`num_filters` should be an integer \(positive\), "
                                         r"got 2.5"):
        TextClassifier("textcnn", num_filters=2.5)._settings()
    with pytest.raises(InputError, match="`unit` should be one of char, word, got 'chars'"):
        TextClassifier("textcnn", unit="chars")._settings()
