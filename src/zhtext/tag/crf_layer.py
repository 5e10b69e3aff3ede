"""The CRF layer, kept under its earlier name: it lives in :mod:`zhtext.neural.heads.crf`.

The heads of every task are shared modules of :mod:`zhtext.neural.heads`; this module only
keeps ``from zhtext.tag.crf_layer import CRF`` working.
"""

from __future__ import annotations

from zhtext.neural.heads.crf import CRF

__all__ = ["CRF"]
