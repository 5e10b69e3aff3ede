"""Neural classifiers (``textcnn``, ``bert``, ``bert-cnn``, LoRA) on one path: ``Trainer``.

Every neural method comes down to a ``PreTrainedModel`` and a way to turn texts into windows of
ids. ``Trainer`` does the rest: early stopping on the dev metric (best checkpoint kept),
checkpoints and ``--resume``, seeds, gradient accumulation, mixed precision on GPUs,
TensorBoard, and multi-process training under ``torchrun`` / ``accelerate launch``. Texts
longer than the model's window are split into overlapping windows; each window is scored and
the class probabilities are averaged per text.
"""

from __future__ import annotations

import logging
import math
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from zhtext.classify.backend import ClassifierBackend
from zhtext.errors import InputError, ZhtextError
from zhtext.neural.distributed import main_process_first
from zhtext.neural.settings import (
    EarlyStoppingSettings,
    EncoderSettings,
    PeftSettings,
    TrainingSettings,
    WindowSettings,
    check_choice,
)
from zhtext.neural.training import (
    encoder_learning_rate,
    last_checkpoint,
    quiet_transformers,
    run_trainer,
)
from zhtext.neural.windows import (
    Windows,
    length_sample,
    pad_windows,
    sorted_batches,
    window_length,
)
from zhtext.params import AT_LEAST_0, FRACTION, POSITIVE, Range

__all__ = ["NEURAL_METHODS", "NeuralClassifier", "NeuralSettings", "pad_windows"]

logger = logging.getLogger(__name__)

NEURAL_METHODS = ("textcnn", "bert", "bert-cnn")
# A hashed table of one row would be all padding (row 0); 0 turns the table off.
BUCKETS = Range(2, also=(0,), also_means="none")
# Version of the saved layout: 1 (no "format" key) all fp32; 2 textcnn embeddings in fp16;
# 3 textcnn embeddings quantised with a scale per row, untrained rows left out (tables.py).
NEURAL_FORMAT = 3
# Bits per stored value of each textcnn embedding table (format 3). The hashed tables are most
# of the bytes: on THUCNews dev (checkpoint of a default run) 5 bits scored as fp32 while 4
# lost 0.07 points; 8 bits for the small token table.
_TABLE_BITS = {"embeddings": 8, "bigram_embeddings": 5, "word_embeddings": 5}


