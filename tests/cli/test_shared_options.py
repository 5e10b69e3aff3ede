"""A test walks every command's options: a shared option means one thing everywhere.

Two commands that take ``--seed`` (or ``--encoding``, ``--dev-split``, ...) give it the same
spellings, type, range and default; the differences below are the deliberate ones, each with
its reason. ``python tools/cli_options.py`` prints the table for the docs.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

#: Options whose uses differ on purpose, and why.
DIFFERENT_ON_PURPOSE = {
    "--batch-size": "a batch means different work per task (a linear batch, a tagger batch, "
                    "the server's micro-batch)",
    "--format": "the output formats differ per command (export writes onnx)",
    "--method": "each group has its own methods and default",
    "--phrases": "keywords: phrase candidates (on by measurement); topics: phrase tokens "
                 "for LDA (off by measurement, bench/topics.py)",
    "--segmenter": "empty means the method's own default (classify textcnn reads characters)",
    "--dev-split": "tag holds out nothing for the CRF (it needs no dev set) and 0.1 for bert",
    "--text-col": "empty means guessed; 'text' is the JSONL field",
    "--workers": "serve: processes, one per core; --engine ray: Ray workers",
    "--top-k": "keywords evaluate takes a list of k (1,3,5)",
}


def _tool() -> Any:
    spec = importlib.util.spec_from_file_location("cli_options", ROOT / "tools/cli_options.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("cli_options", mod)  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def test_shared_options_have_one_name_type_range_and_default() -> None:
    odd = _tool().disagreements(DIFFERENT_ON_PURPOSE)
    assert not odd, "\n".join(
        f"{opt}: " + "; ".join(f"{u.command}: {u.names} {u.cell()}" for u in us)
        for opt, us in odd.items())


def test_the_walk_sees_every_group_and_the_shared_options() -> None:
    tool = _tool()
    cmds = tool.commands()
    for name in ("keywords extract", "topics fit", "classify train", "tag predict",
                 "pretrain mlm", "serve", "export"):
        assert name in cmds
    shared = tool.shared()
    for opt in ("--encoding", "--input-format", "--output", "--force", "--seed"):
        assert opt in shared, opt
    assert "| `--seed` |" in tool.markdown()


def test_every_command_that_writes_takes_force_and_every_reader_an_encoding() -> None:
    table = _tool().uses()
    writers = {u.command for u in table["--output"]}
    forced = {u.command for u in table["--force"]}
    assert writers <= forced, writers - forced
    readers = {u.command for u in table["--input-format"]}
    encoded = {u.command for u in table["--encoding"]}
    assert readers <= encoded, readers - encoded
