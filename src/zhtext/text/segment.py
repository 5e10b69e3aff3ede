"""Word segmentation behind one protocol: tokens with offsets and, when asked, POS tags.

Backends, by name:

- ``rjieba`` (default): jieba's dictionary and HMM in Rust, about 20x faster than jieba.
- ``jieba``: the reference Python jieba (``jieba.Tokenizer`` instances, no cache files written).
- ``char``: one token per Chinese character; runs of Latin letters, digits or whitespace are one
  token each. No dictionary, so no user dictionary either.

Every backend keeps every character of the input, so token offsets always tile the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from zhtext.errors import ZhtextError
from zhtext.records import Token
from zhtext.text.chars import is_han
from zhtext.text.normalize import Normalizer
from zhtext.text.userdict import DictEntry, read_user_dict

__all__ = [
    "SEGMENTER_NAMES",
    "CharSegmenter",
    "JiebaSegmenter",
    "RjiebaSegmenter",
    "Segmenter",
    "get_segmenter",
    "is_dictionary_segmenter",
    "segmenter_from_directory",
    "tokenize",
]

SEGMENTER_NAMES = ("rjieba", "jieba", "char")


@runtime_checkable
class Segmenter(Protocol):
    """What zhtext needs of a word segmenter.

    ``cut`` and ``tag`` return the raw pieces (fast paths for bulk work); ``segment`` returns
    :class:`~zhtext.records.Token` records with offsets into the text it was given. The pieces
    of ``cut`` and ``tag`` concatenate to the input text exactly.
    """

    name: str
    has_pos: bool

    def cut(self, text: str) -> list[str]:
        """The words of ``text``, in order, covering every character."""
        ...

    def tag(self, text: str) -> list[tuple[str, str]]:
        """The words of ``text`` with POS tags."""
        ...

    def segment(self, text: str, *, pos: bool = False) -> list[Token]:
        """The tokens of ``text`` with offsets (and tags when ``pos``)."""
        ...

    def get_params(self) -> dict[str, Any]:
        """Settings that rebuild this segmenter, stored in artifacts."""
        ...


class _SegmenterBase:
    """Shared ``segment`` on top of ``cut``/``tag``."""

    name = "base"
    has_pos = True

    def cut(self, text: str) -> list[str]:
        raise NotImplementedError

    def tag(self, text: str) -> list[tuple[str, str]]:
        raise NotImplementedError

    def segment(self, text: str, *, pos: bool = False) -> list[Token]:
        """The tokens of ``text`` with offsets into it (and POS tags when ``pos``).

        Example:
            >>> [t.text for t in get_segmenter("char").segment("中文NLP")]
            ['中', '文', 'NLP']
        """
        out: list[Token] = []
        start = 0
        if pos:
            for word, tag in self.tag(text):
                end = start + len(word)
                out.append(Token(word, start, end, tag))
                start = end
        else:
            for word in self.cut(text):
                end = start + len(word)
                out.append(Token(word, start, end))
                start = end
        if start != len(text):  # pragma: no cover - a backend dropped characters
            raise ZhtextError(f"segmenter {self.name!r} did not keep every character of the text")
        return out


def _entries(user_dict: str | Path | Sequence[DictEntry] | None) -> list[DictEntry]:
    if user_dict is None:
        return []
    if isinstance(user_dict, (str, Path)):
        return read_user_dict(user_dict)
    return list(user_dict)


class _DictionarySegmenter(_SegmenterBase):
    """A jieba-dictionary backend: user dictionary, HMM switch, rebuilt after unpickling.

    Subclasses build their private instances in ``_build`` into the attributes listed in
    ``_built`` (never pickled: a worker process builds its own).
    """

    _built: tuple[str, ...] = ()

    def __init__(
        self, *, user_dict: str | Path | Sequence[DictEntry] | None = None, hmm: bool = True
    ) -> None:
        self.user_dict = str(user_dict) if isinstance(user_dict, Path) else user_dict
        self.hmm = hmm
        self._entries = _entries(user_dict)
        self._build()

    def _build(self) -> None:
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in self._built}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._build()

    def get_params(self) -> dict[str, Any]:
        """Settings that rebuild this segmenter."""
        return {"name": self.name, "hmm": self.hmm,
                "user_dict": [[e.word, e.freq, e.tag] for e in self._entries]}


class RjiebaSegmenter(_DictionarySegmenter):
    """jieba's dictionary and HMM through ``rjieba`` (Rust), one private instance each.

    Args:
        user_dict: A jieba-format user dictionary file, or parsed entries.
        hmm: Use the HMM to join characters the dictionary does not know into words.

    Example:
        >>> RjiebaSegmenter().cut("自然语言处理")
        ['自然语言', '处理']
    """

    name = "rjieba"
    _built = ("_jieba",)

    def _build(self) -> None:
        import rjieba

        jb = rjieba.Jieba()
        for e in self._entries:
            tag = e.tag
            if tag is None and not jb.has_word(e.word):
                tag = "x"  # as jieba tags a new word without a tag; rjieba would give ""
            jb.add_word(e.word, e.freq, tag)
        self._jieba: Any = jb

    def cut(self, text: str) -> list[str]:
        """The words of ``text``."""
        words: list[str] = self._jieba.cut(text, self.hmm)  # already a fresh list
        return words

    def tag(self, text: str) -> list[tuple[str, str]]:
        """The words of ``text`` with jieba's (ICTCLAS-style) POS tags."""
        tagged: list[tuple[str, str]] = self._jieba.tag(text, self.hmm)
        return tagged


