"""Tabular data: CSV / TSV / JSONL / Parquet / plain text, labelled or not, with clear errors.

:func:`read_data` reads a file whole into a :class:`LabeledData` (texts, labels, ids and the
line each came from), so that every later error can name the file and line;
:func:`iter_batches` streams the ids and texts of the same files batch by batch, with the same
guesses and errors (one implementation of format detection, header detection and column
guessing serves both). Columns are chosen by name or
0-based index; without options they are guessed the way the common Chinese benchmarks are laid
out (``title<TAB>label`` without a header as in THUCNews, ``label<TAB>text_a`` with a header
as in ChnSentiCorp, ``{"sentence", "label"}`` JSONL as in CLUE), and the guess is logged.
"""

from __future__ import annotations

import csv
import json
import logging
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any, Literal

from zhtext.errors import InputError
from zhtext.io.files import check_encoding, check_file, decode_error

__all__ = [
    "DataFormat",
    "LabeledData",
    "check_texts",
    "count_rows",
    "is_int",
    "iter_batches",
    "read_data",
    "read_label_names",
    "sort_labels",
    "split_data",
]

logger = logging.getLogger(__name__)

DataFormat = Literal["auto", "csv", "tsv", "jsonl", "parquet", "text"]

TEXT_NAMES = ("text", "text_a", "sentence", "content", "review", "title", "document",
              "sentence1", "query", "body",
              "文本", "文字", "句子", "语句", "内容", "正文", "标题", "新闻", "评论", "评价",
              "文章", "问题", "原文", "题目", "摘要", "语料")
LABEL_NAMES = ("label", "labels", "label_id", "class", "category", "target", "y",
               "标签", "类别", "分类", "类型", "类", "类目", "情感", "极性", "情感极性", "栏目",
               "标注", "主题")
ID_NAMES = ("id", "guid", "idx", "uid", "编号", "序号", "标识")
# Chinese column names are often compounds ending in one of the names above ('新闻标题',
# '情感标签'): once a row is known to be a header, such a name counts as the name it ends in.
_ZH_SUFFIX_LEN = 8

_SNIFF_ROWS = 200
_FIELD_LIMIT = 2**31 - 1


@dataclass
class LabeledData:
    """Texts with their labels, ids and source lines.

    Attributes:
        texts: The texts, in file order.
        labels: Per text, the label names (one for single-label data); empty when the file
            has no label column (prediction input).
        ids: Per text, its id (the id column, else the line number).
        lines: Per text, the 1-based line (or row) it came from, for error messages.
        path: The file it was read from.
    """

    texts: list[str]
    labels: list[tuple[str, ...]]
    ids: list[str | int]
    lines: list[int]
    path: str = "<memory>"
    text_col: str | int | None = None
    label_col: str | int | None = None

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def has_labels(self) -> bool:
        """Whether the data carries labels."""
        return bool(self.labels)

    def single_labels(self) -> list[str]:
        """The label of each text (single-label data)."""
        return [lab[0] if lab else "" for lab in self.labels]

    def subset(self, index: Sequence[int]) -> LabeledData:
        """The rows at ``index``, in that order."""
        return LabeledData(
            texts=[self.texts[i] for i in index],
            labels=[self.labels[i] for i in index] if self.labels else [],
            ids=[self.ids[i] for i in index],
            lines=[self.lines[i] for i in index],
            path=self.path, text_col=self.text_col, label_col=self.label_col,
        )

    def label_set(self) -> list[str]:
        """Distinct labels, sorted (numerically when all are integers)."""
        seen = {lab for labs in self.labels for lab in labs}
        return sort_labels(seen)


def sort_labels(labels: Iterable[str]) -> list[str]:
    """Labels sorted numerically when they are all integers, else as strings."""
    items = list(labels)
    if items and all(is_int(x) for x in items):
        return sorted(items, key=int)
    return sorted(items)


def is_int(s: str) -> bool:
    """Whether a label (or cell) is an integer, such as a class id."""
    try:
        int(s)
    except ValueError:
        return False
    return True


