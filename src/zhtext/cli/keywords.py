"""``zhtext keywords``: extract, fit and evaluate keyword extractors."""

from __future__ import annotations

import json
import logging
import sys
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Annotated, Any

import typer

from zhtext.cli.common import (
    DocPerFile,
    Encoding,
    Force,
    GoldInputFormat,
    IdCol,
    InputFormatOpt,
    Inputs,
    Output,
    Quiet,
    TextCol,
    check_input_format,
    input_size,
    make_reader,
    output_stream,
    parse_settings,
    progress_bar,
    refuse_unread,
    segmenter_arg,
    show_progress,
)
from zhtext.cli.engine import Address, Engine, Workers, check_engine, run_sharded
from zhtext.cli.runs import Device, check_device
from zhtext.errors import ZhtextError

logger = logging.getLogger(__name__)

app = typer.Typer(help="Keywords of documents: extract; fit corpus statistics from raw "
                  "texts; train a supervised model on documents with gold keywords; evaluate.",
                  no_args_is_help=True)

Method = Annotated[
    str, typer.Option("--method", "-m", help="tfidf (default) | textrank | embedding.")
]
ModelAndInputs = Annotated[
    list[str] | None,
    typer.Argument(help="A keywords model made by 'keywords fit' or 'keywords train' may "
                   "come first (a directory holding zhtext.json; it overrides --method), then "
                   "input files or folders; '-' or none reads standard input.",
                   show_default=False, metavar="[MODEL_DIR] FILE"),
]
TopK = Annotated[int, typer.Option("--top-k", "-k", min=1, help="Keywords per document.")]
Phrases = Annotated[
    bool, typer.Option("--phrases/--no-phrases", help="Multi-word phrase candidates.")
]
GoldSep = Annotated[str, typer.Option("--gold-sep", help="Separator of gold keywords.")]
GoldTextCol = TextCol
GoldKeywordsCol = Annotated[
    str | None, typer.Option("--keywords-col", help="Keywords column (number or name).")]
Segmenter = Annotated[str, typer.Option(
    "--segmenter", help="rjieba | jieba | char, or a cws/pos model directory (zhtext tag train).")]
UserDict = Annotated[
    Path | None, typer.Option("--user-dict", help="User dictionary in jieba's format.")
]
Stopwords = Annotated[
    str, typer.Option("--stopwords", help="default | none | a file with one word per line.")
]
T2S = Annotated[bool, typer.Option("--t2s", help="Convert traditional to simplified first.")]
Settings = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="KEY=VALUE",
                 help="A method setting as KEY=VALUE, e.g. --set window=8 "
                 "--set position_weight=0.5 (values are JSON, else text). Repeatable."),
]
Pos = Annotated[
    str | None,
    typer.Option("--pos", help="Only words with these POS tags, comma-separated (e.g. "
                 "n,nz,vn,eng); default: no POS filter (stop and function words decide)."),
]
AutoJobs = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=0, show_default=False,
                 help="Worker processes (0: one per core). Default: one per core, at most 4, "
                 "for inputs of 4 MiB or more (files, or standard input redirected from a "
                 "file); else, and for piped input, 1."),
]
Encoder = Annotated[
    str | None,
    typer.Option("--model", help="The pretrained encoder, a sentence-transformers model (hub "
                 "name or directory): the encoder of --method embedding, or TextRank's edge "
                 "weights. (A keywords model directory goes first among the inputs.)"),
]
OldEncoder = Annotated[str | None, typer.Option("--encoder", hidden=True,
                                                help="Old spelling of --model.")]



def method_settings(method: str) -> dict[str, tuple[Any, str]]:
    """The settings a keyword method takes (``--set``): name -> (default, help text).

    The names are its constructor's keywords and its base classes'; the help text comes from
    the ``Args:`` sections of their docstrings.
    """
    import inspect

    from zhtext.keywords.registry import method_class

    out: dict[str, tuple[Any, str]] = {}
    for klass in method_class(method).__mro__:
        init = vars(klass).get("__init__")
        if init is None or klass is object:
            continue
        helps = _arg_help(klass.__doc__ or "") | _arg_help(init.__doc__ or "")
        for name, p in inspect.signature(init).parameters.items():
            if name in ("self", "kwargs", "args"):
                continue
            if name in out:  # a subclass named it; a base class may say what it is
                if not out[name][1] and helps.get(name):
                    out[name] = (out[name][0], helps[name])
                continue
            default = None if p.default is inspect.Parameter.empty else p.default
            out[name] = (default, helps.get(name, ""))
    return out


