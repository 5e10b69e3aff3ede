"""Encoders by hub name or local directory: loading with one clear error, configs, limits.

Every task that fine-tunes an encoder loads it here, so a missing or broken encoder reads the
same in classify and tag, and a saved model that cannot be read again reads the same too.
Nothing here imports torch or transformers before it is called.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from zhtext.errors import InputError, add_note
from zhtext.neural.training import first_line

__all__ = ["encoder_config", "load_encoder", "load_tokenizer_and_config", "local_encoder",
           "looks_like_path", "position_limit", "reading_saved_model"]

logger = logging.getLogger(__name__)


def looks_like_path(name: str) -> bool:
    r"""Whether an encoder name is meant as a local path, not a hub name.

    A path has a separator other than the one ``owner/model`` hub names have (``./m``,
    ``../m``, ``a/b/c``, ``/abs``, ``C:\m``), starts with ``.`` or ``~``, or exists here.
    """
    if name.startswith((".", "~", "/", os.sep)) or "\\" in name or name.count("/") > 1:
        return True
    return Path(name).exists()


def local_encoder(name_or_path: str) -> str:
    """``name_or_path`` checked: a path that does not exist is an error, not a hub lookup.

    Returns the name unchanged for a hub name, the path with ``~`` expanded for a path.

    Raises:
        InputError: A path (see :func:`looks_like_path`) with nothing there.
    """
    if not looks_like_path(name_or_path):
        return name_or_path
    p = Path(name_or_path).expanduser()
    if not p.exists():
        raise InputError(f"cannot load encoder {name_or_path!r}: no such directory "
                         f"({p.absolute()}); give a local directory with config.json, the "
                         "weights and a tokenizer (e.g. one made by 'zhtext pretrain mlm'), or "
                         "a hub name such as bert-base-chinese")
    if not p.is_dir():
        raise InputError(f"cannot load encoder {name_or_path!r}: it is a file; give a local "
                         "directory with config.json, the weights and a tokenizer, or a hub "
                         "name")
    return str(p)


def load_tokenizer_and_config(name_or_path: str) -> tuple[Any, Any]:
    """The tokenizer and the config of an encoder (a hub name or a local directory).

    Raises:
        InputError: Either cannot be loaded (or a path does not exist); the message says
            what to give instead.
    """
    from transformers import AutoConfig, AutoTokenizer

    name_or_path = local_encoder(name_or_path)
    try:
        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
        config = AutoConfig.from_pretrained(name_or_path)
    except (OSError, ValueError) as e:
        raise InputError(f"cannot load encoder {name_or_path!r}: {first_line(e)}; give a local "
                         "directory with config.json, the weights and a tokenizer, or a hub "
                         "name (needs network access)") from None
    return tokenizer, config


def load_encoder(name_or_path: str, *, random_init: bool = False, **kwargs: Any) -> Any:
    """The encoder's model without a head (``AutoModel``).

    Args:
        name_or_path: A hub name or a local directory.
        random_init: Build the architecture from the config with fresh random weights instead
            of loading the weights (a baseline to measure pretraining).
        **kwargs: More arguments of ``from_pretrained`` (of the model, or of its config with
            ``random_init``).
    """
    from transformers import AutoConfig, AutoModel

    name_or_path = local_encoder(name_or_path)
    if random_init:
        return AutoModel.from_config(  # type: ignore[no-untyped-call]
            AutoConfig.from_pretrained(name_or_path, **kwargs))
    return AutoModel.from_pretrained(name_or_path, **kwargs)


def encoder_config(d: Mapping[str, Any]) -> Any:
    """The encoder's ``PretrainedConfig`` from its ``to_dict()`` (kept inside a head's config).

    A head saved with its encoder (``save_pretrained``) rebuilds the encoder from this dict,
    without the encoder's original directory.
    """
    from transformers import AutoConfig

    values = dict(d)
    model_type = values.pop("model_type", "bert")
    return AutoConfig.for_model(model_type, **values)


def position_limit(config: Any, tokenizer: Any, limit: int = 512) -> int:
    """The longest window the encoder takes: its positions, its tokenizer's limit, ``limit``."""
    positions = int(getattr(config, "max_position_embeddings", limit) or limit)
    model_max = int(getattr(tokenizer, "model_max_length", 0) or 0)
    return min(limit, positions, model_max if 0 < model_max < 100_000 else positions)


def _load_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged model directory raises (missing, cut short, mismatched files).

    Missing or unreadable files (OSError), bad JSON, text or values (ValueError, which
    JSONDecodeError and UnicodeDecodeError are), files cut short (EOFError, safetensors'
    error). A TypeError, AttributeError, KeyError, IndexError, ... is a bug in zhtext.
    """
    errors: tuple[type[BaseException], ...] = (OSError, ValueError, EOFError)
    try:
        from safetensors import SafetensorError
    except ImportError:  # pragma: no cover - safetensors comes with transformers
        return errors
    return (*errors, SafetensorError)


def _weights_mismatch(e: BaseException) -> bool:
    """The error of torch's ``load_state_dict``: weights whose shapes do not fit the config."""
    text = str(e)
    return isinstance(e, RuntimeError) and any(
        m in text for m in ("size mismatch", "Error(s) in loading state_dict",
                            "ignore_mismatched_sizes"))  # torch's, transformers' wording


@contextmanager
def reading_saved_model(d: Path, what: str = "the model") -> Iterator[None]:
    """Turn the errors of reading a damaged saved model into one :class:`InputError` naming ``d``.

    Only the errors a bad directory causes (:func:`_load_errors`, weights whose shapes do not
    fit the config) become the error; anything else is a bug: it keeps its traceback, with
    one logged line (and a note on the exception) saying so.

    Usage:
        >>> with reading_saved_model(model_dir):  # doctest: +SKIP
        ...     model = TokenTagger.from_pretrained(model_dir, use_safetensors=True)
    """
    try:
        yield
    except InputError:
        raise
    except _load_errors() as e:
        raise InputError(f"cannot load {what} ({type(e).__name__}: {first_line(e)}); the "
                         "directory is damaged or incomplete", path=str(d)) from None
    except Exception as e:
        if _weights_mismatch(e):
            raise InputError(f"cannot load {what}: its weights do not fit its config.json "
                             f"({first_line(e)}); the directory is damaged or incomplete",
                             path=str(d)) from None
        note = (f"loading {what} from {d} failed with an unexpected {type(e).__name__}: this "
                "is a bug in zhtext, not a problem with the directory; please report it with "
                "the traceback")
        logger.error(note)
        add_note(e, note)
        raise
