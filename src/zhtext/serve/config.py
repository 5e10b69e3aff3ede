"""The settings of a served app: request limits and micro-batching."""

from __future__ import annotations

from dataclasses import dataclass

from zhtext.errors import ZhtextError

__all__ = ["ServeSettings"]


@dataclass(frozen=True)
class ServeSettings:
    """Limits and batching of the HTTP API.

    Attributes:
        max_body_bytes: Largest request body; a larger one is answered 413 (checked on the
            declared ``Content-Length`` and on the bytes actually received).
        max_batch: Most texts in one request (more: 422).
        max_text_chars: Longest text in characters (longer: 422, naming the item).
        max_top_k: Largest ``top_k`` a request may ask for.
        batch_wait_ms: How long concurrent requests for a batched (neural, CRF, topic) model
            are gathered before one ``predict`` call; 0 gathers only what is already waiting.
        batch_size: Most texts gathered into one call of a batched model (a single larger
            request still runs as one call).
    """

    max_body_bytes: int = 1 << 20
    max_batch: int = 256
    max_text_chars: int = 20_000
    max_top_k: int = 100
    batch_wait_ms: float = 5.0
    batch_size: int = 64

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_batch", "max_text_chars", "max_top_k",
                     "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ZhtextError(f"{name} should be a positive integer, got {value!r}")
        if not 0.0 <= self.batch_wait_ms <= 1000.0:
            raise ZhtextError("batch_wait_ms should be between 0 and 1000, got "
                              f"{self.batch_wait_ms!r}")
