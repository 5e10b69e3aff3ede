"""What counts as a Han (Chinese) character: one definition for all of zhtext.

The CJK unified ideographs (the main block and extension A), the compatibility ideographs,
and the supplementary ideographic planes 2 and 3 (extensions B to H and the compatibility
supplement). This is a superset of the ranges BERT's tokenizer treats as Chinese characters.

Example:
    >>> is_han("中"), is_han("A"), has_han("abc中"), has_han("abc")
    (True, False, True, False)
"""

from __future__ import annotations

import re

__all__ = ["HAN_CLASS", "has_han", "is_han"]

#: The Han ranges as a regular-expression character class (with its brackets).
HAN_CLASS = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]"
_HAN = re.compile(HAN_CLASS)


def is_han(ch: str) -> bool:
    """Whether the single character ``ch`` is a Han character."""
    return ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
            or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003ffff")


def has_han(text: str) -> bool:
    """Whether ``text`` holds at least one Han character."""
    return _HAN.search(text) is not None
