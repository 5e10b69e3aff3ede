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


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_help_keeps_bracketed_text(path: str, cmd: Any) -> None:
    """Rich markup must not eat text in square brackets of a docstring (``[[id, weight], ...]``)."""
    first = (cmd.help or "").strip().split("\n\n")[0]
    first = " ".join(first.replace("\\[", "[").split())
    shown = " ".join(re.sub(r"[│╭╮╰╯─]", " ", help_text(path)).split())
    for part in re.findall(r"\[[^\]]*\]", first):
        assert part in shown, f"{path} --help lost {part!r} of its docstring"
