"""TOML <-> model, through one cattrs converter; every mistake becomes a ConfigError.

This is the only module that knows the file format. Errors name the file, the key path
(``groups[3].mandate.handles[1].amount_max``) and, for TOML syntax errors, the line.

Reading an organisation is one path, whatever reads it (``load``, ``loads``, ``mgovern
validate``, ``check``, ``calendars``): the text is measured before it is parsed (size and
nesting, :func:`read_toml`), the converter checks each value's type, the model's
classes check each value and every reference, and the closed-day plugins check what they
read (:func:`check_with_plugins`). Whatever passes can be scheduled, checked and
published; what a window adds (a rule that misses a short window, too many meetings in a
long one) is checked where the window is given.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import tomllib
from collections.abc import Callable, Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_origin

import attrs
import cattrs
import tomli_w
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn
from cattrs.v import format_exception

from mgovern import model
from mgovern.bounds import MAX_FILE_BYTES, MAX_NESTING, parse_amount
from mgovern.exceptions import ConfigError, quote

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "check_with_plugins",
    "converter",
    "describe",
    "dumps",
    "example",
    "load",
    "loads",
    "matter_json",
    "read_file",
    "read_toml",
    "register_choices",
    "structure",
]

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)


# --- what was given -----------------------------------------------------------------------
def describe(value: object) -> str:
    """A TOML value as an error names it: ``text 'ola'``, ``a whole number 4``, ``a table``."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (true or false)"
    if isinstance(value, int):
        return f"a whole number {quote(value)}"
    if isinstance(value, float):
        return f"a decimal number {value!r}"
    if isinstance(value, str):
        return f"text {quote(value)}"
    if isinstance(value, dt.datetime):
        return f"a date-time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"a date {value.isoformat()}"
    if isinstance(value, dt.time):
        return f"a time {value.isoformat()}"
    if isinstance(value, dict):
        return "a table {...}"
    if isinstance(value, list):
        return f"a list of {len(value)}" if value else "an empty list"
    return quote(value)


# --- scalar hooks -----------------------------------------------------------------------
def _decimal(value: Any, _: type) -> Decimal:
    return parse_amount(value)


def _unstructure_decimal(value: Decimal) -> int | str:
    if value == value.to_integral_value():
        return int(value)
    return str(value)


def _date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ConfigError(f"expected a date (YYYY-MM-DD), got a date-time {value.isoformat()}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) <= 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"expected a date such as 2026-03-17, got {describe(value)}")


def _time(value: Any, _: type) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value):
        try:
            return dt.time.fromisoformat(value.zfill(5) if len(value) == 4 else value)
        except ValueError:
            pass
    raise ConfigError(f'expected a time of day such as "09:00", got {describe(value)}')


def _unstructure_time(value: dt.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _datetime(value: Any, _: type) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value) <= 40:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(f"expected a date-time such as 2026-03-11T17:00, got {describe(value)}")


def _month_day(value: Any, _: type) -> model.MonthDay:
    if isinstance(value, str) and (m := re.fullmatch(r"(\d{2})-(\d{2})", value)):
        return model.MonthDay(int(m.group(1)), int(m.group(2)))
    raise ConfigError(f'expected a yearly day "MM-DD", got {describe(value)}')


def _date_or_month_day(value: Any, _: type) -> dt.date | model.MonthDay:
    if isinstance(value, str) and re.fullmatch(r"\d{2}-\d{2}", value):
        return _month_day(value, model.MonthDay)
    if isinstance(value, (dt.date, str)):
        return _date(value, dt.date)
    raise ConfigError(f'expected a date YYYY-MM-DD or a yearly day "MM-DD", got {describe(value)}')


def _strict(kind: type[T], description: str) -> Callable[[Any, type], T]:
    """TOML already types its values; refuse silent coercion (``"12"`` for a number)."""

    def hook(value: Any, _: type) -> T:
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        hint = ""
        if isinstance(value, list) and kind is str:
            hint = ": give one value, not a list"
        raise ConfigError(f"expected {description}, got {describe(value)}{hint}")

    return hook


def _enum_hook(cls: type[enum.StrEnum]) -> Callable[[Any, type], Any]:
    def hook(value: Any, _: type) -> Any:
        choices = ", ".join(repr(m.value) for m in cls)
        if not isinstance(value, str):
            raise ConfigError(f"expected one of {choices}, got {describe(value)}")
        try:
            return cls(value)
        except ValueError:
            raise ConfigError(f"{quote(value)} is not allowed; use one of {choices}") from None

    return hook


