"""Neural classifiers on tiny data: textcnn, bert, bert-cnn, LoRA; save/load, windows, resume."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from zhtext.classify import TextClassifier
from zhtext.errors import InputError, ZhtextError

FAST = {"epochs": 6, "batch_size": 16, "tensorboard": False, "patience": 0}


def _accuracy(clf: TextClassifier, texts: list[str], labels: list[str]) -> float:
    return float(np.mean([p.label == y for p, y in zip(clf.predict(texts), labels)]))


def test_textcnn_learns_saves_and_reloads(corpus, tmp_path: Path) -> None:
    texts, labels = corpus
    clf = TextClassifier("textcnn", epochs=8, batch_size=16, learning_rate=5e-3,
                         bigram_buckets=1000, word_buckets=1000, num_filters=32,
                         embedding_dim=32, tensorboard=False)
    clf.fit(texts[:70], labels[:70], dev_texts=texts[70:], dev_labels=labels[70:])
    assert _accuracy(clf, texts[70:], labels[70:]) >= 0.8
    out = clf.save(tmp_path / "m")
    files = {p.name for p in out.rglob("*") if p.is_file()}
    assert "model.safetensors" in files and "vocab.json" in files
    assert not any(name.endswith((".bin", ".pkl", ".pt")) for name in files)
    again = TextClassifier.load(out)
    np.testing.assert_allclose(again.predict_proba(texts), clf.predict_proba(texts), atol=1e-6)


def test_long_texts_go_through_windows(corpus) -> None:
    from zhtext.classify.vocab import Vocab

    vocab = Vocab("char").build(["一二三四五六七八九十"])
    enc = vocab.encode(["一二三四五六七八九十", "一二"], max_length=4, stride=2)
    # 10 tokens, windows of 4 every 2: starts 0, 2, 4, 6 -> the last covers 6..9
    assert enc.owner == [0, 0, 0, 0, 1]
    covered = {i for w in range(4) for i in range(2 * w, min(10, 2 * w + 4))}
    assert covered == set(range(10))
    texts, labels = corpus
    clf = TextClassifier("textcnn", epochs=1, batch_size=16, max_length=8, tensorboard=False,
                         num_filters=8, embedding_dim=8, bigram_buckets=0, word_buckets=0)
    clf.fit(texts, labels)
    long_text = "".join(texts[:6])
    proba = clf.predict_proba([long_text, texts[0]])
    assert proba.shape == (2, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize(("method", "lora"), [("bert", False), ("bert-cnn", False), ("bert", True),
                                         ("bert-cnn", True)])
def test_encoder_methods_train_save_reload(method, lora, corpus, tiny_encoder,
                                           tmp_path: Path) -> None:
    texts, labels = corpus
    # A tiny random BERT learns through its pooler only slowly: a higher rate for it.
    lr = 5e-3 if method == "bert" else 1e-3
    clf = TextClassifier(method, model=str(tiny_encoder), lora=lora, learning_rate=lr, **FAST)
    clf.fit(texts[:70], labels[:70], dev_texts=texts[70:], dev_labels=labels[70:])
    if lora:
        trainable = [n for n, p in clf.model_.adapter_.named_parameters() if p.requires_grad]
        assert trainable and all("lora_" in n or "modules_to_save" in n for n in trainable)
        assert any("lora_" in n for n in trainable)  # the encoder trains through adapters
    out = clf.save(tmp_path / "m")
    assert (out / "model" / "model.safetensors").is_file()
    assert (out / "model" / "tokenizer.json").is_file() or (out / "model" / "vocab.txt").is_file()
    if lora:
        assert (out / "adapter" / "adapter_model.safetensors").is_file()
        assert json.loads((out / "adapter" / "adapter_config.json").read_text())["r"] == 8
    again = TextClassifier.load(out)
    np.testing.assert_allclose(again.predict_proba(texts), clf.predict_proba(texts), atol=1e-5)
    assert [p.label for p in again.predict(texts)] == [p.label for p in clf.predict(texts)]
    losses = [h["loss"] for h in clf.model_.history_ if "loss" in h]
    assert len(losses) >= 6
    assert np.mean(losses[-3:]) < np.mean(losses[:3])  # it learned something


def test_encoder_long_text_windows(corpus, tiny_encoder) -> None:
    texts, labels = corpus
    clf = TextClassifier("bert", model=str(tiny_encoder), max_length=16, **{**FAST, "epochs": 1})
    clf.fit(texts, labels)
    long_text = "".join(texts[:10])  # well over 16 tokens and the encoder's 64 positions
    feats, owner = clf.model_._encode([long_text, texts[0]])
    assert owner.count(0) > 2 and owner.count(1) == 1
    assert max(len(ids) for ids in feats["input_ids"]) <= 16
    assert clf.predict_proba([long_text]).shape == (1, 3)
    # no learning_rate given: the encoder's width picks it (32 wide: the narrow rate)
    assert clf.model_.settings.learning_rate == 5e-4


def test_encoder_learning_rate_by_width() -> None:
    from types import SimpleNamespace

    from zhtext.neural.training import encoder_learning_rate

    rates = [encoder_learning_rate(SimpleNamespace(hidden_size=h)) for h in (128, 256, 512, 768,
                                                                             1024)]
    assert rates == [5e-4, 3e-4, 1e-4, 3e-5, 3e-5]
    assert encoder_learning_rate(SimpleNamespace()) == 3e-5  # no width: BERT-base's rate


def test_multi_label_textcnn(corpus) -> None:
    texts, labels = corpus
    multi = [[y] + (["长句"] if len(t) > 10 else []) for t, y in zip(texts, labels)]
    clf = TextClassifier("textcnn", multi_label=True, epochs=6, batch_size=16,
                         learning_rate=5e-3, tensorboard=False, num_filters=32,
                         embedding_dim=32, bigram_buckets=0, word_buckets=0)
    clf.fit(texts, multi)
    proba = clf.predict_proba(texts)
    assert proba.shape == (len(texts), 4)
    assert not np.allclose(proba.sum(axis=1), 1.0)  # independent sigmoids
    preds = clf.predict(texts)
    assert all(set(p.labels) <= set(clf.labels_) for p in preds)


def test_class_weights_and_resume(corpus, tmp_path: Path) -> None:
    texts, labels = corpus
    work = tmp_path / "run"
    work.mkdir()
    settings = {"epochs": 2, "batch_size": 16, "tensorboard": False, "num_filters": 8,
                "embedding_dim": 8, "bigram_buckets": 0, "word_buckets": 0,
                "class_weights": True}
    first = TextClassifier("textcnn", **settings)
    first.fit(texts, labels, dev_texts=texts[:20], dev_labels=labels[:20], work_dir=work)
    checkpoints = sorted((work / "checkpoints").glob("checkpoint-*"))
    assert checkpoints
    more = TextClassifier("textcnn", **{**settings, "epochs": 3})
    more.fit(texts, labels, dev_texts=texts[:20], dev_labels=labels[:20], work_dir=work,
             resume=True)
    steps = [h["step"] for h in more.model_.history_ if "loss" in h]
    # resumed: training continued from the checkpoint's step, not from step 0
    last = int(checkpoints[-1].name.split("-")[1])
    assert min(steps) > last - 10 or more.model_.history_[0].get("epoch", 0) >= 1


def test_encoder_errors(corpus, tmp_path: Path) -> None:
    texts, labels = corpus
    with pytest.raises(InputError, match="needs an encoder"):
        TextClassifier("bert").fit(texts, labels)
    with pytest.raises(InputError, match="cannot load encoder"):
        TextClassifier("bert", model=str(tmp_path / "nothing-here")).fit(texts, labels)
    with pytest.raises(InputError, match="lora"):
        TextClassifier("textcnn", lora=True).fit(texts, labels)
    with pytest.raises(ZhtextError, match="unknown setting"):
        TextClassifier("textcnn", C=1.0)


def test_corrupted_neural_model(corpus, tmp_path: Path) -> None:
    texts, labels = corpus
    clf = TextClassifier("textcnn", epochs=1, batch_size=16, tensorboard=False,
                         num_filters=8, embedding_dim=8, bigram_buckets=0, word_buckets=0)
    out = clf.fit(texts, labels).save(tmp_path / "m")
    weights = out / "model" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(InputError, match="damaged"):
        TextClassifier.load(out)


def test_word2vec_initialisation(corpus) -> None:
    pytest.importorskip("gensim")
    texts, labels = corpus
    small = {"epochs": 1, "batch_size": 16, "tensorboard": False, "num_filters": 8,
             "embedding_dim": 16, "bigram_buckets": 0, "word_buckets": 0, "learning_rate": 1e-9}
    plain = TextClassifier("textcnn", **small).fit(texts, labels)
    w2v = TextClassifier("textcnn", word2vec=True, **small).fit(texts, labels)
    a = plain.model_.model_.get_input_embeddings().weight.detach().numpy()
    b = w2v.model_.model_.get_input_embeddings().weight.detach().numpy()
    assert a.shape == b.shape
    assert not np.allclose(a[2:], b[2:], atol=1e-3)  # the token rows were replaced
    # characters of one theme's words end up closer to each other than to another theme's
    vocab = w2v.model_.tokenizer_.stoi

    def cos(x: str, y: str) -> float:
        u, v = b[vocab[x]], b[vocab[y]]
        return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))

    assert cos("球", "队") > cos("球", "芯")


def test_conv_max_pool_ignores_padding() -> None:
    import torch
    from torch import nn

    from zhtext.neural.conv import conv_max_pool

    torch.manual_seed(0)
    convs = nn.ModuleList([nn.Conv1d(4, 3, 2, padding=1), nn.Conv1d(4, 3, 3, padding=1)])
    states = torch.randn(1, 5, 4)
    mask = torch.tensor([[1, 1, 1, 0, 0]])
    padded = states.clone()
    padded[:, 3:] = 100.0  # huge values in the padding must change nothing
    a = conv_max_pool(states, mask, convs)
    b = conv_max_pool(padded, mask, convs)
    assert a.shape == (1, 6)
    torch.testing.assert_close(a, b)
    # the same as the text alone, without padding
    c = conv_max_pool(states[:, :3], torch.ones(1, 3, dtype=torch.long), convs)
    torch.testing.assert_close(a, c)


def _encoder_weights(state: dict) -> dict[str, np.ndarray]:
    """The encoder's 2-D weights by name without the first prefix (``bert.``, ``encoder.``)."""
    return {k.split(".", 1)[1]: np.asarray(v.detach().numpy() if hasattr(v, "detach") else v)
            for k, v in state.items()
            if k.startswith(("bert.", "encoder.")) and len(v.shape) == 2}


