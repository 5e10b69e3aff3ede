"""The ``zhtext`` command and its error handling."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from zhtext.cli import classify, export, keywords, pretrain, serve, tag, topics
from zhtext.errors import ZhtextError

app = typer.Typer(
    name="zhtext",
    help="Chinese text understanding: keywords, topics, classifiers and taggers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(keywords.app, name="keywords")
app.add_typer(topics.app, name="topics")
app.add_typer(classify.app, name="classify")
app.add_typer(tag.app, name="tag")
app.add_typer(pretrain.app, name="pretrain")
app.command(name="serve")(serve.serve)
app.command(name="export")(export.export)


def _version(value: bool) -> None:
    if value:
        from zhtext import __version__

        typer.echo(f"zhtext {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-vv: debug).")
    ] = 0,
) -> None:
    """Chinese text understanding: keywords, topics, classifiers and taggers."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)


def main() -> None:
    """Entry point: run the app; user errors print one line and exit non-zero.

    Typer (standalone mode) reports usage errors itself (exit code 2); errors zhtext raises
    for bad input are printed as ``error: ...`` with exit code 1, without a traceback.
    """
    if sys.stderr is None or not sys.stderr.isatty():
        # Hugging Face libraries draw progress bars (loading and writing weights) even when
        # stderr is a file; the command line shows bars on terminals only.
        import os

        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    was_devnull = _stdout_is_devnull()
    try:
        try:
            app()
        except SystemExit as e:
            if e.code == 1 and (_stdout_closed() or (not was_devnull and _stdout_is_devnull())):
                raise BrokenPipeError from None
            raise
        finally:
            sys.stdout.flush()
            from zhtext.neural.distributed import close_process_group

            close_process_group()
    except ZhtextError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (e.g. `| head -1`): stop quietly with success, as the reader
        # asked for no more. Later flushes (at interpreter exit) go to /dev/null.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


def _stdout_closed() -> bool:
    """Whether Click / Typer ended the command because stdout's reader went away (EPIPE).

    In standalone mode both turn an EPIPE into ``sys.exit(1)`` after wrapping the streams in
    Click's ``PacifyFlushWrapper`` (``_PacifyFlushWrapper`` in newer Click); that wrapper is how
    the case is told apart from a failure. Rich (the help pages) instead points stdout at
    /dev/null and exits 1: :func:`_stdout_is_devnull` before and after tells that case.
    """
    return type(sys.stdout).__name__.endswith("PacifyFlushWrapper")


def _stdout_is_devnull() -> bool:
    import os

    try:
        out, null = os.fstat(sys.stdout.fileno()), os.stat(os.devnull)
    except (OSError, ValueError, AttributeError):
        return False
    return (out.st_dev, out.st_ino) == (null.st_dev, null.st_ino)