def _arg_help(doc: str) -> dict[str, str]:
    """``name -> text`` from a Google-style ``Args:`` section."""
    import inspect
    import re

    out: dict[str, str] = {}
    lines = inspect.cleandoc(doc).splitlines()
    inside, current = False, None
    for line in lines:
        if line.strip() in ("Args:", "Arguments:", "Parameters:"):
            inside = True
            continue
        if not inside:
            continue
        if line and not line.startswith(" "):
            break
        m = re.match(r"^ {4}(\w+)(?: \(.*?\))?: (.*)$", line)
        if m:
            current = m.group(1)
            out[current] = m.group(2).strip()
        elif re.match(r"^ {4}\S", line):  # an entry naming several arguments
            current = None
        elif current and line.strip():
            out[current] += " " + line.strip()
    return out


def _make(method: str, params: dict[str, Any]) -> Any:
    from zhtext.keywords.registry import METHODS, get_extractor

    allowed = method_settings(method)
    if set(params) - set(allowed):
        refuse_unread(method, params, {k: v[1] for k, v in allowed.items()},
                      {m: method_settings(m) for m in METHODS.names()})
    return get_extractor(method, **params)


def _is_model_dir(path: Path) -> bool:
    return path.is_dir() and (path / "zhtext.json").is_file()


def _model_first(inputs: list[str] | None) -> tuple[Path | None, list[str] | None]:
    """The keywords model directory (the first input, when it holds zhtext.json) and the rest."""
    if inputs and _is_model_dir(Path(inputs[0])):
        return Path(inputs[0]), inputs[1:] or None
    return None, inputs


def _model_and_encoder(first: Path | None, model: str | None, old_spelling: str | None
                       ) -> tuple[Path | None, str | None]:
    """The keywords model (the first path, else an old-style ``--model DIR``) and the encoder."""
    old_model, encoder = _encoder(model, old_spelling)
    if old_model is None:
        return first, encoder
    if first is not None:
        raise ZhtextError(f"two keywords models: {first} (first) and {old_model} (--model); "
                          "give one, first")
    return old_model, encoder


def _encoder(model: str | None, old_spelling: str | None) -> tuple[Path | None, str | None]:
    """``--model`` (the encoder) as (keywords model, encoder).

    The spellings of an earlier release still work, with a warning: ``--encoder NAME`` and
    ``--model DIR`` of a keywords model (now the first input).
    """
    if old_spelling is not None:
        if model is not None:
            raise ZhtextError("--encoder is the old spelling of --model; give one of them")
        logger.warning("--encoder is now --model (the old spelling goes in a later release)")
        return None, old_spelling
    if model is not None and _is_model_dir(Path(model)):
        from zhtext.artifacts import read_manifest

        task = read_manifest(Path(model)).get("task")
        if task not in ("keywords", "pretrain"):
            raise ZhtextError(f"{model}: --model takes a pretrained encoder (or, as before, a "
                              f"keywords model), but this directory holds a {task!r} model; "
                              "give a keywords model first, 'zhtext keywords extract MODEL_DIR "
                              "FILE...', or leave it out to use --method")
        if task == "keywords":
            logger.warning("%s: a keywords model now goes first, before the inputs "
                           "('zhtext keywords extract %s FILE...'); --model is the pretrained "
                           "encoder (the old use goes in a later release)", model, model)
            return Path(model), None
    return None, model


def _extractor(
    *, method: str, model: Path | None, phrases: bool, segmenter: str,
    user_dict: Path | None, stopwords: str, t2s: bool, encoder: str | None,
    pos: str | None = None, settings: list[str] | None = None,
) -> Any:

    if model is not None:
        from zhtext.artifacts import load, read_manifest

        task = read_manifest(model).get("task")
        if task != "keywords":
            raise ZhtextError(
                f"{model}: a keywords model was expected, but this directory holds a {task!r} "
                "model; make one with 'zhtext keywords fit' or 'zhtext keywords train', or "
                "leave it out to use --method")
        if encoder is not None:
            raise ZhtextError(f"{model}: a keywords model brings its own settings; --model "
                              "(an encoder) applies to --method embedding or textrank without "
                              "a model directory")
        extractor = load(model)
        if not phrases:
            extractor.phrases = False
            extractor._reset()
        return extractor
    if method == "supervised":
        raise ZhtextError("--method supervised needs a trained model: give its directory "
                          "first, 'zhtext keywords extract MODEL_DIR FILE...' (train one "
                          "with 'zhtext keywords train --train GOLD -o MODEL_DIR')")
    params: dict[str, Any] = {"phrases": phrases, "segmenter": segmenter_arg(segmenter),
                              "t2s": t2s,
                              "stopwords": stopwords}
    if user_dict is not None:
        params["user_dict"] = user_dict
    if pos is not None:
        params["pos"] = [p for p in pos.replace(" ", ",").split(",") if p]
    params.update(parse_settings(settings))
    if encoder is not None:
        from zhtext.neural.encoder import local_encoder

        encoder = local_encoder(encoder)  # a path with nothing there is an error, not a hub name
    if method == "embedding":
        if encoder is None:
            raise ZhtextError(
                "--method embedding needs --model: a sentence-transformers model name or "
                "directory"
            )
        params["model"] = encoder
    elif encoder is not None:
        if method != "textrank":
            raise ZhtextError("--model (the pretrained encoder) applies to --method embedding "
                              "or textrank")
        params["embeddings"] = encoder
    extractor = _make(method, params)
    extractor.check()  # fail on bad settings before any output, without loading models
    return extractor