@pytest.mark.parametrize("method", ["bert", "bert-cnn"])
def test_init_random_builds_fresh_seeded_weights(method, corpus, tiny_encoder) -> None:
    from safetensors.numpy import load_file

    from zhtext.classify.neural import NeuralClassifier, NeuralSettings

    texts, labels = corpus
    saved = _encoder_weights(load_file(str(tiny_encoder / "model.safetensors")))
    assert any("word_embeddings" in k for k in saved)

    def build(init: str, seed: int = 42) -> dict[str, np.ndarray]:
        clf = NeuralClassifier(method, NeuralSettings(model=str(tiny_encoder), init=init,
                                                      seed=seed))
        clf._build(texts[:10], sorted(set(labels)), False, None)
        return _encoder_weights(clf.model_.state_dict())

    pretrained, random_ = build("pretrained"), build("random")
    common = sorted(set(saved) & set(pretrained))
    assert len(common) >= 10 and set(common) <= set(random_)
    for k in common:
        np.testing.assert_array_equal(pretrained[k], saved[k])  # loaded as saved
        assert random_[k].shape == saved[k].shape  # the same architecture ...
        assert not np.allclose(random_[k], saved[k]), k  # ... with fresh weights
    again, other = build("random"), build("random", seed=7)
    for k in random_:  # the seed fixes the random weights, the head's too
        np.testing.assert_array_equal(again[k], random_[k])
    assert not np.allclose(other[common[0]], random_[common[0]])


