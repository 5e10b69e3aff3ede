"""zhtext.errors: the note a bug carries reaches its traceback."""

from __future__ import annotations

import traceback

from zhtext.errors import add_note


def test_add_note_shows_in_the_traceback_and_keeps_earlier_notes() -> None:
    try:
        raise KeyError("model")
    except KeyError as caught:
        add_note(caught, "first")
        add_note(caught, "this is a bug in zhtext")
        shown = "".join(traceback.format_exception(caught))
        notes = caught.__notes__
    assert notes == ["first", "this is a bug in zhtext"]
    assert "this is a bug in zhtext" in shown and "KeyError" in shown