@dataclass
class NeuralSettings(PeftSettings, WindowSettings, EarlyStoppingSettings, TrainingSettings,
                     EncoderSettings):
    """Settings of the neural methods; each can be set with ``--set NAME=VALUE``.

    The encoder, training, early-stopping, window and LoRA fields are the shared ones of
    :mod:`zhtext.neural.settings`; here ``epochs``, ``batch_size`` and ``learning_rate`` of 0
    mean the method's default.
    """

    epochs: float = field(default=0.0, metadata={
        "help": "Training epochs (0: the method's default, for textcnn from the data size; "
                "early stopping may end sooner)."})
    batch_size: int = field(default=0, metadata={"help": "Batch size (0: method default)."})
    learning_rate: float = field(default=0.0, metadata={
        "help": "Peak learning rate (0: method default; for encoders by their width, 3e-5 "
                "for BERT-base up to 5e-4 for 128-wide ones, 5e-4 or more with lora)."})
    max_length: int = field(default=0, metadata={
        "help": "Window length in tokens (0: from the training texts, at most 256 / 512)."})
    predict_batch_size: int = field(default=256, metadata={"help": "Batch size at prediction."})
    class_weights: bool = field(default=False, metadata={
        "help": "Weight classes by inverse frequency (imbalanced data)."})
    # textcnn
    segmenter: str = field(default="rjieba", metadata={
        "help": "textcnn: the segmenter of word units and of each character's word (rjieba, "
                "jieba, char, or a cws model directory)."})
    unit: Literal["char", "word"] = field(default="char", metadata={
        "help": "textcnn tokens: char or word."})
    embedding_dim: int = field(default=128, metadata={"help": "textcnn embedding width.",
                                                      "range": POSITIVE})
    num_filters: int = field(default=256, metadata={"help": "CNN filters per kernel width.",
                                                    "range": POSITIVE})
    kernel_sizes: str = field(default="2,3,4", metadata={"help": "CNN kernel widths."})
    dropout: float = field(default=0.5, metadata={"help": "Dropout before the classifier.",
                                                  "range": FRACTION})
    bigram_buckets: int = field(default=200000, metadata={"range": BUCKETS,
        "help": "textcnn hashed character-bigram embeddings, at most this many rows (fewer "
                "for small data; 0: none)."})
    word_buckets: int = field(default=200000, metadata={"range": BUCKETS,
        "help": "textcnn (char units): hashed embeddings of each character's word, at most "
                "this many rows (fewer for small data; 0: none)."})
    min_count: int = field(default=1, metadata={"help": "textcnn vocabulary minimum count.",
                                                "range": AT_LEAST_0})
    vectors: str | None = field(default=None, metadata={
        "help": "textcnn: pretrained vectors in word2vec text format to initialise tokens."})
    word2vec: bool = field(default=False, metadata={
        "help": "textcnn: initialise token embeddings with word2vec (gensim) trained on the "
                "training texts first."})

    def validate(self) -> None:  # noqa: D102
        super().validate()
        check_choice("unit", self.unit, ("char", "word"))
        try:
            ks = [int(k) for k in str(self.kernel_sizes).split(",")]
        except ValueError:
            raise InputError(f"`kernel_sizes` should be comma-separated widths such as "
                             f"'2,3,4', got {self.kernel_sizes!r}.") from None
        if not ks or min(ks) < 1:
            raise InputError(f"`kernel_sizes` should be positive, got {self.kernel_sizes!r}.")


_DEFAULTS: dict[str, dict[str, Any]] = {
    # Chosen on THUCNews / ChnSentiCorp dev on a 2-core CPU (bench/classify.py).
    "textcnn": {"epochs": 2, "batch_size": 128, "learning_rate": 2e-3},
    "bert": {"epochs": 3, "batch_size": 32, "learning_rate": 3e-5},
    "bert-cnn": {"epochs": 3, "batch_size": 32, "learning_rate": 3e-5},
}


def _resolved(method: str, s: NeuralSettings) -> NeuralSettings:
    d = asdict(s)
    for k, v in _DEFAULTS[method].items():
        if not d[k]:
            d[k] = v
    if s.lora and s.learning_rate == 0:
        d["learning_rate"] = 5e-4
    return NeuralSettings(**d)


def _collate(pad_id: int) -> Any:
    import torch

    def collate(batch: list[dict[str, Any]]) -> dict[str, Any]:
        return {k: torch.from_numpy(v) for k, v in pad_windows(batch, pad_id).items()}

    return collate