def _keyword_lines(top_k: int, fmt: str, opts: dict[str, Any]) -> Any:
    """A Ray worker's predictor: the extractor the options describe, formatting its output."""
    from zhtext.keywords.batch import KeywordLines

    return KeywordLines(_extractor(**opts), top_k, fmt)  # type: ignore[arg-type]


@app.command()
def extract(
    inputs: ModelAndInputs = None,
    method: Method = "tfidf",
    top_k: TopK = 5,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text | tsv | jsonl.")
    ] = "text",
    phrases: Phrases = True,
    segmenter: Segmenter = "rjieba",
    user_dict: UserDict = None,
    stopwords: Stopwords = "default",
    t2s: T2S = False,
    encoder: Encoder = None,
    old_encoder: OldEncoder = None,
    pos: Pos = None,
    settings: Settings = None,
    input_format: InputFormatOpt = "auto",
    text_col: TextCol = None,
    id_col: IdCol = None,
    doc_per_file: DocPerFile = False,
    encoding: Encoding = "utf-8",
    jobs: AutoJobs = None,
    output: Output = None,
    force: Force = False,
    quiet: Quiet = False,
    engine: Engine = "local",
    workers: Workers = 2,
    address: Address = None,
) -> None:
    """Extract the keywords of each document (a line of text, a JSONL record, or a file).

    Output is in input order, one entry per document; empty documents give empty entries.
    With a keywords model directory first ('zhtext keywords extract MODEL_DIR FILE...'),
    its fitted statistics or trained tagger decide.
    """
    from zhtext.keywords.batch import auto_jobs, extract_lines

    model, inputs = _model_first(inputs)
    model, encoder = _model_and_encoder(model, encoder, old_encoder)

    if fmt not in ("text", "tsv", "jsonl"):
        raise typer.BadParameter(f"{fmt!r}; expected text, tsv or jsonl", param_hint="--format")
    check_engine(engine, doc_per_file=doc_per_file, input_format=input_format != "auto")
    if engine == "ray":
        opts: dict[str, Any] = {
            "method": method, "model": model, "phrases": phrases, "segmenter": segmenter,
            "user_dict": user_dict, "stopwords": stopwords, "t2s": t2s, "encoder": encoder,
            "pos": pos, "settings": settings}
        _extractor(**opts)  # bad options fail here, before a cluster starts
        run_sharded(inputs, output, suffix=".jsonl" if fmt == "jsonl" else f".{fmt}",
                    make_worker=partial(_keyword_lines, top_k, fmt, opts), workers=workers,
                    address=address, text_col=text_col, id_col=id_col, batch_size=256,
                    encoding=encoding, force=force, quiet=quiet)
        return
    reader = make_reader(inputs, input_format=input_format, text_col=text_col, id_col=id_col,
                         doc_per_file=doc_per_file, encoding=encoding)
    extractor = _extractor(method=method, model=model, phrases=phrases, segmenter=segmenter,
                           user_dict=user_dict, stopwords=stopwords, t2s=t2s, encoder=encoder,
                           pos=pos, settings=settings)
    if jobs is None:
        jobs = auto_jobs(input_size(reader))
    if jobs != 1:
        logger.info("extracting in %s worker processes", jobs if jobs > 0 else "one per core")
    with output_stream(output, force=force) as out:
        blocks = extract_lines(extractor, reader, top_k=top_k, fmt=fmt,  # type: ignore[arg-type]
                               jobs=jobs)
        # The first chunk loads the extractor (and starts the workers, forked from this
        # process before the progress bar's thread exists).
        first = next(blocks, None)
        with progress_bar(reader, enabled=show_progress(quiet), label="keywords") as tick:
            for block in chain(() if first is None else (first,), blocks):
                out.write(block)  # the output of one chunk of documents
                if tick is not None:
                    tick()  # type: ignore[operator]


