"""Inverse document frequencies: the built-in table, and tables fitted on a user's corpus."""

from __future__ import annotations

import importlib.util
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from zhtext.errors import ZhtextError

__all__ = ["IdfTable", "builtin_idf"]


class IdfTable:
    """Word -> IDF, with the value used for words the table does not know.

    Args:
        idf: The table.
        default: IDF of unknown words. ``None`` takes the table's median: an unknown word is
            treated as neither common nor rare.
        source: Where the table comes from (for reports and artifacts).
        fallback: A table consulted for words this one does not know, its values mapped
            linearly so that its default lands on this table's default.
    """

    def __init__(
        self,
        idf: Mapping[str, float],
        *,
        default: float | None = None,
        source: str = "custom",
        fallback: IdfTable | None = None,
    ) -> None:
        if not idf:
            raise ZhtextError("an IDF table needs at least one word")
        if default is None:
            values = sorted(idf.values())
            default = values[len(values) // 2]
        self.default = float(default)
        self.source = source
        self.fallback = fallback
        self._scale = self.default / fallback.default if fallback is not None else 1.0
        # One dict that answers every word: dict.__getitem__ runs in C, and unknown words
        # (mostly punctuation and spaces) go to __missing__.
        self.idf: dict[str, float] = (
            idf if isinstance(idf, _Lookup) and fallback is None else _Lookup(idf, self)
        )

    def __len__(self) -> int:
        return len(self.idf)

    def __getitem__(self, word: str) -> float:
        return self.idf[word]

    def _missing(self, word: str) -> float:
        if self.fallback is not None:
            b = self.fallback.idf.get(word)
            if b is not None:
                return b * self._scale
        return self.default

    def lookup(self) -> dict[str, float]:
        """The table as a dict that answers every word (unknown ones via ``__missing__``)."""
        return self.idf

    def with_fallback(self, fallback: IdfTable) -> IdfTable:
        """This table, falling back on ``fallback`` (rescaled) for words it does not know."""
        return IdfTable(self.idf, default=self.default, fallback=fallback,
                        source=f"{self.source} + {fallback.source}")

    @classmethod
    def fit(
        cls,
        docs: Iterable[Iterable[str]],
        *,
        min_df: int = 1,
        base: IdfTable | None = None,
    ) -> tuple[IdfTable, Counter[str], int]:
        """IDF from documents given as sets of words: ``log((N + 1) / (df + 1)) + 1``.

        Args:
            docs: Each document's words (duplicates within a document are ignored).
            min_df: Words in fewer documents are left out (they get the default).
            base: A table to fall back on for words the corpus does not have; the corpus
                values are scaled to it so that the two can be mixed.

        Returns:
            The table, the document frequencies, and the number of documents.
        """
        df: Counter[str] = Counter()
        n = 0
        for words in docs:
            df.update(set(words))
            n += 1
        if n == 0:
            raise ZhtextError("cannot fit IDF on an empty corpus: give at least one document")
        table = {w: math.log((n + 1) / (c + 1)) + 1.0 for w, c in df.items() if c >= min_df}
        if not table:
            raise ZhtextError("the corpus has no words to fit IDF on (all documents empty?)")
        unseen = math.log(n + 1) + 1.0
        return cls(table, default=unseen, source=f"fitted on {n} documents"), df, n

    def to_json(self) -> dict[str, object]:
        """A JSON-ready form (the artifact's ``idf.json``)."""
        return {"source": self.source, "default": self.default, "idf": dict(self.idf)}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> IdfTable:
        """Rebuild a table from :meth:`to_json` output."""
        idf = data.get("idf")
        if not isinstance(idf, dict):
            raise ZhtextError("idf.json has no 'idf' object; the artifact is damaged")
        default = data.get("default")
        return cls(
            {str(k): float(v) for k, v in idf.items()},
            default=float(default) if isinstance(default, (int, float)) else None,
            source=str(data.get("source", "custom")),
        )


class _Lookup(dict[str, float]):
    def __init__(self, values: Mapping[str, float], table: IdfTable) -> None:
        super().__init__(values)
        self._table = table if table.fallback is not None else None
        self._default = table.default

    def __missing__(self, key: str) -> float:
        # Most misses are punctuation and spaces: answer them without a method call.
        if self._table is None:
            return self._default
        return self._table._missing(key)


def _jieba_idf_path() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ZhtextError("the built-in IDF table comes with jieba: pip install jieba")
    return Path(next(iter(spec.submodule_search_locations))) / "analyse" / "idf.txt"


@lru_cache(maxsize=1)
def builtin_idf() -> IdfTable:
    """The built-in IDF table: jieba's ``analyse/idf.txt`` (MIT), read from the jieba package.

    Read once per process (the file is not copied or cached to disk); treat it as read-only.
    """
    path = _jieba_idf_path()
    table: dict[str, float] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            word, _, value = line.rstrip("\n").rpartition(" ")
            if word:
                table[word] = float(value)
    return IdfTable(table, source="jieba idf.txt (MIT)")