def read_label_names(path: str | Path) -> list[str]:
    """Class names by id, one per line (THUCNews' ``class.txt``); blank lines are errors."""
    p = check_file(path, what="label-names file")
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise decode_error(p, e, "utf-8", option=False) from None
    names = raw.splitlines()
    while names and not names[-1].strip():
        names.pop()
    for i, name in enumerate(names, 1):
        if not name.strip():
            raise InputError("empty label name; give one class name per line, the line "
                             "number minus one being the class id", path=str(p), line=i)
    names = [n.strip() for n in names]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise InputError(f"label name {dup!r} appears twice", path=str(p))
    if not names:
        raise InputError("label-names file is empty", path=str(p))
    return names


def _detect_format(path: Path, fmt: DataFormat, encoding: str) -> DataFormat:
    if fmt != "auto":
        return fmt
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    if suffix == ".tsv":
        return "tsv"
    # .txt and the rest: TSV when the first lines carry tabs, else one text per line.
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        head = [line for _, line in zip(range(_SNIFF_ROWS), f) if line.strip()]
    if head and sum("\t" in line for line in head) >= 0.9 * len(head):
        return "tsv"
    return "text"


Row = tuple[int, list[Any]]  # (line number, cells; one dict for JSONL and Parquet)


def _open_rows(
    path: str | Path, *, fmt: DataFormat, header: bool | None, encoding: str,
    whole: bool, wanted: Sequence[str | int | None] = (), batch_size: int = 8192,
) -> tuple[Path, Iterator[Row], list[str] | None]:
    """The checked file, its rows and its column names (``None``: no header).

    The one implementation of format detection, header detection and row checks, for the
    whole file (``whole``: every row is read, and every decoding or syntax error raised,
    before the first is checked) and for streams (rows are read as they are asked for;
    guesses look at the first rows).
    """
    p = check_file(path, what="file", folder_hint="give a data file")
    check_encoding(encoding)
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        # A BOM must not reach the CSV parser: before a quote it would make the quote literal.
        encoding = "utf-8-sig"
    kind = _detect_format(p, fmt, encoding)
    columns: list[str] | None
    if kind in ("csv", "tsv"):
        delimiter = "," if kind == "csv" else "\t"
        raw: Iterator[Row] = _delimited_rows(p, delimiter, encoding)
        if whole:
            raw = iter(list(raw))
        rows, columns = _delimited(raw, p, delimiter, header)
    elif kind == "jsonl":
        records = _records(p, encoding)
        if whole:
            every = list(records)
            sample, records, columns = every, iter(()), _fields(every)
        else:
            sample = list(islice(records, _SNIFF_ROWS))
            columns = _fields(sample)
            if any(isinstance(c, str) and c not in columns for c in wanted):
                # A whole read knows the fields of every record: name them all in the
                # error, or accept a field that first appears further down.
                columns = _fields(_records(p, encoding))
        rows = ((line, [record]) for line, record in chain(sample, records))
    elif kind == "parquet":
        rows, columns = _parquet(p, batch_size)
        if whole:
            rows = iter(list(rows))
    else:
        rows, columns = _text(p, encoding), None
        if whole:
            rows = iter(list(rows))
    return p, rows, columns


def read_data(
    path: str | Path,
    *,
    text_col: str | int | None = None,
    label_col: str | int | None = None,
    id_col: str | int | None = None,
    fmt: DataFormat = "auto",
    header: bool | None = None,
    label_names: Sequence[str] | None = None,
    multi_label: bool = False,
    label_sep: str = ",",
    encoding: str = "utf-8",
    require_labels: bool = True,
) -> LabeledData:
    """Read a labelled (or, with ``require_labels=False``, unlabelled) data file.

    Args:
        path: The file.
        text_col: Text column: a name, or a 0-based index for files without a header.
        label_col: Label column, the same way.
        id_col: Id column carried through to predictions (default: the line number).
        fmt: ``auto`` (by suffix; ``.txt`` is TSV when its lines have tabs, else plain text),
            ``csv``, ``tsv``, ``jsonl``, ``parquet``, ``text`` (one document per line).
        header: Whether a CSV/TSV file has a header row (default: guessed).
        label_names: Class names by id: integer labels ``i`` become ``label_names[i]``.
        multi_label: Each label cell holds several labels (a JSON list, or joined by
            ``label_sep``).
        label_sep: Separator of labels in a multi-label cell.
        encoding: Text encoding of the file.
        require_labels: Raise when no label column is found.

    Raises:
        InputError: The file is missing or malformed, a column does not exist, a row has the
            wrong number of fields, a text is empty, or a label is not in ``label_names``.
    """
    p, rows, columns = _open_rows(path, fmt=fmt, header=header, encoding=encoding, whole=True)
    data = _to_data(list(rows), columns, p, text_col=text_col, label_col=label_col,
                    id_col=id_col, require_labels=require_labels)
    if data.labels:
        data.labels = _parse_labels(data, multi_label=multi_label, label_sep=label_sep,
                                    label_names=label_names, require_labels=require_labels)
    return data


