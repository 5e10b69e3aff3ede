"""Reading user files and writing results: the only place zhtext touches user files.

One reader per kind of input, all with the same file checks and error messages
(:mod:`zhtext.io.files`: the folder walker, missing files, folders, encodings):

- :mod:`~zhtext.io.documents`: documents to extract from, fit on or predict (lines of text,
  JSONL records, whole files, folders, standard input), streamed.
- :mod:`~zhtext.io.lines`: the lines of one text or JSONL file, streamed block by block.
- :mod:`~zhtext.io.tabular`: labelled and unlabelled data files (CSV / TSV / JSONL / Parquet /
  text) with header detection and column guessing, whole (:func:`read_data`) or batch by
  batch (:func:`iter_batches`).
- :mod:`~zhtext.io.tagged`: annotated tokens (People's Daily, CoNLL, JSON spans, SIGHAN) as
  :class:`~zhtext.records.Sentence` records.
- :mod:`~zhtext.io.gold`: documents with gold keywords (CSL TSV, JSONL).
- :mod:`~zhtext.io.atomic`: atomic writes.

It sits in the core layer: it imports only :mod:`zhtext.errors`, :mod:`zhtext.records`,
:mod:`zhtext.schemes` (tags to spans), the standard library and, for Parquet, pandas and
pyarrow.
"""

from __future__ import annotations

from zhtext.io.atomic import atomic_write
from zhtext.io.documents import Document, DocumentReader, InputFormat

__all__ = ["Document", "DocumentReader", "InputFormat", "atomic_write"]
