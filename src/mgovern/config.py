"""TOML <-> model, through one cattrs converter; every mistake becomes a ConfigError.

This is the only module that knows the file format. Errors name the file, the key path
(``groups[3].mandate.handles[1].amount_max``) and, for TOML syntax errors, the line.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import tomllib
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import cattrs
import tomli_w
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.v import format_exception

from mgovern import model
from mgovern.exceptions import ConfigError

__all__ = ["converter", "dumps", "example", "load", "loads", "structure"]

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)


# --- scalar hooks -----------------------------------------------------------------------
def _decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, bool):
        raise ConfigError(f"expected an amount, got {value!r}")
    if isinstance(value, (int, str, float)):
        text = str(value).strip().replace(" ", "").replace("_", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ConfigError(
                f'expected an amount such as 3200000 or "1.5", got {value!r}'
            ) from None
        if not amount.is_finite():
            raise ConfigError(f"expected a finite amount, got {value!r}")
        return amount
    raise ConfigError(f"expected an amount, got {type(value).__name__} {value!r}")


def _unstructure_decimal(value: Decimal) -> int | str:
    if value == value.to_integral_value():
        return int(value)
    return str(value)


def _date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ConfigError(f"expected a date (YYYY-MM-DD), got a date-time {value.isoformat()}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"expected a date such as 2026-03-17, got {value!r}")


def _time(value: Any, _: type) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value):
        try:
            return dt.time.fromisoformat(value.zfill(5) if len(value) == 4 else value)
        except ValueError:
            pass
    raise ConfigError(f'expected a time of day such as "09:00", got {value!r}')


def _unstructure_time(value: dt.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _datetime(value: Any, _: type) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"expected a date-time such as 2026-03-11T17:00, got {value!r}")


def _month_day(value: Any, _: type) -> model.MonthDay:
    if isinstance(value, str) and (m := re.fullmatch(r"(\d{2})-(\d{2})", value)):
        return model.MonthDay(int(m.group(1)), int(m.group(2)))
    raise ConfigError(f'expected a yearly day "MM-DD", got {value!r}')


def _date_or_month_day(value: Any, _: type) -> dt.date | model.MonthDay:
    if isinstance(value, str) and re.fullmatch(r"\d{2}-\d{2}", value):
        return _month_day(value, model.MonthDay)
    if isinstance(value, (dt.date, str)):
        return _date(value, dt.date)
    raise ConfigError(f'expected a date YYYY-MM-DD or a yearly day "MM-DD", got {value!r}')


def _strict(kind: type[T], description: str) -> Callable[[Any, type], T]:
    """TOML already types its values; refuse silent coercion (``"12"`` for a number)."""

    def hook(value: Any, _: type) -> T:
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        raise ConfigError(f"expected {description}, got {type(value).__name__} {value!r}")

    return hook


def _enum_hook(cls: type[enum.StrEnum]) -> Callable[[Any, type], Any]:
    def hook(value: Any, _: type) -> Any:
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(repr(m.value) for m in cls)
            raise ConfigError(f"{value!r} is not allowed; use one of {choices}") from None

    return hook


converter.register_structure_hook(Decimal, _decimal)
converter.register_unstructure_hook(Decimal, _unstructure_decimal)
converter.register_structure_hook(dt.date, _date)
converter.register_structure_hook(dt.time, _time)
converter.register_unstructure_hook(dt.time, _unstructure_time)
converter.register_structure_hook(dt.datetime, _datetime)
converter.register_structure_hook(model.MonthDay, _month_day)
converter.register_unstructure_hook(model.MonthDay, str)
converter.register_structure_hook(dt.date | model.MonthDay, _date_or_month_day)
converter.register_unstructure_hook(
    dt.date | model.MonthDay, lambda v: str(v) if isinstance(v, model.MonthDay) else v
)
converter.register_structure_hook(str, _strict(str, "text"))
converter.register_structure_hook(int, _strict(int, "a whole number"))
converter.register_structure_hook(bool, _strict(bool, "true or false"))
for _enum in (
    model.Kind,
    model.Span,
    model.Resolution,
    model.Horizon,
    model.AmountUnit,
    model.CycleKind,
    model.ClosedDayPolicy,
):
    converter.register_structure_hook(_enum, _enum_hook(_enum))
    converter.register_unstructure_hook(_enum, lambda v: v.value)


def _unstructure_frozenset(value: frozenset[Any]) -> list[Any]:
    return sorted(converter.unstructure(v) for v in value)


converter.register_unstructure_hook_func(
    lambda t: t is frozenset or getattr(t, "__origin__", None) is frozenset,
    _unstructure_frozenset,
)


# --- errors -------------------------------------------------------------------------------
def _walk(exc: BaseException, path: str) -> Iterator[tuple[str, BaseException]]:
    """Yield (key path, leaf exception) for every error inside a cattrs error tree."""
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        if isinstance(exc, ClassValidationError):
            with_notes, without = exc.group_exceptions()
        else:
            with_notes, without = exc.group_exceptions()  # type: ignore[assignment]
        for sub, note in with_notes:
            name = getattr(note, "name", None)
            index = getattr(note, "index", None)
            if name is not None:
                sub_path = f"{path}.{name}" if path else str(name)
            else:
                sub_path = f"{path}[{index}]"
            yield from _walk(sub, sub_path)
        for sub in without:
            yield from _walk(sub, path)
    elif isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            yield (f"{path}.{key}" if path else key), exc
    else:
        yield path, exc


def _join(prefix: str, suffix: str) -> str:
    if not prefix:
        return suffix
    if not suffix:
        return prefix
    return f"{prefix}{suffix}" if suffix.startswith("[") else f"{prefix}.{suffix}"


def _to_config_error(exc: BaseException, source: str | None) -> ConfigError:
    path, leaf = next(_walk(exc, ""))
    if isinstance(leaf, ConfigError):
        return ConfigError(leaf.message, path=_join(path, leaf.path), source=source)
    if isinstance(leaf, ForbiddenExtraKeysError):
        cls = getattr(leaf, "cl", None)
        allowed = ""
        if cls is not None and hasattr(cls, "__attrs_attrs__"):
            names = [a.name for a in cls.__attrs_attrs__ if a.init]
            allowed = f"; allowed keys here: {', '.join(names)}"
        return ConfigError(
            f"unknown key: remove it or correct its spelling{allowed}", path=path, source=source
        )
    if isinstance(leaf, KeyError):
        return ConfigError("required key is missing: add it", path=path, source=source)
    message = format_exception(leaf, None) if not isinstance(leaf, TypeError) else str(leaf)
    if "not iterable" in message or "must be iterable" in message:
        return ConfigError("expected a list [...] here", path=path, source=source)
    if isinstance(leaf, (AttributeError, TypeError)) and (
        "Mapping" in message or "items" in message or "keys" in message
    ):
        return ConfigError("expected a table {...} here", path=path, source=source)
    if isinstance(leaf, TypeError) and "missing" in message and "required" in message:
        missing = re.findall(r"'(\w+)'", message)
        key = _join(path, missing[0]) if missing else path
        return ConfigError("required key is missing: add it", path=key, source=source)
    return ConfigError(f"{message}; correct the value", path=path, source=source)


def structure(data: Any, cls: type[T], *, source: str | None = None) -> T:
    """Structure plain data into ``cls``; any mistake becomes one ConfigError."""
    try:
        result: T = converter.structure(data, cls)
    except ConfigError as exc:
        raise (exc.located(source) if source else exc) from None
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
        raise _to_config_error(exc, source) from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ConfigError(f"cannot read this value: {exc}", source=source) from None
    return result


# --- public API --------------------------------------------------------------------------
_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def loads(text: str, *, source: str = "<string>") -> model.Organization:
    """Read an organisation from TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = None
        if match := _LINE.search(message):
            line = int(match.group(1))
            message = _LINE.sub("", message).strip()
        raise ConfigError(
            f"TOML syntax error: {message}; fix the syntax there", source=source, line=line
        ) from None
    return structure(data, model.Organization, source=source)


def load(path: str | Path) -> model.Organization:
    """Read an organisation from a TOML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found: check the path", source=str(path)) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a TOML file", source=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text: save it as UTF-8", source=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", source=str(path)) from None
    return loads(text, source=str(path))


def dumps(org: model.Organization) -> str:
    """Write an organisation as TOML that :func:`loads` reads back to an equal one."""
    return tomli_w.dumps(converter.unstructure(org))


def example() -> model.Organization:
    """The embedded example: Exploateringskontoret, Stockholms stad, and its board."""
    text = (
        resources.files("mgovern.examples")
        .joinpath("exploateringskontoret.toml")
        .read_text(encoding="utf-8")
    )
    return loads(text, source="<embedded example>")
