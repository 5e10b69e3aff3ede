"""The neural tagger on a tiny random BERT: learning, windows, whitespace, save/load, resume."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="needs PyTorch (pip install 'zhtext[neural]')")
pytest.importorskip("transformers", reason="needs transformers (pip install 'zhtext[neural]')")

import numpy as np
import torch
from tests.tiny_encoder import build_tiny_encoder

from zhtext.errors import InputError, NotFittedError
from zhtext.tag.neural import NeuralTagger, NeuralTaggerSettings, _Layout

# Toy sentences written for these tests: place names (their characters occur nowhere else)
# among filler characters and spaces; the places are tagged B-LOC I-LOC, the rest O.
# (Two places in a row are left out: whether the second starts a new span is what a model
# learns last, too late for a test of a few seconds.)
FILL = list("我们在了买本书很好今天气说去")
PLACES = ["北京", "上海", "广州", "杭州", "深圳"]
LABELS = ["O", "B-LOC", "I-LOC"]


def make(n: int, seed: int, lo: int = 6, hi: int = 20) -> tuple[list[list[str]], list[list[str]]]:
    rng = random.Random(seed)
    xs, ys = [], []
    for _ in range(n):
        chars: list[str] = []
        tags: list[str] = []
        length = rng.randint(lo, hi)
        while len(chars) < length:
            r = rng.random()
            if r < 0.2:  # a place, then a filler character (places never touch)
                w = rng.choice(PLACES)
                chars += [*w, rng.choice(FILL)]
                tags += ["B-LOC"] + ["I-LOC"] * (len(w) - 1) + ["O"]
            else:
                chars.append(" " if r < 0.25 else rng.choice(FILL))
                tags.append("O")
        xs.append(chars)
        ys.append(tags)
    return xs, ys


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    # A tiny model trains many times faster on one thread, the more so on a shared CPU.
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture(scope="module")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_encoder(tmp_path_factory.mktemp("encoder") / "tiny-bert",
                              ["".join(FILL + PLACES)])


def settings(encoder: Path, **kw) -> NeuralTaggerSettings:
    # A random tiny BERT needs far higher rates than a pretrained one.
    base = {"model": str(encoder), "epochs": 4, "batch_size": 8, "learning_rate": 3e-3,
            "crf_learning_rate": 5e-2, "max_length": 16, "patience": 0, "tensorboard": False}
    return NeuralTaggerSettings(**{**base, **kw})


@pytest.fixture(scope="module", params=[True, False], ids=["crf", "linear"])
def trained(request, encoder, tmp_path_factory):
    xs, ys = make(48, 0)
    dev = make(16, 1)
    calls: list[tuple[list[list[str]], list[list[str]]]] = []

    def accuracy(gold: list[list[str]], pred: list[list[str]]) -> float:
        calls.append((gold, pred))
        return float(np.mean([a == b for g, p in zip(gold, pred) for a, b in zip(g, p)]))

    tagger = NeuralTagger(settings(encoder, crf=request.param))
    work = tmp_path_factory.mktemp("run")
    history = tagger.fit(xs, ys, labels=LABELS, outside="O", dev=dev, output_dir=work,
                         dev_metric=accuracy)
    return tagger, history, calls, dev, work


def test_learns_the_places(trained) -> None:
    tagger, history, calls, dev, work = trained
    xs, ys = make(16, 2)
    assert tagger.predict_tags(xs) == ys
    assert tagger.predict_tags([list("我去北京买书")]) == [
        ["O", "O", "B-LOC", "I-LOC", "O", "O"]]
    # the dev metric was called on whole sequences, stitched from the windows
    assert calls and all(len(p) == len(dev[0]) for _, p in calls)
    assert all([len(s) for s in p] == [len(s) for s in dev[0]] for _, p in calls)
    assert history["best_metric"] == pytest.approx(max(
        float(np.mean([a == b for g, p_ in zip(g_, p) for a, b in zip(g, p_)]))
        for g_, p in calls))
    assert history["best_metric"] >= 0.99
    assert history["steps"] > 0 and history["epochs"] == pytest.approx(4)
    assert history["max_length"] == 16 and history["stride"] == 7
    assert any((work / "checkpoints").glob("checkpoint-*"))
    assert tagger.model_.crf is None if not tagger.settings.crf else tagger.model_.crf is not None


def test_long_sequences_go_through_overlapping_windows(trained) -> None:
    tagger = trained[0]
    (long_x,), (long_y,) = make(1, 3, lo=150, hi=150)
    feats, layout = tagger._encode([long_x])
    assert len(layout.owner) > 10  # 150 characters, windows of 14 tokens every 7
    assert max(len(ids) for ids in feats["input_ids"]) <= 16
    spaces = {i for i, c in enumerate(long_x) if c.isspace()}
    best: dict[int, int] = {}
    for chars, dist in zip(layout.chars, layout.dist):
        for c, d in zip(chars, dist):
            best[c] = max(best.get(c, -1), d)
    assert set(best) == set(range(len(long_x))) - spaces  # every character in some window
    assert min(best.values()) >= 3  # and each has context on both sides in one of them
    short_x, short_y = make(3, 4)
    got = tagger.predict_tags([long_x, *short_x, []], batch_size=4)
    assert [len(t) for t in got] == [len(long_x), *map(len, short_x), 0]
    assert got == [long_y, *short_y, []]


def test_layout_takes_each_character_from_its_most_central_window() -> None:
    layout = _Layout([7])
    layout.owner = [0, 0]
    layout.chars = [[0, 1, 2, 3], [2, 3, 4, 5]]  # character 6 makes no token
    layout.dist = [[9, 9, 1, 0], [0, 1, 9, 9]]
    assert layout.stitch([["a"] * 4, ["b"] * 4], "O") == [["a", "a", "a", "b", "b", "b", "O"]]


def test_whitespace_gets_the_outside_tag_and_marginals(trained) -> None:
    tagger = trained[0]
    seqs = [list("去 北京\u3000买"), [], list("  \t")]
    tags = tagger.predict_tags(seqs)
    assert tags == [["O", "O", "B-LOC", "I-LOC", "O", "O"], [], ["O", "O", "O"]]
    marg = tagger.predict_marginals(seqs)
    assert [m.shape for m in marg] == [(6, 3), (0, 3), (3, 3)]
    for m in marg:
        np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(marg[0][[1, 4]], [[1, 0, 0], [1, 0, 0]])  # the spaces
    assert [LABELS[i] for i in marg[0].argmax(1)] == tags[0]
    assert marg[0][2, 1] > 0.9  # confident on a place it learned


def test_save_and_load_give_the_same_predictions(trained, tmp_path: Path) -> None:
    tagger = trained[0]
    out = tmp_path / "model"
    info = tagger.save(out)
    info = json.loads(json.dumps(info))  # JSON-able, as the manifest stores it
    files = {p.name for p in out.iterdir()}
    assert {"model.safetensors", "config.json", "tokenizer.json"} <= files
    assert not any(f.endswith((".bin", ".pt", ".pkl")) for f in files)
    again = NeuralTagger.load(out, info)
    assert again.labels_ == LABELS and again.outside_ == "O"
    assert (again.max_length_, again.stride_) == (16, 7)
    assert again.settings.crf == tagger.settings.crf
    xs, _ = make(8, 5, lo=10, hi=60)
    assert again.predict_tags(xs) == tagger.predict_tags(xs)
    for a, b in zip(again.predict_marginals(xs), tagger.predict_marginals(xs)):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_resume_continues_from_the_newest_complete_checkpoint(encoder, tmp_path: Path) -> None:
    xs, ys = make(48, 0)
    work = tmp_path / "run"
    first = NeuralTagger(settings(encoder, epochs=1)).fit(xs, ys, labels=LABELS, outside="O",
                                                          output_dir=work)
    steps = sorted(int(p.name.split("-")[1]) for p in (work / "checkpoints").iterdir())
    assert steps
    (work / "checkpoints" / "checkpoint-999").mkdir()  # half-written by an interruption
    more = NeuralTagger(settings(encoder, epochs=2))
    history = more.fit(xs, ys, labels=LABELS, outside="O", output_dir=work, resume=True)
    assert history["resumed_from_step"] == steps[-1]
    assert history["steps"] == 2 * first["steps"]
    assert more.predict_tags([list("去上海")]) == [["O", "B-LOC", "I-LOC"]]


def test_errors_say_what_to_fix(encoder, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="`batch_size` should be positive, got 0"):
        NeuralTaggerSettings(batch_size=0)
    with pytest.raises(InputError, match="`device` should be one of"):
        NeuralTaggerSettings(device="tpu")  # type: ignore[arg-type]
    fit = {"labels": LABELS, "outside": "O", "output_dir": tmp_path}
    with pytest.raises(InputError, match="needs an encoder"):
        NeuralTagger().fit([["北"]], [["B-LOC"]], **fit)
    tagger = NeuralTagger(settings(encoder))
    with pytest.raises(InputError, match="sequence 2: 2 characters but 1 tags"):
        tagger.fit([["北"], ["北", "京"]], [["B-LOC"], ["B-LOC"]], **fit)
    with pytest.raises(InputError, match="tag 'B-PER' is not one of the labels"):
        tagger.fit([["北"]], [["B-PER"]], **fit)
    with pytest.raises(InputError, match="outside tag 'S' is not one of the labels"):
        tagger.fit([["北"]], [["B-LOC"]], **{**fit, "outside": "S"})
    with pytest.raises(InputError, match="set max_length to at most 64"):
        NeuralTagger(settings(encoder, max_length=100)).fit([["北"]], [["B-LOC"]], **fit)
    with pytest.raises(InputError, match="set stride to at most 14"):
        NeuralTagger(settings(encoder, stride=20)).fit([["北"]], [["B-LOC"]], **fit)
    with pytest.raises(InputError, match="cannot load encoder"):
        NeuralTagger(settings(tmp_path / "nothing")).fit([["北"]], [["B-LOC"]], **fit)
    with pytest.raises(NotFittedError):
        NeuralTagger().predict_tags([["北"]])


def _encoder_weights(state: dict) -> dict[str, np.ndarray]:
    """The encoder's 2-D weights by name without the first prefix (``bert.``, ``encoder.``)."""
    return {k.split(".", 1)[1]: np.asarray(v.detach().numpy() if hasattr(v, "detach") else v)
            for k, v in state.items()
            if k.startswith(("bert.", "encoder.")) and len(v.shape) == 2}


