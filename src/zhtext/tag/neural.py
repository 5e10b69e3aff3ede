"""The neural token tagger: an encoder, a linear layer per token and, by default, a CRF on top.

Every sequence is a list of characters with one tag each. The characters go through the
encoder's tokenizer as pre-split words (``is_split_into_words=True``); the first sub-token of a
character carries its tag (later sub-tokens are masked), and a character the tokenizer makes no
token for (whitespace) is tagged ``outside``. The CRF runs over the characters of a window, not
over sub-tokens.

Sequences longer than the window are cut into overlapping windows of ``max_length`` tokens
(``[CLS]``/``[SEP]`` included) whose starts are ``stride`` tokens apart; nothing is truncated.
Each window is decoded on its own (Viterbi with the CRF) and every character takes its tag from
the window in which it lies farthest from a cut edge (the text's own start and end are not
edges), so it is tagged with the most context on both sides.

Training is ``Trainer``'s (:func:`zhtext.neural.training.run_trainer`), the same path as the neural
classifiers: early stopping on the dev metric, checkpoints, resume, seeds, mixed precision.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from zhtext.errors import InputError, NotFittedError, ZhtextError
from zhtext.neural.settings import (
    EarlyStoppingSettings,
    EncoderSettings,
    TrainingSettings,
    WindowSettings,
    check_at_least_0,
    check_fraction,
    check_positive,
)
from zhtext.neural.windows import length_sample, pad_windows, sorted_batches, window_length
from zhtext.tag.backend import Progress, TaggerBackend

__all__ = ["BertBackend", "NeuralTagger", "NeuralTaggerSettings"]

logger = logging.getLogger(__name__)

DevMetric = Callable[[list[list[str]], list[list[str]]], float]
#: Paddings of the windows' features besides ``input_ids`` (untagged tokens: -100).
_FILLS = {"tag_mask": 0, "labels": -100}


@dataclass
class NeuralTaggerSettings(WindowSettings, EarlyStoppingSettings, TrainingSettings,
                           EncoderSettings):
    """Settings of the neural tagger; each can be set with ``--set NAME=VALUE``.

    The encoder, training, early-stopping and window fields are the shared ones of
    :mod:`zhtext.neural.settings`; ``epochs`` and ``batch_size`` must be positive here.
    """

    # Usual values for fine-tuning a BERT-base tagger; not tuned on this project's data.
    batch_size: int = field(default=16, metadata={"help": "Windows per batch."})
    learning_rate: float = field(default=0.0, metadata={
        "help": "Peak learning rate of the encoder (0: by its width, 3e-5 for BERT-base up "
                "to 5e-4 for 128-wide encoders)."})
    crf: bool = field(default=True, metadata={
        "help": "A CRF layer on top (Viterbi decoding, consistent tag sequences)."})
    crf_learning_rate: float = field(default=0.0, metadata={
        "help": "Peak learning rate of the linear layer and the CRF (0: 100 x learning_rate, "
                "at most 1e-2; the new layers learn far slower at the encoder's rate)."})
    dropout: float = field(default=0.1, metadata={"help": "Dropout before the linear layer."})

    def validate(self) -> None:  # noqa: D102
        super().validate()
        check_positive("epochs", self.epochs)
        check_positive("batch_size", self.batch_size)
        check_at_least_0("crf_learning_rate", self.crf_learning_rate)
        if 0 < self.max_length < 3:
            raise InputError(f"`max_length` should be at least 3 ([CLS], a token, [SEP]) or 0 "
                             f"(from the data), got {self.max_length}.")
        check_fraction("dropout", self.dropout)


class _Layout:
    """Where the windows' tagged positions sit in the sequences.

    For window ``w``: ``owner[w]`` is its sequence, ``chars[w]`` the characters it tags (in
    order) and ``dist[w]`` how far each lies from the nearest cut edge of the window.
    """

    def __init__(self, lengths: list[int]) -> None:
        self.lengths = lengths
        self.owner: list[int] = []
        self.chars: list[list[int]] = []
        self.dist: list[list[int]] = []

    def stitch(self, values: Sequence[Sequence[Any]], fill: Any) -> list[list[Any]]:
        """Per sequence, each character's value from the window where it is most central."""
        out = [[fill] * n for n in self.lengths]
        best = [[-1] * n for n in self.lengths]
        for w, seq in enumerate(self.owner):
            o, b = out[seq], best[seq]
            for c, d, v in zip(self.chars[w], self.dist[w], values[w]):
                if d > b[c]:
                    b[c] = d
                    o[c] = v
        return out


