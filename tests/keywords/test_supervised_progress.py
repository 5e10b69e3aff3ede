"""Supervised keywords training shows its progress (issue 18, defect 12)."""

from __future__ import annotations

import io
import logging

import pytest
from tests.keywords.test_supervised import FAST, make_docs

from zhtext.keywords.supervised import SupervisedKeywords

pytest.importorskip("pycrfsuite", reason="needs python-crfsuite (pip install 'zhtext[tag]')")
pytest.importorskip("sklearn", reason="needs scikit-learn (pip install 'zhtext[classify]')")

DOCS = make_docs(40, 1)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _fit() -> SupervisedKeywords:
    return SupervisedKeywords(method_settings=FAST).fit([t for t, _ in DOCS],
                                                       [k for _, k in DOCS])


def test_a_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, object, object]] = []
    from zhtext.report import progress as progress_module

    real = progress_module.ProgressTask.update

    def spy(self: progress_module.ProgressTask, completed: float | None = None, **kw: object
            ) -> None:
        if self.shown and completed is not None:
            seen.append(("update", completed, kw.get("total")))
        real(self, completed, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(progress_module.ProgressTask, "update", spy)
    term = _Terminal()
    monkeypatch.setattr("sys.stderr", term)
    _fit()
    drawn = term.getvalue()
    assert "keywords: final tagger (3/3)" in drawn
    # The bar follows the CRF's iterations, up to its total.
    assert seen and all(total == FAST["max_iterations"] for _, _, total in seen)
    assert max(done for _, done, _ in seen) > 1  # type: ignore[type-var]


def test_log_lines_off_a_terminal(caplog: pytest.LogCaptureFixture,
                                  capfd: pytest.CaptureFixture[str]) -> None:
    with caplog.at_level(logging.INFO, logger="zhtext.keywords"):
        _fit()
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    lines = [r.getMessage() for r in caplog.records if r.name == "zhtext.keywords.supervised"]
    starts = [m for m in lines if m.startswith("training the ")]
    assert starts == ["training the tagger for the ranker, half 1 (1 of 3) on 20 documents",
                      "training the tagger for the ranker, half 2 (2 of 3) on 20 documents",
                      "training the final tagger (3 of 3) on 40 documents"]
    assert sum(m.startswith("trained the ") and m.endswith(" s") for m in lines) == 3