def iter_batches(
    path: str | Path,
    *,
    text_col: str | int | None = None,
    id_col: str | int | None = None,
    fmt: DataFormat = "auto",
    header: bool | None = None,
    encoding: str = "utf-8",
    batch_size: int = 8192,
) -> Iterator[tuple[list[str | int], list[str]]]:
    """``(ids, texts)`` of successive batches of at most ``batch_size`` rows of a data file.

    :func:`read_data` reads a whole file (training and evaluation need it all); this reads
    the same formats with the same column choices, guesses and error messages one batch at a
    time, so ``classify predict`` runs over inputs of any size in bounded memory. Guesses
    look at the first rows, as ``read_data`` does (for JSONL, the fields named in the first
    rows: a known text field name that only appears further down is not guessed). An error
    is raised when its row is reached. Ids are the id column's values, else the line (or
    row) numbers.

    Raises:
        InputError: As ``read_data``: the file is missing or malformed, has no rows, a
            column does not exist or cannot be guessed, a row has the wrong number of fields.
    """
    p, rows, columns = _open_rows(path, fmt=fmt, header=header, encoding=encoding,
                                  whole=False, wanted=(text_col, id_col),
                                  batch_size=batch_size)
    batches = _batches(rows, batch_size)
    first = next(batches, [])
    data = _to_data(first, columns, p, text_col=text_col, label_col=None, id_col=id_col,
                    require_labels=False)
    tcol, lcol = data.text_col, data.label_col
    while True:
        if data.labels:  # a list in a label column is an error of read_data too
            _parse_labels(data, multi_label=False, label_sep=",", label_names=None,
                          require_labels=False)
        yield data.ids, data.texts
        batch = next(batches, None)
        if batch is None:
            return
        data = _to_data(batch, columns, p, text_col=tcol, label_col=lcol, id_col=id_col,
                        require_labels=False)


def count_rows(path: str | Path) -> int:
    """About how many rows a data file has (lines; Parquet rows), for a progress bar."""
    p = Path(path)
    if p.suffix.lower() in (".parquet", ".pq"):
        try:
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(p).metadata.num_rows)
        except Exception:
            return 0
    n = 0
    with open(p, "rb") as f:
        while block := f.read(1 << 20):
            n += block.count(b"\n")
    return n


