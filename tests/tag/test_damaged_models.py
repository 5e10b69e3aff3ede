"""A damaged CRF tag model is refused with one clear error, not a crash (issue 18, defect 14).

CRFsuite reads its model file without bounds checks: a truncated file or garbage inside it
used to kill ``zhtext tag predict`` with a segmentation fault (a worker's: BrokenProcessPool)
or end it in pycrfsuite's traceback. A manifest without its ``model`` field was a KeyError.
"""

from __future__ import annotations

import json
import random
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.tag.conftest import FAST

from zhtext.errors import InputError
from zhtext.io.tagged import read_tagged
from zhtext.tag.tagger import Tagger

pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")


@pytest.fixture(scope="module")
def model(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pos model: model.crfsuite (characters) and pos.crfsuite (words)."""
    d = tmp_path_factory.mktemp("damaged") / "pos"
    Tagger("pos", settings=FAST).fit(read_tagged(corpora / "pd.txt")).save(d)
    return d


def _garbage(b: bytes) -> bytes:
    return random.Random(0).randbytes(len(b))


def _inside_a_chunk(b: bytes) -> bytes:
    # The header and every chunk's magic and size intact; random bytes inside the attribute
    # dictionary (the second CQDB chunk): this one crashed CRFsuite in a worker.
    off_attrs = struct.unpack_from("<I", b, 12 + 4 * 7)[0]
    start = off_attrs + 32
    return b[:start] + random.Random(1).randbytes(2000) + b[start + 2000:]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "garbage": _garbage,
    "truncated": lambda b: b[: len(b) // 2],
    "empty": lambda b: b"",
    "text": lambda b: ("这不是模型。this is a text file, not a CRFsuite model\n" * 5).encode(),
    "short-text": lambda b: b"model\n",
    "appended": lambda b: b + b"\0" * 16,
    "inside-a-chunk": _inside_a_chunk,
}


def _damaged(model: Path, tmp_path: Path, file: str, damage: str) -> Path:
    d = tmp_path / "model"
    shutil.copytree(model, d)
    f = d / file
    f.write_bytes(DAMAGE[damage](f.read_bytes()))
    return d


def _predict(d: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    src = tmp_path / "in.txt"
    src.write_text("王芳今天访问杭州。\n张伟来到北京。\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "zhtext", "tag", "predict", str(d), str(src),
                           *args], capture_output=True, text=True, timeout=600)


def _assert_one_error_line(out: subprocess.CompletedProcess[str], *names: str) -> str:
    assert out.returncode not in (0, -11), (out.returncode, out.stderr)  # -11: SIGSEGV
    assert "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out.stderr
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("damage", sorted(DAMAGE))
@pytest.mark.parametrize("file", ["model.crfsuite", "pos.crfsuite"])
def test_tag_predict_refuses_a_damaged_model_file(model: Path, tmp_path: Path, file: str,
                                                  damage: str) -> None:
    d = _damaged(model, tmp_path, file, damage)
    out = _predict(d, tmp_path)
    _assert_one_error_line(out, str(d / file), "the directory is damaged or incomplete")
    assert not out.stdout


@pytest.mark.parametrize("damage", ["truncated", "inside-a-chunk"])
def test_one_process_gets_the_error_too(model: Path, tmp_path: Path, damage: str) -> None:
    d = _damaged(model, tmp_path, "model.crfsuite", damage)
    _assert_one_error_line(_predict(d, tmp_path, "--jobs", "1"), "model.crfsuite",
                           "damaged or incomplete")
    with pytest.raises(InputError, match="damaged or incomplete") as err:
        Tagger.load(d)
    assert err.value.path == str(d / "model.crfsuite")


def test_a_whole_model_still_loads_and_so_does_one_saved_without_a_checksum(
        model: Path, tmp_path: Path) -> None:
    out = _predict(model, tmp_path)
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) == 2
    d = tmp_path / "old"
    shutil.copytree(model, d)
    manifest = json.loads((d / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["model"].pop("sha256") and manifest["pos_model"].pop("sha256")
    (d / "zhtext.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert Tagger.load(d).predict(["王芳今天访问杭州。"]) == \
        Tagger.load(model).predict(["王芳今天访问杭州。"])


def _edit_manifest(model: Path, tmp_path: Path, edit: Callable[[dict[str, object]], None]
                   ) -> Path:
    d = tmp_path / "model"
    shutil.copytree(model, d)
    manifest = json.loads((d / "zhtext.json").read_text(encoding="utf-8"))
    edit(manifest)
    (d / "zhtext.json").write_text(json.dumps(manifest), encoding="utf-8")
    return d


@pytest.mark.parametrize("field", ["model", "tag_task", "method"])
def test_a_manifest_without_a_required_field_names_the_file_and_the_field(
        model: Path, tmp_path: Path, field: str) -> None:
    d = _edit_manifest(model, tmp_path, lambda m: m.pop(field))
    line = _assert_one_error_line(_predict(d, tmp_path, "--jobs", "1"),
                                  str(d / "zhtext.json"), repr(field))
    assert "damaged or incomplete" in line
    with pytest.raises(InputError, match=f"has no '{field}'") as err:
        Tagger.load(d)
    assert err.value.path == str(d / "zhtext.json")


@pytest.mark.parametrize(("field", "value", "says"), [
    ("model", "model.crfsuite", "entry is str"),
    ("labels", "B E M S", "'labels' is str"),
    ("tag_task", "parse", "'tag_task' is 'parse'"),
    ("method", "hmm", "method 'hmm' is not known"),
])
def test_a_manifest_field_of_the_wrong_kind_names_the_file(
        model: Path, tmp_path: Path, field: str, value: str, says: str) -> None:
    d = _edit_manifest(model, tmp_path, lambda m: m.__setitem__(field, value))
    with pytest.raises(InputError, match=says) as err:
        Tagger.load(d)
    assert err.value.path == str(d / "zhtext.json")


def test_a_bug_while_loading_keeps_its_traceback(model: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from zhtext.tag import crf

    def broken(cls: object, d: Path, manifest: dict[str, object]) -> None:
        raise KeyError("unit")

    monkeypatch.setattr(crf.CrfTagger, "load", classmethod(broken))
    with pytest.raises(KeyError, match="unit"):
        Tagger.load(model)
