"""``zhtext classify``: train, evaluate, predict with and compare text classifiers."""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Iterator
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from zhtext.cli.common import (
    DataInputFormat,
    Encoding,
    Force,
    IdCol,
    Inputs,
    OldDataFormat,
    Output,
    Quiet,
    TextCol,
    check_input_format,
    make_reader,
    model_megabytes,
    output_stream,
    parse_settings,
    refuse_unread,
    segmenter_arg,
    show_progress,
)
from zhtext.cli.engine import Address, Engine, Workers, check_engine, run_sharded
from zhtext.cli.runs import (
    Device,
    KeepCheckpoints,
    Resume,
    check_device,
    check_output,
    check_report_output,
    print_settings,
    progress,
    resume_hint,
    status,
    write_evaluation,
)
from zhtext.errors import InputError

if TYPE_CHECKING:
    from zhtext.classify.classifier import TextClassifier
    from zhtext.io.tabular import LabeledData

app = typer.Typer(help="Text classification: train, evaluate, predict, compare methods.",
                  no_args_is_help=True)
logger = logging.getLogger(__name__)

Method = Annotated[str, typer.Option(
    "--method", "-m", help="linear (default) | textcnn | bert | bert-cnn.")]
TextColOpt = TextCol
LabelColOpt = Annotated[str | None, typer.Option(
    "--label-col", help="Label column: a name, or a 0-based index (default: guessed).")]
IdColOpt = IdCol
LabelNames = Annotated[Path | None, typer.Option(
    "--label-names", help="Class names by id, one per line (THUCNews' class.txt).")]
Header = Annotated[bool | None, typer.Option(
    "--header/--no-header", help="CSV/TSV has a header row (default: guessed).",
    show_default=False)]
_FORMATS = ("auto", "csv", "tsv", "jsonl", "parquet", "text")
MultiLabel = Annotated[bool, typer.Option(
    "--multi-label", help="Several labels per text (a JSON list, or joined by --label-sep).")]
LabelSep = Annotated[str, typer.Option("--label-sep", help="Separator of multi-label cells.")]
Epochs = Annotated[float | None, typer.Option(
    "--epochs", min=0.0, show_default=False,
    help="Training epochs of the neural methods (default: textcnn follows the data size, 2 "
    "to 30 epochs; bert and bert-cnn 3; early stopping on dev may end sooner).")]
Settings = Annotated[list[str] | None, typer.Option(
    "--set", metavar="KEY=VALUE",
    help="A method setting KEY=VALUE (see 'zhtext classify settings METHOD'). "
    "Repeatable.")]


def _read(path: Path, *, text_col: str | None, label_col: str | None, id_col: str | None,
          label_names: list[str] | None, multi_label: bool, label_sep: str, header: bool | None,
          data_format: str, encoding: str, require_labels: bool = True) -> LabeledData:
    from zhtext.io.tabular import read_data

    return read_data(path, text_col=text_col, label_col=label_col, id_col=id_col,
                     fmt=data_format,  # type: ignore[arg-type]
                     header=header, label_names=label_names, multi_label=multi_label,
                     label_sep=label_sep, encoding=encoding, require_labels=require_labels)


# The neural methods share one settings class (NeuralSettings); these are the settings one
# of them does not read, left out of 'classify settings METHOD' and refused by --set.
_TEXTCNN_ONLY = frozenset({"segmenter", "unit", "embedding_dim", "bigram_buckets",
                           "word_buckets", "min_count", "vectors", "word2vec"})
_ENCODER_ONLY = frozenset({"model", "init", "lora", "lora_r", "lora_alpha", "lora_dropout",
                           "lora_targets"})
_NOT_READ = {"textcnn": _ENCODER_ONLY,
             "bert": _TEXTCNN_ONLY | {"num_filters", "kernel_sizes", "dropout"},
             "bert-cnn": _TEXTCNN_ONLY}


def applicable_settings(method: str) -> dict[str, str]:
    """The settings ``method`` reads, with their help text (for ``--set`` and listings)."""
    from zhtext.classify.classifier import METHODS, method_settings

    skip = _NOT_READ.get(METHODS.canonical(method), frozenset())
    return {k: v for k, v in method_settings(method).items() if k not in skip}


