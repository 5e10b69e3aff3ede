"""zhtext.params: settings values checked against their fields' types and declared ranges."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pytest

from zhtext.errors import InputError
from zhtext.params import AT_LEAST_0, FRACTION, POSITIVE, Range, check_fields, coerce_setting


@dataclass
class _S:
    width: int = field(default=8, metadata={"range": POSITIVE})
    rate: float = field(default=0.1, metadata={"range": FRACTION})
    count: int = field(default=0, metadata={"range": AT_LEAST_0})
    buckets: int = field(default=0, metadata={"range": Range(2, also=(0,), also_means="off")})
    name: str = "x"
    path: str | None = None
    flag: bool = False
    kind: Literal["a", "b"] = "a"


@pytest.mark.parametrize(("values", "message"), [
    ({"width": 0}, "`width` should be positive, got 0."),
    ({"width": 2.5}, "`width` should be an integer (positive), got 2.5."),
    ({"width": True}, "`width` should be an integer (positive), got True."),
    ({"rate": 1.0}, "`rate` should be in [0, 1), got 1.0."),
    ({"rate": float("nan")}, "`rate` should be a number (in [0, 1)), got nan."),
    ({"rate": "abc"}, "`rate` should be a number (in [0, 1)), got 'abc'."),
    ({"count": -1}, "`count` should be at least 0, got -1."),
    ({"buckets": 1}, "`buckets` should be at least 2 (or 0: off), got 1."),
    ({"name": 3}, "`name` should be text, got 3."),
    ({"path": 3}, "`path` should be text, got 3."),
    ({"flag": "yes"}, "`flag` should be true or false, got 'yes'."),
    ({"kind": "c"}, "`kind` should be one of a, b, got 'c'."),
])
def test_check_fields_names_setting_value_and_what_is_allowed(values: dict, message: str
                                                              ) -> None:
    with pytest.raises(InputError) as err:
        check_fields(_S(**values))
    assert str(err.value).endswith(message)


def test_allowed_values_pass() -> None:
    check_fields(_S(width=1, rate=0.0, count=0, buckets=0, path="p", flag=True, kind="b"))
    check_fields(_S(buckets=2, rate=0.99))


def test_coerce_setting() -> None:
    assert coerce_setting("3", 1, "n") == 3
    assert coerce_setting(3, "2,3", "k") == "3"
    assert coerce_setting(2, 1.0, "x") == 2.0
    with pytest.raises(InputError, match="`n` should be an integer, got 'x'"):
        coerce_setting("x", 1, "n")
    with pytest.raises(InputError, match="`b` should be true or false, got 'maybe'"):
        coerce_setting("maybe", False, "b")
