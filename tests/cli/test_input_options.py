"""Every command that reads texts takes the same input options, with the same names.

FILE ... or '-' (or --train / a data file where a command reads labelled data),
--input-format, --text-col, --encoding; --id-col where the output has a row per input; the
output format is --format, and no visible option spells the input format any other way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from zhtext.cli.app import app

INPUT = {"--input-format", "--text-col", "--encoding"}
ROWS = INPUT | {"--id-col"}
COMMANDS = {
    ("keywords", "extract"): ROWS | {"--format"},
    ("keywords", "fit"): INPUT,
    ("keywords", "evaluate"): INPUT,
    ("keywords", "train"): INPUT,
    ("topics", "fit"): INPUT,
    ("topics", "infer"): ROWS | {"--format"},
    ("classify", "train"): ROWS,
    ("classify", "evaluate"): ROWS,
    ("classify", "predict"): ROWS | {"--format"},
    ("classify", "compare"): INPUT,
    ("tag", "train"): {"--input-format", "--encoding"},  # tagged formats have no columns
    ("tag", "evaluate"): {"--input-format", "--encoding"},
    ("tag", "predict"): ROWS | {"--format"},
    ("pretrain", "vocab"): INPUT,
    ("pretrain", "mlm"): INPUT,
}
STREAMED = {("keywords", "extract"), ("keywords", "fit"), ("topics", "fit"),
            ("topics", "infer"), ("classify", "predict"), ("tag", "predict")}


def _command(group: str, name: str) -> Any:
    root: Any = typer.main.get_command(app)
    return root.commands[group].commands[name]


def _visible(cmd: Any) -> dict[str, Any]:
    return {opt: p for p in cmd.params if not getattr(p, "hidden", False)
            for opt in p.opts}


@pytest.mark.parametrize(("group", "name"), sorted(COMMANDS))
def test_common_input_options(group: str, name: str) -> None:
    cmd = _command(group, name)
    options = _visible(cmd)
    missing = COMMANDS[group, name] - set(options)
    assert not missing, f"zhtext {group} {name} lacks {sorted(missing)}"
    for old in ("--data-format", "--text-field", "--corpus-format"):
        assert old not in options, f"zhtext {group} {name} still shows {old}"
    for opt in ("--input-format", "--text-col", "--id-col", "--encoding"):
        if opt in options:  # the same parameter name everywhere
            param = options[opt]
            assert param.name == opt[2:].replace("-", "_")
    if "--format" in options:  # the output format, never the input's
        assert "output" in (options["--format"].help or "").lower() or (group, name) in {
            ("keywords", "extract"), ("topics", "infer"), ("classify", "predict"),
            ("tag", "predict")}
    if (group, name) in STREAMED:  # FILE ... or '-'
        args = [p for p in cmd.params if p.param_type_name == "argument"]
        assert any(a.nargs == -1 for a in args), f"zhtext {group} {name} takes no FILE ..."


@pytest.mark.parametrize(("group", "name"), sorted(COMMANDS))
def test_help_shows_them(group: str, name: str) -> None:
    out = CliRunner().invoke(app, [group, name, "--help"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    for opt in COMMANDS[group, name]:
        assert opt in out.output, (group, name, opt)


def test_deprecated_spellings_still_work(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"body": "今天天气很好"}\n', encoding="utf-8")
    pytest.importorskip("tokenizers", reason="needs tokenizers (pip install 'zhtext[neural]')")
    out = CliRunner().invoke(app, ["pretrain", "vocab", str(corpus), "-o",
                                   str(tmp_path / "v"), "--format", "jsonl", "--text-field",
                                   "body", "--vocab-size", "100", "--min-count", "1"])
    assert out.exit_code == 0, out.output
    out = CliRunner().invoke(app, ["pretrain", "vocab", str(corpus), "-o",
                                   str(tmp_path / "w"), "--input-format", "jsonl",
                                   "--text-col", "body", "--vocab-size", "100",
                                   "--min-count", "1"])
    assert out.exit_code == 0, out.output
