"""Bad requests get clear answers: the status says whose fault, the message says what."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("uvicorn", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("httpx", reason="the server tests need httpx (in the dev extras)")

from fastapi.testclient import TestClient

from zhtext.errors import ZhtextError
from zhtext.records import Prediction
from zhtext.serve.app import create_app
from zhtext.serve.config import ServeSettings
from zhtext.serve.models import ModelRegistry, ServedModel


def _json(client: TestClient, path: str, body: Any) -> tuple[int, dict[str, Any]]:
    r = client.post(path, json=body)
    return r.status_code, r.json()


def test_malformed_json_is_400_with_position(client: TestClient) -> None:
    r = client.post("/v1/classify", content=b'{"texts": ["a",',
                    headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"].startswith("the request body is not valid JSON")
    assert "at character" in r.json()["error"]


def test_wrong_types_name_the_item(client: TestClient) -> None:
    status, body = _json(client, "/v1/classify", {"texts": ["好", 5, None]})
    assert status == 422
    locs = [d["loc"] for d in body["detail"]]
    assert locs == ["texts[1]", "texts[2]"]
    assert "texts[1]: Input should be a valid string, got 5" in body["error"]
    status, body = _json(client, "/v1/classify", {"texts": "央行下调利率"})
    assert status == 422 and body["detail"][0]["loc"] == "texts"
    assert "valid list" in body["error"]
    status, body = _json(client, "/v1/keywords", {"texts": ["a"], "top_k": "many"})
    assert status == 422 and body["detail"][0]["loc"] == "top_k"
    status, body = _json(client, "/v1/keywords", {"texts": ["a"], "top_k": 0})
    assert status == 422 and "greater than or equal to 1" in body["error"]


def test_body_shape_errors(client: TestClient) -> None:
    status, body = _json(client, "/v1/classify", {"text": ["misspelt field"]})
    assert status == 422
    assert {d["loc"] for d in body["detail"]} == {"texts", "text"}
    assert "text: unknown field; this endpoint takes: texts, model" in body["error"]
    status, body = _json(client, "/v1/classify", ["a", "b"])
    assert status == 422 and "must be a JSON object" in body["error"]
    r = client.post("/v1/classify")
    assert r.status_code == 422 and "body is missing" in r.json()["error"]
    r = client.post("/v1/classify", content=b"texts=a",
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400
    assert "not valid JSON" in r.json()["error"]
    assert "sent as application/x-www-form-urlencoded" in r.json()["error"]


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain",
                                          None])
def test_json_body_whatever_the_content_type(client: TestClient,
                                             content_type: str | None) -> None:
    # what README's `curl -d '{"texts": [...]}' URL` sends: a form Content-Type
    body = '{"texts": ["深度学习推动了自然语言处理的发展。"], "top_k": 2}'.encode()
    headers = {"content-type": content_type} if content_type else {}
    r = client.post("/v1/keywords", content=body, headers=headers)
    assert r.status_code == 200, r.text
    assert len(r.json()["results"][0]["keywords"]) == 2
    r = client.post("/v1/classify", content='{"texts": ["央行下调利率，股市上涨"]}'.encode(),
                    headers=headers)
    assert r.status_code == 200 and r.json()["results"][0]["label"] == "财经"


@pytest.mark.parametrize("path", ["/v1/classify", "/v1/topics"])
def test_empty_or_blank_texts_are_refused_where_an_answer_would_be_nonsense(
        client: TestClient, path: str) -> None:
    status, body = _json(client, path, {"texts": ["央行下调利率", "好", " \u3000\n", "球队", ""]})
    assert status == 422
    assert [d["loc"] for d in body["detail"]] == ["texts[2]", "texts[4]"]
    assert body["error"].startswith("texts[2] is only whitespace: there is nothing to ")
    assert "texts[4] is empty" in body["error"]


def test_empty_texts_have_no_keywords_or_tags(client: TestClient) -> None:
    status, body = _json(client, "/v1/keywords", {"texts": ["", "  "], "model": "builtin"})
    assert status == 200 and body["results"] == [{"keywords": []}, {"keywords": []}]
    status, body = _json(client, "/v1/tag", {"texts": [""]})
    assert status == 200 and body["results"] == [{"entities": []}]


def test_empty_batch(client: TestClient) -> None:
    status, body = _json(client, "/v1/tag", {"texts": []})
    assert status == 422
    assert body["error"] == "texts: the batch is empty; send at least one text"


def test_50_mb_body_is_413_without_reading_it(client: TestClient) -> None:
    r = client.post("/v1/classify", content=b"x" * (50 << 20),
                    headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "larger than 30,724,864 bytes" in r.json()["error"]  # the default for 256 x 20,000


def test_streamed_body_over_the_limit_is_413(registry: ModelRegistry) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        for _ in range(40):
            yield b"x" * 65536

    with TestClient(create_app(registry, settings=ServeSettings(max_body_bytes=1 << 20))) as c:
        r = c.post("/v1/classify", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "larger than 1,048,576 bytes" in r.json()["error"]
    assert "--max-body-bytes" in r.json()["error"]


def test_the_default_body_limit_fits_every_request_the_schema_allows(
        registry: ModelRegistry) -> None:
    """No schema-valid request is refused for its size (schemathesis found 413s, issue 18).

    The most texts, each of the most characters, JSON-escaped as Python's json module sends
    them (six bytes a character), pass the body limit and are answered; one text more is a
    422 naming the batch limit, not a 413.
    """
    import json

    settings = ServeSettings(max_batch=4, max_text_chars=50)
    texts = [("央行下调利率股市上涨" * 5)[:50]] * 4
    body = json.dumps({"texts": texts, "model": "news"}).encode()  # ensure_ascii: \uXXXX
    assert len(body) > 4 * 50 * 6
    with TestClient(create_app(registry, settings=settings)) as c:
        r = c.post("/v1/classify", content=body, headers={"content-type": "application/json"})
        assert r.status_code == 200, r.text
        more = json.dumps({"texts": texts + texts[:1], "model": "news"}).encode()
        r = c.post("/v1/classify", content=more, headers={"content-type": "application/json"})
        assert r.status_code == 422 and "--max-batch" in r.json()["error"]
        limits = c.get("/v1/models").json()["limits"]
    assert limits["max_body_bytes"] == settings.body_bytes >= len(body)


def test_limits_are_configurable(registry: ModelRegistry) -> None:
    settings = ServeSettings(max_body_bytes=2000, max_batch=3, max_text_chars=10, max_top_k=4)
    with TestClient(create_app(registry, settings=settings)) as c:
        status, body = _json(c, "/v1/classify", {"texts": ["a"] * 4})
        assert status == 422
        assert body["error"] == ("texts: 4 texts in one request; this server takes at most 3 "
                                 "(--max-batch)")
        status, body = _json(c, "/v1/classify", {"texts": ["短", "这是一段超过十个字的文本内容"]})
        assert status == 422 and body["detail"][0]["loc"] == "texts[1]"
        assert "14 characters; this server takes at most 10" in body["error"]
        status, body = _json(c, "/v1/keywords", {"texts": ["深度学习"], "top_k": 5})
        assert status == 422 and body["detail"][0]["loc"] == "top_k"
        r = c.post("/v1/classify", json={"texts": ["长" * 9] * 3})
        assert r.status_code == 200  # at the limits
        r = c.post("/v1/classify", json={"texts": ["长" * 800]})
        assert r.status_code == 413  # 2,400 bytes of UTF-8 over a 2,000-byte limit
        assert c.get("/v1/models").json()["limits"]["max_text_chars"] == 10


def test_unknown_and_wrong_task_model_names(client: TestClient) -> None:
    status, body = _json(client, "/v1/classify", {"texts": ["a"], "model": "nope"})
    assert status == 404
    assert body["error"] == "no classify model named 'nope'; the classify models are: news"
    assert body["detail"][0]["loc"] == "model"
    status, body = _json(client, "/v1/tag", {"texts": ["a"], "model": "news"})
    assert status == 404 and "(it is a classify model)" in body["error"]


def test_unknown_route_and_method(client: TestClient) -> None:
    r = client.post("/v1/clasify", json={"texts": ["a"]})
    assert r.status_code == 404 and "/v1/classify" in r.json()["error"]
    r = client.get("/v1/classify")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    assert r.json()["error"] == "GET is not allowed on /v1/classify; it takes POST"


class _FakeClassifier:
    """Stands in for a TextClassifier: fails on demand, records its batches."""

    multi_label = False
    labels_ = ("甲", "乙")

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def predict(self, texts: list[str]) -> list[Prediction]:
        self.batches.append(list(texts))
        if "boom" in texts:
            raise RuntimeError("secret internal detail")
        if "bad" in texts:
            raise ZhtextError("this text cannot be classified")
        return [Prediction("甲", 0.75, {"甲": 0.75, "乙": 0.25}, ("甲",)) for _ in texts]


def _fake(name: str, *, batched: bool) -> ServedModel:
    return ServedModel(name=name, task="classify", method="fake", path=f"/models/{name}",
                       obj=_FakeClassifier(), batched=batched, info={"labels": ["甲", "乙"]})


def test_several_models_of_a_task_need_a_name() -> None:
    reg = ModelRegistry([_fake("a", batched=False), _fake("b", batched=True)])
    with TestClient(create_app(reg)) as c:
        status, body = _json(c, "/v1/classify", {"texts": ["x"]})
        assert status == 422
        assert body["error"] == ('several classify models are loaded (a, b); say which in '
                                 '"model"')
        assert [m["default"] for m in c.get("/v1/models").json()["models"]
                if m["task"] == "classify"] == [False, False]
        for name in ("a", "b"):
            status, body = _json(c, "/v1/classify", {"texts": ["x", "y"], "model": name})
            assert status == 200 and body["model"] == name and len(body["results"]) == 2


@pytest.mark.parametrize("batched", [False, True])
def test_model_failures(batched: bool, caplog: pytest.LogCaptureFixture) -> None:
    reg = ModelRegistry([_fake("m", batched=batched)])
    with TestClient(create_app(reg)) as c:
        status, body = _json(c, "/v1/classify", {"texts": ["ok", "boom"]})
        assert status == 500
        assert "secret" not in body["error"] and "server log" in body["error"]
        assert any("secret internal detail" in r.getMessage() or
                   (r.exc_info and "secret" in str(r.exc_info[1])) for r in caplog.records)
        status, body = _json(c, "/v1/classify", {"texts": ["bad"]})
        assert status == 422 and body["error"] == "this text cannot be classified"
        # the server goes on answering
        status, body = _json(c, "/v1/classify", {"texts": ["fine"]})
        assert status == 200 and body["results"][0]["label"] == "甲"
