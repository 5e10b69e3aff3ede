"""scikit-learn's estimator protocol, without importing scikit-learn.

:class:`Estimator` gives a class ``get_params(deep=True)`` / ``set_params(**params)`` as
``sklearn.base.BaseEstimator`` defines them (the settings are the keyword arguments of
``__init__``, found by signature introspection), a repr that shows the settings that differ
from their defaults, the tags scikit-learn's meta-estimators read (``__sklearn_tags__``) and
``__sklearn_is_fitted__``. So ``sklearn.base.clone``, ``Pipeline`` and ``GridSearchCV`` work
on zhtext's estimators, while ``import zhtext`` and TF-IDF keyword extraction never import
scikit-learn (the tags import it only when scikit-learn itself asks for them).

The rules a subclass follows (scikit-learn's): ``__init__`` takes keyword settings and stores
each, unchanged, in the attribute of the same name; values are checked in ``fit`` (or on first
use), not in ``__init__``; learned state goes in attributes ending in ``_``; ``fit`` returns
``self``.

Example:
    >>> class Scaler(Estimator):
    ...     def __init__(self, *, factor: float = 1.0) -> None:
    ...         self.factor = factor
    >>> Scaler(factor=2.0).set_params(factor=3.0)
    Scaler(factor=3.0)
    >>> Scaler().get_params()
    {'factor': 1.0}
"""

from __future__ import annotations

import inspect
import math
import numbers
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from functools import cache
from pathlib import PurePath
from typing import Any, ClassVar, Literal, TypeGuard, TypeVar, Union

from zhtext.errors import InputError, NotFittedError, ZhtextError

__all__ = [
    "AT_LEAST_0",
    "FRACTION",
    "POSITIVE",
    "Estimator",
    "MethodEstimator",
    "Range",
    "check_fields",
    "check_values",
    "coerce_setting",
    "field_defaults",
    "is_int",
    "is_number",
    "json_ready",
]

_EMPTY = inspect.Parameter.empty

E = TypeVar("E", bound="Estimator")


