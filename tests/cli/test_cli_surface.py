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
    (["keywords", "extract", "-", "--model", "./no/such/dir"], ["no/such/dir",
                                                                "no such directory"]),
    # Settings are checked before any data is read: the file is not there, and the error is
    # the setting's (the CRF's settings had no ranges: max_iterations=-1 trained).
    (["tag", "train", "--train", "absent.txt", "-o", "m", "--set", "max_iterations=-1"],
     ["max_iterations", "positive", "-1"]),
    (["tag", "train", "--train", "absent.txt", "-o", "m", "--set", "c1=abc"], ["c1", "abc"]),
    (["keywords", "train", "--train", "absent.tsv", "-o", "m", "--set", "c1=-1"],
     ["c1", "at least 0"]),
    (["classify", "train", "--method", "textcnn", "--train", "absent.tsv", "-o", "m", "--set",
      "num_filters=-5"], ["num_filters", "positive", "-5"]),
    (["classify", "train", "--train", "absent.tsv", "-o", "m", "--set", "C=abc"], ["C", "abc"]),
])
def test_bad_settings_are_clear_errors(args: list[str], words: list[str]) -> None:
    res = CliRunner().invoke(app, args, input="深度学习。\n")
    assert res.exit_code == 1
    from zhtext.errors import ZhtextError

    assert isinstance(res.exception, ZhtextError), repr(res.exception)
    for w in words:
        assert w in str(res.exception), str(res.exception)


def _root_help(width: int = 100) -> str:
    res = CliRunner().invoke(app, ["--help"], terminal_width=width, env={"COLUMNS": str(width)})
    assert res.exit_code == 0, res.output
    return res.output


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_flags_show_no_value_type(path: str, cmd: Any) -> None:
    """``--force``, ``--help``, ``-v`` take no value: the help must not show ``<bool>``."""
    res = CliRunner().invoke(app, [*path.split(), "--help"], terminal_width=100,
                             env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    for fake in ("<bool>", "<list[str]>"):
        assert fake not in res.output, f"zhtext {path} --help shows {fake}"
    root = _root_help()
    assert "<bool>" not in root and "<int>" not in root, root


def test_flags_that_take_values_keep_their_type() -> None:
    shown = help_text("classify train")
    assert "<path>" in shown and "KEY=VALUE" in shown


def _mentioned_options(text: str) -> set[str]:
    text = re.sub(r"'zhtext [^']*'", "", text)  # other commands, quoted, may have others
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text))


@pytest.mark.parametrize(("path", "cmd"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_help_mentions_only_options_the_command_has(path: str, cmd: Any) -> None:
    """No help text points to an option its command lacks (``--jobs`` where there is none)."""
    own = {o for p in cmd.params for o in (*p.opts, *getattr(p, "secondary_opts", []))}
    if path.endswith(" settings"):
        own.add("--set")  # lists the settings of the train command's --set
    texts = [cmd.help or ""] + [p.help or "" for p in cmd.params
                                if not getattr(p, "hidden", False) and hasattr(p, "help")]
    for text in texts:
        stray = _mentioned_options(text) - own
        assert not stray, f"zhtext {path} --help mentions {sorted(stray)}: {text!r}"


@pytest.mark.parametrize(("method", "absent", "present"), [
    ("textcnn", {"model", "init", "lora", "lora_r", "lora_targets"},
     {"bigram_buckets", "num_filters", "epochs", "device"}),
    ("bert", {"bigram_buckets", "word_buckets", "unit", "vectors", "num_filters"},
     {"model", "lora", "lora_r", "epochs"}),
    ("bert-cnn", {"bigram_buckets", "unit"}, {"model", "lora", "num_filters", "kernel_sizes"}),
])
def test_classify_settings_list_the_methods_own(method: str, absent: set[str],
                                                present: set[str]) -> None:
    res = CliRunner().invoke(app, ["classify", "settings", method])
    assert res.exit_code == 0, res.output
    names = {line.split()[0] for line in res.output.splitlines() if line.strip()}
    assert not names & absent, f"{method} lists {sorted(names & absent)}"
    assert present <= names, f"{method} lacks {sorted(present - names)}"


def test_set_refuses_a_setting_the_method_does_not_read(tmp_path: Any) -> None:
    res = CliRunner().invoke(app, ["classify", "train", "--train", "x.tsv", "-o",
                                   str(tmp_path / "m"), "--method", "textcnn", "--set",
                                   "lora_r=4"])
    assert res.exit_code == 1
    assert "lora_r" in str(res.exception) and "textcnn" in str(res.exception)


@pytest.mark.parametrize(("path", "param"),
                         [(p, o) for p, c in COMMANDS for o in c.params if "--epochs" in o.opts],
                         ids=[p for p, c in COMMANDS for o in c.params if "--epochs" in o.opts])
def test_epochs_says_its_default(path: str, param: Any) -> None:
    shown_default = param.default is not None and param.show_default is not False
    assert shown_default or "default" in (param.help or ""), (
        f"zhtext {path} --epochs does not say its default")
