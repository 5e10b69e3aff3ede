"""The tiny annotated corpora of the tagger tests, for the tagged-format readers."""

from tests.tag.conftest import corpora

__all__ = ["corpora"]