def _params(method: str, settings: list[str] | None, **named: Any) -> dict[str, Any]:
    from zhtext.classify.classifier import METHODS

    params = {k: v for k, v in named.items() if v is not None and v is not False}
    params.update(parse_settings(settings))
    allowed = applicable_settings(method)
    if set(params) - set(allowed):
        refuse_unread(method, params, allowed,
                      {m: applicable_settings(m) for m in METHODS.names()},
                      options={"model": "--model", "lora": "--lora", "epochs": "--epochs"})
    return params


@app.command()
def train(
    train_file: Annotated[Path, typer.Option("--train", help="Training data file.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model directory to create.")],
    method: Method = "linear",
    dev_file: Annotated[Path | None, typer.Option(
        "--dev", help="Dev data: early stopping, best checkpoint, the report.")] = None,
    test_file: Annotated[Path | None, typer.Option(
        "--test", help="Also evaluate on this file (test_metrics.json).")] = None,
    dev_split: Annotated[float, typer.Option(
        "--dev-split", min=0.0, max=0.9,
        help="Without --dev: share of the training data held out as dev "
        "(seeded, stratified); 0 trains on everything.")] = 0.1,
    model: Annotated[str | None, typer.Option(
        "--model", help="Encoder of bert / bert-cnn: hub name or local directory.")] = None,
    lora: Annotated[bool, typer.Option("--lora", help="LoRA adapters (PEFT) for the encoder "
                                       "methods.")] = False,
    epochs: Epochs = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed.")] = 42,
    class_weights: Annotated[bool, typer.Option(
        "--class-weights", help="Weight classes by inverse frequency.")] = False,
    device: Device = "auto",
    segmenter: Annotated[str | None, typer.Option(
        "--segmenter", help="Words of linear (and textcnn --set unit=word): rjieba, jieba, "
        "char, or a cws model directory (zhtext tag train).")] = None,
    settings: Settings = None,
    text_col: TextColOpt = None,
    label_col: LabelColOpt = None,
    id_col: IdColOpt = None,
    label_names: LabelNames = None,
    header: Header = None,
    input_format: DataInputFormat = "auto",
    data_format: OldDataFormat = None,
    multi_label: MultiLabel = False,
    label_sep: LabelSep = ",",
    threshold: Annotated[float, typer.Option(
        "--threshold", min=0.0, max=1.0, help="Multi-label decision threshold.")] = 0.5,
    encoding: Encoding = "utf-8",
    force: Force = False,
    resume: Resume = False,
    keep_checkpoints: KeepCheckpoints = False,
    quiet: Quiet = False,
) -> None:
    """Train a classifier; writes the model, metrics.json and report.html to -o."""
    from zhtext.classify.classifier import TextClassifier
    from zhtext.io.tabular import check_texts, read_label_names, split_data

    check_device(device)
    from zhtext.classify.classifier import backend_class

    backend = backend_class(method)
    neural = backend.checkpointed
    if backend.needs_encoder(method) and not model and not any(
            s.startswith("model=") for s in settings or []):
        raise InputError(f"method {method!r} needs an encoder: pass --model NAME_OR_DIR (a hub "
                         "name such as bert-base-chinese, or a local directory)")
    params = _params(method, settings, model=model, lora=lora, epochs=epochs,
                     class_weights=class_weights,
                     segmenter=segmenter_arg(segmenter) if segmenter else None,
                     device=device if neural and device != "auto" else None,
                     seed=seed if seed != 42 else None)
    check_output(output, force=force, resume=resume)
    clf = TextClassifier(method, multi_label=multi_label, threshold=threshold, **params)
    clf.settings  # noqa: B018  (each value's type and range, before any data is read)
    names = read_label_names(label_names) if label_names else None
    opts: dict[str, Any] = {"text_col": text_col, "label_col": label_col, "id_col": id_col,
                            "label_names": names, "multi_label": multi_label,
                            "label_sep": label_sep, "header": header,
                            "data_format": check_input_format(input_format, _FORMATS,
                                                              old=data_format),
                            "encoding": encoding}
    train_data = _read(train_file, **opts)
    check_texts(train_data)
    dev_data = _read(dev_file, **opts) if dev_file else None
    if dev_data is None and dev_split > 0:
        train_data, dev_data = split_data(train_data, dev_split, seed=seed)
        logger.info("held out %d of the training rows as dev (--dev-split %s)", len(dev_data),
                    dev_split)
    test_data = _read(test_file, **opts) if test_file else None
    labels: Any = train_data.labels if multi_label else train_data.single_labels()
    known = set(train_data.label_set())
    if dev_data is not None:
        check_texts(dev_data)
        _check_known(dev_data, known)
    from zhtext.neural.runs import train_run

    def fit(work: Path | None) -> None:
        with status(f"training {method} on {len(train_data):,} texts",
                    enabled=not neural and show_progress(quiet)):
            clf.fit(train_data.texts, labels,
                    dev_texts=dev_data.texts if dev_data is not None else None,
                    dev_labels=(dev_data.labels if multi_label else dev_data.single_labels())
                    if dev_data is not None else None,
                    work_dir=work, resume=resume, label_order=names if names else None)

    reports: dict[str, Any] = {}

    def finish() -> tuple[Any, Any]:
        report = None
        if dev_data is not None:
            report = _evaluate(clf, dev_data, multi_label)
            report.extra.update({"data": str(dev_file or f"{train_file} (held-out "
                                                         f"{dev_split:.0%})"),
                                 "train_rows": len(train_data),
                                 "train_seconds": round(clf.train_seconds_ or 0.0, 1)})
        test_report = _evaluate(clf, test_data, multi_label) if test_data is not None else None
        reports.update(dev=report, test=test_report)
        return report, test_report

    from zhtext.report.progress import quiet as no_bars

    with resume_hint(output, enabled=neural, command="classify"), no_bars(quiet):
        saved = train_run(clf, output, train=fit, checkpointed=neural, force=force,
                          resume=resume, method=method, params=params, source=str(train_file),
                          keep_checkpoints=keep_checkpoints, finish=finish)
    if saved is None:
        return  # under torchrun rank 0 evaluates and writes the model
    report, test_report = reports["dev"], reports["test"]
    from zhtext.report.numbers import shown

    msg = (f"saved {method} model to {output} ({shown(model_megabytes(saved), 'mb')} MB, "
           f"{shown(clf.train_seconds_ or 0.0, 'seconds')} s training)")
    if report is not None:
        msg += (f"; dev accuracy {shown(report.accuracy, 'accuracy')}, macro-F1 "
                f"{shown(report.macro['f1'], 'f1')}")
    if test_report is not None:
        msg += f"; test accuracy {shown(test_report.accuracy, 'accuracy')}"
    typer.echo(msg, err=True)


