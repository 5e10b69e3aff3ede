"""The pretraining summary rounds its numbers by meaning (issue 18, defect 12)."""

from __future__ import annotations

from zhtext.pretrain.mlm import PretrainResult, summary_line

METRICS = {"steps": 1200, "tokens_per_second": 5321.456789, "final_train_loss": 7.893284797668457,
           "held_out_accuracy": 0.123456789}


def test_summary_line_rounds() -> None:
    line = summary_line(METRICS)
    assert line == ("1,200 steps, 5,321 tokens/s, final loss 7.893, held-out MLM accuracy "
                    "0.1235")
    assert "7.893284797668457" not in line


def test_result_summary_keeps_metrics_exact() -> None:
    r = PretrainResult(model=None, tokenizer=None, metrics=dict(METRICS), history=[])
    assert "final loss 7.893," in r.summary()
    assert r.metrics["final_train_loss"] == 7.893284797668457


def test_summary_line_without_a_loss() -> None:
    assert "final loss —" in summary_line({**METRICS, "final_train_loss": None})
