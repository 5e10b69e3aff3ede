"""Every command's parameters and help, walked through the Click objects Typer builds."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from zhtext.cli.app import app


def commands() -> list[tuple[str, Any]]:
    """(``"group command"``, the Click command) for every leaf command, hidden ones included."""
    out: list[tuple[str, Any]] = []

    def walk(prefix: str, cmd: Any) -> None:
        if hasattr(cmd, "commands"):  # a group (Typer vendors its own Click)
            for name, sub in cmd.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            out.append((prefix, cmd))

    walk("", typer.main.get_command(app))
    return out


COMMANDS = commands()


def help_text(path: str) -> str:
    res = CliRunner().invoke(app, [*path.split(), "--help"], terminal_width=200,
                             env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    return res.output


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_help_keeps_bracketed_text(path: str, cmd: Any) -> None:
    """Rich markup must not eat text in square brackets of a docstring (``[[id, weight], ...]``)."""
    first = (cmd.help or "").strip().split("\n\n")[0]
    first = " ".join(first.replace("\\[", "[").split())
    shown = " ".join(re.sub(r"[│╭╮╰╯─]", " ", help_text(path)).split())
    for part in re.findall(r"\[[^\]]*\]", first):
        assert part in shown, f"{path} --help lost {part!r} of its docstring"


# Numeric options that may take any value, with the reason. Every other int / float option
# states its range (typer ``min`` / ``max``), so a negative --jobs or --dev-split is a usage error.
UNRANGED: dict[tuple[str, str], str] = {}


def numeric_options() -> list[tuple[str, Any]]:
    return [(path, p) for path, cmd in COMMANDS for p in cmd.params
            if p.param_type_name == "option" and not getattr(p, "count", False)
            and p.type_descriptor.annotation in (int, float)]


@pytest.mark.parametrize(("path", "param"), numeric_options(),
                         ids=[f"{path} {p.opts[0]}" for path, p in numeric_options()])
def test_every_numeric_option_has_a_range(path: str, param: Any) -> None:
    if (path, param.opts[0]) in UNRANGED:
        return
    assert param.min is not None or param.max is not None, (
        f"zhtext {path} {param.opts[0]} accepts any number: give it typer min/max, or list it "
        "in UNRANGED with the reason")


@pytest.mark.parametrize(("args", "flag"), [
    (["classify", "train", "--train", "x.tsv", "-o", "m", "--dev-split", "-0.2"],
     "--dev-split"),
    (["keywords", "extract", "--jobs", "-2", "-"], "--jobs"),
    (["pretrain", "mlm", "corpus", "-o", "m", "--steps", "-5"], "--steps"),
])
def test_negative_numbers_are_usage_errors(args: list[str], flag: str) -> None:
    res = CliRunner().invoke(app, args, input="深度学习。\n", terminal_width=200)
    assert res.exit_code == 2, res.output
    assert flag in res.output


@pytest.mark.parametrize(("args", "words"), [
    (["keywords", "extract", "-", "--set", "position_weight=abc"], ["position_weight", "abc"]),
    (["keywords", "extract", "-", "--model", "./no/such/dir"], ["no/such/dir", "not found"]),
])
def test_bad_settings_are_clear_errors(args: list[str], words: list[str]) -> None:
    res = CliRunner().invoke(app, args, input="深度学习。\n")
    assert res.exit_code == 1
    from zhtext.errors import ZhtextError

    assert isinstance(res.exception, ZhtextError), repr(res.exception)
    for w in words:
        assert w in str(res.exception), str(res.exception)
