"""Issue 18: one record shape for a document's topics (fit, infer, server) and seed 42."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from tests.topics.test_lda import CORPUS, run, small

pytest.importorskip("gensim", reason="needs gensim (pip install 'zhtext[topics]')")

from zhtext.topics import TopicModel
from zhtext.topics.kind import TopicsKind


def check_record(row: dict[str, object], k: int, top_k: int) -> None:
    assert set(row) == {"id", "topic", "topics"}
    topics = row["topics"]
    assert isinstance(topics, list) and len(topics) == min(k, top_k)
    assert all(set(t) == {"id", "label", "weight"} and t["label"] for t in topics)
    weights = [t["weight"] for t in topics]
    assert weights == sorted(weights, reverse=True)
    assert row["topic"] == topics[0]["id"]


def test_fit_and_infer_write_the_same_record(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(CORPUS) + "\n", encoding="utf-8")
    model = tmp_path / "tm"
    fit = run("fit", str(corpus), "-o", str(model), "--k", "6", "--passes", "5",
              "--restarts", "1", "--min-df", "2")
    assert fit.returncode == 0, fit.stderr
    fitted = [json.loads(x) for x in (model / "doc_topics.jsonl").read_text().splitlines()]
    out = run("infer", str(model), str(corpus))
    assert out.returncode == 0, out.stderr
    inferred = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(fitted) == len(inferred) == len(CORPUS)
    for a, b in zip(fitted, inferred):
        check_record(a, 6, 5)
        check_record(b, 6, 5)
        assert a["id"] == b["id"]  # the reader's id, as classify / tag predict write it
    every = run("infer", str(model), str(corpus), "--top-k", "0")
    check_record(json.loads(every.stdout.splitlines()[0]), 6, 6)


def test_server_result_is_the_same_record() -> None:
    m = small(k=6, seed=0).fit(CORPUS)
    kind = TopicsKind()
    info = kind.info(m)
    for row in kind.run(m, CORPUS[:3], {}, info):
        check_record({"id": "x", **row}, 6, 5)


def test_seed_defaults_to_42() -> None:
    assert TopicModel().seed == 42
    from zhtext.cli import topics

    assert inspect.signature(topics.fit).parameters["seed"].default == 42