# --- lists and tables ---------------------------------------------------------------------
def _what(kind: Any) -> str:
    """How an error names what a key holds."""
    if attrs.has(kind):
        return "tables"
    if kind is str:
        return 'texts ["..."]'
    return "values"


def _toml_header(path: str) -> str:
    """``groups[1].mandate.handles`` -> ``groups.mandate.handles`` (how a header names it)."""
    return re.sub(r"\[\d+\]", "", path)


class _TableForList(ConfigError):
    """A table where a list of tables belongs: ``[x]`` written for ``[[x]]``."""


def _sequence_hook(kind: Any) -> Callable[[Any, type], Any]:
    """Lists (tuple, frozenset): a list and nothing else, never text split into letters."""
    container: Callable[[list[Any]], Any] = frozenset if get_origin(kind) is frozenset else tuple
    element = get_args(kind)[0] if get_args(kind) else Any

    def hook(value: Any, _: type) -> Any:
        if not isinstance(value, list):
            if isinstance(value, dict) and attrs.has(element):
                raise _TableForList("")
            hint = ""
            if isinstance(value, str) and element is str:
                short = value if len(value) <= 30 and value.isprintable() else "..."
                hint = f': write ["{short}"]' if '"' not in short else ": write [...]"
            raise ConfigError(f"expected a list of {_what(element)}, got {describe(value)}{hint}")
        items = []
        for index, entry in enumerate(value):
            try:
                items.append(converter.structure(entry, element))
            except ConfigError as exc:
                raise type(exc)(exc.message, path=_join(f"[{index}]", exc.path)) from None
            except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
                error = _to_config_error(exc, None)
                raise type(error)(error.message, path=_join(f"[{index}]", error.path)) from None
        return container(items)

    return hook


def _table_hook(cls: type[Any]) -> Callable[[Any, type], Any]:
    """A table (an attrs class): a TOML table and nothing else."""
    inner = make_dict_structure_fn(cls, converter)
    keys = ", ".join(a.alias for a in attrs.fields(cls) if a.init)

    def hook(value: Any, _: type) -> Any:
        if not isinstance(value, dict):
            raise ConfigError(f"expected a table {{...}} with keys {keys}; got {describe(value)}")
        return inner(value, cls)

    return hook


def _mapping_hook(kind: Any) -> Callable[[Any, type], Any]:
    key_type, value_type = get_args(kind)

    def hook(value: Any, _: type) -> Any:
        if not isinstance(value, dict):
            raise ConfigError(f"expected a table {{...}}, got {describe(value)}")
        result = {}
        for key, entry in value.items():
            try:
                result[converter.structure(key, key_type)] = converter.structure(entry, value_type)
            except ConfigError as exc:
                raise ConfigError(exc.message, path=_join(_shown_key(str(key)), exc.path)) from None
        return result

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


def _is_sequence(kind: Any) -> bool:
    return get_origin(kind) in (tuple, frozenset, list)


def _is_mapping(kind: Any) -> bool:
    return get_origin(kind) is dict


converter.register_structure_hook_factory(_is_sequence, _sequence_hook)
converter.register_structure_hook_factory(_is_mapping, _mapping_hook)
converter.register_structure_hook_factory(attrs.has, _table_hook)
for _enum in (
    model.Kind,
    model.Span,
    model.Resolution,
    model.Horizon,
    model.AmountUnit,
    model.CycleKind,
    model.ClosedDayPolicy,
    model.Quorum,
):
    converter.register_structure_hook(_enum, _enum_hook(_enum))
    converter.register_unstructure_hook(_enum, lambda v: v.value)


