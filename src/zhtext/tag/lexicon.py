"""What the NER CRF learns from its training data besides the CRF weights (issue 19).

* An **entity gazetteer**: every entity string of the training tags with its most frequent
  type. Training features are *jackknifed* (:func:`jackknife_gazetteers`): the sentences of
  each of ``k`` contiguous folds see only the entities of the other folds, so the CRF learns
  how far a gazetteer match is worth trusting on entities it has not seen, instead of
  learning that the match is always right (it would be, on its own training sentences).
* **Entity affixes** (:func:`entity_affixes`): the last one or two characters that end many
  entities of a type (``公司``, ``大学``, ``省``, ``委员会`` ...) and the first characters of
  person names (surnames), learned from the training entities; features mark how far ahead
  the next suffix is, so the first character of a long name can see it coming.
* **Character clusters** (:func:`char_clusters`): characters grouped by the company they keep
  (left and right neighbours, PPMI, SVD, k-means) in the training text itself, at two
  granularities, so a rare character (a transliteration, a rare surname) shares weights
  with the characters it behaves like.

Each is a plain UTF-8 text file in the model directory (``gazetteer.txt``, ``affixes.txt``,
``clusters.txt``); nothing is pickled.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from zhtext.errors import InputError
from zhtext.schemes import to_spans

__all__ = ["Affixes", "Gazetteer", "char_clusters", "entity_affixes", "entity_counts",
           "fold_bounds", "gazetteer_from", "jackknife_gazetteers", "read_affixes",
           "read_clusters", "read_gazetteer", "write_affixes", "write_clusters",
           "write_gazetteer"]

GAZETTEER_FILE = "gazetteer.txt"
AFFIXES_FILE = "affixes.txt"
CLUSTERS_FILE = "clusters.txt"
MAX_ENTITY = 12  # characters; longer training entities are not matched


@dataclass(frozen=True)
class Gazetteer:
    """Entity string -> type; ``max_len`` is the longest string."""

    entries: dict[str, str] = field(default_factory=dict)
    max_len: int = 0

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class Affixes:
    """Type -> entity-final strings (suffixes), and person-name first characters."""

    suffixes: dict[str, frozenset[str]] = field(default_factory=dict)
    surnames: frozenset[str] = frozenset()


def entity_counts(texts: Sequence[str], tags: Sequence[Sequence[str]]
                  ) -> list[Counter[tuple[str, str]]]:
    """Per sentence: how often each ``(entity string, type)`` occurs in its tags."""
    out: list[Counter[tuple[str, str]]] = []
    for text, ts in zip(texts, tags, strict=True):
        c: Counter[tuple[str, str]] = Counter()
        for a, b, label in to_spans(list(ts)):
            if label and 2 <= b - a <= MAX_ENTITY and not any(
                    x.isspace() for x in text[a:b]):
                c[(text[a:b], label)] += 1
        out.append(c)
    return out


def gazetteer_from(counts: Counter[tuple[str, str]]) -> Gazetteer:
    """A gazetteer from ``(string, type)`` counts: each string with its most frequent type."""
    best: dict[str, tuple[int, str]] = {}
    for (s, label), n in counts.items():
        if s not in best or (n, label) > best[s]:
            best[s] = (n, label)
    entries = {s: label for s, (_, label) in sorted(best.items())}
    return Gazetteer(entries, max((len(s) for s in entries), default=0))


def fold_bounds(n: int, k: int) -> list[tuple[int, int]]:
    """``k`` contiguous ``(start, end)`` folds of ``n`` items (fewer when ``n < k``)."""
    k = max(1, min(k, n))
    return [(i * n // k, (i + 1) * n // k) for i in range(k)]


def jackknife_gazetteers(texts: Sequence[str], tags: Sequence[Sequence[str]], k: int
                         ) -> tuple[Gazetteer, list[tuple[int, int, Gazetteer]]]:
    """The full gazetteer, and for each contiguous fold the one built without it.

    Folds are contiguous runs of sentences: consecutive sentences come from the same article
    and share its entities, so a random fold would still see them.
    """
    per = entity_counts(texts, tags)
    total: Counter[tuple[str, str]] = Counter()
    for c in per:
        total.update(c)
    folds = []
    for a, b in fold_bounds(len(texts), k):
        held: Counter[tuple[str, str]] = Counter()
        for c in per[a:b]:
            held.update(c)
        rest = total - held
        folds.append((a, b, gazetteer_from(rest)))
    return gazetteer_from(total), folds


def entity_affixes(texts: Sequence[str], tags: Sequence[Sequence[str]], *, min_count: int = 5,
                   min_share: float = 0.5) -> Affixes:
    """Suffixes of ORG/LOC-like types and person-name first characters, from training tags.

    A one- or two-character string is a suffix of type ``T`` when at least ``min_count``
    entities of ``T`` end with it and at least ``min_share`` of its occurrences in the text
    end an entity of ``T``. Surnames: first characters of ``PER`` (or ``PERSON``/``NR``)
    entities seen at least ``min_count`` times.
    """
    ends: dict[str, Counter[str]] = defaultdict(Counter)
    first: Counter[str] = Counter()
    for text, ts in zip(texts, tags, strict=True):
        for a, b, label in to_spans(list(ts)):
            if not label:
                continue
            if label.upper() in ("PER", "PERSON", "NR"):
                first[text[a]] += 1
                continue
            for n in (1, 2):
                if b - a > n:
                    ends[label][text[b - n:b]] += 1
    candidates = {s for c in ends.values() for s, n in c.items() if n >= min_count}
    seen: Counter[str] = Counter()
    for text in texts:
        for n in (1, 2):
            for i in range(len(text) - n + 1):
                s = text[i:i + n]
                if s in candidates:
                    seen[s] += 1
    suffixes = {label: frozenset(s for s, n in c.items()
                                 if n >= min_count and n >= min_share * seen[s])
                for label, c in sorted(ends.items())}
    return Affixes({k: v for k, v in suffixes.items() if v},
                   frozenset(s for s, n in first.items() if n >= min_count))


def char_clusters(texts: Sequence[str], sizes: Sequence[int] = (32, 256), *, dim: int = 48,
                  min_count: int = 3, contexts: int = 1000, seed: int = 0
                  ) -> dict[str, tuple[int, ...]]:
    """Character -> cluster id at each granularity in ``sizes``, from unlabelled ``texts``.

    Each character of at least ``min_count`` occurrences is described by its left and right
    neighbours (the ``contexts`` most frequent characters, and the sentence edges), weighted
    by positive PMI, reduced by SVD to ``dim`` dimensions, normalised, and clustered by
    k-means (seeded, numpy).
    """
    import numpy as np

    freq: Counter[str] = Counter()
    for t in texts:
        freq.update(t)
    chars = sorted(c for c, n in freq.items() if n >= min_count and not c.isspace())
    if len(chars) <= max(sizes, default=1) // 8 or len(chars) < 4:
        return {}
    ranked = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:contexts]
    nc = len(ranked)
    # ids: 0..nc-1 context characters, nc the sentence edge, nc+1 anything else
    cid = {c: i for i, (c, _) in enumerate(ranked)}
    rid = {c: i for i, c in enumerate(chars)}
    other = len(chars)
    rows_l: list[int] = []
    ctx_l: list[int] = []
    for t in texts:
        r = [rid.get(c, other) for c in t]
        x = [nc] + [cid.get(c, nc + 1) for c in t] + [nc]
        rows_l.extend(r)
        ctx_l.extend(x[:-2])  # left neighbours
        rows_l.extend(r)
        ctx_l.extend(v + nc + 2 for v in x[2:])  # right neighbours
    width = 2 * (nc + 2)
    rows = np.asarray(rows_l, dtype=np.int64)
    ctx = np.asarray(ctx_l, dtype=np.int64)
    keep = rows < other
    m = np.bincount(rows[keep] * width + ctx[keep], minlength=other * width
                    ).reshape(other, width).astype(np.float64)
    m[:, nc + 1] = 0.0  # "anything else" is not a context
    m[:, 2 * nc + 3] = 0.0
    total = m.sum()
    if total == 0:
        return {}
    rs = m.sum(axis=1, keepdims=True)
    cs = m.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(m * total / (np.maximum(rs, 1e-12) * np.maximum(cs, 1e-12)))
    ppmi = np.where(m > 0, np.maximum(pmi, 0.0), 0.0)
    # the top ``dim`` singular vectors, from the (small) character-by-character Gram matrix
    gram = ppmi @ ppmi.T
    values, vectors = np.linalg.eigh(gram)
    top = np.argsort(values)[::-1][:dim]
    vec = vectors[:, top] * np.sqrt(np.maximum(values[top], 0.0))
    vec /= np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
    labels = [_kmeans(vec, min(size, len(chars)), seed) for size in sizes]
    return {c: tuple(int(lab[i]) for lab in labels) for i, c in enumerate(chars)}


def _kmeans(x: Any, k: int, seed: int, iterations: int = 50) -> Any:
    """Lloyd's k-means with k-means++ seeding (numpy, seeded); the label of each row."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = len(x)
    centres = [x[rng.integers(n)]]
    d2 = ((x - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        p = d2 / d2.sum() if d2.sum() > 0 else None
        centres.append(x[rng.choice(n, p=p)])
        d2 = np.minimum(d2, ((x - centres[-1]) ** 2).sum(axis=1))
    c = np.array(centres)
    labels = np.zeros(n, dtype=np.int64)
    for it in range(iterations):
        dist = (x ** 2).sum(axis=1)[:, None] - 2 * x @ c.T + (c ** 2).sum(axis=1)[None, :]
        new = dist.argmin(axis=1)
        if it and (new == labels).all():
            break
        labels = new
        for j in range(k):
            members = x[labels == j]
            if len(members):
                c[j] = members.mean(axis=0)
    return labels


_JIEBA_TYPES = {"nr": "nr", "nrt": "nr", "nrfg": "nr", "ns": "ns", "nt": "nt"}


@lru_cache(maxsize=1)
def jieba_typed() -> Gazetteer:
    """The words of jieba's dictionary tagged as names, places or organisations.

    Types ``nr`` (with ``nrt``, ``nrfg``), ``ns``, ``nt``; from jieba's ``dict.txt`` (MIT),
    which ships with the dependency, so nothing is saved into the model directory.
    """
    import importlib.resources

    entries: dict[str, str] = {}
    path = importlib.resources.files("jieba") / "dict.txt"
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] in _JIEBA_TYPES and 2 <= len(parts[0]) <= MAX_ENTITY:
                entries["".join(_fold(c) for c in parts[0])] = _JIEBA_TYPES[parts[2]]
    return Gazetteer(entries, max((len(s) for s in entries), default=0))


def _fold(c: str) -> str:
    from zhtext.tag.features import fold_chars

    return fold_chars(c)[0]


# ---------------------------------------------------------------- files


def _bad(path: Path, line: int, what: str) -> InputError:
    return InputError(f"the directory is damaged or incomplete: {path.name} line {line} "
                      f"{what}; copy the model directory again, or train the model again",
                      path=str(path))


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        raise InputError(f"the directory is damaged or incomplete: it has no {path.name}; "
                         "copy the model directory again, or train the model again",
                         path=str(path.parent))
    # split on newlines only (str.splitlines would also split at U+2028 and other breaks)
    return [ln for ln in path.read_text(encoding="utf-8").split("\n") if ln]


def write_gazetteer(path: Path, gaz: Gazetteer) -> None:
    """One ``string<TAB>type`` line per entry."""
    path.write_text("".join(f"{s}\t{t}\n" for s, t in gaz.entries.items()), encoding="utf-8")


def read_gazetteer(path: Path) -> Gazetteer:
    """What :func:`write_gazetteer` wrote."""
    entries: dict[str, str] = {}
    for i, line in enumerate(_lines(path), 1):
        s, tab, t = line.partition("\t")
        if not tab or not s or not t:
            raise _bad(path, i, "is not 'entity<TAB>type'")
        entries[s] = t
    return Gazetteer(entries, max((len(s) for s in entries), default=0))


def write_affixes(path: Path, aff: Affixes) -> None:
    """``suffix<TAB>type<TAB>string`` and ``surname<TAB>char`` lines."""
    lines = [f"suffix\t{t}\t{s}\n" for t, ss in aff.suffixes.items() for s in sorted(ss)]
    lines += [f"surname\t{c}\n" for c in sorted(aff.surnames)]
    path.write_text("".join(lines), encoding="utf-8")


def read_affixes(path: Path) -> Affixes:
    """What :func:`write_affixes` wrote."""
    suffixes: dict[str, set[str]] = defaultdict(set)
    surnames: set[str] = set()
    for i, line in enumerate(_lines(path), 1):
        parts = line.split("\t")
        if parts[0] == "suffix" and len(parts) == 3 and parts[1] and parts[2]:
            suffixes[parts[1]].add(parts[2])
        elif parts[0] == "surname" and len(parts) == 2 and parts[1]:
            surnames.add(parts[1])
        else:
            raise _bad(path, i, "is not 'suffix<TAB>type<TAB>string' or 'surname<TAB>char'")
    return Affixes({t: frozenset(s) for t, s in suffixes.items()}, frozenset(surnames))


def write_clusters(path: Path, clusters: dict[str, tuple[int, ...]]) -> None:
    """One ``char<TAB>id<TAB>id...`` line per character."""
    path.write_text("".join(f"{c}\t" + "\t".join(map(str, ids)) + "\n"
                            for c, ids in sorted(clusters.items())), encoding="utf-8")


def read_clusters(path: Path) -> dict[str, tuple[int, ...]]:
    """What :func:`write_clusters` wrote."""
    out: dict[str, tuple[int, ...]] = {}
    for i, line in enumerate(_lines(path), 1):
        c, *ids = line.split("\t")
        if len(c) != 1 or not ids or not all(x.isdigit() for x in ids):
            raise _bad(path, i, "is not 'char<TAB>cluster ids'")
        out[c] = tuple(int(x) for x in ids)
    return out