class NeuralClassifier(ClassifierBackend):
    """The neural methods behind :class:`~zhtext.classify.TextClassifier`.

    One backend for the three methods (they share the ``Trainer`` path and differ in the
    model built and the tokenizer). A model exported to ONNX (``"runtime": "onnx"`` in
    ``zhtext.json``) loads as :class:`~zhtext.classify.onnx_model.OnnxClassifier`.

    Args:
        method: ``textcnn``, ``bert`` or ``bert-cnn``.
        settings: Training and model settings.
    """

    settings_class: ClassVar[Any] = NeuralSettings
    checkpointed: ClassVar[bool] = True
    exportable: ClassVar[bool] = True

    @classmethod
    def create(cls, method: str, settings: Any) -> NeuralClassifier:  # noqa: D102
        return cls(method, settings)

    @classmethod
    def needs_encoder(cls, method: str) -> bool:
        """``bert`` and ``bert-cnn`` fine-tune an encoder; ``textcnn`` learns from scratch."""
        return method != "textcnn"

    def export_tokens(self) -> list[str]:
        """TextCNN: its vocabulary; encoders: the single Han characters of theirs."""
        if self.method == "textcnn":
            return [t for t in self.tokenizer_.itos[2:] if t.strip()]
        from zhtext.text.chars import is_han

        return [t for t in self.tokenizer_.get_vocab() if len(t) == 1 and is_han(t)]

    def export_fusable(self) -> bool:
        """Attention fusion applies to the encoder methods."""
        return self.method != "textcnn"

    def export_tokenizer(self, src: Path, dest: Path) -> None:
        """TextCNN's ``vocab.json``, or the encoder's tokenizer in ``dest/tokenizer``."""
        if self.method == "textcnn":
            shutil.copyfile(src / "vocab.json", dest / "vocab.json")
        else:
            self.tokenizer_.save_pretrained(dest / "tokenizer")

    def __init__(self, method: str, settings: NeuralSettings | None = None) -> None:
        if method not in NEURAL_METHODS:
            raise ZhtextError(f"unknown neural method {method!r}; expected one of "
                              f"{', '.join(NEURAL_METHODS)}")
        self.method = method
        self.settings: NeuralSettings = settings or NeuralSettings()
        if method != "textcnn" and not self.settings.model:
            raise InputError(f"method {method!r} needs an encoder: pass --model NAME_OR_DIR "
                             "(a Hugging Face hub name such as bert-base-chinese, or a local "
                             "directory, e.g. one made by 'zhtext pretrain mlm')")
        if method == "textcnn" and self.settings.lora:
            raise InputError("--lora works with the encoder methods (bert, bert-cnn), not "
                             "textcnn")
        if method == "textcnn" and self.settings.init == "random":
            raise InputError("init=random applies to the encoder methods (bert, bert-cnn), "
                             "not textcnn (whose weights always start random); drop "
                             "--set init=random")
        self.model_: Any = None
        self.tokenizer_: Any = None
        self._encoder_config: Any = None  # the encoder's config, while building
        self.labels_: list[str] = []
        self.multi_label_ = False
        self.max_length_ = 0
        self.history_: list[dict[str, Any]] = []
        self.resumed_from_: int | None = None

    # -- text -> windows ------------------------------------------------------------------
    def _encode(self, texts: Sequence[str]) -> tuple[dict[str, list[list[int]]], list[int]]:
        s = self.settings
        if self.method == "textcnn":
            enc = self.tokenizer_.encode(texts, max_length=self.max_length_,
                                         stride=s.stride or None,
                                         bigram_buckets=self.model_.config.bigram_buckets,
                                         word_buckets=getattr(self.model_.config,
                                                              "word_buckets", 0))
            feats = {"input_ids": enc.input_ids}
            if self.model_.config.bigram_buckets:
                feats["bigram_ids"] = enc.bigram_ids
            if enc.word_ids:
                feats["word_ids"] = enc.word_ids
            return feats, enc.owner
        stride = s.stride or self.max_length_ // 4
        out = self.tokenizer_(list(texts), truncation=True, max_length=self.max_length_,
                              stride=min(stride, self.max_length_ // 2),
                              return_overflowing_tokens=True, padding=False)
        owner = list(out.pop("overflow_to_sample_mapping"))
        feats = {k: list(v) for k, v in out.items() if k in ("input_ids", "attention_mask",
                                                              "token_type_ids")}
        return feats, owner

    def _pick_max_length(self, texts: Sequence[str], cap: int) -> int:
        if self.settings.max_length:
            return self.settings.max_length
        sample = length_sample(texts)
        if self.method == "textcnn":
            lens = [len(self.tokenizer_.tokens(t)) for t in sample]
        else:
            lens = [len(ids) for ids in self.tokenizer_(list(sample))["input_ids"]]
        return window_length(lens, cap=cap, floor=8)

    # -- building -------------------------------------------------------------------------
    def _build(self, texts: Sequence[str], labels: list[str], multi_label: bool,
               state_dir: Path | None) -> None:
        s = self.settings
        problem = "multi_label_classification" if multi_label else "single_label_classification"
        id2label = dict(enumerate(labels))
        label2id = {v: k for k, v in id2label.items()}
        if self.method == "textcnn":
            from zhtext.classify.textcnn import TextCNNConfig, TextCNNForSequenceClassification
            from zhtext.classify.vocab import Vocab, table_rows

            vocab_file = state_dir / "vocab.json" if state_dir else None
            with main_process_first():  # under torchrun the others read rank 0's vocabulary
                if vocab_file is not None and vocab_file.exists():
                    self.tokenizer_ = Vocab.load(vocab_file)  # resuming: the same ids
                else:
                    self.tokenizer_ = Vocab(s.unit, segmenter=s.segmenter).build(
                        texts, min_count=s.min_count)
                    if vocab_file is not None:
                        self.tokenizer_.save(vocab_file)
            self.max_length_ = self._pick_max_length(texts, 256)
            from transformers import set_seed

            set_seed(s.seed)  # the same initial weights in every run (and every process)
            # Hashed tables sized to the data: a table far larger than the training text's
            # bigrams and words is rows that never train, and most of the model's bytes.
            word_cap = s.word_buckets if s.unit == "char" else 0
            n_bigrams, n_words = self.tokenizer_.distinct_pieces(texts, words=word_cap > 0)
            config = TextCNNConfig(
                vocab_size=len(self.tokenizer_),
                bigram_buckets=table_rows(n_bigrams, s.bigram_buckets),
                word_buckets=table_rows(n_words, word_cap),
                embedding_dim=s.embedding_dim,
                kernel_sizes=[int(k) for k in s.kernel_sizes.split(",")],
                num_filters=s.num_filters, dropout=s.dropout, window_length=self.max_length_,
                num_labels=len(labels), id2label=id2label, label2id=label2id,
                problem_type=problem)
            self.model_ = TextCNNForSequenceClassification(config)
            if s.word2vec and not (state_dir and last_checkpoint(state_dir / "checkpoints")):
                self._word2vec(texts)
            if s.vectors:
                self._load_vectors(Path(s.vectors))
            return
        from transformers import set_seed

        from zhtext.neural.encoder import load_tokenizer_and_config, position_limit

        assert s.model is not None
        self.tokenizer_, self._encoder_config = load_tokenizer_and_config(s.model)
        self.max_length_ = self._pick_max_length(
            texts, position_limit(self._encoder_config, self.tokenizer_))
        kwargs: dict[str, Any] = {"num_labels": len(labels), "id2label": id2label,
                                  "label2id": label2id, "problem_type": problem}
        random_init = s.init == "random"
        if random_init and s.lora:
            logger.warning("init=random with lora: the adapters train on a frozen random "
                           "encoder")
        set_seed(s.seed)  # the new head's (and a random encoder's) initial weights
        # A new head on an encoder: transformers' load report (the head's keys missing, the
        # MLM head's unexpected) says what is meant here; it does not reach the user.
        with quiet_transformers(loading=True):
            if self.method == "bert":
                from zhtext.neural.heads import linear

                self.model_ = linear.from_encoder(s.model, random_init=random_init, **kwargs)
            else:
                from zhtext.neural.heads.cnn import (
                    BertCnnConfig,
                    BertCnnForSequenceClassification,
                )

                cnn_config = BertCnnConfig(
                    kernel_sizes=[int(k) for k in s.kernel_sizes.split(",")],
                    num_filters=s.num_filters, dropout=min(s.dropout, 0.1), **kwargs)
                self.model_ = BertCnnForSequenceClassification.from_encoder(
                    s.model, cnn_config, random_init=random_init)
        if s.lora:
            from zhtext.neural.peft import add_adapters

            head = ["classifier"]
            if self.method == "bert-cnn":  # PEFT saves modules, not module lists
                head += [f"convs.{i}" for i in range(len(self.model_.convs))]
            self.model_ = add_adapters(self.model_, s, task_type="SEQ_CLS",
                                       modules_to_save=head)

    def _word2vec(self, texts: Sequence[str]) -> None:
        """Initialise the token table with skip-gram vectors trained on ``texts``."""
        import torch

        try:
            from gensim.models import Word2Vec
        except ImportError:
            raise InputError("word2vec initialisation needs gensim: pip install "
                             "'zhtext[embeddings]'") from None
        s = self.settings
        sentences = [self.tokenizer_.tokens(t) for t in texts]
        w2v = Word2Vec(sentences, vector_size=s.embedding_dim, window=5, min_count=1, sg=1,
                       negative=5, epochs=3, workers=2, seed=s.seed)
        table = self.model_.get_input_embeddings().weight
        vectors = w2v.wv
        scale = 0.1 / max(1e-6, float(np.abs(vectors.vectors).std()))
        with torch.no_grad():
            for i, tok in enumerate(self.tokenizer_.itos):
                if tok in vectors.key_to_index:
                    table[i] = torch.from_numpy(vectors[tok] * scale)
        logger.info("initialised %d token embeddings with word2vec", len(vectors.key_to_index))

    def _load_vectors(self, path: Path) -> None:
        import torch

        if not path.is_file():
            raise InputError("vectors file not found", path=str(path))
        table = self.model_.get_input_embeddings().weight
        dim = table.shape[1]
        found = 0
        with open(path, encoding="utf-8", errors="replace") as f:
            for lineno, line in enumerate(f, 1):
                parts = line.rstrip().split(" ")
                if lineno == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                    continue
                if len(parts) != dim + 1:
                    raise InputError(f"expected a token and {dim} numbers (embedding_dim), "
                                     f"found {len(parts) - 1} numbers; set embedding_dim to "
                                     "the file's width", path=str(path), line=lineno)
                i = self.tokenizer_.stoi.get(parts[0])
                if i is None:
                    continue
                try:
                    vec = [float(x) for x in parts[1:]]
                except ValueError:
                    raise InputError("not a number in the vector", path=str(path),
                                     line=lineno) from None
                with torch.no_grad():
                    table[i] = torch.tensor(vec)
                found += 1
        logger.info("initialised %d of %d tokens from %s", found, len(self.tokenizer_), path)

    # -- training -------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        y: np.ndarray,
        labels: list[str],
        *,
        multi_label: bool = False,
        dev: tuple[Sequence[str], np.ndarray] | None = None,
        work_dir: Path | None = None,
        resume: bool = False,
    ) -> NeuralClassifier:
        """Train on ``texts`` with targets ``y`` (ids, or a 0/1 matrix for multi-label).

        Args:
            texts: Training texts.
            y: Class ids ``(n,)`` or a 0/1 matrix ``(n, classes)``.
            labels: Class names by id.
            multi_label: Sigmoid outputs, one decision per class.
            dev: Dev texts and targets for early stopping and the best checkpoint.
            work_dir: Where checkpoints and logs go (``DIR`` of ``classify train``); a
                temporary directory when not given.
            resume: Continue from the newest checkpoint in ``work_dir``.
        """
        import tempfile

        import torch

        from zhtext.neural.loss import classification_loss

        auto_epochs = self.settings.epochs == 0
        auto_lr = self.settings.learning_rate == 0
        s = self.settings = _resolved(self.method, self.settings)
        self.labels_ = list(labels)
        self.multi_label_ = multi_label
        cleanup = work_dir is None
        work = Path(work_dir) if work_dir is not None else Path(tempfile.mkdtemp(
            prefix="zhtext-train-"))
        try:
            self._build(texts, self.labels_, multi_label, work)
            if auto_lr and self.method != "textcnn":
                lr = encoder_learning_rate(self._encoder_config)
                s.learning_rate = max(lr, 5e-4) if s.lora else lr
            feats, owner = self._encode(texts)
            y_windows = y[np.asarray(owner)]
            if multi_label:
                y_windows = y_windows.astype(np.float32)
            train_set = Windows(feats, y_windows)
            eval_set = None
            dev_owner: list[int] = []
            if dev is not None:
                dfeats, dev_owner = self._encode(dev[0])
                eval_set = Windows(dfeats, dev[1][np.asarray(dev_owner)])
            weights = None
            if s.class_weights:
                weights = torch.tensor(_inverse_frequency(y, len(labels), multi_label),
                                       dtype=torch.float32)

            def loss_func(outputs: Any, targets: Any, num_items_in_batch: Any = None) -> Any:
                w = weights.to(outputs.logits.device) if weights is not None else None
                return classification_loss(outputs.logits, targets,
                                           "multi_label_classification" if multi_label
                                           else "single_label_classification", w)

            steps_per_epoch = math.ceil(len(train_set) / (s.batch_size * s.gradient_accumulation))
            if auto_epochs and self.method == "textcnn":
                # Small data sets need more passes: at least ~2,000 steps, at most 30 epochs
                # (early stopping on dev ends sooner); 2 epochs from 128,000 windows on.
                s.epochs = float(min(30, max(s.epochs, math.ceil(2000 / steps_per_epoch))))
            metric = "micro_f1" if multi_label else "accuracy"
            compute_metrics = (self._metrics_fn(dev_owner, dev[1]) if dev is not None
                               else None)
            trainer, self.resumed_from_ = run_trainer(
                self.model_, s, work=work, train_set=train_set, eval_set=eval_set,
                collate=_collate(self._pad_id()), steps_per_epoch=steps_per_epoch,
                metric=metric, compute_metrics=compute_metrics, resume=resume,
                compute_loss_func=loss_func)
            self.history_ = [dict(h) for h in trainer.state.log_history]
            self.model_ = trainer.model
            if s.lora:  # keep the adapters to save; predict with them merged in (faster)
                import copy

                self.adapter_ = self.model_
                self.model_ = copy.deepcopy(self.model_).merge_and_unload()
            self.model_.eval()
            if self.method == "textcnn":
                # Rows no training window used never trained (still random): zeroed, so they
                # are not stored; the rest rounded as saved, so it predicts as the saved model.
                _round_embeddings(self.model_, used={
                    "embeddings": feats["input_ids"],
                    "bigram_embeddings": feats.get("bigram_ids", []),
                    "word_embeddings": feats.get("word_ids", [])})
        finally:
            if cleanup:
                shutil.rmtree(work, ignore_errors=True)
        return self

    def _pad_id(self) -> int:
        if self.method == "textcnn":
            return 0
        return int(self.tokenizer_.pad_token_id or 0)

    def _metrics_fn(self, owner: list[int], y_dev: np.ndarray) -> Any:
        multi = self.multi_label_

        def compute(pred: Any) -> dict[str, float]:
            logits = pred.predictions[0] if isinstance(pred.predictions, tuple) \
                else pred.predictions
            proba = _aggregate(_probabilities(np.asarray(logits), multi), owner, len(y_dev))
            if multi:
                from sklearn.metrics import f1_score

                return {"micro_f1": float(f1_score(y_dev, proba > 0.5, average="micro",
                                                   zero_division=0))}
            return {"accuracy": float((proba.argmax(1) == y_dev).mean())}

        return compute

    # -- prediction -----------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], *, batch_size: int | None = None
                      ) -> np.ndarray:
        """Class probabilities ``(n, classes)``, windows averaged per text."""
        if self.model_ is None:
            from zhtext.errors import NotFittedError

            raise NotFittedError(self)
        n = len(texts)
        if n == 0:
            return np.zeros((0, len(self.labels_)), dtype=np.float32)
        feats, owner = self._encode(texts)
        logits = np.zeros((len(owner), len(self.labels_)), dtype=np.float32)
        for idx, batch in sorted_batches(feats, batch_size or self.settings.predict_batch_size,
                                         self._pad_id()):
            logits[idx] = self._logits(batch)
        return _aggregate(_probabilities(logits, self.multi_label_), owner, n)

    def _logits(self, batch: dict[str, np.ndarray]) -> np.ndarray:
        """The model's logits of one padded batch."""
        import torch

        device = next(self.model_.parameters()).device
        self.model_.eval()
        with torch.inference_mode():
            out = self.model_(**{k: torch.from_numpy(v).to(device) for k, v in batch.items()})
        return np.asarray(out.logits.float().cpu().numpy())

    # -- persistence ----------------------------------------------------------------------
    def save(self, d: Path) -> dict[str, Any]:
        """Write the model into directory ``d``; returns manifest entries."""
        with quiet_transformers():  # no "Writing model shards" bar of transformers' own
            self._write(d)
        settings = asdict(self.settings)
        return {"neural": {"format": NEURAL_FORMAT, "max_length": self.max_length_,
                           "settings": settings,
                           "resumed_from_step": self.resumed_from_,
                           "history": self.history_[-200:]}}

    def _write(self, d: Path) -> None:
        if self.method == "textcnn":
            # Embedding tables (most of the bytes) quantised with a scale per row and their
            # all-zero rows left out (format 3, see tables.py), the rest in fp32; loading
            # gives fp32 tables again. fit already rounded the live model's tables to the
            # stored values, so this loses nothing.
            from safetensors.numpy import save_file

            from zhtext.classify.tables import pack

            _round_embeddings(self.model_)
            tensors: dict[str, np.ndarray] = {}
            for k, v in self.model_.state_dict().items():
                table = k.split(".")[0]
                if table in _TABLE_BITS:
                    tensors.update(pack(k, v.detach().cpu().numpy(), _TABLE_BITS[table]))
                else:
                    tensors[k] = np.ascontiguousarray(v.detach().cpu().numpy())
            (d / "model").mkdir(parents=True, exist_ok=True)
            self.model_.config.save_pretrained(d / "model")
            save_file(tensors, str(d / "model" / "model.safetensors"), metadata={"format": "pt"})
            self.tokenizer_.save(d / "vocab.json")
        else:
            self.model_.save_pretrained(d / "model", safe_serialization=True)
            self.tokenizer_.save_pretrained(d / "model")
        adapter = getattr(self, "adapter_", None)
        if adapter is not None:
            adapter.save_pretrained(d / "adapter", safe_serialization=True)

    @classmethod
    def load(cls, d: Path, manifest: dict[str, Any]) -> NeuralClassifier:
        """Read a model written by :meth:`save` (safetensors; no code from the directory)."""
        if manifest.get("runtime") == "onnx":
            from zhtext.classify.onnx_model import OnnxClassifier

            return OnnxClassifier.load(d, manifest)
        method = manifest["method"]
        info = manifest.get("neural", {})
        if int(info.get("format", 1)) > NEURAL_FORMAT:
            raise InputError(f"the model was saved in neural format {info['format']}, newer "
                             f"than this zhtext reads ({NEURAL_FORMAT}); upgrade zhtext",
                             path=str(d))
        settings = NeuralSettings.from_dict(info.get("settings", {}))
        settings.model = settings.model or str(d / "model")
        obj = cls(method, settings)
        obj.labels_ = list(manifest["labels"])
        obj.multi_label_ = bool(manifest.get("multi_label", False))
        obj.max_length_ = int(info.get("max_length", 128))
        model_dir = d / "model"
        if not (model_dir / "config.json").is_file():
            raise InputError("the model directory has no model/config.json; it is damaged or "
                             "incomplete (retrain it)", path=str(d))
        from zhtext.neural.encoder import reading_saved_model

        # quiet: no "Loading weights" bar nor load report of transformers' own.
        with reading_saved_model(d), quiet_transformers(loading=True):
            if method == "textcnn":
                import torch

                from zhtext.classify.textcnn import TextCNNForSequenceClassification
                from zhtext.classify.vocab import Vocab

                obj.tokenizer_ = Vocab.load(d / "vocab.json")
                if int(info.get("format", 1)) >= 3:
                    from zhtext.classify.textcnn import TextCNNConfig

                    config = TextCNNConfig.from_pretrained(model_dir)
                    obj.model_ = TextCNNForSequenceClassification.from_pretrained(
                        None, config=config, state_dict=_read_tables(model_dir, config),
                        dtype=torch.float32)
                else:  # fp32, or fp16 embeddings cast to fp32
                    obj.model_ = TextCNNForSequenceClassification.from_pretrained(
                        model_dir, use_safetensors=True, dtype=torch.float32)
            elif method == "bert-cnn":
                from transformers import AutoTokenizer

                from zhtext.neural.heads.cnn import BertCnnForSequenceClassification

                obj.tokenizer_ = AutoTokenizer.from_pretrained(model_dir)
                obj.model_ = BertCnnForSequenceClassification.from_pretrained(
                    model_dir, use_safetensors=True)
            else:
                from transformers import AutoTokenizer

                from zhtext.neural.heads import linear

                obj.tokenizer_ = AutoTokenizer.from_pretrained(model_dir)
                obj.model_ = linear.from_saved(model_dir)
        obj.model_.eval()
        return obj