def _batches(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while batch := list(islice(rows, size)):
        yield batch


def _decode_error(p: Path, e: UnicodeDecodeError, encoding: str) -> InputError:
    return decode_error(p, e, encoding)


def _delimited(raw: Iterator[Row], p: Path, delimiter: str, header: bool | None
               ) -> tuple[Iterator[Row], list[str] | None]:
    sample = list(islice(raw, _SNIFF_ROWS + 1))  # a header row and _SNIFF_ROWS rows
    if not sample:
        return iter(()), None
    if header is None:
        header, reason, sure = _header_guess(sample)
        first = _preview(delimiter.join(map(str, sample[0][1])))
        if header:
            (logger.info if sure else logger.warning)(
                "%s: the first row %s is taken as a header (%s); pass --no-header "
                "(header=False) if it is data", p, first, reason)
        else:
            logger.info("%s: no header row (%s); pass --header (header=True) if the first "
                        "row %s names the columns", p, reason, first)
    columns: list[str] | None = None
    if header:
        columns = [str(c).strip() for c in sample[0][1]]
        sample = sample[1:]
    width = len(columns) if columns is not None else _usual_width(sample)

    def checked() -> Iterator[Row]:
        for line, cells in chain(sample, raw):
            if len(cells) != width:
                sep = "tab" if delimiter == "\t" else "comma"
                raise InputError(
                    f"expected {width} {sep}-separated fields, found {len(cells)}: "
                    f"{_preview(delimiter.join(map(str, cells)))}; fix the row or remove it",
                    path=str(p), line=line)
            yield line, cells

    return checked(), columns


def _delimited_rows(p: Path, delimiter: str, encoding: str) -> Iterator[Row]:
    # Long documents (THUCNews full texts) exceed csv's default field limit; it is a process
    # setting, so it is raised while the file is read and restored after.
    old_limit = csv.field_size_limit(_FIELD_LIMIT)
    reader: Any = None
    try:
        with open(p, encoding=encoding, newline="") as f:
            # TSV files in this field are rarely quoted (THUCNews titles contain '"'), so
            # quotes are literal in TSV; CSV follows RFC 4180.
            quoting: Literal[0, 1, 2, 3] = (csv.QUOTE_NONE if delimiter == "\t"
                                            else csv.QUOTE_MINIMAL)
            reader = csv.reader(f, delimiter=delimiter, quoting=quoting)
            prev_line = 0
            for cells in reader:
                line = prev_line + 1
                prev_line = reader.line_num
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue
                if line == 1 and cells[0].startswith("\ufeff"):
                    cells[0] = cells[0][1:]
                yield line, list(cells)
    except UnicodeDecodeError as e:
        raise _decode_error(p, e, encoding) from None
    except csv.Error as e:
        raise InputError(f"malformed {'TSV' if delimiter == chr(9) else 'CSV'} ({e}); check "
                         "quoting", path=str(p),
                         line=(reader.line_num if reader is not None else 0) or None) from None
    finally:
        csv.field_size_limit(old_limit)


def _usual_width(rows: list[Row]) -> int:
    widths = [len(c) for _, c in rows[:_SNIFF_ROWS]]
    return max(set(widths), key=widths.count)


def _name_kind(cell: str, *, compound: bool = False) -> str | None:
    """``text``, ``label`` or ``id`` when ``cell`` is a known column name, else ``None``.

    ``compound``: a short Chinese name ending in a known one counts too ('新闻标题').
    """
    name = cell.strip().lower()
    for kind, names in (("text", TEXT_NAMES), ("label", LABEL_NAMES), ("id", ID_NAMES)):
        if name in names:
            return kind
    if compound and 1 < len(name) <= _ZH_SUFFIX_LEN:
        for kind, names in (("label", LABEL_NAMES), ("text", TEXT_NAMES), ("id", ID_NAMES)):
            if any(n != "类" and not n.isascii() and name.endswith(n) for n in names):
                return kind
    return None


def _header_guess(rows: list[Row]) -> tuple[bool, str, bool]:
    """Whether the first row is a header, why, and whether the evidence is clear.

    Pandas' and csv.Sniffer's guesses compare types and lengths and fail on Chinese, where a
    header (``标题,类别``) and a row of data are both short strings. A header names its
    columns, so its cells are short, distinct, not all numbers, and none of them occurs
    again in its column. Such a row is a header when one of its cells is a known column
    name (English or Chinese), when a column is numeric below it but not in it (class ids),
    or, less surely (the choice is then logged as a warning), when a column whose every value
    below repeats (labels) has a value in the first row that appears nowhere below.
    """
    first = [str(c).strip() for c in rows[0][1]]
    later = rows[1 : _SNIFF_ROWS + 1]
    cols = [[str(c[j]).strip() for _, c in later if j < len(c)] for j in range(len(first))]
    named = [c for c in first if c]
    if not named or all(is_int(c) for c in named):
        return False, "its cells are empty or numbers", True
    if len(set(named)) != len(named) or any(len(c) > 32 for c in first):
        return False, "its cells are long or repeat each other", True
    again = next((c for c, col in zip(first, cols) if c and c in col), None)
    if again is not None:
        return False, f"its {again!r} occurs again in its column", True
    known = [c for c in first if _name_kind(c)]
    if known:
        return True, f"{', '.join(map(repr, known))}: known column names", True
    for cell, col in zip(first, cols):
        if col and all(is_int(v) for v in col) and not is_int(cell):
            return True, f"{cell!r} is not a number, unlike the values below it", True
    for cell, col in zip(first, cols):
        counts = Counter(col)
        if (len(col) >= 4 and len(counts) >= 2 and min(counts.values()) >= 2
                and cell and not is_int(cell)):
            return True, (f"{cell!r} appears nowhere below, while every other value of its "
                          "column repeats"), False
    return False, "no cell is a known column name", True


def _records(p: Path, encoding: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with open(p, encoding=encoding) as f:
            for line, raw in enumerate(f, 1):
                if line == 1:
                    raw = raw.lstrip("\ufeff")
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except json.JSONDecodeError as e:
                    raise InputError(f"not valid JSON ({e.msg} at column {e.colno}); each line "
                                     "must be one JSON object", path=str(p), line=line) from None
                if not isinstance(record, dict):
                    raise InputError(f"expected a JSON object, got {type(record).__name__}",
                                     path=str(p), line=line)
                yield line, record
    except UnicodeDecodeError as e:
        raise _decode_error(p, e, encoding) from None


def _fields(records: Iterable[tuple[int, dict[str, Any]]]) -> list[str]:
    seen: dict[str, None] = {}
    for _, record in records:
        seen.update(dict.fromkeys(record))
    return list(seen)


def _text(p: Path, encoding: str) -> Iterator[Row]:
    try:
        with open(p, encoding=encoding) as f:
            for i, line in enumerate(f, 1):
                text = line.rstrip("\r\n")
                yield i, [text.lstrip("\ufeff") if i == 1 else text]
    except UnicodeDecodeError as e:
        raise _decode_error(p, e, encoding) from None


def _parquet(p: Path, batch_size: int) -> tuple[Iterator[Row], list[str]]:
    try:
        import pandas  # type: ignore[import-untyped]  # noqa: F401  (batches become frames)
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("reading Parquet needs pandas and pyarrow: pip install pandas "
                         "pyarrow") from None
    try:
        pf = pq.ParquetFile(p)
    except Exception as e:
        raise InputError(f"cannot read as Parquet ({type(e).__name__}: {e})",
                         path=str(p)) from None
    columns = [str(c) for c in pf.schema_arrow.names]

    def rows() -> Iterator[Row]:
        i = 0
        try:
            for batch in pf.iter_batches(batch_size=batch_size):
                for r in batch.to_pandas().to_dict(orient="records"):
                    i += 1
                    yield i, [dict(zip(columns, r.values()))]
        except InputError:
            raise
        except Exception as e:
            raise InputError(f"cannot read as Parquet ({type(e).__name__}: {e})",
                             path=str(p)) from None

    return rows(), columns


def _preview(s: str, n: int = 60) -> str:
    return repr(s if len(s) <= n else s[:n] + "...")


def _resolve(
    col: str | int | None, columns: list[str] | None, width: int, what: str, p: Path
) -> int | str | None:
    """A column given by name or index, as an index (delimited) or key (records)."""
    if col is None:
        return None
    if isinstance(col, str) and col.lstrip("-").isdigit() and (columns is None
                                                             or col not in columns):
        col = int(col)
    if isinstance(col, int):
        if columns is not None and width == 0 and 0 <= col < len(columns):
            return columns[col]
        if not 0 <= col < (width or len(columns or [])):
            raise InputError(f"{what} column index {col} is out of range: rows have "
                             f"{width or len(columns or [])} fields (0-based indices)",
                             path=str(p))
        return col
    if columns is None:
        raise InputError(f"{what} column {col!r} given by name, but the file has no header "
                         "row; give a 0-based index instead", path=str(p))
    if col not in columns:
        raise InputError(f"no {what} column {col!r}; the columns are: "
                         f"{', '.join(map(repr, columns))}", path=str(p))
    return col if width == 0 else columns.index(col)


def _guess(columns: list[str] | None, rows: list[Row], width: int) -> tuple[int | str | None,
                                                                           int | str | None]:
    """Guess (text, label) columns: known names first, else by shape of the values."""
    if columns is not None:
        kinds = [_name_kind(c, compound=True) for c in columns]
        text = next((c for n in TEXT_NAMES for c in columns if c.lower() == n), None)
        label = next((c for n in LABEL_NAMES for c in columns if c.lower() == n), None)
        text = text if text is not None else next(
            (c for c, k in zip(columns, kinds) if k == "text"), None)
        label = label if label is not None else next(
            (c for c, k in zip(columns, kinds) if k == "label" and c != text), None)
        if width == 2 and (text is None or label is None):
            # Two named fields, one or both names unknown: the other one, else by shape.
            # (Not when the other name is known as something else: '标题,内容' has no label.)
            if text is None and label is not None:
                other = 1 - columns.index(label)
                text = columns[other] if kinds[other] is None else None
            elif label is None and text is not None:
                other = 1 - columns.index(text)
                label = columns[other] if kinds[other] is None else None
            elif not any(kinds):
                t, lab = _by_shape(rows)
                text, label = columns[t], columns[lab]
        if width:
            return (columns.index(text) if text is not None else None,
                    columns.index(label) if label is not None else None)
        return text, label
    if width == 1:
        return 0, None
    if width == 2:
        return _by_shape(rows)
    return None, None


def _by_shape(rows: list[Row]) -> tuple[int, int]:
    """(text, label) of two fields: the text is the longer one on average."""
    sample = [c for _, c in rows[:_SNIFF_ROWS]]
    mean0 = sum(len(str(c[0])) for c in sample) / max(1, len(sample))
    mean1 = sum(len(str(c[1])) for c in sample) / max(1, len(sample))
    return (0, 1) if mean0 >= mean1 else (1, 0)


def _to_data(
    rows: list[Row], columns: list[str] | None, p: Path, *, text_col: str | int | None,
    label_col: str | int | None, id_col: str | int | None, require_labels: bool,
) -> LabeledData:
    records = bool(rows) and isinstance(rows[0][1][0], dict)
    if not rows:
        raise InputError("the file has no rows; give a file with one example per line",
                         path=str(p))
    width = 0 if records else len(rows[0][1])
    tcol = _resolve(text_col, columns, width, "text", p)
    lcol = _resolve(label_col, columns, width, "label", p)
    icol = _resolve(id_col, columns, width, "id", p)
    if tcol is None or (lcol is None and label_col is None):
        gt, gl = _guess(columns, rows, width)
        if tcol is None:
            tcol = gt if gt != lcol else None
        if lcol is None and gl != tcol:
            lcol = gl
        if width == 2 and columns is None:
            # Two unnamed fields: one of them given, the other is the other one.
            if tcol is None and isinstance(lcol, int):
                tcol = 1 - lcol
            if lcol is None and label_col is None and isinstance(tcol, int):
                lcol = 1 - tcol
    names = ", ".join(map(repr, columns)) if columns else f"{width} unnamed fields"
    if tcol is None:
        raise InputError(f"cannot tell which column holds the text (columns: {names}); "
                         "choose it with --text-col", path=str(p))
    if lcol is None and require_labels:
        raise InputError(f"cannot tell which column holds the label (columns: {names}); "
                         "choose it with --label-col", path=str(p))
    if text_col is None or (lcol is not None and label_col is None):
        logger.info("%s: text column %r, label column %r", p, tcol, lcol)
    texts: list[str] = []
    labels: list[tuple[str, ...]] = []
    ids: list[str | int] = []
    lines: list[int] = []
    for line, cells in rows:
        record: dict[str, Any] = cells[0] if records else {}
        if records and tcol not in record:
            fields = ", ".join(map(repr, record))
            raise InputError(f"no text field {tcol!r} in this record; its fields are {fields}",
                             path=str(p), line=line)

        def cell_of(c: int | str, cells: list[Any] = cells, record: dict[str, Any] = record
                    ) -> Any:
            return record.get(str(c)) if records else cells[int(c)]

        text = cell_of(tcol)
        if text is None or (isinstance(text, float) and text != text):
            text = ""
        if not isinstance(text, str):
            raise InputError(f"text should be a string, got {type(text).__name__} "
                             f"{_preview(str(text))}", path=str(p), line=line)
        texts.append(text)
        lines.append(line)
        if icol is not None:
            value = cell_of(icol)
            ids.append(value if isinstance(value, (str, int)) else
                       json.dumps(value, ensure_ascii=False, default=str))
        else:
            ids.append(line)
        if lcol is not None:
            value = cell_of(lcol)
            if value is None or (isinstance(value, float) and value != value):
                if require_labels:
                    raise InputError(f"missing label in column {lcol!r}; every training row "
                                     "needs a label", path=str(p), line=line)
                value = ""
            labels.append((value,))
    return LabeledData(texts=texts, labels=labels, ids=ids, lines=lines, path=str(p),
                       text_col=tcol, label_col=lcol)


def _parse_labels(
    data: LabeledData, *, multi_label: bool, label_sep: str, label_names: Sequence[str] | None,
    require_labels: bool = True,
) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    names = list(label_names) if label_names is not None else None
    for raw, line in zip(data.labels, data.lines):
        value = raw[0]
        if multi_label:
            if isinstance(value, list):
                parts = [str(v).strip() for v in value]
            elif isinstance(value, str) and value.strip().startswith("["):
                try:
                    parsed = json.loads(value)
                except json.JSONDecodeError:
                    parsed = None
                parts = ([str(v).strip() for v in parsed] if isinstance(parsed, list)
                         else [v.strip() for v in value.split(label_sep)])
            else:
                parts = [v.strip() for v in str(value).split(label_sep)]
            parts = [x for x in parts if x]
        else:
            if isinstance(value, list):
                raise InputError(f"label is a list {_preview(str(value))}; pass --multi-label "
                                 "for multi-label data", path=data.path, line=line)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            parts = [str(value).strip()]
            if not parts[0] and not require_labels:
                out.append(())  # unlabelled row of prediction input
                continue
            if not parts[0]:
                raise InputError("empty label; every training row needs a label",
                                 path=data.path, line=line)
        if names is not None:
            mapped = []
            for part in parts:
                if part in names:
                    mapped.append(part)
                elif is_int(part) and 0 <= int(part) < len(names):
                    mapped.append(names[int(part)])
                else:
                    raise InputError(f"label {part!r} is neither a class name nor an id in "
                                     f"0..{len(names) - 1} of the label-names file",
                                     path=data.path, line=line)
            parts = mapped
        out.append(tuple(parts))
    return out


def check_texts(data: LabeledData) -> None:
    """Raise on the first empty text, naming its line (training data must have text)."""
    for text, line in zip(data.texts, data.lines):
        if not text.strip():
            raise InputError("empty text; remove the row or give it text",
                             path=data.path, line=line)


def split_data(data: LabeledData, fraction: float, *, seed: int = 0) -> tuple[LabeledData,
                                                                              LabeledData]:
    """A seeded split stratified by (first) label: (rest, held-out ``fraction``)."""
    if not 0 < fraction < 1:
        raise InputError(f"split fraction must be between 0 and 1, got {fraction}")
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = {}
    for i, labs in enumerate(data.labels or [("",)] * len(data)):
        by_label.setdefault(labs[0] if labs else "", []).append(i)
    held: list[int] = []
    for key in sorted(by_label):
        idx = by_label[key]
        rng.shuffle(idx)
        n = round(len(idx) * fraction)
        n = min(max(n, 1), len(idx) - 1) if len(idx) > 1 else 0
        held.extend(idx[:n])
    held_set = set(held)
    rest = [i for i in range(len(data)) if i not in held_set]
    return data.subset(rest), data.subset(sorted(held))