class JiebaSegmenter(_DictionarySegmenter):
    """The reference Python jieba, as private ``jieba.Tokenizer`` instances.

    The prefix dictionary is built in memory: no cache file is written to the temp directory.

    Args:
        user_dict: A jieba-format user dictionary file, or parsed entries.
        hmm: Use the HMM for unknown words.
    """

    name = "jieba"
    _built = ("_tok", "_pos")

    def _build(self) -> None:
        import jieba
        import jieba.posseg

        tok = jieba.Tokenizer()
        with tok.lock:
            tok.FREQ, tok.total = tok.gen_pfdict(tok.get_dict_file())
            tok.initialized = True
        for e in self._entries:
            tok.add_word(e.word, e.freq, e.tag)
        self._tok: Any = tok
        self._pos: Any = jieba.posseg.POSTokenizer(tok)

    def cut(self, text: str) -> list[str]:
        """The words of ``text``."""
        return list(self._tok.cut(text, HMM=self.hmm))

    def tag(self, text: str) -> list[tuple[str, str]]:
        """The words of ``text`` with jieba's POS tags."""
        return [(p.word, p.flag) for p in self._pos.cut(text, HMM=self.hmm)]


_CHAR_PIECE = re.compile(r"[A-Za-z]+|[0-9]+(?:\.[0-9]+)?|\s+|.", re.DOTALL)


def _char_tag(piece: str) -> str:
    if piece[0].isspace():
        return "x"
    if piece[0].isascii() and piece[0].isalpha():
        return "eng"
    if piece[0].isdigit():
        return "m"
    c = piece[0]
    if is_han(c):
        return "han"
    return "x"


class CharSegmenter(_SegmenterBase):
    """One token per Chinese character; Latin words, numbers and whitespace runs kept whole.

    Its tags are coarse character classes (``han``, ``eng``, ``m``, ``x``), not parts of speech.
    """

    name = "char"
    has_pos = False

    def get_params(self) -> dict[str, Any]:
        """Settings that rebuild this segmenter."""
        return {"name": self.name}

    def cut(self, text: str) -> list[str]:
        """The characters (and Latin words, numbers) of ``text``."""
        return _CHAR_PIECE.findall(text)

    def tag(self, text: str) -> list[tuple[str, str]]:
        """The pieces of ``text`` with their character class."""
        return [(p, _char_tag(p)) for p in _CHAR_PIECE.findall(text)]


