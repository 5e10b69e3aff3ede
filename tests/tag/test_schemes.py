"""Tag schemes: spans <-> tags in BIO, BIOES and BMES, strict checks, detection."""

from __future__ import annotations

import pytest

from zhtext.errors import ZhtextError
from zhtext.schemes import check_tags, convert, detect_scheme, split_tag, to_spans, to_tags

SPANS = [(0, 2, "PER"), (3, 4, "LOC"), (4, 7, "ORG")]


@pytest.mark.parametrize("scheme", ["bio", "bioes", "bmes"])
def test_round_trip(scheme: str) -> None:
    tags = to_tags(8, SPANS, scheme)  # type: ignore[arg-type]
    assert to_spans(tags) == SPANS
    assert check_tags(tags, scheme) is None  # type: ignore[arg-type]


def test_written_forms() -> None:
    assert to_tags(8, SPANS, "bio") == ["B-PER", "I-PER", "O", "B-LOC", "B-ORG", "I-ORG",
                                        "I-ORG", "O"]
    assert to_tags(8, SPANS, "bioes") == ["B-PER", "E-PER", "O", "S-LOC", "B-ORG", "I-ORG",
                                          "E-ORG", "O"]
    assert to_tags(8, SPANS, "bmes")[4:7] == ["B-ORG", "M-ORG", "E-ORG"]
    # segmentation: words without labels
    assert to_tags(3, [(0, 2, ""), (2, 3, "")], "bmes") == ["B", "E", "S"]


def test_convert_between_schemes() -> None:
    bio = to_tags(8, SPANS, "bio")
    assert convert(bio, "bioes") == to_tags(8, SPANS, "bioes")
    assert convert(convert(bio, "bmes"), "bio") == bio


def test_lenient_decoding_of_broken_sequences() -> None:
    # an I- without its B- starts a span; a label change ends one
    assert to_spans(["I-PER", "I-PER", "O"]) == [(0, 2, "PER")]
    assert to_spans(["B-PER", "I-LOC"]) == [(0, 1, "PER"), (1, 2, "LOC")]
    assert to_spans(["B", "B", "E"]) == [(0, 1, ""), (1, 3, "")]


def test_strict_check_names_the_problem() -> None:
    assert "not started" in (check_tags(["O", "I-PER"], "bio") or "")
    assert "unfinished" in (check_tags(["B-PER", "O"], "bioes") or "")
    assert "not a BIO tag" in (check_tags(["E-PER"], "bio") or "")
    assert "expected an E or S" in (check_tags(["B", "M"], "bmes") or "")


def test_detect_scheme_and_mixtures() -> None:
    assert detect_scheme(["B-PER", "I-PER", "O"]) == "bio"
    assert detect_scheme(["B-PER", "E-PER", "S-LOC", "O"]) == "bioes"
    assert detect_scheme(["B", "M", "E", "S"]) == "bmes"
    with pytest.raises(ZhtextError, match=r"mix I- .* and M-"):
        detect_scheme(["B-PER", "I-PER", "M-PER"])
    with pytest.raises(ZhtextError, match="unknown tag prefix"):
        detect_scheme(["X-PER", "O"])


def test_overlapping_or_outside_spans_are_errors() -> None:
    with pytest.raises(ZhtextError, match="overlaps"):
        to_tags(5, [(0, 3, "A"), (2, 4, "B")])
    with pytest.raises(ZhtextError, match="outside"):
        to_tags(3, [(2, 5, "A")])


def test_split_tag() -> None:
    assert split_tag("B-PER.NAM") == ("B", "PER.NAM")
    assert split_tag("B_PER") == ("B", "PER")
    assert split_tag("S") == ("S", "")
    assert split_tag("O") == ("O", "")
