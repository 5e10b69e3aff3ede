"""``zhtext topics``: fit LDA topic models and infer the topics of documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from zhtext.cli.common import (
    DocPerFile,
    Encoding,
    Force,
    IdCol,
    InputFormatOpt,
    Inputs,
    Output,
    TextCol,
    make_reader,
    output_stream,
    segmenter_arg,
)
from zhtext.errors import InputError, ZhtextError

TopK = Annotated[int, typer.Option("--top-k", min=0, help="Topics per document, heaviest "
                                   "first (0: all); 5 as in /v1/topics.")]

app = typer.Typer(help="Topics of a corpus: fit an LDA model, infer documents' topics.",
                  no_args_is_help=True)


@app.command()
def fit(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Artifact directory to create (required).")
    ],
    inputs: Inputs = None,
    k: Annotated[str, typer.Option("--k", help="Number of topics, or 'auto'.")] = "8",
    k_min: Annotated[int, typer.Option("--k-min", min=1, help="Smallest k swept by --k auto.")] = 2,
    k_max: Annotated[int, typer.Option("--k-max", min=1, help="Largest k swept by --k auto.")] = 20,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Random seed.")] = 42,
    restarts: Annotated[int, typer.Option("--restarts", min=1, help="Models per k; the most "
                                          "coherent is kept.")] = 6,
    passes: Annotated[str, typer.Option("--passes", help="Passes over the corpus, or "
                                        "'auto' (fewer for large corpora).")] = "auto",
    min_df: Annotated[int, typer.Option(
        "--min-df", min=1, help="Drop words in fewer documents.")] = 5,
    max_df: Annotated[float, typer.Option(
        "--max-df", min=0.0, max=1.0, help="Drop words in more than this share of "
        "documents.")] = 0.5,
    phrases: Annotated[bool, typer.Option("--phrases", help="Merge collocations (gensim "
                                          "Phrases) into single tokens first.")] = False,
    segmenter: Annotated[str, typer.Option(
        "--segmenter", help="rjieba | jieba | char, or a cws/pos model directory (zhtext tag "
        "train).")] = "rjieba",
    input_format: InputFormatOpt = "auto",
    text_col: TextCol = None,
    id_col: IdCol = None,
    doc_per_file: DocPerFile = False,
    encoding: Encoding = "utf-8",
    top_k: TopK = 5,
    force: Force = False,
) -> None:
    r"""Train an LDA topic model; writes the model, topics, document topics and report.html.

    doc_topics.jsonl has one line per document: {"id", "topic", "topics": \[{"id", "label",
    "weight"}, ...]}, the --top-k heaviest topics first, as 'zhtext topics infer' prints.
    """
    from zhtext.topics import TopicModel

    if output.exists() and not force:
        raise InputError("output directory already exists; choose another path or pass "
                         "--force to replace it", path=str(output))
    if k != "auto":
        try:
            k_value: int | str = int(k)
        except ValueError:
            raise typer.BadParameter(f"{k!r}; expected a number of topics or 'auto'",
                                     param_hint="--k") from None
        if int(k_value) <= 0:
            raise ZhtextError(f"--k must be at least 1, got {k}")
    else:
        k_value = "auto"
    reader = make_reader(inputs, input_format=input_format, text_col=text_col, id_col=id_col,
                         doc_per_file=doc_per_file, encoding=encoding)
    if passes != "auto" and not passes.isdigit():
        raise typer.BadParameter(f"{passes!r}; expected a number or 'auto'",
                                 param_hint="--passes")
    model = TopicModel(k=k_value, k_range=(k_min, k_max), seed=seed, restarts=restarts,
                       passes=passes if passes == "auto" else int(passes), min_df=min_df,
                       max_df=max_df, phrases=phrases, segmenter=segmenter_arg(segmenter))
    ids: list[str | int] = []

    def texts() -> Iterator[str]:
        for d in reader:
            ids.append(d.id)
            yield d.text

    model.fit(texts())
    model.__dict__["doc_ids_"] = ids
    model.__dict__["doc_top_k_"] = top_k
    model.save(output, force=force)
    typer.echo(f"saved {model.k_} topics of {model.n_docs_} documents to {output} "
               f"(coherence {model.coherence_:.4f}; report: {output / 'report.html'})", err=True)


@app.command()
def infer(
    model_dir: Annotated[Path, typer.Argument(help="A directory made by 'zhtext topics fit'.")],
    inputs: Inputs = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl | tsv.")] = "jsonl",
    input_format: InputFormatOpt = "auto",
    text_col: TextCol = None,
    id_col: IdCol = None,
    doc_per_file: DocPerFile = False,
    encoding: Encoding = "utf-8",
    top_k: TopK = 5,
    output: Output = None,
    force: Force = False,
) -> None:
    r"""The topics of each document.

    jsonl: {"id", "topic", "topics": \[{"id", "label", "weight"}, ...]}, the --top-k heaviest
    first (the shape of /v1/topics and of doc_topics.jsonl); tsv: id, topic, weight.
    """
    from zhtext.artifacts import load, read_manifest

    if fmt not in ("jsonl", "tsv"):
        raise typer.BadParameter(f"{fmt!r}; expected jsonl or tsv", param_hint="--format")
    if read_manifest(model_dir).get("task") != "topics":
        raise InputError("not a topic model; make one with 'zhtext topics fit'",
                         path=str(model_dir))
    from zhtext.topics.lda import topic_record

    model = load(model_dir)
    labels = [t.label for t in model.topics(top_n=3)]
    reader = make_reader(inputs, input_format=input_format, text_col=text_col, id_col=id_col,
                         doc_per_file=doc_per_file, encoding=encoding)
    with output_stream(output, force=force) as out:
        for doc in reader:
            dist = model.infer([doc.text])[0]
            top = dist[0][0] if dist else None
            if fmt == "jsonl":
                out.write(json.dumps({"id": doc.id, **topic_record(dist, labels, top_k)},
                                     ensure_ascii=False) + "\n")
            else:
                out.write(f"{doc.id}\t{top}\t{dist[0][1] if dist else 0:.6f}\n")
