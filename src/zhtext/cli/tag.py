"""``zhtext tag``: train, evaluate and predict with segmentation, POS and NER taggers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from zhtext.cli.common import (
    DocPerFile,
    Encoding,
    Force,
    IdCol,
    InputFormatOpt,
    Inputs,
    OldDataFormat,
    Output,
    Quiet,
    TaggedInputFormat,
    TextCol,
    check_input_format,
    make_reader,
    model_megabytes,
    output_stream,
    parse_settings,
    refuse_unread,
)
from zhtext.cli.engine import Address, Engine, Workers, check_engine, run_sharded
from zhtext.cli.runs import (
    Device,
    KeepCheckpoints,
    check_device,
    check_output,
    check_report_output,
    print_settings,
    progress,
    resume_hint,
    write_evaluation,
)
from zhtext.errors import InputError

if TYPE_CHECKING:
    from zhtext.records import Sentence
    from zhtext.tag.tagger import Tagger

app = typer.Typer(help="Token tasks: word segmentation (cws), POS tagging (pos) and named "
                  "entities (ner).", no_args_is_help=True)
logger = logging.getLogger(__name__)

Task = Annotated[str, typer.Option("--task", "-t", help="cws | pos | ner.")]
Method = Annotated[str, typer.Option("--method", "-m", help="crf (default) | bert.")]
Settings = Annotated[list[str] | None, typer.Option(
    "--set", metavar="KEY=VALUE",
    help="A method setting KEY=VALUE (see 'zhtext tag settings METHOD'). Repeatable.")]


def _read(path: Path, fmt: str, old: str | None, encoding: str) -> list[Sentence]:
    from zhtext.io.tagged import FORMATS, read_tagged

    fmt = check_input_format(fmt, FORMATS, old=old)
    return read_tagged(path, fmt, encoding=encoding)  # type: ignore[arg-type]


def _params(method: str, settings: list[str] | None, **named: Any) -> dict[str, Any]:
    from zhtext.tag.tagger import METHODS, method_settings

    params = {k: v for k, v in named.items() if v is not None}
    params.update(parse_settings(settings))
    allowed = method_settings(method)
    if set(params) - set(allowed):
        refuse_unread(method, params, allowed, {m: method_settings(m) for m in METHODS.names()})
    return params


@app.command()
def train(
    train_file: Annotated[Path, typer.Option("--train", help="Annotated training data.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model directory to create.")],
    task: Task = "cws",
    method: Method = "crf",
    dev_file: Annotated[Path | None, typer.Option(
        "--dev", help="Dev data: the report (and early stopping for bert).")] = None,
    test_file: Annotated[Path | None, typer.Option(
        "--test", help="Also evaluate on this file (test_metrics.json).")] = None,
    dev_split: Annotated[float | None, typer.Option(
        "--dev-split", min=0.0, max=0.9,
        help="Without --dev: share held out as dev (whole articles for "
        "People's Daily). Default: 0 for crf (train on everything), 0.1 for bert.",
        show_default=False)] = None,
    model: Annotated[str | None, typer.Option(
        "--model", help="bert: encoder, a hub name or a local directory.")] = None,
    epochs: Annotated[float | None, typer.Option(
        "--epochs", min=0.0, show_default=False,
        help="bert: training epochs (default: 3; early stopping on dev may end sooner).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed (dev split, bert).")] = 42,
    input_format: TaggedInputFormat = "auto",
    data_format: OldDataFormat = None,
    encoding: Encoding = "utf-8",
    settings: Settings = None,
    force: Force = False,
    device: Device = "auto",
    resume: Annotated[bool, typer.Option(
        "--resume", help="bert: continue an interrupted run from the checkpoints in -o.")
    ] = False,
    keep_checkpoints: KeepCheckpoints = False,
    quiet: Quiet = False,
) -> None:
    """Train a tagger; writes the model (and metrics.json, report.html with dev data) to -o."""
    from zhtext.io.tagged import split_dev
    from zhtext.tag.tagger import METHODS, TASKS, Tagger, backend_class

    if task not in TASKS:
        raise typer.BadParameter(f"{task!r}; expected one of {', '.join(TASKS)}",
                                 param_hint="--task")
    if method not in METHODS:
        raise typer.BadParameter(f"{method!r}; expected one of {', '.join(METHODS)}",
                                 param_hint="--method")
    backend = backend_class(method)
    neural = backend.checkpointed
    if backend.needs_encoder and not model and not any(
            s.startswith("model=") for s in settings or []):
        raise InputError(f"method {method!r} needs an encoder: pass --model NAME_OR_DIR (a "
                         "hub name such as bert-base-chinese, or a local directory)")
    check_device(device)
    params = _params(method, settings, model=model, epochs=epochs,
                     device=device if neural and device != "auto" else None,
                     seed=seed if neural and seed != 42 else None)
    if resume and not neural:
        raise InputError("--resume applies to bert runs (a CRF trains in one go); train again "
                         "with --force")
    check_output(output, force=force, resume=resume)
    tagger = Tagger(task, method, settings=params)
    tagger.settings  # noqa: B018  (each value's type and range, before any data is read)
    train_data = _read(train_file, input_format, data_format, encoding)
    dev_data = _read(dev_file, input_format, data_format, encoding) if dev_file else None
    share = dev_split if dev_split is not None else (0.1 if neural else 0.0)
    if dev_data is None and share > 0:
        train_data, dev_data = split_dev(train_data, share, seed=seed)
        logger.info("held out %d of %d sentences as dev (--dev-split %s)", len(dev_data),
                    len(train_data) + len(dev_data), share)
    test_data = _read(test_file, input_format, data_format, encoding) if test_file else None
    from zhtext.neural.runs import train_run

    def fit(work: Path | None) -> None:
        with _crf_progress(not neural, quiet) as advance:
            tagger.fit(train_data, dev_data, work_dir=work, resume=resume, progress=advance)

    reports: dict[str, Any] = {}

    def finish() -> tuple[Any, Any]:
        report = None
        if dev_data is not None:
            report = tagger.evaluate(dev_data)
            report.extra.update({"data": str(dev_file or f"{train_file} (held-out "
                                                         f"{share:.0%})"),
                                 "train_sentences": len(train_data),
                                 "train_seconds": round(tagger.train_seconds_ or 0.0, 1)})
        test_report = tagger.evaluate(test_data) if test_data is not None else None
        reports.update(dev=report, test=test_report)
        return report, test_report

    from zhtext.report.progress import quiet as no_bars

    with resume_hint(output, enabled=neural, command="tag"), no_bars(quiet):
        saved = train_run(tagger, output, train=fit, checkpointed=neural, force=force,
                          resume=resume, method=f"{task}/{method}", params=params,
                          source=str(train_file), keep_checkpoints=keep_checkpoints,
                          finish=finish)
    if saved is None:
        return  # under torchrun rank 0 evaluates and writes the model
    report, test_report = reports["dev"], reports["test"]
    from zhtext.report.numbers import shown

    seconds = shown(tagger.train_seconds_ or 0.0, "seconds")
    msg = (f"saved {task} {method} model to {output} ({seconds} s training, "
           f"{shown(model_megabytes(output), 'mb')} MB)")
    if report is not None:
        msg += f"; dev F1 {shown(report.f1, 'f1')}"
        if report.accuracy is not None:
            msg += f", tag accuracy {shown(report.accuracy, 'accuracy')}"
    if test_report is not None:
        msg += f"; test F1 {shown(test_report.f1, 'f1')}"
    typer.echo(msg, err=True)


class _Advance:
    """The CRF's progress callback ``(done, total)``: a bar on a terminal, else a log line."""

    def __init__(self, task: Any) -> None:
        self.task = task
        self.stage = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.task.shown:
            if done and done % 25 == 0:
                logger.info("CRF iteration %d of at most %d", done, total)
            return
        if done < self.stage:  # the next CRF of the run starts
            self.task.restart(_CRF_LABEL, total=total)
        self.stage = done
        self.task.update(completed=done, total=total)


