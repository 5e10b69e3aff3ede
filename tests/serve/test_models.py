"""Loading the models to serve: all or nothing, and a failure names the directory and why."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from zhtext.errors import InputError
from zhtext.serve.config import ServeSettings
from zhtext.serve.models import ModelRegistry, parse_spec


def test_loads_every_task_and_the_builtin_keywords(registry: ModelRegistry,
                                                   model_dirs: dict[str, Path]) -> None:
    by_name = {m.name: m for m in registry}
    assert set(by_name) == {"builtin", *model_dirs}
    assert by_name["builtin"].path is None and by_name["builtin"].method == "tfidf"
    assert by_name["news"].task == "classify" and not by_name["news"].batched
    assert by_name["ner"].task == "tag" and by_name["ner"].batched  # CRFsuite: one thread
    assert by_name["kw"].task == "keywords" and not by_name["kw"].batched
    assert registry.get("keywords", None).name == "kw"
    assert registry.get("keywords", "builtin").path is None
    # the server featurises in its own threads, never in forked processes
    assert by_name["news"].obj.model_.settings.predict_jobs == 1


def test_names_from_directories_or_given(tmp_path: Path) -> None:
    assert parse_spec(str(tmp_path / "news-linear")) == ("news-linear", tmp_path / "news-linear")
    assert parse_spec(f"short={tmp_path / 'x'}") == ("short", tmp_path / "x")
    with pytest.raises(InputError, match="NAME=DIR"):
        parse_spec("bad name=/x")


def test_duplicate_names_are_refused(model_dirs: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "news"
    shutil.copytree(model_dirs["news"], copy)
    with pytest.raises(InputError, match="'news' is used twice"):
        ModelRegistry.load([model_dirs["news"], copy], warm_up=False)
    with pytest.raises(InputError, match="'builtin' is used twice"):
        ModelRegistry.load([f"builtin={model_dirs['news']}"], warm_up=False)
    reg = ModelRegistry.load([model_dirs["news"], f"other={copy}"], warm_up=False)
    assert [m.name for m in reg.for_task("classify")] == ["news", "other"]


def _bad_dirs(tmp_path: Path, good: Path) -> dict[str, tuple[Path, str]]:
    out: dict[str, tuple[Path, str]] = {}
    out["missing"] = (tmp_path / "nowhere", "model directory not found")
    plain = tmp_path / "plain"
    plain.mkdir()
    out["no manifest"] = (plain, "not a zhtext artifact")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "zhtext.json").write_text("{not json", encoding="utf-8")
    out["broken manifest"] = (broken, "is not valid JSON")
    other = tmp_path / "vocab"
    other.mkdir()
    (other / "zhtext.json").write_text(json.dumps({"format_version": 1, "task": "vocab",
                                                   "method": "wordpiece"}), encoding="utf-8")
    out["not servable"] = (other, "is a 'vocab' artifact")
    damaged = tmp_path / "damaged"
    shutil.copytree(good, damaged)
    for f in damaged.glob("*.npy"):
        f.unlink()
    for f in (damaged / "linear").glob("*.npy") if (damaged / "linear").is_dir() else []:
        f.unlink()
    out["damaged weights"] = (damaged, "damaged")
    return out


@pytest.mark.parametrize("case", ["missing", "no manifest", "broken manifest", "not servable",
                                  "damaged weights"])
def test_a_bad_directory_stops_the_load_naming_it(case: str, tmp_path: Path,
                                                  model_dirs: dict[str, Path]) -> None:
    path, why = _bad_dirs(tmp_path, model_dirs["news"])[case]
    with pytest.raises(InputError) as info:
        ModelRegistry.load([model_dirs["kw"], path], warm_up=False)
    message = str(info.value)
    assert message.startswith(str(path)), message  # "<dir>: <why>", or "<dir>/zhtext.json: ..."
    assert why in message
    assert "\n" not in message


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="max_batch should be a positive integer, got 0"):
        ServeSettings(max_batch=0)
    with pytest.raises(ValueError, match="batch_wait_ms"):
        ServeSettings(batch_wait_ms=-1)


@pytest.mark.parametrize("bug", [TypeError("unexpected keyword 'x'"),
                                 AttributeError("'NoneType' object has no attribute 'shape'"),
                                 KeyError("weights"), RuntimeError("boom")])
def test_a_bug_in_a_loader_keeps_its_traceback(bug: Exception, model_dirs: dict[str, Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A programming error while loading is not reported as a damaged directory (defect 14)."""
    from zhtext.registry import get_kind

    def broken(self: object, path: Path, manifest: object) -> object:
        raise bug

    monkeypatch.setattr(type(get_kind("classify")), "load", broken)
    with pytest.raises(type(bug)) as info:
        ModelRegistry.load([model_dirs["news"]], warm_up=False)
    assert info.value is bug  # the original exception, not an InputError
    assert not isinstance(info.value, InputError)
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "this is a bug in zhtext" in notes and str(model_dirs["news"]) in notes


def test_a_bug_on_the_sample_text_keeps_its_traceback(model_dirs: dict[str, Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from zhtext.registry import get_kind

    def broken(self: object, obj: object, texts: object, options: object,
               info: object) -> object:
        raise TypeError("run() got an unexpected keyword argument")

    monkeypatch.setattr(type(get_kind("classify")), "run", broken)
    with pytest.raises(TypeError) as info:
        ModelRegistry.load([model_dirs["news"]])
    assert "this is a bug in zhtext" in "\n".join(info.value.__notes__)


def test_a_model_failing_on_the_sample_text_with_bad_data_is_an_input_error(
        model_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from zhtext.registry import get_kind

    def refuses(self: object, obj: object, texts: object, options: object,
                info: object) -> object:
        raise ValueError("shapes (1,5) and (7,3) not aligned")

    monkeypatch.setattr(type(get_kind("classify")), "run", refuses)
    with pytest.raises(InputError, match="fails on a sample text"):
        ModelRegistry.load([model_dirs["news"]])
