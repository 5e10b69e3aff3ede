"""Request and response bodies of the HTTP API (pydantic models, shown in the OpenAPI docs).

Requests are ``{"texts": [...]}`` plus ``"model"`` (needed when several models of the task
are loaded) and options; unknown fields are rejected, so a misspelt ``"text"`` is a clear 422
rather than a silently ignored field. Responses are ``{"model": name, "results": [...]}`` with
one result per text, in order. The classes here are the shapes; :func:`request_models` makes
the request classes of one app with its limits (batch size, text length, ``top_k``) in them,
so that pydantic enforces exactly what the OpenAPI description declares. The limits are also
listed by ``GET /v1/models``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

__all__ = [
    "ClassifyRequest",
    "ClassifyResponse",
    "ErrorItem",
    "ErrorResponse",
    "KeywordsRequest",
    "KeywordsResponse",
    "ModelsResponse",
    "TagRequest",
    "TagResponse",
    "TopicsRequest",
    "TopicsResponse",
    "request_models",
]

# A text that is not empty and not only whitespace (Python's ``str.isspace``: the pattern runs
# on Python's ``re``, the engine schemathesis and hypothesis generate with).
NOT_BLANK = r"\S"

_TEXTS = Field(min_length=1, description="The documents, one string each (at least one).",
               examples=[["深度学习推动了自然语言处理的发展。"]])
_MODEL = Field(None, description="The model's name (see GET /v1/models); needed only when "
               "several models of this task are loaded.")


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", regex_engine="python-re")

    texts: list[str] = _TEXTS
    model: str | None = _MODEL


class KeywordsRequest(_Request):
    """Texts to extract keywords from (an empty text has none: an empty list)."""

    top_k: int = Field(5, ge=1, description="Keywords per text, at most.")


class ClassifyRequest(_Request):
    """Texts to classify; none may be empty or only whitespace (there is nothing to classify)."""


class TagRequest(_Request):
    """Texts to segment, POS-tag or search for entities (whatever the model was trained for).

    An empty text has no tokens or entities (an empty list).
    """


class TopicsRequest(_Request):
    """Texts whose topics to infer; none may be empty or only whitespace."""

    top_k: int = Field(5, ge=1, description="Topics per text, heaviest first, at most.")


class KeywordOut(BaseModel):
    """A keyword: normalised text, score, and the offsets of its first occurrence."""

    text: str
    score: float
    start: int
    end: int


class KeywordsResult(BaseModel):
    """The keywords of one text, best first."""

    keywords: list[KeywordOut]


class KeywordsResponse(BaseModel):
    """One result per text, in order."""

    model: str
    results: list[KeywordsResult]


class PredictionOut(BaseModel):
    """A classifier's answer: best label, its probability, every class's probability."""

    label: str
    score: float
    scores: dict[str, float]
    labels: list[str] | None = Field(None, description="Multi-label models only.")


class ClassifyResponse(BaseModel):
    """One prediction per text, in order."""

    model: str
    results: list[PredictionOut]


class SpanOut(BaseModel):
    """A word (``pos`` set for POS models) or an entity (``label`` set)."""

    text: str
    start: int
    end: int
    pos: str | None = None
    label: str | None = None


class TagResult(BaseModel):
    """``tokens`` for segmentation / POS models, ``entities`` for NER models."""

    tokens: list[SpanOut] | None = None
    entities: list[SpanOut] | None = None


class TagResponse(BaseModel):
    """One result per text, in order."""

    model: str
    results: list[TagResult]


class TopicWeight(BaseModel):
    """A topic of a text with its weight and the topic's label (its top words)."""

    id: int
    label: str
    weight: float


class TopicsResult(BaseModel):
    """The heaviest topic's id, and the topics heaviest first."""

    topic: int | None
    topics: list[TopicWeight]


class TopicsResponse(BaseModel):
    """One result per text, in order."""

    model: str
    results: list[TopicsResult]


class ModelsResponse(BaseModel):
    """The loaded models and the request limits."""

    models: list[dict[str, Any]]
    limits: dict[str, int]


class ErrorItem(BaseModel):
    """One problem: where in the body (``texts[2]``) and what was expected."""

    loc: str
    msg: str
    type: str


class ErrorResponse(BaseModel):
    """Every error response: a readable message, and per-field details for validation."""

    error: str
    detail: list[ErrorItem] = []


def request_models(*, max_batch: int, max_text_chars: int,
                   max_top_k: int) -> dict[str, type[_Request]]:
    """The request classes of one app (by route), with its limits in their schema.

    ``texts`` has at most ``max_batch`` items of at most ``max_text_chars`` characters (not
    blank for classify and topics); ``top_k`` is at most ``max_top_k``.
    """
    def texts(*, blank: bool) -> Any:
        item = Annotated[str, StringConstraints(max_length=max_text_chars,
                                                pattern=None if blank else NOT_BLANK)]
        what = "" if blank else ", none empty or only whitespace"
        field = Field(min_length=1, max_length=max_batch,
                      description=f"The documents, one string each: 1 to {max_batch} texts of "
                      f"at most {max_text_chars:,} characters{what}.",
                      examples=[["深度学习推动了自然语言处理的发展。"]])
        return (list[item], field)

    def top_k(what: str) -> Any:
        return (int, Field(min(5, max_top_k), ge=1, le=max_top_k,
                           description=f"{what} per text, at most (1 to {max_top_k})."))

    return {
        "keywords": create_model("KeywordsRequest", __base__=KeywordsRequest,
                                 __doc__=KeywordsRequest.__doc__, texts=texts(blank=True),
                                 top_k=top_k("Keywords")),
        "classify": create_model("ClassifyRequest", __base__=ClassifyRequest,
                                 __doc__=ClassifyRequest.__doc__, texts=texts(blank=False)),
        "tag": create_model("TagRequest", __base__=TagRequest, __doc__=TagRequest.__doc__,
                            texts=texts(blank=True)),
        "topics": create_model("TopicsRequest", __base__=TopicsRequest,
                               __doc__=TopicsRequest.__doc__, texts=texts(blank=False),
                               top_k=top_k("Topics, heaviest first,")),
    }
