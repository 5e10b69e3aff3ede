"""The OpenAPI description is the contract: schemathesis finds no request it gets wrong.

The app holds a linear classifier and a CRF NER tagger (the session's tiny models) with small
limits, so that every limit is reachable by generated requests. Schemathesis runs offline
through the ASGI app (no socket), with ``--checks all``, derandomized and few examples, so it
cannot flake and stays short.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the server needs the serve extras "
                    "(pip install 'zhtext[serve]')")
pytest.importorskip("httpx", reason="the server tests need httpx (in the dev extras)")
pytest.importorskip("schemathesis", reason="the API contract test needs schemathesis (in the "
                    "dev extras)")

import schemathesis
from hypothesis import HealthCheck, settings

from zhtext.serve.app import create_app
from zhtext.serve.config import ServeSettings
from zhtext.serve.models import ModelRegistry

LIMITS = ServeSettings(max_batch=8, max_text_chars=200, max_top_k=20)


@pytest.fixture(scope="module")
def contract_app(model_dirs: dict[str, Path]) -> Any:
    registry = ModelRegistry.load([str(model_dirs["news"]), str(model_dirs["ner"])])
    return create_app(registry, settings=LIMITS)


@pytest.fixture(scope="module")
def api_schema(contract_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", contract_app)


def test_openapi_declares_the_limits_and_errors(contract_app: Any) -> None:
    from fastapi.testclient import TestClient

    spec = TestClient(contract_app).get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    texts = schemas["ClassifyRequest"]["properties"]["texts"]
    assert texts["maxItems"] == 8 and texts["minItems"] == 1
    assert texts["items"]["maxLength"] == 200
    assert texts["items"]["pattern"]  # empty or whitespace-only texts are refused
    top_k = schemas["KeywordsRequest"]["properties"]["top_k"]
    assert top_k["maximum"] == 20 and top_k["minimum"] == 1
    assert "maxLength" in schemas["TagRequest"]["properties"]["texts"]["items"]
    for path in ("/v1/keywords", "/v1/classify", "/v1/tag", "/v1/topics"):
        responses = spec["paths"][path]["post"]["responses"]
        assert {"200", "400", "404", "413", "422", "500", "503"} <= set(responses), path
    too_large = spec["paths"]["/v1/classify"]["post"]["responses"]["413"]["description"]
    assert f"{LIMITS.body_bytes:,} bytes" in too_large
    assert "whatever its Content-Type" in spec["info"]["description"]


def test_405_names_the_allowed_methods(contract_app: Any) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(contract_app)
    r = client.get("/v1/classify")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    assert "POST" in r.json()["error"]
    r = client.delete("/v1/models")
    assert r.status_code == 405 and "GET" in r.headers["allow"]


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_schemathesis_finds_nothing(case: Any) -> None:
    from schemathesis.checks import CHECKS

    case.call_and_validate(checks=CHECKS.get_all())