class NeuralTagger:
    """Per-character tags from a fine-tuned encoder (``Tagger`` method ``bert``).

    Usage:
        >>> tagger = NeuralTagger(NeuralTaggerSettings(model="bert-base-chinese"))
        >>> tagger.fit([list("我在北京")], [["O", "O", "B-LOC", "I-LOC"]],
        ...            labels=["O", "B-LOC", "I-LOC"], outside="O", output_dir=Path("run"))
        >>> tagger.predict_tags([list("他去北京")])

    Args:
        settings: Model and training settings.
    """

    def __init__(self, settings: NeuralTaggerSettings | None = None) -> None:
        self.settings = settings or NeuralTaggerSettings()
        self.model_: Any = None
        self.tokenizer_: Any = None
        self.labels_: list[str] = []
        self.outside_ = ""
        self.max_length_ = 0
        self.stride_ = 0
        self.cap_ = 512
        self.history_: dict[str, Any] = {}

    # -- sequences -> windows -------------------------------------------------------------
    def _specials(self) -> tuple[list[int], list[int]]:
        """The ids the tokenizer puts before and after a sequence (``[CLS]``, ``[SEP]``)."""
        enc = self.tokenizer_([["中"]], is_split_into_words=True)
        ids, words = enc["input_ids"][0], enc.word_ids(0)
        real = [i for i, w in enumerate(words) if w is not None]
        return list(ids[: real[0]]), list(ids[real[-1] + 1 :])

    def _tokenize(self, seqs: Sequence[Sequence[str]]) -> list[tuple[list[int], list[int]]]:
        """Token ids of each sequence and the character of each token (no special tokens)."""
        out = []
        for a in range(0, len(seqs), 1000):
            chunk = [list(x) for x in seqs[a : a + 1000]]
            enc = self.tokenizer_(chunk, is_split_into_words=True, add_special_tokens=False,
                                  verbose=False)
            for i in range(len(chunk)):
                out.append((list(enc["input_ids"][i]), list(enc.word_ids(i))))
        return out

    def _encode(self, seqs: Sequence[Sequence[str]], tag_ids: list[list[int]] | None = None,
                tokens: list[tuple[list[int], list[int]]] | None = None
                ) -> tuple[dict[str, list[list[int]]], _Layout]:
        """Windows of ``max_length_`` tokens every ``stride_`` tokens, with their layout."""
        prefix, suffix = self._specials()
        width = self.max_length_ - len(prefix) - len(suffix)
        step = self.stride_
        feats: dict[str, list[list[int]]] = {"input_ids": [], "tag_mask": []}
        if tag_ids is not None:
            feats["labels"] = []
        layout = _Layout([len(x) for x in seqs])
        for seq, (ids, words) in enumerate(tokens or self._tokenize(seqs)):
            n = len(ids)
            if n == 0:
                continue
            first = [w is not None and (p == 0 or words[p - 1] != w) for p, w in enumerate(words)]
            starts = list(range(0, max(n - width, 0) + 1, step))
            if starts[-1] + width < n:
                starts.append(n - width)
            for a in starts:
                b = min(n, a + width)
                positions = [p for p in range(a, b) if first[p]]
                mask = [0] * (b - a)
                for p in positions:
                    mask[p - a] = 1
                feats["input_ids"].append(prefix + ids[a:b] + suffix)
                feats["tag_mask"].append([0] * len(prefix) + mask + [0] * len(suffix))
                if tag_ids is not None:
                    labels = [-100] * (b - a)
                    for p in positions:
                        labels[p - a] = tag_ids[seq][words[p]]
                    feats["labels"].append([-100] * len(prefix) + labels + [-100] * len(suffix))
                left_open, right_open = a == 0, b == n  # the text's own ends are no cut
                layout.owner.append(seq)
                layout.chars.append([words[p] for p in positions])
                layout.dist.append([min(n if left_open else p - a, n if right_open else b - 1 - p)
                                    for p in positions])
        return feats, layout

    def _pad_id(self) -> int:
        return int(self.tokenizer_.pad_token_id or 0)

    def _collate(self) -> Callable[[list[dict[str, Any]]], dict[str, Any]]:
        import torch

        pad_id = self._pad_id()

        def collate(batch: list[dict[str, Any]]) -> dict[str, Any]:
            return {k: torch.from_numpy(v) for k, v in
                    pad_windows(batch, pad_id, fills=_FILLS, stack=()).items()}

        return collate

    def _tag_ids(self, chars: Sequence[Sequence[str]], tags: Sequence[Sequence[str]],
                 what: str) -> list[list[int]]:
        if len(chars) != len(tags):
            raise InputError(f"{what}: {len(chars)} sequences of characters but {len(tags)} of "
                             "tags; give one tag sequence per character sequence")
        ids = {t: i for i, t in enumerate(self.labels_)}
        out = []
        for i, (cs, ts) in enumerate(zip(chars, tags)):
            if len(cs) != len(ts):
                raise InputError(f"{what} sequence {i + 1}: {len(cs)} characters but {len(ts)} "
                                 "tags; give one tag per character")
            try:
                out.append([ids[t] for t in ts])
            except KeyError as e:
                raise InputError(f"{what} sequence {i + 1}: tag {e.args[0]!r} is not one of the "
                                 f"labels ({', '.join(self.labels_[:30])}); add it to `labels`"
                                 ) from None
        return out

    # -- building -------------------------------------------------------------------------
    def _build(self, labels: list[str], outside: str) -> None:
        import torch

        from zhtext.neural.encoder import load_tokenizer_and_config, position_limit
        from zhtext.neural.heads.token import TokenTagger, TokenTaggerConfig
        from zhtext.neural.training import encoder_learning_rate, quiet_transformers

        s = self.settings
        assert s.model is not None
        self.tokenizer_, enc_config = load_tokenizer_and_config(s.model)
        if not getattr(self.tokenizer_, "is_fast", False):
            raise InputError(f"encoder {s.model!r} has no fast tokenizer (tokenizer.json); the "
                             "tagger needs one to map tokens back to characters")
        if not s.learning_rate:
            s.learning_rate = encoder_learning_rate(enc_config)
        self.cap_ = position_limit(enc_config, self.tokenizer_)
        config = TokenTaggerConfig(crf=s.crf, dropout=s.dropout, outside=outside,
                                   num_labels=len(labels), id2label=dict(enumerate(labels)),
                                   label2id={t: i for i, t in enumerate(labels)})
        torch.manual_seed(s.seed)  # the new layers' (and a random encoder's) initial weights
        # New layers on an encoder: transformers' load report (the pooler and the layers
        # missing, the MLM head unexpected) says what is meant here; it does not reach the user.
        with quiet_transformers(loading=True):
            self.model_ = TokenTagger.from_encoder(s.model, config,
                                                   random_init=s.init == "random")

    def _pick_window(self, tokens: list[tuple[list[int], list[int]]]) -> None:
        s = self.settings
        n_special = sum(map(len, self._specials()))
        if s.max_length:
            if s.max_length > self.cap_:
                raise InputError(f"max_length {s.max_length} is more than the encoder takes "
                                 f"({self.cap_} tokens); set max_length to at most {self.cap_}")
            length = s.max_length
        else:
            length = window_length([len(ids) for ids, _ in length_sample(tokens)],
                                   cap=self.cap_, floor=16, extra=n_special)
        width = length - n_special
        if width < 1:
            raise InputError(f"max_length {length} leaves no room for tokens besides the "
                             f"{n_special} special ones; raise max_length")
        if s.stride > width:
            raise InputError(f"stride {s.stride} is more than a window's {width} tokens: the "
                             f"tokens between windows would get no tag; set stride to at most "
                             f"{width} (0: half a window)")
        self.max_length_ = length
        self.stride_ = s.stride or max(1, width // 2)

    def _optimizer(self) -> Any:
        """AdamW with the larger rate for the new layers; no decay for biases, norms, CRF."""
        import torch

        s = self.settings
        head_lr = s.crf_learning_rate or min(1e-2, 100 * s.learning_rate)
        groups: dict[tuple[bool, bool], list[Any]] = {}
        for name, p in self.model_.named_parameters():
            if p.requires_grad:
                head = name.startswith(("classifier.", "crf."))
                decay = p.ndim >= 2 and not name.startswith("crf.")
                groups.setdefault((head, decay), []).append(p)
        return torch.optim.AdamW(
            [{"params": ps, "lr": head_lr if head else s.learning_rate,
              "weight_decay": s.weight_decay if decay else 0.0}
             for (head, decay), ps in groups.items()], lr=s.learning_rate)

    # -- training -------------------------------------------------------------------------
    def fit(
        self,
        chars: Sequence[Sequence[str]],
        tags: Sequence[Sequence[str]],
        *,
        labels: Sequence[str],
        outside: str,
        dev: tuple[Sequence[Sequence[str]], Sequence[Sequence[str]]] | None = None,
        output_dir: Path,
        resume: bool = False,
        dev_metric: DevMetric | None = None,
    ) -> dict[str, Any]:
        """Fine-tune the encoder on character sequences and their tags.

        Args:
            chars: Sequences of characters (already normalised).
            tags: One tag per character.
            labels: Every tag, in a fixed order (their ids).
            outside: The tag of characters the tokenizer makes no token for (whitespace):
                ``O`` for NER, ``S`` for segmentation. One of ``labels``.
            dev: Dev characters and tags: early stopping and the best checkpoint.
            output_dir: The run's directory: ``checkpoints/`` and ``logs/`` go there.
            resume: Continue from the newest complete checkpoint in ``output_dir``.
            dev_metric: ``dev_metric(gold_tags, predicted_tags)``, higher is better (default:
                the share of characters tagged right).

        Returns:
            ``best_metric`` (on dev), ``epochs`` and ``steps`` run, ``seconds``,
            ``resumed_from_step``, ``train_windows``, ``max_length`` and ``stride``.
        """
        from zhtext.neural.training import run_trainer
        from zhtext.neural.windows import Windows

        t0 = time.perf_counter()
        s = self.settings
        if not s.model:
            raise InputError("the neural tagger needs an encoder: set model=NAME_OR_DIR (a "
                             "Hugging Face hub name such as bert-base-chinese, or a local "
                             "directory)")
        self.labels_ = list(labels)
        if len(set(self.labels_)) != len(self.labels_) or not self.labels_:
            raise InputError(f"`labels` should be distinct tags, got {self.labels_[:30]}")
        if outside not in self.labels_:
            raise InputError(f"the outside tag {outside!r} is not one of the labels "
                             f"({', '.join(self.labels_[:30])}); add it")
        self.outside_ = outside
        train_ids = self._tag_ids(chars, tags, "training")
        dev_ids = self._tag_ids(dev[0], dev[1], "dev") if dev is not None else None
        output_dir = Path(output_dir)
        output_dir.mkdir(parents=True, exist_ok=True)
        self._build(self.labels_, outside)
        tokens = self._tokenize(chars)
        self._pick_window(tokens)
        self.model_.config.window_length = self.max_length_
        self.model_.config.window_stride = self.stride_
        self._warn_untokenized(tokens, train_ids)
        feats, _ = self._encode(chars, train_ids, tokens)
        if not feats["input_ids"]:
            raise InputError("the training data has no characters the tokenizer makes tokens "
                             "for; give non-empty sequences")
        train_set = Windows(feats)
        eval_set = None
        compute_metrics = None
        preprocess = None
        if dev is not None and dev_ids is not None:
            dfeats, dev_layout = self._encode(dev[0], dev_ids)
            if dfeats["input_ids"]:
                eval_set = Windows(dfeats)
                compute_metrics = self._metrics_fn(dev_layout, [list(t) for t in dev[1]],
                                                   dev_metric or _token_accuracy)
                preprocess = self._decode_for_metrics
            else:
                logger.warning("the dev data has no tokens; training without dev evaluation")
        steps_per_epoch = math.ceil(len(train_set) / (s.batch_size * s.gradient_accumulation))
        try:
            trainer, resumed_from = run_trainer(
                self.model_, s, work=output_dir, train_set=train_set, eval_set=eval_set,
                collate=self._collate(), steps_per_epoch=steps_per_epoch, metric="score",
                compute_metrics=compute_metrics, resume=resume,
                optimizers=(self._optimizer(), None),
                preprocess_logits_for_metrics=preprocess)
        except KeyboardInterrupt:
            logger.warning("training interrupted; the complete checkpoints in %s continue it "
                           "(resume=True)", output_dir / "checkpoints")
            raise
        self.model_ = trainer.model
        self.model_.eval()
        state = trainer.state
        self.history_ = {
            "best_metric": state.best_metric,
            "epochs": round(float(state.epoch or 0.0), 3),
            "steps": int(state.global_step),
            "seconds": round(time.perf_counter() - t0, 1),
            "resumed_from_step": resumed_from,
            "train_windows": len(train_set),
            "max_length": self.max_length_,
            "stride": self.stride_,
        }
        return dict(self.history_)

    def _warn_untokenized(self, tokens: list[tuple[list[int], list[int]]],
                          tag_ids: list[list[int]]) -> None:
        outside = self.labels_.index(self.outside_)
        lost = 0
        for (_, words), ids in zip(tokens, tag_ids):
            seen = set(words)
            lost += sum(1 for c, t in enumerate(ids) if t != outside and c not in seen)
        if lost:
            logger.warning("%d tagged characters make no token (whitespace, control "
                           "characters) and are always tagged %r", lost, self.outside_)

    def _decode_for_metrics(self, logits: Any, labels: Any) -> Any:
        """Trainer's hook: a dev batch's decoded tag ids, left-aligned, -100 padded."""
        import torch

        paths = self.model_.decode(logits, labels != -100)
        out = torch.full((len(paths), max([len(p) for p in paths] + [1])), -100,
                         dtype=torch.long, device=logits.device)
        for i, p in enumerate(paths):
            out[i, : len(p)] = torch.tensor(p, dtype=torch.long)
        return out

    def _metrics_fn(self, layout: _Layout, gold: list[list[str]], metric: DevMetric
                    ) -> Callable[[Any], dict[str, float]]:
        def compute(pred: Any) -> dict[str, float]:
            ids = np.asarray(pred.predictions).tolist()
            return {"score": float(metric(gold, self._tags(layout, ids)))}

        return compute

    def _tags(self, layout: _Layout, ids: Sequence[Sequence[int]]) -> list[list[str]]:
        labels = self.labels_
        return [[labels[i] for i in seq]
                for seq in layout.stitch(ids, labels.index(self.outside_))]

    # -- prediction -----------------------------------------------------------------------
    def _run(self, chars: Sequence[Sequence[str]], batch_size: int | None,
             marginals: bool) -> tuple[_Layout, list[Any]]:
        import torch

        if self.model_ is None:
            raise NotFittedError(self)
        feats, layout = self._encode(chars)
        values: list[Any] = [None] * len(layout.owner)
        bs = batch_size or self.settings.predict_batch_size
        device = next(self.model_.parameters()).device
        self.model_.eval()
        with torch.inference_mode():
            for idx, arrays in sorted_batches(feats, bs, self._pad_id(), fills=_FILLS, stack=()):
                batch = {k: torch.from_numpy(v).to(device) for k, v in arrays.items()}
                mask = batch.pop("tag_mask").bool()
                logits = self.model_(**batch).logits
                if marginals:
                    probs = self.model_.marginals(logits, mask).float().cpu().numpy()
                    found = [probs[j, :n] for j, n in enumerate(mask.sum(1).tolist())]
                else:
                    found = self.model_.decode(logits, mask)
                for i, v in zip(idx, found):
                    values[i] = v
        return layout, values

    def predict_tags(self, chars: Sequence[Sequence[str]], *, batch_size: int | None = None
                     ) -> list[list[str]]:
        """One tag per character of each sequence (Viterbi with the CRF, else argmax)."""
        layout, ids = self._run(chars, batch_size, marginals=False)
        return self._tags(layout, ids)

    def predict_marginals(self, chars: Sequence[Sequence[str]], *,
                          batch_size: int | None = None) -> list[np.ndarray]:
        """Each character's label probabilities, ``(n_chars, n_labels)`` per sequence.

        With the CRF these are its forward-backward marginals; characters without a token
        have probability 1 for the outside tag.
        """
        layout, rows = self._run(chars, batch_size, marginals=True)
        k = len(self.labels_)
        fill = np.zeros(k, dtype=np.float32)
        fill[self.labels_.index(self.outside_)] = 1.0
        return [np.stack(seq).astype(np.float32) if seq else np.zeros((0, k), np.float32)
                for seq in layout.stitch(rows, fill)]

    # -- persistence ----------------------------------------------------------------------
    def save(self, d: Path) -> dict[str, Any]:
        """Write the model (safetensors) and tokenizer into directory ``d``; manifest entries."""
        if self.model_ is None:
            raise NotFittedError(self)
        from zhtext.neural.training import quiet_transformers

        d = Path(d)
        with quiet_transformers():  # no "Writing model shards" bar of transformers' own
            self.model_.save_pretrained(d, safe_serialization=True)
            self.tokenizer_.save_pretrained(d)
        return {"settings": asdict(self.settings), "labels": list(self.labels_),
                "outside": self.outside_, "max_length": self.max_length_,
                "stride": self.stride_, "history": dict(self.history_)}

    @classmethod
    def load(cls, d: Path, manifest: dict[str, Any]) -> NeuralTagger:
        """Read a model written by :meth:`save` (safetensors; no code from the directory)."""
        from transformers import AutoTokenizer

        from zhtext.neural.encoder import reading_saved_model
        from zhtext.neural.heads.token import TokenTagger
        from zhtext.neural.training import quiet_transformers

        d = Path(d)
        settings = NeuralTaggerSettings.from_dict(manifest.get("settings", {}))
        obj = cls(settings)
        if not (d / "config.json").is_file():
            raise InputError("the model directory has no config.json; it is damaged or "
                             "incomplete (retrain it)", path=str(d))
        # quiet: no "Loading weights" bar nor load report of transformers' own.
        with reading_saved_model(d), quiet_transformers(loading=True):
            obj.tokenizer_ = AutoTokenizer.from_pretrained(d)
            obj.model_ = TokenTagger.from_pretrained(d, use_safetensors=True)
        config = obj.model_.config
        obj.labels_ = [config.id2label[i] for i in range(config.num_labels)]
        obj.outside_ = config.outside
        obj.max_length_ = int(config.window_length)
        obj.stride_ = int(config.window_stride)
        obj.history_ = dict(manifest.get("history", {}))
        obj.model_.eval()
        return obj


def _token_accuracy(gold: list[list[str]], pred: list[list[str]]) -> float:
    n = sum(len(g) for g in gold)
    hits = sum(a == b for g, p in zip(gold, pred) for a, b in zip(g, p))
    return hits / n if n else 0.0


def _fold(text: str) -> list[str]:
    from zhtext.tag.features import fold_chars

    return fold_chars(text)


class BertBackend(TaggerBackend):
    """The ``bert`` method of :class:`~zhtext.tag.Tagger`: :class:`NeuralTagger` on characters.

    The characters of each text are folded one by one, so offsets stay those of the text.
    """

    settings_class: ClassVar[Any] = NeuralTaggerSettings
    # bert windows long pieces itself (overlapping windows); the cut only bounds memory
    piece_chars: ClassVar[int] = 20_000
    checkpointed: ClassVar[bool] = True
    needs_encoder: ClassVar[bool] = True

    def __init__(self, settings: NeuralTaggerSettings | None = None) -> None:
        super().__init__(settings)
        self.model_: NeuralTagger | None = None

    def fit(self, texts: Sequence[str], tags: Sequence[Sequence[str]], *, outside: str,
            words: tuple[list[list[str]], list[list[str]]] | None = None,
            dev: tuple[list[str], list[list[str]]] | None = None,
            dev_metric: DevMetric | None = None, output_dir: Path | None = None,
            resume: bool = False, progress: Progress | None = None) -> BertBackend:
        """Fine-tune the encoder; checkpoints go to ``output_dir/checkpoints``."""
        if output_dir is None:
            raise ZhtextError("method 'bert' needs an output directory for its checkpoints")
        labels = sorted({t for ts in tags for t in ts} | {outside})
        dev_pair = None
        if dev is not None:
            unknown = {t for ts in dev[1] for t in ts} - set(labels)
            if unknown:
                raise InputError(f"dev data has tags the training data lacks: "
                                 f"{', '.join(sorted(unknown)[:20])}")
            dev_pair = ([_fold(t) for t in dev[0]], dev[1])
        neural = NeuralTagger(self.settings)
        out = neural.fit([_fold(t) for t in texts], tags, labels=labels, outside=outside,
                         dev=dev_pair, output_dir=output_dir, resume=resume,
                         dev_metric=dev_metric)
        # NeuralTagger returns its history (or, once it follows fit -> self, keeps it).
        self.history_ = dict(out if isinstance(out, dict) else getattr(neural, "history_", {}))
        self.model_ = neural
        self.labels_ = labels
        return self

    def _model(self) -> NeuralTagger:
        if self.model_ is None:
            raise NotFittedError(self)
        return self.model_

    def tags(self, texts: Sequence[str]) -> list[list[str]]:  # noqa: D102
        return self._model().predict_tags([_fold(t) for t in texts])

    def marginals(self, texts: Sequence[str]) -> list[tuple[list[str], Any]]:  # noqa: D102
        out: list[tuple[list[str], Any]] = []
        for p in self._model().predict_marginals([_fold(t) for t in texts]):
            out.append(([self.labels_[int(i)] for i in p.argmax(axis=1)], p))
        return out

    def save(self, d: Path) -> dict[str, Any]:  # noqa: D102
        return {"model": self._model().save(d / "model"), "pos_model": None}

    @classmethod
    def load(cls, d: Path, manifest: dict[str, Any], settings: Any) -> BertBackend:  # noqa: D102
        obj = cls(settings)
        obj.model_ = NeuralTagger.load(d / "model", manifest["model"])
        obj.labels_ = list(manifest.get("labels", []))
        obj.history_ = dict(manifest.get("history", {}))
        return obj
