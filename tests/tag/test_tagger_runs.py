"""``Tagger.fit(output_dir=...)``: the run directory of ``tag train -o``, from Python."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.tag.conftest import FAST

import zhtext
from zhtext.errors import InputError, ZhtextError
from zhtext.io.tagged import read_tagged
from zhtext.tag import Tagger


def test_crf_fit_with_output_dir_saves_the_model(corpora: Path, tmp_path: Path) -> None:
    train = read_tagged(corpora / "pd.txt")
    dev = read_tagged(corpora / "pd_dev.txt")
    out = tmp_path / "m"
    tagger = Tagger("cws", settings=FAST).fit(train, dev, output_dir=out)
    assert (out / "zhtext.json").is_file() and (out / "metrics.json").is_file()
    assert not (out / "training.json").exists()  # a CRF trains in one go: no checkpoints
    again = zhtext.load(out)
    text = dev[0].text
    assert again.predict([text]) == tagger.predict([text])
    with pytest.raises(ZhtextError, match=r"already exists.*--force"):
        Tagger("cws", settings=FAST).fit(train, output_dir=out)
    with pytest.raises(InputError, match="--resume applies to checkpointed runs"):
        Tagger("cws", settings=FAST).fit(train, output_dir=out, resume=True)
    Tagger("cws", settings=FAST).fit(train, output_dir=out, force=True)
    assert zhtext.load(out).history["chars"]["iterations"] > 0


def test_bad_settings_make_no_directory(corpora: Path, tmp_path: Path) -> None:
    train = read_tagged(corpora / "pd.txt")
    with pytest.raises(ZhtextError):
        Tagger("cws", c1="many").fit(train, output_dir=tmp_path / "m")
    assert not (tmp_path / "m").exists()