def test_init_random_builds_the_architecture_with_fresh_seeded_weights(encoder) -> None:
    from safetensors.numpy import load_file

    saved = _encoder_weights(load_file(str(encoder / "model.safetensors")))

    def build(init: str, seed: int = 42) -> dict[str, np.ndarray]:
        tagger = NeuralTagger(settings(encoder, init=init, seed=seed))
        tagger._build(LABELS, "O")
        return _encoder_weights(tagger.model_.state_dict())

    pretrained, random_ = build("pretrained"), build("random")
    common = sorted(set(saved) & set(pretrained))
    assert len(common) >= 10 and set(common) <= set(random_)
    for k in common:
        np.testing.assert_array_equal(pretrained[k], saved[k])
        assert random_[k].shape == saved[k].shape
        assert not np.allclose(random_[k], saved[k]), k
    again, other = build("random"), build("random", seed=7)
    for k in random_:
        np.testing.assert_array_equal(again[k], random_[k])
    assert not np.allclose(other[common[0]], random_[common[0]])
    with pytest.raises(InputError, match="`init` should be one of pretrained, random"):
        NeuralTaggerSettings(init="fresh")  # type: ignore[arg-type]


def test_importing_the_module_does_not_import_torch() -> None:
    code = ("import sys, zhtext.tag.neural\n"
            "print(sorted({'torch', 'transformers'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