_CRF_LABEL = "training: L-BFGS iteration"


@contextmanager
def _crf_progress(enabled: bool, quiet: bool) -> Iterator[_Advance]:
    from zhtext.cli.common import show_progress
    from zhtext.report.progress import progress

    with progress(_CRF_LABEL, enabled=enabled and show_progress(quiet)) as task:
        yield _Advance(task)


def _load(model_dir: Path) -> Tagger:
    from zhtext.tag.tagger import Tagger

    return Tagger.load(model_dir)


@app.command()
def evaluate(
    model_dir: Annotated[Path, typer.Argument(help="A directory made by 'tag train'.")],
    data_file: Annotated[Path, typer.Argument(help="Annotated data to score.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write metrics.json and report.html into this directory.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print metrics as JSON.")] = False,
    input_format: TaggedInputFormat = "auto",
    data_format: OldDataFormat = None,
    encoding: Encoding = "utf-8",
    force: Force = False,
) -> None:
    """Score a tagger: word / entity P/R/F1 (seqeval strict for NER), per type, POS accuracy."""
    tagger = _load(model_dir)
    data = _read(data_file, input_format, data_format, encoding)
    check_report_output(output, force=force)
    report = tagger.evaluate(data)
    report.extra["data"] = str(data_file)
    if output is not None:
        from zhtext.evaluate.tagging import write_tagging_report

        write_evaluation(output, report, method=tagger.method, model_dir=model_dir,
                         data_file=data_file, force=force,
                         write_html=lambda p: write_tagging_report(
                             p, report, title=f"zhtext tag: {tagger.task} {tagger.method}"))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    _print_report(report)