def _check_known(data: LabeledData, known: set[str]) -> None:
    for labs, line in zip(data.labels, data.lines):
        for lab in labs:
            if lab not in known:
                raise InputError(f"label {lab!r} does not occur in the training data; the "
                                 f"training labels are: {', '.join(sorted(known)[:30])}",
                                 path=data.path, line=line)


def _evaluate(clf: TextClassifier, data: LabeledData, multi_label: bool) -> Any:
    labels: Any = data.labels if multi_label else data.single_labels()
    return clf.evaluate(data.texts, labels, ids=data.ids, lines=data.lines, path=data.path)


def _load(model_dir: Path) -> TextClassifier:
    from zhtext.classify.classifier import TextClassifier

    return TextClassifier.load(model_dir)


@app.command()
def evaluate(
    model_dir: Annotated[Path, typer.Argument(help="A directory made by 'classify train'.")],
    data_file: Annotated[Path, typer.Argument(help="Labelled data to score.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write metrics.json and report.html into this directory.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
    text_col: TextColOpt = None,
    label_col: LabelColOpt = None,
    id_col: IdColOpt = None,
    label_names: LabelNames = None,
    header: Header = None,
    input_format: DataInputFormat = "auto",
    data_format: OldDataFormat = None,
    label_sep: LabelSep = ",",
    encoding: Encoding = "utf-8",
    force: Force = False,
) -> None:
    """Score a model on labelled data: per-class P/R/F1, averages, confusion, AUCs."""
    from zhtext.io.tabular import read_label_names

    clf = _load(model_dir)
    names = read_label_names(label_names) if label_names else None
    data = _read(data_file, text_col=text_col, label_col=label_col, id_col=id_col,
                 label_names=names, multi_label=clf.multi_label, label_sep=label_sep,
                 header=header,
                 data_format=check_input_format(input_format, _FORMATS, old=data_format),
                 encoding=encoding)
    check_report_output(output, force=force)
    report = _evaluate(clf, data, clf.multi_label)
    report.extra["data"] = str(data_file)
    if output is not None:
        from zhtext.evaluate.classification_report import write_report

        write_evaluation(output, report, method=clf.method, model_dir=model_dir,
                         data_file=data_file, force=force,
                         write_html=lambda p: write_report(
                             p, report, title=f"zhtext classify: {clf.method}"))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_report(report)


def _print_report(report: Any) -> None:
    from zhtext.evaluate.classification_report import leaderboard_text

    rows = [{"label": c["label"], "precision": c["precision"], "recall": c["recall"],
             "f1": c["f1"], "support": c["support"]} for c in report.per_class]
    typer.echo(leaderboard_text(rows))
    from zhtext.report.numbers import shown

    typer.echo(f"\naccuracy {shown(report.accuracy, 'accuracy')}   macro-F1 "
               f"{shown(report.macro['f1'], 'f1')}   micro-F1 {shown(report.micro['f1'], 'f1')}"
               f"   n {shown(report.n)}")


@app.command()
def predict(
    model_dir: Annotated[Path, typer.Argument(help="A directory made by 'classify train'.")],
    inputs: Inputs = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl | tsv.")] = "jsonl",
    text_col: TextColOpt = None,
    id_col: IdColOpt = None,
    header: Header = None,
    input_format: DataInputFormat = "auto",
    data_format: OldDataFormat = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1,
                                            help="Texts per batch.")] = 8192,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=0, show_default=False,
        help="--engine local: worker processes that load the model and predict batches "
        "(0: one per core; 1: this process). Default: the model's predict_jobs setting "
        "for linear (2 unless set), 1 for the neural methods.")] = None,
    encoding: Encoding = "utf-8",
    output: Output = None,
    force: Force = False,
    quiet: Quiet = False,
    engine: Engine = "local",
    workers: Workers = 2,
    address: Address = None,
) -> None:
    """Predict labels: one JSON object per input row, in order.

    Input files are data files in any training format, or plain text with one document per
    line; standard input ('-' or nothing) is text or JSONL. Each object is {"id", "label",
    "score", "scores"} ("labels" too for multi-label models); with several files a row's id
    is file:line. The input streams: memory stays bounded whatever its size.
    """
    if fmt not in ("jsonl", "tsv"):
        raise typer.BadParameter(f"{fmt!r}; expected jsonl or tsv", param_hint="--format")
    check_engine(engine, header=header is not None,
                 input_format=input_format != "auto" or data_format is not None,
                 jobs=jobs is not None)
    data_format = check_input_format(input_format, _FORMATS, old=data_format)
    from zhtext.artifacts import read_manifest

    manifest = read_manifest(model_dir)
    if engine == "ray":
        from zhtext.classify.output import load_prediction_lines

        if manifest.get("task") != "classify":
            raise InputError("not a classifier; give a directory made by 'classify train'",
                             path=str(model_dir))
        run_sharded(inputs, output, suffix=f".{fmt}",
                    make_worker=partial(load_prediction_lines, str(model_dir),
                                        fmt),  # type: ignore[arg-type]
                    workers=workers, address=address, text_col=text_col,
                    id_col=id_col, batch_size=min(batch_size, 4096), encoding=encoding,
                    force=force, quiet=quiet)
        return
    import os
    import sys
    from contextlib import closing
    from itertools import chain

    from zhtext.classify.output import stream_prediction_lines
    from zhtext.io.tabular import count_rows

    if jobs is None:
        from zhtext.classify.classifier import predict_jobs

        jobs = predict_jobs(manifest)
    sources = inputs or ["-"]
    batches = _input_batches(sources, text_col=text_col, id_col=id_col,
                             input_format=data_format, header=header, encoding=encoding,
                             batch_size=batch_size)
    first = next(batches)  # the input's errors (no file, no text column) before any work
    rows = chain.from_iterable(zip(ids, texts) for ids, texts in chain([first], batches))
    total = (sum(count_rows(s) for s in sources if s != "-")
             if show_progress(quiet) else 0)
    # Each worker loads the model itself; this process only reads rows and writes lines.
    lines = stream_prediction_lines(model_dir, rows, fmt=fmt,  # type: ignore[arg-type]
                                    jobs=jobs, chunk_size=batch_size)
    try:
        with closing(lines), output_stream(output, force=force) as out, \
                progress(total, quiet) as advance:
            for n, text in lines:
                out.write(text)
                advance(n)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _input_batches(sources: list[str], *, text_col: str | None, id_col: str | None,
                   input_format: str, header: bool | None, encoding: str, batch_size: int
                   ) -> Iterator[tuple[list[str | int], list[str]]]:
    """``(ids, texts)`` batches of data files (or standard input: text or JSONL), in order.

    With several inputs, ids that are line numbers become ``file:line``.
    """
    from zhtext.io.tabular import iter_batches

    many = len(sources) > 1
    for src in sources:
        if src == "-":
            if input_format not in ("auto", "text", "jsonl"):
                raise InputError(f"standard input is read as text or JSONL, not "
                                 f"{input_format}; give the file itself")
            reader = make_reader(["-"], input_format=input_format, text_col=text_col,
                                 id_col=id_col, doc_per_file=False, encoding=encoding)
            docs = iter(reader)
            while batch := list(islice(docs, batch_size)):
                yield ([f"-:{d.id}" if many and id_col is None else d.id for d in batch],
                       [d.text for d in batch])
            continue
        for ids, texts in iter_batches(src, text_col=text_col, id_col=id_col,
                                       fmt=input_format,  # type: ignore[arg-type]
                                       header=header, encoding=encoding,
                                       batch_size=batch_size):
            yield ([f"{src}:{i}" for i in ids] if many and id_col is None else ids), texts