def register_choices(*choices: type[enum.StrEnum]) -> None:
    """Read these text choices (enums of a capability above the foundation, such as the
    meeting record's) as the model's are: a text among the values, or one line naming
    them. A text choice is otherwise read as any text (it is a ``str``)."""
    for choice in choices:
        converter.register_structure_hook(choice, _enum_hook(choice))
        converter.register_unstructure_hook(choice, lambda v: v.value)


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
        return type(leaf)(leaf.message, path=_join(path, leaf.path), source=source)
    if isinstance(leaf, ForbiddenExtraKeysError):
        cls = getattr(leaf, "cl", None)
        allowed = ""
        if cls is not None and hasattr(cls, "__attrs_attrs__"):
            names = [a.alias for a in cls.__attrs_attrs__ if a.init]
            allowed = f"; allowed keys here: {', '.join(names)}"
        return ConfigError(
            f"unknown key: remove it or correct its spelling{allowed}",
            path=_shown_key(path),
            source=source,
        )
    if isinstance(leaf, KeyError):
        return ConfigError("required key is missing: add it", path=path, source=source)
    message = format_exception(leaf, None) if not isinstance(leaf, TypeError) else str(leaf)
    if isinstance(leaf, TypeError) and "missing" in message and "required" in message:
        missing = re.findall(r"'(\w+)'", message)
        key = _join(path, missing[0]) if missing else path
        return ConfigError("required key is missing: add it", path=key, source=source)
    return ConfigError(
        f"cannot read this value ({type(leaf).__name__}): correct it", path=path, source=source
    )


def _shown_key(path: str) -> str:
    """A key path with an unknown key the user wrote: printable and short."""
    head, _, key = path.rpartition(".")
    if len(key) <= 40 and key.isprintable():
        return path
    shown = quote(key, 30)
    return f"{head}.{shown}" if head else shown


def _finish(error: ConfigError, source: str | None) -> ConfigError:
    """The error as it leaves: located in its file, a table for a list named as such."""
    if isinstance(error, _TableForList):
        header = _toml_header(error.path)
        return ConfigError(
            f"expected a list of tables, got one table: write [[{header}]] (double brackets) "
            f"above each entry, or {header.rpartition('.')[2]} = [{{ ... }}]",
            path=error.path,
            source=source,
        )
    return error.located(source) if source else error


def structure(data: Any, cls: type[T], *, source: str | None = None) -> T:
    """Structure plain data into ``cls``; any mistake becomes one ConfigError."""
    try:
        result: T = converter.structure(data, cls)
    except ConfigError as exc:
        raise _finish(exc, source) from None
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
        raise _finish(_to_config_error(exc, None), source) from None
    return result