def get_segmenter(
    name: str | Segmenter = "rjieba",
    *,
    user_dict: str | Path | Sequence[DictEntry] | None = None,
    hmm: bool = True,
) -> Segmenter:
    """A segmenter by name (``rjieba``, ``jieba``, ``char``), model directory, or as given.

    A model directory is one made by ``zhtext tag train --task cws|pos``.

    Raises:
        ZhtextError: The name is unknown, or a user dictionary was given for ``char``.
    """
    if not isinstance(name, str):
        return name
    if name not in SEGMENTER_NAMES and Path(name).is_dir():
        if user_dict is not None:
            raise ZhtextError("a trained segmenter cannot take a user dictionary; train it "
                              "with the words instead")
        return segmenter_from_directory(name)
    if name == "rjieba":
        return RjiebaSegmenter(user_dict=user_dict, hmm=hmm)
    if name == "jieba":
        return JiebaSegmenter(user_dict=user_dict, hmm=hmm)
    if name == "char":
        if user_dict is not None:
            raise ZhtextError(
                "the 'char' segmenter has no dictionary, so it cannot take a user dictionary; "
                "use --segmenter rjieba or jieba"
            )
        return CharSegmenter()
    raise ZhtextError(
        f"unknown segmenter {name!r}; expected one of: {', '.join(SEGMENTER_NAMES)}, or the "
        "directory of a model trained with 'zhtext tag train --task cws'"
    )


def segmenter_from_directory(path: str | Path) -> Segmenter:
    """The segmenter of a model directory, whatever kind can segment (``tag`` cws/pos).

    Raises:
        InputError: The directory is not an artifact, or its kind cannot segment.
    """
    from zhtext.artifacts import read_manifest
    from zhtext.registry import get_kind

    p = Path(path)
    manifest = read_manifest(p)
    kind = get_kind(str(manifest["task"]), path=p)
    seg: Segmenter = kind.segmenter(kind.load(p, manifest), p)
    return seg


def is_dictionary_segmenter(segmenter: str | Segmenter) -> bool:
    """A built-in dictionary segmenter (rjieba, jieba, char), not a trained model's."""
    name = segmenter if isinstance(segmenter, str) else getattr(segmenter, "name", None)
    return name in SEGMENTER_NAMES


def segmenter_from_params(params: dict[str, Any]) -> Segmenter:
    """Rebuild a segmenter from :meth:`Segmenter.get_params` output (as read from JSON)."""
    entries = [DictEntry(w, f, t) for w, f, t in params.get("user_dict", [])]
    return get_segmenter(
        str(params.get("name", "rjieba")),
        user_dict=entries or None,
        hmm=bool(params.get("hmm", True)),
    )


def tokenize(
    texts: Iterable[str],
    *,
    segmenter: str | Segmenter = "rjieba",
    normalizer: Normalizer | None = None,
    pos: bool = False,
) -> list[list[Token]]:
    """Normalise and segment texts; token offsets point into the original texts.

    Token ``text`` is the normalised form; ``original[start:end]`` is what it came from. The
    offsets tile the original text: where the segmenter cuts inside what one original character
    became (``㎡`` -> ``m2``), the pieces are joined into one token.

    Example:
        >>> [(t.text, t.start, t.end) for t in tokenize(["ＡＩ芯片"])[0]]
        [('AI', 0, 2), ('芯片', 2, 4)]
    """
    seg = get_segmenter(segmenter)
    norm = normalizer or Normalizer()
    out: list[list[Token]] = []
    for text in texts:
        nt = norm.normalize(text)
        toks = seg.segment(nt.text, pos=pos)
        if nt.starts is not None:
            mapped: list[Token] = []
            for t in toks:
                a, b = nt.span(t.start, t.end)
                if mapped and a < mapped[-1].end:
                    # The segmenter cut inside what one original character became (㎡ -> m|2):
                    # join the pieces, so that offsets tile the original text.
                    prev = mapped[-1]
                    mapped[-1] = Token(prev.text + t.text, prev.start, max(b, prev.end), prev.pos)
                else:
                    mapped.append(Token(t.text, a, b, t.pos))
            toks = mapped
        out.append(toks)
    return out