@app.command()
def settings(method: Annotated[str, typer.Argument(
        help="linear | textcnn | bert | bert-cnn.")]) -> None:
    """List a method's settings (for --set KEY=VALUE)."""
    from zhtext.classify.classifier import settings_class

    print_settings(settings_class(method), only=set(applicable_settings(method)))


def _compare_params(wanted: list[str], settings: list[str] | None, *, epochs: float | None,
                    device: str, seed: int) -> dict[str, dict[str, Any]]:
    """Each compared method's settings: the shared options and ``--set`` where they apply.

    ``--set KEY=VALUE`` goes to every method that has the setting (an error if none has it);
    ``--set METHOD.KEY=VALUE`` to that method only. ``--epochs`` and ``--device`` go to the
    neural methods (an error if none is compared), ``--seed`` to every method.
    """
    from zhtext.classify.classifier import backend_class

    out: dict[str, dict[str, Any]] = {m: {} for m in wanted}
    allowed = {m: set(applicable_settings(m.removesuffix("+lora"))) for m in wanted}
    neural = [m for m in wanted if backend_class(m.removesuffix("+lora")).checkpointed]
    if (epochs is not None or device != "auto") and not neural:
        which = "--epochs" if epochs is not None else "--device"
        raise InputError(f"{which} applies to the neural methods (textcnn, bert, bert-cnn); "
                         f"none is among --methods {','.join(wanted)}")
    for m in neural:
        if epochs is not None:
            out[m]["epochs"] = epochs
        if device != "auto":
            out[m]["device"] = device
    if seed != 42:
        for m in wanted:
            if "seed" in allowed[m]:
                out[m]["seed"] = seed
    by_key = {m.replace("-", "_"): m for m in wanted}  # parse_settings turns - into _
    for key, value in parse_settings(settings).items():
        target, dot, name = key.rpartition(".")
        target = by_key.get(target, target)
        if dot and target not in out:
            raise InputError(f"--set {key}: {target!r} is not among --methods "
                             f"{','.join(wanted)}")
        chosen = [target] if dot else [m for m in wanted if name in allowed[m]]
        if not chosen or (dot and name not in allowed[target]):
            raise InputError(f"--set {key}: no compared method has a setting {name!r}; see "
                             "'zhtext classify settings METHOD'")
        for m in chosen:
            out[m][name] = value
    return out


