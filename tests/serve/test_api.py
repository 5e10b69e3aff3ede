"""The HTTP API on tiny real models: batch in, batch out, the Python API's records."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("uvicorn", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("httpx", reason="the server tests need httpx (in the dev extras)")

from fastapi.testclient import TestClient
from tests.serve.conftest import PROBES

import zhtext
from zhtext.serve.app import create_app
from zhtext.serve.models import ModelRegistry


def test_classify_batch_in_order_same_as_python_api(client: TestClient,
                                                    model_dirs: dict[str, Path]) -> None:
    texts = [PROBES["财经"], PROBES["体育"], PROBES["科技"]]
    r = client.post("/v1/classify", json={"texts": texts})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model"] == "news"
    assert [x["label"] for x in body["results"]] == ["财经", "体育", "科技"]
    expected = [p.to_dict() for p in zhtext.load(str(model_dirs["news"])).predict(texts)]
    assert body["results"] == json.loads(json.dumps(expected, ensure_ascii=False))
    for res in body["results"]:
        assert set(res["scores"]) == {"体育", "财经", "科技"}
        assert sum(res["scores"].values()) == pytest.approx(1.0, abs=1e-3)


def test_keywords_default_and_named_models(client: TestClient) -> None:
    text = "深度学习推动了自然语言处理的快速发展。深度学习需要大量数据。"
    # one fitted keyword model is loaded: it is the default; the built-in one by name
    r = client.post("/v1/keywords", json={"texts": [text, ""], "top_k": 3})
    assert r.status_code == 200 and r.json()["model"] == "kw"
    r = client.post("/v1/keywords", json={"texts": [text, ""], "top_k": 3, "model": "builtin"})
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert len(results) == 2 and results[1] == {"keywords": []}
    kws = results[0]["keywords"]
    assert 1 <= len(kws) <= 3
    expected = zhtext.extract_keywords([text], 3)[0]
    assert [k["text"] for k in kws] == [k.text for k in expected]
    for k in kws:
        assert text[k["start"]:k["end"]] == k["text"]


def test_tag_gives_entities_with_offsets(client: TestClient) -> None:
    text = "陈静今天考察南京的气象局。"
    r = client.post("/v1/tag", json={"texts": [text, "李明今天访问上海的新华社。"]})
    assert r.status_code == 200, r.text
    ents = r.json()["results"][0]["entities"]
    assert {(e["text"], e["label"]) for e in ents} == {("陈静", "PER"), ("南京", "LOC"),
                                                        ("气象局", "ORG")}
    for e in ents:
        assert text[e["start"]:e["end"]] == e["text"]


def test_topics(client: TestClient, model_dirs: dict[str, Path]) -> None:
    if "topics" not in model_dirs:
        pytest.skip("gensim is not installed")
    r = client.post("/v1/topics", json={"texts": ["球队比赛球员球迷", "股票基金投资者银行"],
                                        "top_k": 1})
    assert r.status_code == 200, r.text
    a, b = r.json()["results"]
    assert len(a["topics"]) == 1 and a["topic"] == a["topics"][0]["id"]
    assert a["topic"] != b["topic"]  # the two themes land in different topics
    assert a["topics"][0]["label"] and 0 < a["topics"][0]["weight"] <= 1


def test_models_health_docs_and_page(client: TestClient) -> None:
    body = client.get("/v1/models").json()
    by_name = {m["name"]: m for m in body["models"]}
    assert by_name["builtin"]["builtin"] and by_name["builtin"]["task"] == "keywords"
    assert by_name["news"]["labels"] == ["体育", "科技", "财经"] or \
        sorted(by_name["news"]["labels"]) == ["体育", "科技", "财经"]
    assert by_name["news"]["batched"] is False and by_name["news"]["default"] is True
    assert by_name["ner"]["tag_task"] == "ner" and by_name["ner"]["batched"] is True
    assert by_name["kw"]["default"] and not by_name["builtin"]["default"]
    assert body["limits"]["max_batch"] == 256
    assert client.get("/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert {"/v1/keywords", "/v1/classify", "/v1/tag", "/v1/topics", "/v1/models",
            "/health"} <= set(spec["paths"])
    assert "413" in spec["paths"]["/v1/classify"]["post"]["responses"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    # Swagger UI is served from the installed bundle, not a CDN: the docs work offline
    assert "/docs-assets/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text
    bundle = client.get("/docs-assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    redoc = client.get("/redoc")
    assert redoc.status_code == 200 and "/docs-assets/redoc.standalone.js" in redoc.text
    assert "googleapis" not in redoc.text
    page = client.get("/")
    assert page.status_code == 200 and 'id="analyze"' in page.text
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "/v1/models" in js.text


def test_keywords_only_server_without_model_dirs() -> None:
    with TestClient(create_app([])) as c:
        models = c.get("/v1/models").json()["models"]
        assert [m["name"] for m in models] == ["builtin"] and models[0]["default"]
        r = c.post("/v1/keywords", json={"texts": ["深度学习推动了自然语言处理的发展。"]})
        assert r.status_code == 200 and r.json()["model"] == "builtin"
        r = c.post("/v1/classify", json={"texts": ["央行下调利率"]})
        assert r.status_code == 404
        assert "no classify model is loaded" in r.json()["error"]
        assert "zhtext classify train" in r.json()["error"]


def test_access_log_one_json_line_per_request(client: TestClient,
                                              caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="zhtext.serve.access"):
        client.post("/v1/classify", json={"texts": ["央行下调利率", "女排夺冠"]})
        client.post("/v1/classify", json={"texts": []})
        client.get("/health")
    lines = [json.loads(r.getMessage()) for r in caplog.records
             if r.name == "zhtext.serve.access"]
    assert [(x["method"], x["path"], x["status"]) for x in lines] == [
        ("POST", "/v1/classify", 200), ("POST", "/v1/classify", 422), ("GET", "/health", 200)]
    assert lines[0]["batch"] == 2 and lines[0]["model"] == "news"
    assert all(isinstance(x["ms"], float) and x["ms"] >= 0 for x in lines)


def test_same_registry_serves_several_apps(registry: ModelRegistry) -> None:
    # an app holds no global state: two apps over one registry, closed one after the other
    for _ in range(2):
        with TestClient(create_app(registry)) as c:
            r = c.post("/v1/tag", json={"texts": ["王芳今天来到杭州的科学院。"]})
            assert r.status_code == 200
            assert any(e["label"] == "PER" for e in r.json()["results"][0]["entities"])


def test_segmentation_model_gives_tokens(tmp_path: Path) -> None:
    from zhtext.tag import Sentence, Tagger

    words = ["我", "爱", "北京", "天安门"]
    text = "".join(words)
    starts = [sum(len(w) for w in words[:i]) for i in range(len(words))]
    data = [Sentence(text, [(a, a + len(w), "") for a, w in zip(starts, words)], words=True)]
    Tagger("cws", settings={"dictionary": "none", "segmenter": False}).fit(data * 20).save(
        tmp_path / "cws")
    reg = ModelRegistry.load([tmp_path / "cws"], builtin=False)
    with TestClient(create_app(reg)) as c:
        assert c.get("/v1/models").json()["models"][0]["tag_task"] == "cws"
        r = c.post("/v1/tag", json={"texts": [text, ""]})
        assert r.status_code == 200, r.text
        tokens, empty = r.json()["results"]
        assert [t["text"] for t in tokens["tokens"]] == words
        assert tokens["tokens"][2] == {"text": "北京", "start": 2, "end": 4, "pos": None}
        assert empty == {"tokens": []}
        r = c.post("/v1/keywords", json={"texts": [text]})
        assert r.status_code == 404  # builtin=False: no keyword model at all
