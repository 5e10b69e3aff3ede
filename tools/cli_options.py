"""The options every zhtext command takes, walked from the CLI itself, as a table.

Run ``python tools/cli_options.py`` for a Markdown table of the options shared by two or more
commands (one row per option: each command's type, range and default), followed by the
options whose uses disagree. tests/cli/test_shared_options.py holds the same walk to the rule
that a shared option means one thing: one name, one type, one range, one default, except the
differences it lists with their reasons.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Use:
    """One option of one command, as the user sees it."""

    command: str
    names: tuple[str, ...]
    kind: str
    low: Any
    high: Any
    default: Any

    def shape(self) -> tuple[Any, ...]:
        """What must agree between two commands sharing the option."""
        return self.names, self.kind, self.low, self.high, self.default

    def cell(self) -> str:
        """The table cell: kind, range and default."""
        low = "" if self.low is None else self.low
        high = "" if self.high is None else self.high
        rng = "" if self.low is None and self.high is None else f" {low}..{high}"
        default = "" if self.default in (None, (), []) else f" = {self.default}"
        return f"{self.kind}{rng}{default}"


def _kind(param: Any) -> str:
    if param.count:
        return "count"
    if param.is_flag:
        return "flag"
    desc = getattr(param, "type_descriptor", None)
    annotation = getattr(desc, "annotation", None)
    if annotation is None:
        return "text"
    name = getattr(annotation, "__name__", None)
    if name is None or getattr(annotation, "__args__", None):
        return str(annotation).replace("typing.", "")
    return name


def commands() -> dict[str, Any]:
    """Every visible command of ``zhtext`` by its full name (``classify train``)."""
    import typer

    from zhtext.cli.app import app

    out: dict[str, Any] = {}

    def walk(cmd: Any, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs is not None:
            for name, sub in subs.items():
                if not getattr(sub, "hidden", False):
                    walk(sub, [*path, name])
        elif path:
            out[" ".join(path)] = cmd

    walk(typer.main.get_command(app), [])
    return out


def uses() -> dict[str, list[Use]]:
    """Each visible option's long name -> its use in every command that has it."""
    table: dict[str, list[Use]] = {}
    for name, cmd in commands().items():
        for p in cmd.params:
            if p.param_type_name != "option" or p.hidden or p.name == "help":
                continue
            long = next((o for o in p.opts if o.startswith("--")), p.opts[0])
            default = p.default
            if isinstance(default, list):
                default = tuple(default)
            table.setdefault(long, []).append(Use(name, tuple(p.opts), _kind(p),
                                                  getattr(p, "min", None),
                                                  getattr(p, "max", None), default))
    return table


def shared() -> dict[str, list[Use]]:
    """The options two or more commands take."""
    return {k: v for k, v in sorted(uses().items()) if len(v) > 1}


def disagreements(allowed: dict[str, str] | None = None) -> dict[str, list[Use]]:
    """Shared options whose uses differ in name, type, range or default (minus ``allowed``)."""
    allowed = allowed or {}
    return {k: v for k, v in shared().items()
            if k not in allowed and len({u.shape() for u in v}) > 1}


def markdown() -> str:
    """The table of shared options: one row per option, one column per command group."""
    rows = ["| option | commands (type, range = default) |", "|---|---|"]
    for opt, us in shared().items():
        same = len({u.shape() for u in us}) == 1
        if same:
            cell = f"{us[0].cell()}: " + ", ".join(u.command for u in us)
        else:
            cell = "; ".join(f"{u.command}: {u.cell()}" for u in us)
        short = "/".join(n for n in us[0].names if not n.startswith("--"))
        rows.append(f"| `{opt}`{' `' + short + '`' if short else ''} | {cell} |")
    return "\n".join(rows)


def main() -> int:
    """Print the table, then the options whose uses differ."""
    print(markdown())
    odd = disagreements()
    if odd:
        print("\nOptions whose uses differ:")
        for opt, us in odd.items():
            print(f"  {opt}: " + "; ".join(f"{u.command}: {u.cell()}" for u in us))
    return 0


if __name__ == "__main__":
    sys.exit(main())
