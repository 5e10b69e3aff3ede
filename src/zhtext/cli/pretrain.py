"""``zhtext pretrain``: a Chinese BERT vocabulary and masked-language pretraining."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer

from zhtext.cli.common import (
    CorpusInputFormat,
    Encoding,
    Force,
    TextCol,
    check_input_format,
    parse_settings,
    segmenter_arg,
)
from zhtext.cli.runs import (
    Device,
    KeepCheckpoints,
    Resume,
    check_device,
    check_output,
    print_settings,
    training_run,
)
from zhtext.errors import InputError

app = typer.Typer(help="Pretrain a Chinese BERT: vocabulary (vocab) and whole-word-masking "
                  "MLM (mlm).", no_args_is_help=True)
logger = logging.getLogger(__name__)

CorpusArg = Annotated[list[str], typer.Argument(
    help="Corpus files, folders or globs: plain text (a document per line), JSONL, "
    "People's Daily, CoNLL or TSV dataset files. In JSONL the text field is --text-col, "
    "else the first of text, content, abst, abstract, sentence, title.", show_default=False,
    metavar="FILE")]
OldFormat = Annotated[str | None, typer.Option(
    "--format", hidden=True, help="Deprecated spelling of --input-format.")]
OldTextField = Annotated[str | None, typer.Option(
    "--text-field", hidden=True, help="Deprecated spelling of --text-col.")]
VocabSize = Annotated[int, typer.Option("--vocab-size", min=1, help="Vocabulary size, special "
                                        "tokens included.")]
MinCount = Annotated[int, typer.Option("--min-count", min=1, help="Characters and WordPiece units "
                                       "seen fewer times are left out ([UNK]).")]
Settings = Annotated[list[str] | None, typer.Option(
    "--set", metavar="KEY=VALUE",
    help="A setting KEY=VALUE (see 'zhtext pretrain settings'). Repeatable.")]


def _corpus(sources: list[str], fmt: str, old_fmt: str | None, text_col: str | None,
            old_text_field: str | None, encoding: str) -> Any:
    from typing import get_args

    from zhtext.pretrain.corpus import Corpus, CorpusFormat

    fmt = check_input_format(fmt, get_args(CorpusFormat), old=old_fmt, old_name="--format")
    if old_text_field is not None:
        logger.warning("--text-field is deprecated; use --text-col")
        text_col = old_text_field
    return Corpus(sources, fmt=fmt, text_field=text_col,  # type: ignore[arg-type]
                  encoding=encoding)


@app.command()
def vocab(
    corpus: CorpusArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Tokenizer directory to "
                                         "create.")],
    vocab_size: VocabSize = 21128,
    min_count: MinCount = 2,
    cased: Annotated[bool, typer.Option("--cased", help="Keep Latin letter case (default: "
                                        "lower-case, as bert-base-chinese).")] = False,
    input_format: CorpusInputFormat = "auto",
    text_col: TextCol = None,
    encoding: Encoding = "utf-8",
    old_format: OldFormat = None,
    text_field: OldTextField = None,
    force: Force = False,
) -> None:
    """Build a BERT vocabulary: each CJK character a token, WordPiece for the rest."""
    from zhtext.artifacts import write_artifact
    from zhtext.pretrain.vocab import build_vocab, save_tokenizer

    check_output(output, force=force, resume=False)
    texts = _corpus(corpus, input_format, old_format, text_col, text_field, encoding)
    tokenizer, stats = build_vocab(texts, vocab_size=vocab_size, min_count=min_count,
                                   lowercase=not cased, name=", ".join(corpus))

    def build(tmp: Path) -> dict[str, Any]:
        save_tokenizer(tokenizer, tmp)
        return {"vocab_size": len(tokenizer), "documents": stats.documents,
                "characters": stats.characters, "corpus": list(corpus)}

    write_artifact(output, task="vocab", method="wordpiece", build=build, force=force)
    typer.echo(f"saved a {len(tokenizer):,}-token vocabulary to {output} ({stats.documents:,} "
               f"documents, {stats.characters:,} characters)", err=True)


@app.command()
def mlm(
    corpus: CorpusArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Model directory to create.")],
    size: Annotated[str, typer.Option("--size", help="tiny | small | base (base is "
                                      "bert-base-chinese's shape).")] = "small",
    config: Annotated[Path | None, typer.Option(
        "--config", help="A JSON file of BertConfig fields instead of --size.")] = None,
    vocab_dir: Annotated[str | None, typer.Option(
        "--vocab", help="A tokenizer directory ('zhtext pretrain vocab'); default: build one "
        "from the corpus.")] = None,
    start: Annotated[str | None, typer.Option(
        "--from", help="Continue pretraining this masked-LM checkpoint (hub name or "
        "directory): domain adaptation.")] = None,
    steps: Annotated[int | None, typer.Option("--steps", min=1, help="Optimiser steps (default: "
                                              "from --epochs).")] = None,
    epochs: Annotated[float | None, typer.Option("--epochs", min=0.0, help="Passes over the corpus "
                                                 "(default 1).")] = None,
    max_minutes: Annotated[float | None, typer.Option(
        "--max-minutes", min=0.0, help="Stop with a checkpoint after this many minutes.")] = None,
    segmenter: Annotated[str | None, typer.Option(
        "--segmenter", help="Words of whole-word masking: rjieba (default), jieba, or a cws "
        "model directory.")] = None,
    vocab_size: VocabSize = 21128,
    min_count: MinCount = 2,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed.")] = 42,
    device: Device = "auto",
    settings: Settings = None,
    input_format: CorpusInputFormat = "auto",
    text_col: TextCol = None,
    encoding: Encoding = "utf-8",
    old_format: OldFormat = None,
    text_field: OldTextField = None,
    force: Force = False,
    resume: Resume = False,
    keep_checkpoints: KeepCheckpoints = False,
) -> None:
    """Pretrain a BERT with whole-word masking; writes a standard Hugging Face directory."""
    from zhtext.pretrain.mlm import SIZES, PretrainSettings

    check_device(device)
    if size not in SIZES:
        raise typer.BadParameter(f"{size!r}; expected one of {', '.join(SIZES)}",
                                 param_hint="--size")
    if start and config:
        raise typer.BadParameter("--from continues a model with its own config; drop --config",
                                 param_hint="--config")
    named = {"max_steps": steps, "epochs": epochs, "max_minutes": max_minutes,
             "segmenter": segmenter_arg(segmenter) if segmenter else None,
             "seed": seed if seed != 42 else None,
             "device": device if device != "auto" else None}
    params: dict[str, Any] = {k: v for k, v in named.items() if v is not None}
    params.update(parse_settings(settings))
    bad = sorted(set(params) - set(PretrainSettings.names()))
    if bad:
        raise InputError(f"unknown setting {', '.join(bad)}; the settings are: "
                         f"{', '.join(PretrainSettings.names())}")
    try:
        s = PretrainSettings(**params)
    except TypeError as e:
        raise InputError(f"bad setting: {e}") from None
    check_output(output, force=force, resume=resume)
    texts = _corpus(corpus, input_format, old_format, text_col, text_field, encoding)
    run_params = {"size": size if not (config or start) else None,
                  "config": str(config) if config else None, "vocab": vocab_dir,
                  "from": start, "vocab_size": vocab_size, "min_count": min_count, **params}
    with training_run(output, enabled=True, force=force, resume=resume, method="mlm",
                      params=run_params, train_file=Path(corpus[0]), command="pretrain",
                      subcommand="mlm") as work:
        assert work is not None
        result = _pretrain(texts, corpus, work, s, size=size, config=config,
                           vocab_dir=vocab_dir, start=start, vocab_size=vocab_size,
                           min_count=min_count, resume=resume)
    from zhtext.neural.distributed import is_main_process

    if not is_main_process():
        return  # under torchrun rank 0 writes the model
    _save(output, result, corpus, keep_checkpoints)
    typer.echo(f"saved the pretrained model to {output}: {result.summary()}", err=True)


def _pretrain(texts: Any, corpus: list[str], work: Path, s: Any, *, size: str,
              config: Path | None, vocab_dir: str | None, start: str | None,
              vocab_size: int, min_count: int, resume: bool) -> Any:
    from zhtext.neural.training import first_line
    from zhtext.pretrain.mlm import bert_config, load_start, pretrain_mlm

    start_model = None
    saved_tok = work / "tokenizer"
    if start:
        start_model, tokenizer = load_start(start)
    from zhtext.neural.distributed import main_process_first

    with main_process_first():  # under torchrun rank 0 builds the vocabulary, the others read it
        if vocab_dir or saved_tok.is_dir():
            from transformers import AutoTokenizer

            source = str(saved_tok) if saved_tok.is_dir() else str(vocab_dir)
            try:
                tokenizer = AutoTokenizer.from_pretrained(source)
            except (OSError, ValueError) as e:
                raise InputError(f"cannot load the vocabulary: {first_line(e)}; give a directory "
                                 "made by 'zhtext pretrain vocab'", path=source) from None
            if tokenizer.mask_token_id is None:
                raise InputError("the tokenizer has no [MASK] token", path=source)
        elif not start:
            from zhtext.pretrain.vocab import build_vocab

            tokenizer, _ = build_vocab(texts, vocab_size=vocab_size, min_count=min_count,
                                       name=", ".join(corpus))
        if not saved_tok.is_dir():
            from zhtext.pretrain.vocab import save_tokenizer

            tmp = work / ".tokenizer.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            save_tokenizer(tokenizer, tmp)
            tmp.rename(saved_tok)
    bert = None if start_model is not None else bert_config(size, config, len(tokenizer),  # type: ignore[arg-type]
                                                           tokenizer)
    return pretrain_mlm(texts, tokenizer, work=work, settings=s, config=bert,
                        start_model=start_model, resume=resume)


def _save(output: Path, result: Any, corpus: list[str], keep_checkpoints: bool) -> None:
    from zhtext.artifacts import write_artifact
    from zhtext.pretrain.report import write_report
    from zhtext.pretrain.vocab import save_tokenizer

    def build(tmp: Path) -> dict[str, Any]:
        result.model.save_pretrained(str(tmp), safe_serialization=True)
        save_tokenizer(result.tokenizer, tmp)
        write_report(tmp, result.metrics, result.history)
        if (output / "logs").is_dir():
            shutil.move(str(output / "logs"), str(tmp / "logs"))
        if keep_checkpoints and (output / "checkpoints").is_dir():
            shutil.move(str(output / "checkpoints"), str(tmp / "checkpoints"))
        return {"corpus": corpus, "metrics": {k: v for k, v in result.metrics.items()
                                              if k != "settings"}}

    write_artifact(output, task="pretrain", method="mlm", build=build, force=True)


@app.command("settings")
def list_settings() -> None:
    """List the settings of 'pretrain mlm' (for --set KEY=VALUE)."""
    from zhtext.pretrain.mlm import PretrainSettings

    print_settings(PretrainSettings)