def _round_embeddings(model: Any, used: dict[str, Sequence[Sequence[int]]] | None = None
                      ) -> None:
    """Round textcnn's embedding tables in place to the values they are stored as (fp32).

    With ``used`` (table name -> the id rows of the training windows), the rows of a table
    that no window refers to are zeroed first (they never trained), and so are not stored.
    """
    import itertools

    import torch

    from zhtext.classify.tables import keep_rows, rounded

    with torch.no_grad():
        for k, v in model.state_dict().items():
            table = k.split(".")[0]
            if table not in _TABLE_BITS:
                continue
            w = v.detach().cpu().numpy().copy()
            if used is not None and table in used:
                ids = np.fromiter(itertools.chain.from_iterable(used[table]), dtype=np.int64)
                w[~keep_rows(len(w), [ids])] = 0.0
            v.copy_(torch.from_numpy(rounded(w, _TABLE_BITS[table])))


def _read_tables(model_dir: Path, config: Any) -> dict[str, Any]:
    """The fp32 state dict of a format-3 textcnn's ``model.safetensors`` (tables unpacked).

    Raises ``ValueError`` (a damaged directory) when a table does not fit ``config.json``.
    """
    import torch
    from safetensors.numpy import load_file

    from zhtext.classify.tables import packed_names, unpack

    tensors = load_file(str(model_dir / "model.safetensors"))
    rows = {"embeddings": config.vocab_size, "bigram_embeddings": config.bigram_buckets,
            "word_embeddings": getattr(config, "word_buckets", 0)}
    state = {k: torch.from_numpy(v) for k, v in tensors.items()
             if not any(k.startswith(name + ".") for name in packed_names(tensors))}
    for name in packed_names(tensors):
        table = name.split(".")[0]
        if not rows.get(table):
            raise ValueError(f"{name} is stored but config.json has no such table")
        state[name] = torch.from_numpy(unpack(tensors, name,
                                              (rows[table], config.embedding_dim)))
    return state


def _probabilities(logits: np.ndarray, multi_label: bool) -> np.ndarray:
    if multi_label:
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float32)


def _aggregate(proba: np.ndarray, owner: Sequence[int], n: int) -> np.ndarray:
    """Mean of the windows' probabilities per text."""
    owner_arr = np.asarray(owner)
    if len(owner_arr) == n and (owner_arr == np.arange(n)).all():
        return proba
    out = np.zeros((n, proba.shape[1]), dtype=np.float64)
    np.add.at(out, owner_arr, proba)
    counts = np.bincount(owner_arr, minlength=n).reshape(-1, 1)
    return np.asarray(out / np.maximum(counts, 1), dtype=np.float32)


def _inverse_frequency(y: np.ndarray, k: int, multi_label: bool) -> list[float]:
    if multi_label:
        pos = y.sum(axis=0).astype(np.float64)
        neg = len(y) - pos
        return [float(n / p) if p else 1.0 for p, n in zip(pos, neg)]
    counts = np.bincount(y, minlength=k).astype(np.float64)
    return [float(len(y) / (k * c)) if c else 0.0 for c in counts]