@app.command()
def fit(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Artifact directory to create (required).")
    ],
    inputs: Inputs = None,
    method: Method = "tfidf",
    embeddings: Annotated[
        bool, typer.Option("--word2vec", help="textrank: train word vectors on the corpus.")
    ] = False,
    phrases: Phrases = True,
    segmenter: Segmenter = "rjieba",
    user_dict: UserDict = None,
    stopwords: Stopwords = "default",
    t2s: T2S = False,
    input_format: InputFormatOpt = "auto",
    text_col: TextCol = None,
    doc_per_file: DocPerFile = False,
    encoding: Encoding = "utf-8",
    force: Force = False,
) -> None:
    """Fit corpus statistics (IDF; word vectors with --word2vec) into an artifact directory.

    Use it with 'zhtext keywords extract DIR FILE...'.
    """
    from zhtext.keywords.registry import get_extractor

    if output.exists() and not force:
        raise ZhtextError(f"{output}: output directory already exists; choose another path "
                          "or pass --force to replace it")
    if method == "embedding":
        raise ZhtextError("--method embedding has no corpus statistics to fit; use it directly "
                          "with 'zhtext keywords extract --method embedding --encoder MODEL'")
    reader = make_reader(inputs, input_format=input_format, text_col=text_col, id_col=None,
                         doc_per_file=doc_per_file, encoding=encoding)
    params: dict[str, Any] = {"phrases": phrases, "segmenter": segmenter_arg(segmenter),
                              "t2s": t2s,
                              "stopwords": stopwords}
    if user_dict is not None:
        params["user_dict"] = user_dict
    if embeddings:
        if method != "textrank":
            raise ZhtextError("--word2vec applies to --method textrank")
        params["embeddings"] = "word2vec"
    extractor = get_extractor(method, **params)
    extractor.fit(d.text for d in reader)
    extractor.save(output, force=force)
    n = getattr(extractor, "n_docs_", None)
    typer.echo(f"saved {method} keywords model to {output}"
               + (f" (IDF from {n} document{'s' if n != 1 else ''})" if n else ""), err=True)


