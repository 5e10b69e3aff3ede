"""Embedding tables in few bytes: rows quantised to 8 bits or fewer, untrained rows left out.

TextCNN's hashed bigram and word tables are most of its bytes. Each kept row ``r`` is stored
as integers ``q = round(r / s)`` with one scale per row, ``s = max|r| / L`` in fp16, ``L =
2 ** (bits - 1) - 1`` (127 for 8 bits, 7 for 4), symmetric, so a row loads as ``q * s``.
All-zero rows (padding, and the rows no training window used, which :func:`keep_rows` zeroes)
are not stored: a bit mask says which rows are, and the others load as zeros.

:func:`rounded` gives the values a table loads as; rounding a rounded table changes nothing,
so a model rounded with it at the end of training predicts exactly as it does once saved and
loaded. The tensors are plain safetensors (no pickle): for a table ``NAME`` of ``n`` rows,
``NAME.mask`` (uint8, ``ceil(n / 8)``, ``numpy.packbits`` order), ``NAME.scale`` (fp16, one
per kept row) and ``NAME.q8`` (int8, kept rows x width) or, for ``b`` < 8 bits, ``NAME.qB``
(uint8, kept rows x ``ceil(width * b / 8)``: each row's ``q + 2 ** (b - 1)`` as ``b``-bit
numbers one after the other, least significant bit first, so 4 bits put the first value in
the low half of a byte).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

__all__ = ["BITS", "keep_rows", "pack", "packed_names", "rounded", "unpack"]

# Largest stored integer per width: symmetric ranges, so 0 is exact and -r is stored as -q.
BITS: dict[int, int] = {b: (1 << (b - 1)) - 1 for b in range(2, 9)}
# The smallest normal fp16: scales stay normal so that rounding twice is rounding once.
_MIN_SCALE = 2.0 ** -14


def _check_bits(bits: int) -> int:
    if bits not in BITS:
        raise ValueError(f"tables are stored in {min(BITS)} to {max(BITS)} bits, not {bits}")
    return BITS[bits]


def _quantise(w: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Integers ``(rows, width)`` and fp16 scales ``(rows,)`` of the fp32 rows ``w``."""
    top = _check_bits(bits)
    peak = np.abs(w).max(axis=1) if w.size else np.zeros(len(w), dtype=np.float32)
    scale = np.maximum(peak / top, _MIN_SCALE).astype(np.float16)
    q = np.clip(np.rint(w / scale.astype(np.float32)[:, None]), -top, top).astype(np.int8)
    return q, scale


def _dequantise(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return np.asarray(q.astype(np.float32) * scale.astype(np.float32)[:, None],
                      dtype=np.float32)


def rounded(w: np.ndarray, bits: int) -> np.ndarray:
    """The fp32 values the rows ``w`` load as once stored in ``bits`` (a new array)."""
    w = np.asarray(w, dtype=np.float32)
    return _dequantise(*_quantise(w, bits))


def keep_rows(n: int, used: Iterable[np.ndarray]) -> np.ndarray:
    """A boolean mask of the ``n`` rows that the id arrays ``used`` refer to."""
    mask = np.zeros(n, dtype=bool)
    for ids in used:
        ids = np.asarray(ids, dtype=np.int64).ravel()
        mask[ids[(ids >= 0) & (ids < n)]] = True
    return mask


def pack(name: str, w: np.ndarray, bits: int) -> dict[str, np.ndarray]:
    """The tensors that store table ``name`` (fp32 rows ``w``) in ``bits``; see the module."""
    w = np.asarray(w, dtype=np.float32)
    mask = (w != 0).any(axis=1)
    q, scale = _quantise(w[mask], bits)
    out = {f"{name}.mask": np.packbits(mask), f"{name}.scale": scale}
    if bits == 8:
        out[f"{name}.q8"] = q
    else:  # each value's low `bits` bits, one after the other
        u = (q.astype(np.int16) + 2 ** (bits - 1)).astype(np.uint8)
        planes = np.unpackbits(u[:, :, None], axis=2, bitorder="little")[:, :, :bits]
        out[f"{name}.q{bits}"] = np.packbits(planes.reshape(len(u), -1), axis=1,
                                             bitorder="little")
    return out


def packed_names(tensors: Iterable[str]) -> list[str]:
    """The tables stored by :func:`pack` among the tensor names ``tensors``."""
    return sorted({k[: -len(".mask")] for k in tensors if k.endswith(".mask")})


def unpack(tensors: Mapping[str, Any], name: str, shape: tuple[int, int]) -> np.ndarray:
    """The fp32 table ``name`` of ``shape`` from the tensors :func:`pack` wrote.

    Raises ``ValueError`` when the stored tensors do not make a table of ``shape``.
    """
    n, width = shape
    mask = np.unpackbits(np.asarray(tensors[f"{name}.mask"], dtype=np.uint8))
    if len(mask) != (n + 7) // 8 * 8 or mask[n:].any():
        raise ValueError(f"{name}: the row mask does not fit {n} rows")
    keep = mask[:n].astype(bool)
    scale = np.asarray(tensors[f"{name}.scale"])
    kept = int(keep.sum())
    stored = [b for b in BITS if f"{name}.q{b}" in tensors]
    if len(stored) != 1:
        raise ValueError(f"{name}: {len(stored)} sets of stored rows, not one")
    bits = stored[0]
    if bits == 8:
        q = np.asarray(tensors[f"{name}.q8"], dtype=np.int8)
    else:
        packed = np.asarray(tensors[f"{name}.q{bits}"], dtype=np.uint8)
        if packed.ndim != 2 or packed.shape[1] != (width * bits + 7) // 8:
            raise ValueError(f"{name}: {bits}-bit rows of {packed.shape[1:]} bytes do not "
                             f"hold {width} values")
        planes = np.unpackbits(packed, axis=1, bitorder="little")[:, : width * bits]
        planes = np.pad(planes.reshape(-1, width, bits), ((0, 0), (0, 0), (0, 8 - bits)))
        q = (np.packbits(planes, axis=2, bitorder="little")[:, :, 0].astype(np.int16)
             - 2 ** (bits - 1)).astype(np.int8)
    if q.shape != (kept, width) or scale.shape != (kept,):
        raise ValueError(f"{name}: {q.shape[0]} stored rows of width {q.shape[1]} and "
                         f"{scale.shape[0]} scales do not fit {kept} kept rows of width {width}")
    out = np.zeros((n, width), dtype=np.float32)
    out[keep] = _dequantise(q, scale)
    return out