# --- reading TOML ----------------------------------------------------------------------
_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")
# Strings and comments, where brackets and points are text, not structure (each pattern
# an unrolled loop: a run of plain characters at a time).
_TEXT = re.compile(
    r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*""""{0,2}'
    r"|'''[^']*(?:'(?!'')[^']*)*''''{0,2}"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
)
_FRACTION = re.compile(r"[0-9][0-9_]*\.[0-9]")  # a number's point is no key separator
_BRACKETS = re.compile(r"[\[{]+|[\]}]+")
_BRACKET = re.compile(r"[\[\]{}]")
_INNERMOST = re.compile(r"\[[^\[\]{}]*\]|\{[^\[\]{}]*\}")


def _nesting(text: str) -> tuple[int, str] | None:
    """The line of the first place nested deeper than MAX_NESTING and what is wrong there,
    or None.

    Counts arrays and inline tables open at once, and the parts of a dotted key on one
    line, outside strings and comments; cheap (a few regular expressions over the text),
    and before ``tomllib`` recurses into it.
    """
    if _too_deep(_TEXT.sub("", text)) is None:
        return None
    # found: again, keeping the line breaks of multi-line strings, for the line number
    return _too_deep(_TEXT.sub(lambda m: "\n" * m.group().count("\n"), text))


def _too_deep(bare: str) -> tuple[int, str] | None:
    lines = _FRACTION.sub("0", bare).split("\n")
    dots = [line.count(".") for line in lines]
    if max(dots, default=0) >= MAX_NESTING:
        number = next(i for i, n in enumerate(dots) if n >= MAX_NESTING)
        return number + 1, f"a dotted key of {dots[number] + 1:,} parts"
    # Take away the innermost pairs of brackets, level by level: a real file is empty of
    # them after a few rounds; only a deep (or unbalanced) one is counted bracket by bracket.
    rest = bare
    for _ in range(MAX_NESTING):
        rest, found = _INNERMOST.subn("", rest)
        if not found:
            break
    if not _BRACKET.search(rest):
        return None
    depth = 0
    for run in _BRACKETS.finditer(bare):
        if run.group()[0] in "[{":
            depth += len(run.group())
            if depth > MAX_NESTING:
                return bare.count("\n", 0, run.start()) + 1, "arrays and tables nested deeper"
        else:
            depth = max(0, depth - len(run.group()))
    return None


def read_toml(text: str, *, source: str = "<string>") -> dict[str, Any]:
    """TOML text as data, within the bounds: at most MAX_FILE_BYTES, nesting at most
    MAX_NESTING deep (checked before parsing), a byte-order mark ignored."""
    text = text.removeprefix("\ufeff")  # Notepad saves UTF-8 with a byte-order mark
    if len(text) > MAX_FILE_BYTES:
        raise ConfigError(
            f"is {len(text):,} characters long; files are at most {MAX_FILE_BYTES:,} bytes",
            source=source,
        )
    deep = _nesting(text)
    if deep is not None:
        raise ConfigError(
            f"{deep[1]} than {MAX_NESTING} levels: at most {MAX_NESTING} are allowed"
            if deep[1].startswith("arrays")
            else f"{deep[1]}: at most {MAX_NESTING} are allowed",
            source=source,
            line=deep[0],
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = None
        if match := _LINE.search(message):
            line = int(match.group(1))
            message = _LINE.sub("", message).strip()
        raise ConfigError(
            f"TOML syntax error: {message}; fix the syntax there", source=source, line=line
        ) from None
    except ValueError:  # tomllib reading an integer of thousands of digits
        raise ConfigError(
            "a number has too many digits: whole numbers are at most 64-bit", source=source
        ) from None


def read_file(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes, at most ``limit`` of them (never more is read: not from a device or
    a pipe either); a ConfigError for a file that is missing, a folder or too large."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise ConfigError("file not found: check the path", source=str(path)) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a file", source=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None
    if len(data) > limit:
        raise ConfigError(
            f"is larger than {limit:,} bytes, the most mgovern reads: split it",
            source=str(path),
        )
    return data


# --- public API --------------------------------------------------------------------------
def loads(
    text: str, *, source: str = "<string>", pm: pluggy.PluginManager | None = None
) -> model.Organization:
    """Read an organisation from TOML text.

    :param pm: the plugin manager whose closed-day plugins judge ``closed_days``
        (default: the installed plugins).
    """
    org = structure(read_toml(text, source=source), model.Organization, source=source)
    check_with_plugins(org, source=source, pm=pm)
    return org


def load(path: str | Path, *, pm: pluggy.PluginManager | None = None) -> model.Organization:
    """Read an organisation from a TOML file (UTF-8, with or without a byte-order mark)."""
    path = Path(path)
    try:
        text = read_file(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text: save it as UTF-8", source=str(path)) from None
    return loads(text, source=str(path), pm=pm)


def check_with_plugins(
    org: model.Organization, *, source: str | None = None, pm: pluggy.PluginManager | None = None
) -> None:
    """Let the closed-day plugins judge the ``closed_days`` they read (unknown regions and
    ``include`` names), so that a mistake there is found when the file is read, with the
    file's name, not when a calendar is first made.

    The plugins are asked for one day's closed days: a plugin raises ConfigError (with a
    path such as ``closed_days.include[1]``) for a name it does not know.
    """
    from mgovern.clock import today as clock_today
    from mgovern.plugins import plugin_manager

    manager = pm or plugin_manager()
    asked = [(org, "")]
    law = org.legal_periods.closed_days
    if law != model.LegalPeriods().closed_days:  # the legal periods' own, if not the law's
        asked.append((attrs.evolve(org, closed_days=law), "legal_periods."))
    today = clock_today()
    for one, prefix in asked:
        if not (one.closed_days.regions or one.closed_days.include):
            continue
        try:  # the hook itself: the calendars, which merge its days, sit above config
            for _ in manager.hook.mgovern_closed_days(org=one, start=today, end=today):
                pass
        except ConfigError as exc:
            where = exc.source or source
            raise ConfigError(
                exc.message, path=prefix + exc.path, source=where, line=exc.line
            ) from None


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


def matter_json(matter: model.Matter) -> dict[str, Any]:
    """A matter as a JSON object (the amount as an exact decimal string)."""
    return {
        "category": matter.category,
        "amount": f"{matter.amount:f}" if matter.amount is not None else None,
        "units": list(matter.units),
        "flags": sorted(matter.flags),
        "year": matter.year,
    }