@app.command()
def compare(
    train_file: Annotated[Path, typer.Option("--train", help="Training data file.")],
    methods: Annotated[str, typer.Option(
        "--methods", help="Comma-separated methods, e.g. linear,textcnn.")] = "linear,textcnn",
    dev_file: Annotated[Path | None, typer.Option("--dev", help="Dev data (scored).")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Directory for the models and leaderboard.html.")] = None,
    model: Annotated[str | None, typer.Option(
        "--model", help="Encoder for bert / bert-cnn.")] = None,
    dev_split: Annotated[float, typer.Option(
        "--dev-split", min=0.0, max=0.9, help="Without --dev: held-out share.")] = 0.1,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed.")] = 42,
    epochs: Epochs = None,
    device: Device = "auto",
    settings: Annotated[list[str] | None, typer.Option(
        "--set", metavar="KEY=VALUE",
        help="A setting KEY=VALUE for every method that has it (see 'zhtext "
        "classify settings METHOD'); METHOD.KEY=VALUE for one method. Repeatable.")] = None,
    text_col: TextColOpt = None,
    label_col: LabelColOpt = None,
    label_names: LabelNames = None,
    header: Header = None,
    input_format: DataInputFormat = "auto",
    data_format: OldDataFormat = None,
    encoding: Encoding = "utf-8",
    force: Force = False,
    quiet: Quiet = False,
) -> None:
    """Train several methods on the same data and print a leaderboard (also HTML with -o)."""
    import tempfile

    from zhtext.classify.classifier import METHODS, TextClassifier, backend_class
    from zhtext.evaluate.classification_report import leaderboard_text, write_leaderboard
    from zhtext.io.tabular import check_texts, read_label_names, split_data

    check_device(device)
    wanted = [m.strip() for m in methods.split(",") if m.strip()]
    for m in wanted:
        name = m.removesuffix("+lora")
        if name not in METHODS:
            raise typer.BadParameter(f"unknown method {m!r}; expected some of "
                                     f"{', '.join(METHODS)} (encoder methods may end in +lora)",
                                     param_hint="--methods")
        if backend_class(name).needs_encoder(name) and not model:
            raise InputError(f"method {m!r} needs --model NAME_OR_DIR")
    method_params = _compare_params(wanted, settings, epochs=epochs, device=device, seed=seed)
    if output is not None and output.exists() and not force:
        raise InputError("output directory already exists; pass --force to replace it",
                         path=str(output))
    names = read_label_names(label_names) if label_names else None
    opts: dict[str, Any] = {"text_col": text_col, "label_col": label_col, "id_col": None,
                            "label_names": names, "multi_label": False, "label_sep": ",",
                            "header": header,
                            "data_format": check_input_format(input_format, _FORMATS,
                                                              old=data_format),
                            "encoding": encoding}
    train_data = _read(train_file, **opts)
    check_texts(train_data)
    if dev_file is not None:
        dev_data = _read(dev_file, **opts)
    else:
        train_data, dev_data = split_data(train_data, dev_split, seed=seed)
    _check_known(dev_data, set(train_data.label_set()))
    rows = []
    with tempfile.TemporaryDirectory(prefix="zhtext-compare-") as scratch:
        models_dir = Path(scratch)
        for m in wanted:
            name = m.removesuffix("+lora")
            params: dict[str, Any] = dict(method_params[m])
            if backend_class(name).needs_encoder(name):
                params["model"] = model
            if m.endswith("+lora"):
                params["lora"] = True
            clf = TextClassifier(name, **params)
            typer.echo(f"training {m} ...", err=True)
            with status(f"training {m} on {len(train_data):,} texts",
                        enabled=not backend_class(name).checkpointed and show_progress(quiet)):
                clf.fit(train_data.texts, train_data.single_labels(),
                        dev_texts=dev_data.texts, dev_labels=dev_data.single_labels(),
                        label_order=names)
            start = time.perf_counter()
            report = clf.evaluate(dev_data.texts, dev_data.single_labels(), ids=dev_data.ids,
                                  lines=dev_data.lines, path=dev_data.path)
            seconds = time.perf_counter() - start
            report.extra.update({"train_seconds": round(clf.train_seconds_ or 0.0, 1)})
            path = clf.save(models_dir / m, report=report)
            rows.append({"method": m, "accuracy": report.accuracy,
                         "macro_f1": report.macro["f1"],
                         "train_seconds": round(clf.train_seconds_ or 0.0, 1),
                         "predictions_per_second": round(len(dev_data) / max(seconds, 1e-9)),
                         "model_mb": round(model_megabytes(path), 2)})
        typer.echo(leaderboard_text(rows))
        if output is not None:
            from zhtext.artifacts import write_artifact

            def build(tmp: Path) -> dict[str, Any]:
                for m in wanted:
                    shutil.move(str(models_dir / m), str(tmp / m))
                write_leaderboard(tmp / "leaderboard.html", rows,
                                  title=f"zhtext classify compare: {train_file.name}")
                (tmp / "leaderboard.json").write_text(
                    json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
                return {"rows": rows}

            write_artifact(output, task="comparison", method=",".join(wanted), build=build,
                           force=force)
            typer.echo(f"models and leaderboard.html in {output}", err=True)