@app.command()
def evaluate(
    first: Annotated[Path, typer.Argument(
        help="The gold file (TSV in CSL's layout, or JSONL), or a keywords model directory "
        "followed by the gold file (as in 'keywords extract').", show_default=False,
        metavar="MODEL_DIR|GOLD")],
    second: Annotated[Path | None, typer.Argument(show_default=False, metavar="GOLD",
                                                  help="The gold file after MODEL_DIR.")
                      ] = None,
    method: Method = "tfidf",
    top_k: Annotated[
        str, typer.Option("--top-k", "-k", help="Cut-offs, comma-separated, e.g. 3,5,10.")
    ] = "5",
    gold_sep: GoldSep = "_",
    text_col: GoldTextCol = None,
    keywords_col: GoldKeywordsCol = None,
    input_format: GoldInputFormat = "auto",
    phrases: Phrases = True,
    segmenter: Segmenter = "rjieba",
    user_dict: UserDict = None,
    stopwords: Stopwords = "default",
    t2s: T2S = False,
    encoder: Encoder = None,
    old_encoder: OldEncoder = None,
    pos: Pos = None,
    settings: Settings = None,
    encoding: Encoding = "utf-8",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
    = False,
) -> None:
    """Precision, recall and F1 at k of a method against gold keywords (micro-averaged)."""
    from zhtext.evaluate.keywords import keyword_scores
    from zhtext.io.gold import read_gold

    model, gold = (first, second) if second is not None else (None, first)
    model, encoder = _model_and_encoder(model, encoder, old_encoder)
    try:
        ks = sorted({int(k) for k in top_k.split(",") if k.strip()})
    except ValueError:
        raise typer.BadParameter(f"{top_k!r}; expected numbers like 5 or 3,5,10",
                                 param_hint="--top-k") from None
    if not ks or ks[0] < 1:
        raise typer.BadParameter("cut-offs must be at least 1", param_hint="--top-k")
    docs = list(read_gold(gold, text_col=text_col, keywords_col=keywords_col, sep=gold_sep,
                          encoding=encoding,
                          fmt=check_input_format(input_format, ("auto", "tsv", "jsonl"))))
    if not docs:
        raise ZhtextError(f"{gold}: no documents with gold keywords")
    extractor = _extractor(method=method, model=model, phrases=phrases, segmenter=segmenter,
                           user_dict=user_dict, stopwords=stopwords, t2s=t2s, encoder=encoder,
                           pos=pos, settings=settings)
    predicted = [[k.text for k in kws]
                 for kws in extractor.extract([d.text for d in docs], max(ks))]
    results = [keyword_scores(predicted, [d.keywords for d in docs], k) for k in ks]
    name = str(model) if model is not None else method
    if as_json:
        typer.echo(json.dumps({"method": name, "scores": [r.to_dict() for r in results]},
                              ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{name} on {gold} ({len(docs)} documents)")
    for col in ("k", "precision", "recall", "F1"):
        table.add_column(col, justify="right")
    for r in results:
        table.add_row(str(r.k), f"{r.precision:.4f}", f"{r.recall:.4f}", f"{r.f1:.4f}")
    Console(file=sys.stdout).print(table)


@app.command()
def train(
    train_file: Annotated[Path, typer.Option(
        "--train", help="Documents with gold keywords: TSV (CSL layout) or JSONL.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model directory to create.")],
    method: Annotated[str, typer.Option(
        "--method", "-m", help="supervised (a tagger trained on the gold keywords).")
    ] = "supervised",
    tagger: Annotated[str, typer.Option(
        "--tagger", help="The tagger's method: crf (default) or bert.")] = "crf",
    gold_sep: GoldSep = "_",
    text_col: GoldTextCol = None,
    keywords_col: GoldKeywordsCol = None,
    input_format: GoldInputFormat = "auto",
    segmenter: Segmenter = "rjieba",
    settings: Annotated[list[str] | None, typer.Option(
        "--set", metavar="KEY=VALUE",
        help="A setting of the tagger's method KEY=VALUE (see 'zhtext tag settings "
        "crf'). Repeatable.")] = None,
    encoder: Annotated[str | None, typer.Option(
        "--model", help="--tagger bert: the pretrained encoder, a hub name or a local "
        "directory.")] = None,
    device: Device = "auto",
    encoding: Encoding = "utf-8",
    force: Force = False,
) -> None:
    """Train supervised keywords on documents with gold keywords.

    Every occurrence of a document's keywords in its text becomes a tagged span; a tagger
    learns them, and a ranker learns how to weigh its confidence against TF-IDF. Use it with
    'zhtext keywords extract DIR FILE...'.
    """
    from zhtext.io.gold import read_gold
    from zhtext.keywords.supervised import SupervisedKeywords

    if method != "supervised":
        raise ZhtextError(f"'keywords train' trains --method supervised; {method!r} learns no "
                          "model from gold keywords (use 'zhtext keywords fit' for IDF)")
    check_device(device)
    named: dict[str, Any] = {}
    if tagger == "bert":
        if encoder is not None:
            from zhtext.neural.encoder import local_encoder

            named["model"] = local_encoder(encoder)
        if device != "auto":
            named["device"] = device
    elif encoder is not None or device != "auto":
        raise ZhtextError(f"--model and --device apply to --tagger bert; the {tagger!r} "
                          "tagger has no encoder")
    if output.exists() and not force:
        raise ZhtextError(f"{output}: output directory already exists; choose another path "
                          "or pass --force to replace it")
    extractor = SupervisedKeywords(tagger_method=tagger, segmenter=segmenter_arg(segmenter),
                                   method_settings={**named, **parse_settings(settings)})
    extractor.check()  # the settings, before any data is read
    docs = list(read_gold(train_file, text_col=text_col, keywords_col=keywords_col,
                          sep=gold_sep, encoding=encoding,
                          fmt=check_input_format(input_format, ("auto", "tsv", "jsonl"))))
    if not docs:
        raise ZhtextError(f"{train_file}: no documents with gold keywords")
    extractor.fit([d.text for d in docs], [d.keywords for d in docs])
    extractor.save(output, force=force)
    typer.echo(f"saved supervised keywords model to {output} ({len(docs)} documents)",
               err=True)


@app.command()
def settings(method: Annotated[str | None, typer.Argument(
        help="tfidf | textrank | embedding | supervised (default: all).",
        show_default=False)] = None) -> None:
    """List a keyword method's settings (for --set KEY=VALUE), with their defaults."""
    from zhtext.keywords.registry import METHODS

    methods = [method] if method is not None else METHODS.names()
    for m in methods:
        if method is None:
            typer.echo(f"{m}:")
        rows = method_settings(m)
        width = max((len(k) for k in rows), default=0)
        for name, (default, text) in rows.items():
            shown = "" if default is None else json.dumps(default, ensure_ascii=False)
            typer.echo(f"{'  ' if method is None else ''}{name:<{width}}  {shown:<10}  {text}")