def test_init_random_trains_saves_and_records_the_setting(corpus, tiny_encoder,
                                                          tmp_path: Path) -> None:
    texts, labels = corpus
    clf = TextClassifier("bert-cnn", model=str(tiny_encoder), init="random", learning_rate=1e-3,
                         **{**FAST, "epochs": 1})
    clf.fit(texts[:30], labels[:30])
    out = clf.save(tmp_path / "m")
    manifest = json.loads((out / "zhtext.json").read_text(encoding="utf-8"))
    assert manifest["neural"]["settings"]["init"] == "random"
    again = TextClassifier.load(out)
    assert again.model_.settings.init == "random"
    np.testing.assert_allclose(again.predict_proba(texts), clf.predict_proba(texts), atol=1e-5)


def test_init_random_errors(corpus) -> None:
    texts, labels = corpus
    with pytest.raises(InputError, match="init=random applies to the encoder methods"):
        TextClassifier("textcnn", init="random").fit(texts, labels)
    with pytest.raises(InputError, match="`init` should be one of pretrained, random, got 'fresh'"):
        TextClassifier("bert", model="x", init="fresh").fit(texts, labels)


def test_unfolded_convs_equal_the_convolutions() -> None:
    """The export's one-matrix-product bank computes what the Conv1d bank computes."""
    import torch

    from zhtext.neural.conv import UnfoldedConvs, conv_max_pool

    torch.manual_seed(0)
    convs = torch.nn.ModuleList(torch.nn.Conv1d(6, 5, k, padding=k // 2) for k in (1, 2, 3, 4, 5))
    states = torch.randn(3, 7, 6)
    mask = torch.tensor([[1] * 7, [1] * 4 + [0] * 3, [1] + [0] * 6])
    expected = conv_max_pool(states, mask, convs)
    got = conv_max_pool(states, mask, UnfoldedConvs(convs))
    assert got.shape == (3, 25)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
