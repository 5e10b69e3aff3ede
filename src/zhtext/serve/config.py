"""The settings of a served app: request limits and micro-batching."""

from __future__ import annotations

from dataclasses import dataclass

from zhtext.errors import ZhtextError

__all__ = ["ServeSettings", "body_bytes_for"]

# Bytes of one character in a JSON body at most, for every character of the Basic Multilingual
# Plane (all of Chinese): an escaped \uXXXX (clients such as Python's json module escape
# every non-ASCII character); unescaped UTF-8 takes 3.
_JSON_CHAR_BYTES = 6
# The braces, "texts", "model" (64 characters at most), "top_k" and the separators.
_JSON_OVERHEAD = 4096


def body_bytes_for(max_batch: int, max_text_chars: int) -> int:
    r"""The smallest body limit that fits ``max_batch`` texts of ``max_text_chars`` characters.

    Each character counted as an escaped JSON character (``\uXXXX``), each text with its
    quotes and comma, plus room for the other fields.

    Example:
        >>> body_bytes_for(256, 20_000)
        30724864
    """
    return max_batch * (max_text_chars * _JSON_CHAR_BYTES + 3) + _JSON_OVERHEAD


@dataclass(frozen=True)
class ServeSettings:
    """Limits and batching of the HTTP API.

    Attributes:
        max_body_bytes: Largest request body; a larger one is answered 413 (checked on the
            declared ``Content-Length`` and on the bytes actually received). ``None`` (the
            default): :func:`body_bytes_for` the batch and text limits, so that no request
            the schema allows is refused for its size (:attr:`body_bytes` is the value used).
        max_batch: Most texts in one request (more: 422).
        max_text_chars: Longest text in characters (longer: 422, naming the item).
        max_top_k: Largest ``top_k`` a request may ask for.
        batch_wait_ms: How long concurrent requests for a batched (neural, CRF, topic) model
            are gathered before one ``predict`` call; 0 gathers only what is already waiting.
        batch_size: Most texts gathered into one call of a batched model (a single larger
            request still runs as one call).
    """

    max_body_bytes: int | None = None
    max_batch: int = 256
    max_text_chars: int = 20_000
    max_top_k: int = 100
    batch_wait_ms: float = 5.0
    batch_size: int = 64

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "max_batch", "max_text_chars", "max_top_k",
                     "batch_size"):
            value = getattr(self, name)
            if name == "max_body_bytes" and value is None:
                continue
            if not isinstance(value, int) or value < 1:
                raise ZhtextError(f"{name} should be a positive integer, got {value!r}")
        if not 0.0 <= self.batch_wait_ms <= 1000.0:
            raise ZhtextError("batch_wait_ms should be between 0 and 1000, got "
                              f"{self.batch_wait_ms!r}")

    @property
    def body_bytes(self) -> int:
        """The body limit in force: ``max_body_bytes``, or the one the other limits imply."""
        if self.max_body_bytes is not None:
            return self.max_body_bytes
        return body_bytes_for(self.max_batch, self.max_text_chars)