def _print_report(report: Any) -> None:
    from zhtext.evaluate.classification_report import leaderboard_text

    if report.per_type:
        typer.echo(leaderboard_text([{"type": r["label"], "precision": r["precision"],
                                      "recall": r["recall"], "f1": r["f1"],
                                      "support": r["support"]} for r in report.per_type]))
        typer.echo("")
    typer.echo(report.summary())


@app.command()
def predict(
    model_dir: Annotated[Path, typer.Argument(help="A directory made by 'tag train'.")],
    inputs: Inputs = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl | conll | sighan.")] = "jsonl",
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Texts per batch.")
                          ] = 256,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=0, show_default=False,
        help="--engine local: worker processes that load the model and tag batches (0: one "
        "per core; 1: this process). Default: 2 for crf, 1 for bert.")] = None,
    input_format: InputFormatOpt = "auto",
    text_col: TextCol = None,
    id_col: IdCol = None,
    doc_per_file: DocPerFile = False,
    encoding: Encoding = "utf-8",
    output: Output = None,
    force: Force = False,
    quiet: Quiet = False,
    engine: Engine = "local",
    workers: Workers = 2,
    address: Address = None,
) -> None:
    """Tag each document (a line of text, a JSONL record, a file): JSONL, CoNLL or SIGHAN.

    JSONL gives {"id", "text", "tokens": [...]} or {"id", "text", "entities": [...]} with
    offsets, one line per document; SIGHAN
    the words of each line separated by spaces, as the SIGHAN scorer reads them. The input
    streams: memory stays bounded whatever its size.
    """
    from zhtext.artifacts import read_manifest

    if fmt not in ("jsonl", "conll", "sighan"):
        raise typer.BadParameter(f"{fmt!r}; expected jsonl, conll or sighan", param_hint="--format")
    check_engine(engine, doc_per_file=doc_per_file, input_format=input_format != "auto",
                 jobs=jobs is not None)
    manifest = read_manifest(model_dir)
    if engine == "ray":
        from zhtext.tag.output import load_tag_lines

        if manifest.get("task") != "tag":
            raise InputError("not a tagger; give a directory made by 'tag train'",
                             path=str(model_dir))
        if fmt == "sighan" and manifest.get("tag_task", manifest.get("method")) == "ner":
            raise InputError("--format sighan writes words; this is an ner model (use jsonl "
                             "or conll)", path=str(model_dir))
        run_sharded(inputs, output, suffix=".jsonl" if fmt == "jsonl" else ".txt",
                    make_worker=partial(load_tag_lines, str(model_dir), fmt),  # type: ignore[arg-type]
                    workers=workers, address=address, text_col=text_col,
                    id_col=id_col, batch_size=batch_size, encoding=encoding, force=force,
                    quiet=quiet)
        return
    import os
    import sys
    from contextlib import closing
    from itertools import chain, islice

    from zhtext.cli.common import show_progress
    from zhtext.io.tabular import count_rows
    from zhtext.tag.output import stream_tag_lines

    if manifest.get("task") == "tag" and fmt == "sighan" and manifest.get("tag_task") == "ner":
        raise InputError("--format sighan writes words; this is an ner model (use jsonl or "
                         "conll)", path=str(model_dir))
    if jobs is None:
        from zhtext.tag.tagger import predict_jobs

        jobs = predict_jobs(manifest)
    reader = make_reader(inputs, input_format=input_format, text_col=text_col, id_col=id_col,
                         doc_per_file=doc_per_file, encoding=encoding)
    texts = ((doc.id, doc.text) for doc in reader)
    first = list(islice(texts, 1))  # the input's errors (no such file) before any work
    total = 0
    if show_progress(quiet):
        total = sum(count_rows(s) for s in reader.sources if s != "-" and Path(s).is_file())
    # Each worker loads the model itself; this process only reads texts and writes output.
    lines = stream_tag_lines(model_dir, chain(first, texts), fmt=fmt,  # type: ignore[arg-type]
                             jobs=jobs, chunk_size=batch_size)
    try:
        with closing(lines), output_stream(output, force=force) as out, \
                progress(total, quiet) as advance:
            for n, text in lines:
                out.write(text)
                advance(n)
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@app.command()
def settings(method: Annotated[str, typer.Argument(help="crf | bert.")]) -> None:
    """List a method's settings (for --set KEY=VALUE)."""
    from zhtext.tag.tagger import settings_class

    print_settings(settings_class(method))