class Estimator:
    """Base class of zhtext's estimators: settings, ``get_params`` / ``set_params``, tags.

    Class attributes a subclass may set:
        _estimator_type: ``"classifier"`` for classifiers (scikit-learn then stratifies
            cross-validation folds and uses accuracy as the default score), else ``None``.
        _requires_fit: Whether the estimator must be fitted before use.
        _requires_y: Whether ``fit`` needs targets (labels, gold keywords).
    """

    _estimator_type: ClassVar[str | None] = None
    _requires_fit: ClassVar[bool] = True
    _requires_y: ClassVar[bool] = False

    # -- settings -------------------------------------------------------------------------

    @classmethod
    def _get_param_names(cls) -> list[str]:
        """The names of the settings: keyword arguments of ``__init__``, sorted.

        ``**kwargs`` is not a setting (as in scikit-learn); ``*args`` is not allowed.
        """
        init = cls.__init__
        if init is object.__init__:
            return []
        names = []
        for p in inspect.signature(init).parameters.values():
            if p.name == "self" or p.kind == p.VAR_KEYWORD:
                continue
            if p.kind == p.VAR_POSITIONAL:
                raise RuntimeError(f"{cls.__name__}.__init__ takes *{p.name}: estimator "
                                   "settings must be named keyword arguments")
            names.append(p.name)
        return sorted(names)

    def _param_names(self) -> list[str]:
        """The settings of this instance (a class with per-method settings adds those)."""
        return self._get_param_names()

    def _param_defaults(self) -> dict[str, Any]:
        """Default value of each setting that has one (for the repr)."""
        out = {}
        for p in inspect.signature(type(self).__init__).parameters.values():
            if p.default is not _EMPTY:
                out[p.name] = p.default
        return out

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The settings of this estimator, by name.

        Args:
            deep: Also the settings of settings that are estimators themselves, as
                ``name__setting`` (scikit-learn's convention).

        Returns:
            The values as given to ``__init__`` or :meth:`set_params` (not copies).
        """
        out: dict[str, Any] = {}
        for key in self._param_names():
            value = self._get_param(key)
            if deep and _is_estimator(value):
                out.update((f"{key}__{k}", v) for k, v in value.get_params().items())
            out[key] = value
        return out

    def set_params(self: E, **params: Any) -> E:
        """Change settings; ``name__setting`` reaches into a setting that is an estimator.

        Values are checked when the estimator is next fitted or used. Cached components
        (segmenters, encoders) are rebuilt; fitted state is kept until the next ``fit``.

        Returns:
            ``self``.

        Raises:
            ValueError: A name is not a setting of this estimator (the valid ones are listed).
        """
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, sep, sub = key.partition("__")
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for estimator {self}. Valid "
                                 f"parameters are: {sorted(self._param_names())!r}.")
            if sep:
                nested.setdefault(name, {})[sub] = value
            else:
                self._set_param(name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        self._params_changed()
        return self

    def _get_param(self, name: str) -> Any:
        return getattr(self, name)

    def _set_param(self, name: str, value: Any) -> None:
        setattr(self, name, value)

    def _params_changed(self) -> None:
        """Called after :meth:`set_params`: drop what was built from the old settings."""

    def __repr__(self) -> str:
        defaults = self._param_defaults()
        shown = []
        for key in self._param_names():
            value = self._get_param(key)
            if key in defaults and _same(value, defaults[key]):
                continue
            shown.append(f"{key}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    # -- fitted state ---------------------------------------------------------------------

    def _needs_fit(self) -> bool:
        """Whether this instance must be fitted before use (its settings may decide)."""
        return self._requires_fit

    def _is_fitted(self) -> bool:
        """Whether ``fit`` has run (by default: an attribute ends in ``_``, as in scikit-learn)."""
        if not self._needs_fit():
            return True
        return any(k.endswith("_") and not k.startswith("__") for k in vars(self))

    def __sklearn_is_fitted__(self) -> bool:
        """What ``sklearn.utils.validation.check_is_fitted`` asks."""
        return self._is_fitted()

    def _check_fitted(self, what: str = "fit") -> None:
        """Raise :class:`~zhtext.errors.NotFittedError` unless fitted."""
        if not self._is_fitted():
            raise NotFittedError(self, what)

    # -- what scikit-learn's meta-estimators read -------------------------------------------

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's tags: raw text in (no numeric arrays), fitted or not, targets or not.

        scikit-learn calls this; it is the only place that imports scikit-learn.
        """
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags, TransformerTags

        classifier = self._estimator_type == "classifier"
        return Tags(
            estimator_type=self._estimator_type,
            target_tags=TargetTags(required=self._requires_y or classifier),
            transformer_tags=TransformerTags() if hasattr(self, "transform") else None,
            classifier_tags=ClassifierTags() if classifier else None,
            regressor_tags=None,
            # A list of documents: one-dimensional input of strings, never a numeric matrix.
            input_tags=InputTags(one_d_array=True, two_d_array=False, string=True),
            requires_fit=self._needs_fit(),
        )


class MethodEstimator(Estimator):
    """An estimator whose settings depend on its method (``TextClassifier``, ``Tagger``).

    Its settings are the constructor's own keywords plus the fields of the method's settings
    dataclass, given as keywords too. ``get_params`` lists them all (given values, else the
    defaults), so ``clone`` and grid search see every setting; ``set_params(method=...)``
    switches the method first and keeps only the settings the new method knows. Names are
    checked when the estimator is made (as Python checks keyword names); values when it is
    fitted, where the settings dataclass is built (:meth:`_method_settings`).
    """

    method: str
    _params: dict[str, Any]

    @staticmethod
    def _settings_class(method: str) -> Any:
        """The settings dataclass of a method (raises for an unknown method)."""
        raise NotImplementedError

    def _store_settings(self, method: str, params: Mapping[str, Any]) -> None:
        known = {f.name for f in fields(self._settings_class(method))}
        bad = sorted(set(params) - known)
        if bad:
            raise ZhtextError(f"unknown setting(s) {', '.join(bad)} for method {method!r}; "
                              f"its settings are: {', '.join(sorted(known))}")
        self.method = method
        self._params = dict(params)

    @property
    def params(self) -> dict[str, Any]:
        """The method settings given (to the constructor or ``set_params``)."""
        return self._params

    def _own_names(self) -> list[str]:
        return [n for n in self._get_param_names() if n != "settings"]

    def _param_names(self) -> list[str]:
        return [*self._own_names(), *sorted(field_defaults(self._settings_class(self.method)))]

    def _param_defaults(self) -> dict[str, Any]:
        return {**super()._param_defaults(), **field_defaults(self._settings_class(self.method))}

    def _get_param(self, name: str) -> Any:
        if name in self._own_names():
            return getattr(self, name)
        if name in self._params:
            return self._params[name]
        return field_defaults(self._settings_class(self.method))[name]

    def _set_param(self, name: str, value: Any) -> None:
        if name == "method":
            known = field_defaults(self._settings_class(value))  # an unknown method raises
            self.method = value
            self._params = {k: v for k, v in self._params.items() if k in known}
        elif name in self._own_names():
            setattr(self, name, value)
        else:
            self._params[name] = value

    def set_params(self: E, **params: Any) -> E:
        """Change settings; ``method`` is applied first, so its settings can follow.

        Raises:
            ValueError: A name that is no setting of the method (the valid ones are listed).
        """
        if "method" in params:
            self._set_param("method", params.pop("method"))
        return Estimator.set_params(self, **params)

    def _method_settings(self) -> Any:
        """The method's settings dataclass from the given settings (strings converted).

        Raises:
            ZhtextError: A value of the wrong type or out of range (the dataclass says which).
        """
        cls = self._settings_class(self.method)
        defaults = field_defaults(cls)
        values = {k: coerce_setting(v, defaults.get(k), k) for k, v in self._params.items()}
        check_values(cls, values)  # types and declared ranges, before the dataclass's own checks
        return cls(**values)


def field_defaults(cls: Any) -> dict[str, Any]:
    """Each field of a settings dataclass with its default value, in field order."""
    out = {}
    for f in fields(cls):
        if f.default is not MISSING:
            out[f.name] = f.default
        elif f.default_factory is not MISSING:
            out[f.name] = f.default_factory()
    return out


def coerce_setting(value: Any, default: Any, name: str) -> Any:
    """A setting given as a string (``--set k=v``) converted to its default's type.

    A number for a text setting becomes its text (``--set kernel_sizes=3``), an integer
    for a float setting a float; anything else is left for :func:`check_fields` to judge.

    Raises:
        InputError: The string does not read as that type ("`C` should be a number, got
            'lots'.").

    Example:
        >>> coerce_setting("0.5", 1.0, "C"), coerce_setting("yes", False, "lora")
        (0.5, True)
    """
    if isinstance(default, str) and is_number(value):
        return str(value)
    if isinstance(default, float) and is_int(value):
        return float(value)
    if not isinstance(value, str) or isinstance(default, str) or default is None:
        return value
    if isinstance(default, bool):
        low = value.strip().lower()
        if low not in ("1", "0", "true", "false", "yes", "no"):
            raise InputError(f"`{name}` should be true or false, got {value!r}.")
        return low in ("1", "true", "yes")
    try:
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except ValueError:
        what = "an integer" if isinstance(default, int) else "a number"
        raise InputError(f"`{name}` should be {what}, got {value!r}.") from None
    return value


@dataclass(frozen=True)
class Range:
    """The values a numeric setting allows, declared in its field's ``metadata["range"]``.

    :func:`check_fields` reads it. ``low`` / ``high`` are the bounds (``None``: none), open
    when ``low_open`` / ``high_open``; ``also`` lists values allowed besides (such as 0 for
    "off"), with ``also_means`` saying what they mean.

    Example:
        >>> Range(2, also=(0,), also_means="none").describe()
        'at least 2 (or 0: none)'
    """

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    also: tuple[float, ...] = ()
    also_means: str = ""

    def allows(self, value: float) -> bool:
        """Whether ``value`` is within the range (or one of ``also``)."""
        if value in self.also:
            return True
        if math.isnan(value):
            return False
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return not (self.high is not None
                    and (value >= self.high if self.high_open else value > self.high))

    def describe(self) -> str:
        """The range in words: 'positive', 'at least 0', 'in [0, 1)', ..."""
        if self.low == 0 and self.low_open and self.high is None:
            text = "positive"
        elif self.low is not None and self.high is None:
            text = f"{'more than' if self.low_open else 'at least'} {_num(self.low)}"
        elif self.low is None and self.high is not None:
            text = f"{'less than' if self.high_open else 'at most'} {_num(self.high)}"
        elif self.low is not None and self.high is not None:
            text = (f"in {'(' if self.low_open else '['}{_num(self.low)}, "
                    f"{_num(self.high)}{')' if self.high_open else ']'}")
        else:
            text = "a number"
        if self.also:
            extra = " or ".join(_num(v) for v in self.also)
            text += f" (or {extra}{': ' + self.also_means if self.also_means else ''})"
        return text


#: ``> 0``, ``>= 0`` and ``[0, 1)``: the usual ranges.
POSITIVE = Range(0, low_open=True)
AT_LEAST_0 = Range(0)
FRACTION = Range(0, 1, high_open=True)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


@cache
def _field_kinds(cls: type) -> dict[str, tuple[Any, bool]]:
    """Each field's base type and whether it may be ``None``.

    The base type is int, float, bool, str or a tuple of ``Literal`` choices; ``None`` for
    fields of other types (not checked).
    """
    hints = typing.get_type_hints(cls)
    out: dict[str, tuple[Any, bool]] = {}
    for f in fields(cls):
        hint = hints.get(f.name, Any)
        optional = False
        if typing.get_origin(hint) in (Union, types.UnionType):
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            optional = len(args) < len(typing.get_args(hint))
            hint = args[0] if len(args) == 1 else Any
        if typing.get_origin(hint) is Literal:
            out[f.name] = (tuple(typing.get_args(hint)), optional)
        elif hint in (int, float, bool, str):
            out[f.name] = (hint, optional)
        else:
            out[f.name] = (None, optional)
    return out


def check_fields(obj: Any) -> None:
    """Check every field of a settings dataclass against its type and declared range.

    The one place where a setting's value (from ``--set NAME=VALUE``, a constructor keyword
    or a saved manifest) meets what the field allows: its type (an ``int`` field takes
    integers, a ``float`` field any finite number, a ``bool`` field ``True`` / ``False``, a
    ``str`` field text, a ``Literal`` field one of its choices) and the ``Range`` in its
    ``metadata["range"]``. Runs before any data is read or model is built.

    Raises:
        InputError: "`num_filters` should be positive, got -5.", naming the setting, the
            value and what is allowed.

    Example:
        >>> from dataclasses import dataclass, field
        >>> @dataclass
        ... class S:
        ...     width: int = field(default=8, metadata={"range": POSITIVE})
        >>> check_fields(S(width=-5))
        Traceback (most recent call last):
        ...
        zhtext.errors.InputError: `width` should be positive, got -5.
    """
    check_values(type(obj), {f.name: getattr(obj, f.name) for f in fields(obj)})


def check_values(cls: type, values: Mapping[str, Any]) -> None:
    """:func:`check_fields` on values meant for the settings dataclass ``cls``, before it is made.

    Names that are no field of ``cls`` are left to the dataclass (it refuses them).
    """
    kinds = _field_kinds(cls)
    for f in fields(cls):
        if f.name not in values:
            continue
        value = values[f.name]
        kind, optional = kinds[f.name]
        if value is None and (optional or f.default is None):
            continue
        name = f"`{f.name}`"
        if isinstance(kind, tuple):
            if value not in kind:
                raise InputError(f"{name} should be one of {', '.join(map(str, kind))}, got "
                                 f"{value!r}.")
            continue
        if kind is bool:
            if not isinstance(value, bool):
                raise InputError(f"{name} should be true or false, got {value!r}.")
            continue
        if kind is str:
            if not isinstance(value, (str, PurePath)):
                raise InputError(f"{name} should be text, got {value!r}.")
            continue
        allowed = f.metadata.get("range")
        within = f" ({allowed.describe()})" if allowed is not None else ""
        if kind is int and not is_int(value):
            raise InputError(f"{name} should be an integer{within}, got {value!r}.")
        if kind is float and not (is_number(value) and math.isfinite(value)):
            raise InputError(f"{name} should be a number{within}, got {value!r}.")
        if allowed is not None and is_number(value) and not allowed.allows(value):
            raise InputError(f"{name} should be {allowed.describe()}, got {value}.")


def is_int(value: Any) -> TypeGuard[int]:
    """An integer setting (numpy integers too, as grid searches make them; not ``bool``)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value: Any) -> TypeGuard[float]:
    """A real-valued setting (ints, floats, numpy scalars; not ``bool``)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def json_ready(value: Any) -> Any:
    """A setting as ``zhtext.json`` can hold it.

    numpy numbers become Python numbers, paths strings, tuples lists and sets sorted lists
    (a grid search hands over numpy values; JSON has no tuples).

    Example:
        >>> json_ready({"k_range": (2, 20), "dictionary": PurePath("d.txt")})
        {'k_range': [2, 20], 'dictionary': 'd.txt'}
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(json_ready(v) for v in value)
    return value


def _is_estimator(value: Any) -> bool:
    return (hasattr(value, "get_params") and hasattr(value, "set_params")
            and not isinstance(value, type))


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    try:
        return bool(a == b)
    except Exception:  # arrays and other values without a plain truth value
        return False
