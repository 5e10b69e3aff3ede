"""``TextClassifier``: one estimator-shaped facade over every classification method.

Example:
    >>> from zhtext.classify import TextClassifier
    >>> clf = TextClassifier("linear")  # doctest: +SKIP
    >>> clf.fit(texts, labels).predict(["央行宣布降准"])[0].label  # doctest: +SKIP
    'finance'
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhtext.classify.backend import ClassifierBackend
from zhtext.classify.methods import METHODS
from zhtext.errors import InputError, ZhtextError
from zhtext.params import MethodEstimator, coerce_setting, is_number, json_ready
from zhtext.records import Prediction

if TYPE_CHECKING:
    import numpy as np

    from zhtext.evaluate.classification import ClassificationReport

__all__ = ["METHODS", "NO_PREDICTION", "TextClassifier", "backend_class", "empty_positions",
           "method_settings", "predict_jobs", "settings_class"]

logger = logging.getLogger(__name__)

LabelsIn = Sequence[str] | Sequence[Sequence[str]]


#: The prediction of an empty or whitespace-only text: no label.
NO_PREDICTION = Prediction(None, 0.0, {}, ())  # type: ignore[arg-type]  # label: str | None


def empty_positions(texts: Sequence[Any]) -> list[int]:
    """The positions of the empty and whitespace-only texts, which get no prediction."""
    return [i for i, t in enumerate(texts) if isinstance(t, str) and not t.strip()]


def backend_class(method: str) -> type[ClassifierBackend]:
    """The backend class of a method name (or alias), built in or a plug-in's.

    Raises:
        ZhtextError: Unknown method (the valid names are listed).
    """
    if not isinstance(method, str) or method not in METHODS:
        raise ZhtextError(f"unknown classification method {method!r}; expected one of "
                          f"{', '.join(METHODS.names())}")
    cls = METHODS.get(method)
    if not (isinstance(cls, type) and issubclass(cls, ClassifierBackend)):
        raise ZhtextError(f"classification method {method!r} ({cls!r}) is not a "
                          "ClassifierBackend")
    return cls


def predict_jobs(manifest: Mapping[str, Any]) -> int:
    """Processes ``classify predict`` starts by default for a saved model (its method's)."""
    method = manifest.get("method")
    if manifest.get("task") != "classify" or not isinstance(method, str) or method not in METHODS:
        return 1  # not a classifier: loading it says so
    return backend_class(method).default_jobs(manifest)


def settings_class(method: str) -> Any:
    """The settings dataclass of a method (``LinearSettings``, ``NeuralSettings``, ...)."""
    return backend_class(method).settings_class


def method_settings(method: str) -> dict[str, str]:
    """Setting names of a method with their help text (for ``--set`` and error messages)."""
    return {f.name: str(f.metadata.get("help", "")) for f in fields(settings_class(method))}


def _coerce(value: Any, default: Any, name: str) -> Any:
    """A setting given as a string converted to its default's type (kept for callers)."""
    return coerce_setting(value, default, name)


class TextClassifier(MethodEstimator):
    """Train, apply, evaluate and save a text classifier (a scikit-learn-style classifier).

    ``get_params`` lists ``method``, ``multi_label``, ``threshold`` and every setting of the
    method (given or default), so ``sklearn.base.clone``, ``Pipeline`` and ``GridSearchCV``
    work (``score`` is accuracy; ``set_params(method=...)`` switches the method first, then
    the settings it knows). Names are checked when the classifier is made; values when it
    is fitted. Learned state ends in ``_`` (``labels_``, ``model_``).

    Args:
        method: ``linear`` (TF-IDF + NB-SVM, calibrated), ``textcnn``, ``bert`` or
            ``bert-cnn``.
        multi_label: Each text may have several labels (sigmoid outputs + ``threshold``).
        threshold: Decision threshold of multi-label models.
        **params: Method settings (see :func:`method_settings`), e.g. ``C=0.5``,
            ``epochs=3``, ``model="bert-base-chinese"``, ``lora=True``. They differ by
            method, so they are keywords of the method rather than of this class.

    Raises:
        ZhtextError: Unknown method or setting (the valid names are listed).

    Example:
        >>> from sklearn.base import clone  # doctest: +SKIP
        >>> clone(TextClassifier("linear", C=1.0)).get_params()["C"]  # doctest: +SKIP
        1.0
    """

    _estimator_type = "classifier"
    _requires_y = True

    def __init__(self, method: str = "linear", *, multi_label: bool = False,
                 threshold: float = 0.5, **params: Any) -> None:
        self._store_settings(method, params)
        self.multi_label = multi_label
        self.threshold = threshold

    _settings_class = staticmethod(settings_class)

    @property
    def settings(self) -> Any:
        """The method's settings dataclass, from the settings given and the defaults.

        Raises:
            ZhtextError: A value of the wrong type or out of range (as ``fit`` would).
        """
        return self._settings()

    def _settings(self) -> Any:
        if not is_number(self.threshold) or not 0.0 < self.threshold < 1.0:
            raise ZhtextError(f"threshold should be between 0 and 1, got {self.threshold!r}")
        return self._method_settings()

    def _is_fitted(self) -> bool:
        return getattr(self, "model_", None) is not None and bool(getattr(self, "labels_", None))

    @property
    def classes_(self) -> np.ndarray:
        """The class names in column order of :meth:`predict_proba` (scikit-learn's name)."""
        import numpy as np

        self._check()
        return np.asarray(self.labels_)

    # -- labels ---------------------------------------------------------------------------
    def _label_list(self, labels: LabelsIn) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...]] = []
        for lab in labels:
            if isinstance(lab, str):
                out.append((lab,))
            else:
                out.append(tuple(str(x) for x in lab))
        return out

    def _targets(self, labels: list[tuple[str, ...]], known: list[str],
                 where: Sequence[int] | None = None, path: str | None = None) -> np.ndarray:
        import numpy as np

        index = {name: i for i, name in enumerate(known)}
        shape = (len(labels), len(known)) if self.multi_label else (len(labels),)
        y: np.ndarray = np.zeros(shape, dtype=np.int64)
        from zhtext.io.tabular import is_int

        positions = getattr(self, "ids_are_positions_", False) and not any(is_int(k) for k in known)
        for row, labs in enumerate(labels):
            for lab in labs:
                if lab not in index and positions and is_int(lab) and 0 <= int(lab) < len(known):
                    lab = known[int(lab)]  # a class id of the label-names file it trained with
                if lab not in index:
                    line = where[row] if where is not None else row + 1
                    shown = ", ".join(known[:30]) + (" ..." if len(known) > 30 else "")
                    raise InputError(f"label {lab!r} was never seen in training; the model "
                                     f"knows: {shown}", path=path or "<input>", line=line)
                if self.multi_label:
                    y[row, index[lab]] = 1
                else:
                    y[row] = index[lab]
        return y

    # -- training -------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: LabelsIn,
        *,
        dev_texts: Sequence[str] | None = None,
        dev_labels: LabelsIn | None = None,
        work_dir: str | Path | None = None,
        resume: bool = False,
        label_order: Sequence[str] | None = None,
        output_dir: str | Path | None = None,
        force: bool = False,
        keep_checkpoints: bool = False,
    ) -> TextClassifier:
        """Learn from labelled texts; returns ``self``.

        With ``output_dir`` the run is the one ``zhtext classify train -o DIR`` makes: the
        directory must not exist (unless ``force``, or ``resume`` of an interrupted run); a
        checkpointed method writes ``training.json`` and ``checkpoints/`` into it first, and
        the trained model (with ``metrics.json`` / ``report.html`` on the dev data, if
        given) is saved there at the end.

        Args:
            texts: Training texts.
            labels: A label per text (a list of labels each for ``multi_label``).
            dev_texts: Dev texts (early stopping and the best checkpoint of neural methods).
            dev_labels: Their labels.
            work_dir: Checkpoints and logs of neural methods only (resumable); no model is
                saved. Use ``output_dir`` for a whole run.
            resume: Continue from the newest checkpoint in ``output_dir`` (or ``work_dir``);
                with ``output_dir`` the run's method and settings must be the same.
            label_order: Class names in id order (e.g. from a label-names file); default:
                the training labels, sorted.
            output_dir: The run and model directory (see above).
            force: Replace an existing ``output_dir``.
            keep_checkpoints: Keep ``checkpoints/`` in the saved model directory.

        Raises:
            InputError: Lengths differ, fewer than two classes, an empty text, a dev label
                not in the training labels, or ``output_dir`` exists (without ``force`` /
                ``resume``) or does not fit ``resume``.
        """
        if output_dir is None:
            return self._fit(texts, labels, dev_texts=dev_texts, dev_labels=dev_labels,
                             work_dir=work_dir, resume=resume, label_order=label_order)
        if work_dir is not None:
            raise ZhtextError("give output_dir (the run and model directory) or work_dir "
                              "(checkpoints only), not both")
        from zhtext.neural.runs import train_run

        def train(work: Path | None) -> None:
            self._fit(texts, labels, dev_texts=dev_texts, dev_labels=dev_labels,
                      work_dir=work, resume=resume, label_order=label_order)

        def finish() -> tuple[Any, None]:
            if dev_texts is None or dev_labels is None:
                return None, None
            report = self.evaluate(dev_texts, dev_labels)
            report.extra.update({"train_rows": len(texts),
                                 "train_seconds": round(self.train_seconds_ or 0.0, 1)})
            return report, None

        self._settings()  # the values checked before a run directory is made for them
        train_run(self, output_dir, train=train,
                  checkpointed=backend_class(self.method).checkpointed, force=force,
                  resume=resume, method=self.method, params=json_ready(self._params),
                  source=f"{len(texts)} texts (Python)", keep_checkpoints=keep_checkpoints,
                  finish=finish)
        return self

    def _fit(
        self,
        texts: Sequence[str],
        labels: LabelsIn,
        *,
        dev_texts: Sequence[str] | None,
        dev_labels: LabelsIn | None,
        work_dir: str | Path | None,
        resume: bool,
        label_order: Sequence[str] | None,
    ) -> TextClassifier:
        from zhtext.io.tabular import sort_labels

        if len(texts) != len(labels):
            raise InputError(f"{len(texts)} texts but {len(labels)} labels; give one label "
                             "(or list of labels) per text")
        labs = self._label_list(labels)
        for i, t in enumerate(texts):
            if not isinstance(t, str) or not t.strip():
                raise InputError(f"text {i} is empty; every training text needs content")
        counts = Counter(x for ls in labs for x in ls)
        known = list(label_order) if label_order is not None else sort_labels(counts)
        self.ids_are_positions_: bool = label_order is not None
        present = [k for k in known if counts.get(k)]
        if len(present) < 2 and not (self.multi_label and present):
            found = ", ".join(f"{k!r}" for k in present) or "none"
            raise InputError(f"training data has only one class ({found}); a classifier needs "
                             "at least two classes: check --label-col")
        y = self._targets(labs, known)
        dev = None
        if dev_texts is not None and dev_labels is not None:
            dev = (list(dev_texts), self._targets(self._label_list(dev_labels), known))
        settings = self._settings()
        self.report_: ClassificationReport | None = None
        start = time.perf_counter()
        backend = backend_class(self.method).create(METHODS.canonical(self.method), settings)
        self.model_: Any = backend.fit(
            texts, y, known, multi_label=self.multi_label, dev=dev,
            work_dir=Path(work_dir) if work_dir is not None else None, resume=resume)
        self.train_seconds_: float | None = time.perf_counter() - start
        self.labels_: list[str] = known
        return self

    # -- prediction -----------------------------------------------------------------------
    def _check(self) -> None:
        self._check_fitted()

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Class probabilities ``(n, classes)``, columns in :attr:`labels_` order.

        An empty or whitespace-only text has no prediction: its row is all NaN (the shape
        stays ``(n, classes)``, and ``argmax``-free code such as scikit-learn's metrics
        refuses it rather than count a made-up class). The model never sees such texts.
        """
        import numpy as np

        self._check()
        texts = list(texts)
        empty = empty_positions(texts)
        if not empty:
            return self.model_.predict_proba(texts)  # type: ignore[no-any-return]
        gone = set(empty)
        full = [t for i, t in enumerate(texts) if i not in gone]
        out = np.full((len(texts), len(self.labels_)), np.nan, dtype=np.float32)
        if full:
            proba = np.asarray(self.model_.predict_proba(full))
            out = out.astype(np.result_type(out, proba), copy=False)
            out[[i for i in range(len(texts)) if i not in gone]] = proba
        return out

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """A :class:`~zhtext.records.Prediction` per text, in order.

        An empty or whitespace-only text gets ``Prediction(label=None, score=0.0, scores={},
        labels=())``: no class, rather than the one the model leans to without evidence.
        """
        proba = self.predict_proba(texts)
        return self.predictions(proba)

    def score(self, texts: Sequence[str], labels: LabelsIn) -> float:
        """Accuracy on labelled texts (multi-label: the share of texts with exactly their labels).

        What ``GridSearchCV`` maximises by default.
        """
        preds = self.predict(texts)
        gold = self._label_list(labels)
        if len(gold) != len(preds):
            raise InputError(f"{len(preds)} texts but {len(gold)} labels; give one label "
                             "(or list of labels) per text")
        if not preds:
            return 0.0
        if self.multi_label:
            hits = sum(set(p.labels) == set(g) for p, g in zip(preds, gold, strict=True))
        else:
            hits = sum(p.label == g[0] for p, g in zip(preds, gold, strict=True) if g)
        return hits / len(preds)

    def predictions(self, proba: np.ndarray) -> list[Prediction]:
        """Predictions from a probability matrix of this model."""
        import numpy as np

        self._check()
        labels = self.labels_
        out = []
        order = np.argsort(-proba, axis=1, kind="stable")
        for row, idx in zip(proba, order):
            if np.isnan(row).all():  # an empty text (see predict_proba)
                out.append(NO_PREDICTION)
                continue
            scores = {labels[j]: float(row[j]) for j in idx}
            best = int(idx[0])
            chosen = (tuple(labels[j] for j in idx if row[j] > self.threshold)
                      if self.multi_label else (labels[best],))
            out.append(Prediction(labels[best], float(row[best]), scores, chosen))
        return out

    def evaluate(self, texts: Sequence[str], labels: LabelsIn, *,
                 ids: Sequence[str | int] | None = None, lines: Sequence[int] | None = None,
                 path: str | None = None) -> ClassificationReport:
        """Scores against gold labels (a label unknown to the model is an error)."""
        from zhtext.evaluate.classification import evaluate_predictions

        self._check()
        for i in empty_positions(texts)[:1]:
            if lines is not None and path is not None:
                raise InputError("empty text; remove the row or give it text", path=path,
                                 line=lines[i])
            raise InputError(f"text {i} is empty; every text to evaluate needs content")
        y = self._targets(self._label_list(labels), self.labels_, where=lines, path=path)
        start = time.perf_counter()
        proba = self.predict_proba(texts)
        seconds = time.perf_counter() - start
        report = evaluate_predictions(y, proba, self.labels_, multi_label=self.multi_label,
                                      threshold=self.threshold, texts=list(texts), ids=ids)
        report.extra.update({"method": self.method,
                             "predictions_per_second": round(len(texts) / max(seconds, 1e-9),
                                                             1)})
        return report

    # -- persistence ----------------------------------------------------------------------
    def save(self, path: str | Path, *, force: bool = False,
             report: ClassificationReport | None = None,
             extra_files: Any = None) -> Path:
        """Write the artifact directory atomically (never over an existing one without force).

        With a ``report``, ``metrics.json`` and ``report.html`` go inside.
        """
        import json

        from zhtext.artifacts import write_artifact

        self._check()
        report = report or getattr(self, "report_", None)

        def build(tmp: Path) -> dict[str, Any]:
            entries = self.model_.save(tmp)
            if report is not None:
                from zhtext.evaluate.classification_report import write_report

                (tmp / "metrics.json").write_text(json.dumps(report.to_dict(),
                                                             ensure_ascii=False, indent=2)
                                                  + "\n", encoding="utf-8")
                write_report(tmp / "report.html", report,
                             title=f"zhtext classify: {self.method}")
            if extra_files is not None:
                extra_files(tmp)
            return {"labels": self.labels_, "multi_label": self.multi_label,
                    "label_ids_are_positions": self.ids_are_positions_,
                    "threshold": json_ready(self.threshold), "params": json_ready(self._params),
                    "train_seconds": round(getattr(self, "train_seconds_", 0.0) or 0.0, 3),
                    "metrics": "metrics.json" if report is not None else None, **entries}

        return write_artifact(path, task="classify", method=self.method, build=build,
                              force=force)

    @classmethod
    def load(cls, path: str | Path, manifest: dict[str, Any] | None = None) -> TextClassifier:
        """Read an artifact written by :meth:`save` (no unpickling, no remote code).

        Args:
            path: The model directory.
            manifest: Its ``zhtext.json`` when already read (default: read from ``path``).
        """
        from zhtext.artifacts import read_manifest

        d = Path(path)
        manifest = read_manifest(d) if manifest is None else manifest
        if manifest.get("task") != "classify":
            raise InputError(f"not a classifier (task {manifest.get('task')!r}); make one with "
                             "'zhtext classify train'", path=str(d))
        method = manifest.get("method")
        labels = manifest.get("labels")
        if (not isinstance(method, str) or method not in METHODS or not isinstance(labels, list)
                or len(labels) < 2):
            raise InputError("zhtext.json has no valid method and labels; the model directory "
                             "is damaged", path=str(d))
        obj = cls.__new__(cls)
        obj.method = method
        obj.multi_label = bool(manifest.get("multi_label", False))
        obj.threshold = float(manifest.get("threshold", 0.5))
        obj._params = dict(manifest.get("params", {}))
        obj.labels_ = [str(x) for x in labels]
        obj.train_seconds_ = manifest.get("train_seconds")
        obj.report_ = None
        obj.ids_are_positions_ = bool(manifest.get("label_ids_are_positions", False))
        # the backend sees the method's own name (a versioned alias resolved)
        obj.model_ = backend_class(method).load(d, {**manifest,
                                                    "method": METHODS.canonical(method)})
        return obj
