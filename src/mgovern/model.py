"""The domain model: frozen attrs classes, no behaviour beyond lookups.

An :class:`Organization` holds everything: the vocabularies (categories, flags, roles),
people, the tree of groups with their mandates and meeting cycles, base amounts and the
criteria that make a matter strategic. Building one checks every cross-reference and that
the groups form a tree, so a program holding an ``Organization`` can rely on it.

Behaviour (routing, coverage, occurrences, agendas) lives in plain functions in the
other modules; serialization lives only in :mod:`mgovern.config`.

Why one module of 1178 lines: the model is one vocabulary of frozen classes whose validators
check references between each other (an ``Organization`` checks every one of them);
DESIGN.md describes it as one.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs
from attrs import field, frozen

from mgovern import bounds, timezones
from mgovern.bounds import check_amount, check_text
from mgovern.exceptions import ConfigError, UnknownReferenceError, listing, quote
from mgovern.recurrence import (
    PHASE_ANCHOR,
    first_instance,
    parse_rule,
    until_in_zone,
    validate_rrule,
)

__all__ = [
    "AgendaItem",
    "AgendaTemplate",
    "AmountUnit",
    "Anchor",
    "BaseAmount",
    "Blackout",
    "Category",
    "ClosedDay",
    "ClosedDayPolicy",
    "ClosedDays",
    "Cycle",
    "CycleKind",
    "Deadline",
    "DocumentSettings",
    "Flag",
    "Group",
    "Horizon",
    "Kind",
    "LegalPeriods",
    "Limits",
    "Mandate",
    "Matter",
    "MeetingRules",
    "MonthDay",
    "Organization",
    "Person",
    "Quorum",
    "ReportingSettings",
    "Resolution",
    "Role",
    "ScopeClause",
    "Span",
    "StrategicCriterion",
    "TemplateItem",
]

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
#: Ids Windows refuses as file names (with any extension): ids become file names.
RESERVED_IDS = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        *(f"com{i}" for i in range(1, 10)),
        *(f"lpt{i}" for i in range(1, 10)),
    }
)
#: The languages of generated text; a locale is one of them, optionally with a region
#: (``sv-SE``, ``en_GB``) and an encoding (``sv_SE.UTF-8``).
LOCALES = ("sv", "en")
_LOCALE = re.compile(
    r"(?P<language>[A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})?(?:\.[A-Za-z0-9-]{1,20})?"
)
_ZONE = re.compile(r"[A-Za-z0-9_+-]{1,30}(?:/[A-Za-z0-9_+-]{1,30}){0,3}")
_EMAIL = re.compile(r'[^\s@"<>()\[\],;:\\]+@[^\s@"<>()\[\],;:\\]+')
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: ``decided_by`` value meaning "the group decides as a body".
GROUP_DECIDES = "group"


class Kind(enum.StrEnum):
    """What an agenda item asks of the meeting."""

    DECISION = "decision"
    DISCUSSION = "discussion"
    INFORMATION = "information"
    FOLLOW_UP = "follow-up"


class Span(enum.StrEnum):
    """How a matter's units sit relative to a group.

    ``own``: the matter stays at the group's own level or inside one branch below it;
    ``multi``: it touches two or more of the group's child branches; ``any``: either.
    """

    OWN = "own"
    MULTI = "multi"
    ANY = "any"


class Resolution(enum.StrEnum):
    """How an organisation resolves a matter with several home groups."""

    LOWEST = "lowest"  # subsidiarity: the lowest group on the chain wins
    STRICT = "strict"  # two homes is an error


class Horizon(enum.StrEnum):
    STRATEGIC = "strategic"
    OPERATIVE = "operative"


class AmountUnit(enum.StrEnum):
    """The unit of a clause's amount bounds."""

    CURRENCY = "currency"
    BASE = "base"  # multiples of the organisation's base amount (e.g. prisbasbelopp)


class CycleKind(enum.StrEnum):
    TACTICAL = "tactical"
    STRATEGIC = "strategic"
    FOLLOW_UP = "follow-up"
    PLANNING = "planning"
    BOARD = "board"


class ClosedDayPolicy(enum.StrEnum):
    """What happens to an occurrence that falls on a closed day."""

    SKIP = "skip"
    PREVIOUS_WORKING_DAY = "previous-working-day"
    NEXT_WORKING_DAY = "next-working-day"


def _check_id(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if len(value) > bounds.MAX_ID_LENGTH:
        raise ConfigError(
            f"{quote(value, 30)} is too long for an id: at most {bounds.MAX_ID_LENGTH} "
            "characters (ids become file names)",
            path=attribute.name,
        )
    if not ID_PATTERN.fullmatch(value):
        raise ConfigError(
            f"{quote(value)} is not a valid id: use lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit",
            path=attribute.name,
        )
    if value in RESERVED_IDS:
        raise ConfigError(
            f"{value!r} is a device name Windows refuses as a file name: choose another id",
            path=attribute.name,
        )


def _line(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """One-line text: no control characters, at most MAX_LINE_LENGTH characters."""
    problem = check_text(value) if value else None
    if problem is not None:
        raise ConfigError(problem, path=attribute.name)


def _prose(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Text that may have line breaks and tabs."""
    problem = check_text(value, prose=True) if value else None
    if problem is not None:
        raise ConfigError(problem, path=attribute.name)


def _texts(*, prose: bool = False) -> Any:
    def check(_: Any, attribute: attrs.Attribute[Any], values: Iterable[str]) -> None:
        for index, value in enumerate(values):
            problem = check_text(value, prose=prose)
            if problem is not None:
                raise ConfigError(problem, path=f"{attribute.name}[{index}]")

    return check


def _check_email(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    if not value:
        return
    problem = check_text(value)
    if problem is None and (len(value) > bounds.MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(value)):
        problem = f"{quote(value, 30)} is not an e-mail address such as 'anna.berg@example.se'"
    if problem is not None:
        raise ConfigError(problem, path=attribute.name)


def _check_amount(_: Any, attribute: attrs.Attribute[Any], value: Decimal | None) -> None:
    problem = check_amount(value) if value is not None else None
    if problem is not None:
        raise ConfigError(problem, path=attribute.name)


def _in_range(low: int, high: int) -> Any:
    def check(_: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None and not low <= value <= high:
            raise ConfigError(f"must be {low}..{high}, got {quote(value)}", path=attribute.name)

    return check


_check_year = _in_range(bounds.FIRST_YEAR, bounds.LAST_YEAR)


def _date_problem(value: object) -> str | None:
    if isinstance(value, dt.date) and not bounds.FIRST_YEAR <= value.year <= bounds.LAST_YEAR:
        return (
            f"{value.isoformat()} is outside the years {bounds.FIRST_YEAR}..{bounds.LAST_YEAR}: "
            "correct the date"
        )
    return None


def _check_date(_: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    problem = _date_problem(value)
    if problem is not None:
        raise ConfigError(problem, path=attribute.name)


def _check_dates(_: Any, attribute: attrs.Attribute[Any], values: Iterable[dt.date]) -> None:
    for index, value in enumerate(values):
        problem = _date_problem(value)
        if problem is not None:
            raise ConfigError(problem, path=f"{attribute.name}[{index}]")


def _to_amount(value: Decimal | int | str | None) -> Decimal | None:
    """Money is exact: Decimal, int or a numeric string (read by
    :func:`mgovern.bounds.parse_amount`); a float is refused."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, (bool, float)):
        raise TypeError(
            f"amount {value!r}: give a Decimal, an int or a string such as '3200000.50' "
            "(floats are not exact)"
        )
    return bounds.parse_amount(value)


def _check_timezone(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    try:
        if not _ZONE.fullmatch(value):
            raise ValueError(value)
        timezones.zone(value)  # the tzdata package, as everywhere
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ConfigError(
            f"unknown time zone {quote(value)}: use an IANA name such as 'Europe/Stockholm'",
            path=attribute.name,
        ) from None


def language(locale: str) -> str:
    """The language of generated text for ``locale`` (``sv-SE``, ``en_GB``, …): one of
    :data:`LOCALES`, Swedish for every Swedish locale and English otherwise."""
    return "sv" if locale.lower().startswith("sv") else "en"


def _check_locale(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    match = _LOCALE.fullmatch(value)
    if match is None or match["language"].lower() not in LOCALES:
        raise ConfigError(
            f"unknown locale {quote(value)}: use 'sv' (Swedish) or 'en' (English), optionally "
            "with a region such as 'sv-SE' or 'en_GB'",
            path=attribute.name,
        )


def _unique(what: str, ids: Iterable[str], path: str) -> None:
    seen: set[str] = set()
    for index, ident in enumerate(ids):
        if ident in seen:
            raise ConfigError(
                f"duplicate {what} id {quote(ident)}: every {what} needs an id of its own",
                path=f"{path}[{index}].id",
            )
        seen.add(ident)


@frozen
class Category:
    """A kind of matter, e.g. ``fastighetsforsaljning``; keywords help classify titles."""

    id: str = field(validator=_check_id)
    name: str = field(validator=_line)
    keywords: tuple[str, ...] = field(default=(), kw_only=True, validator=_texts())
    description: str = field(default="", kw_only=True, validator=_prose)


@frozen
class Flag:
    """A yes/no property of a matter that rules can require or forbid (e.g. ``principiell``)."""

    id: str = field(validator=_check_id)
    name: str = field(validator=_line)
    description: str = field(default="", kw_only=True, validator=_prose)


@frozen
class Role:
    """A decision-maker role (board, director, head of division, ...)."""

    id: str = field(validator=_check_id)
    name: str = field(validator=_line)


@frozen
class BaseAmount:
    """The base amount (e.g. prisbasbelopp) in force for a calendar year."""

    year: int = field(validator=_check_year)
    amount: Decimal = field(validator=_check_amount)

    def __attrs_post_init__(self) -> None:
        if self.amount == 0:
            raise ConfigError("a base amount must be above 0", path="amount")


@frozen
class Person:
    id: str = field(validator=_check_id)
    name: str = field(validator=_line)
    email: str = field(default="", kw_only=True, validator=_check_email)
    title: str = field(default="", kw_only=True, validator=_line)
    roles: tuple[str, ...] = field(default=(), kw_only=True)


@frozen
class ScopeClause:
    """One rule of a mandate: which matters it covers and who decides them.

    A clause matches a matter when every condition holds: the category is listed (or
    ``categories`` is empty: all), the amount lies in ``[amount_min, amount_max)`` (a
    clause with a bound matches only matters that have an amount), the span fits and
    every required flag is present and no forbidden flag is.

    A ``fallback`` clause (a deliberate catch-all) only counts when no regular clause of
    any group gives the matter a home; it never overlaps, and ``check`` lists the matters
    it catches, so a catch-all cannot hide a hole in the rules.
    """

    id: str = field(validator=_check_id)
    categories: frozenset[str] = field(default=frozenset(), kw_only=True)
    amount_min: Decimal | None = field(default=None, kw_only=True, validator=_check_amount)
    amount_max: Decimal | None = field(default=None, kw_only=True, validator=_check_amount)
    amount_unit: AmountUnit = field(default=AmountUnit.CURRENCY, kw_only=True)
    span: Span = field(default=Span.ANY, kw_only=True)
    flags_required: frozenset[str] = field(default=frozenset(), kw_only=True)
    flags_forbidden: frozenset[str] = field(default=frozenset(), kw_only=True)
    decided_by: str = field(default=GROUP_DECIDES, kw_only=True)
    fallback: bool = field(default=False, kw_only=True)
    note: str = field(default="", kw_only=True, validator=_prose)

    def __attrs_post_init__(self) -> None:
        if (
            self.amount_min is not None
            and self.amount_max is not None
            and self.amount_min >= self.amount_max
        ):
            raise ConfigError(
                f"amount_min ({self.amount_min}) must be below amount_max ({self.amount_max}); "
                "the range is [amount_min, amount_max)",
                path="amount_max",
            )
        both = self.flags_required & self.flags_forbidden
        if both:
            raise ConfigError(
                f"flag(s) {', '.join(sorted(both))} both required and forbidden: "
                "the clause could never match",
                path="flags_forbidden",
            )

    @property
    def has_amount_range(self) -> bool:
        return self.amount_min is not None or self.amount_max is not None


@frozen
class Mandate:
    """What a group is for, and the decision scope: ``handles`` minus ``excludes``."""

    purpose: str = field(default="", validator=_prose)
    responsibilities: tuple[str, ...] = field(default=(), validator=_texts(prose=True))
    handles: tuple[ScopeClause, ...] = ()
    excludes: tuple[ScopeClause, ...] = ()


@frozen
class MonthDay:
    """A day that recurs every year (``"07-01"``)."""

    month: int = field(validator=_in_range(1, 12))
    day: int = field(validator=_in_range(1, 31))

    def __attrs_post_init__(self) -> None:
        try:
            dt.date(2000, self.month, self.day)  # a leap year admits 02-29
        except ValueError:
            raise ConfigError(f"{self} is not a day of the year", path="day") from None

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


@frozen
class Blackout:
    """Days without meetings: a fixed range of dates, or the same range every year."""

    name: str = field(validator=_line)
    start: dt.date | MonthDay = field(validator=_check_date)
    end: dt.date | MonthDay = field(validator=_check_date)

    def __attrs_post_init__(self) -> None:
        if type(self.start) is not type(self.end):
            raise ConfigError(
                "start and end must both be dates (YYYY-MM-DD) or both yearly days (MM-DD)",
                path="end",
            )
        if (
            isinstance(self.start, dt.date)
            and isinstance(self.end, dt.date)
            and self.end < self.start
        ):
            raise ConfigError(f"end {self.end} is before start {self.start}", path="end")

    def covers(self, day: dt.date) -> bool:
        if isinstance(self.start, dt.date) and isinstance(self.end, dt.date):
            return self.start <= day <= self.end
        assert isinstance(self.start, MonthDay)
        assert isinstance(self.end, MonthDay)
        key = (day.month, day.day)
        lo, hi = (self.start.month, self.start.day), (self.end.month, self.end.day)
        return lo <= key <= hi if lo <= hi else key >= lo or key <= hi


@frozen
class ClosedDays:
    """Which public-holiday calendars close the organisation (read by plugins)."""

    regions: tuple[str, ...] = field(default=(), validator=_texts())
    #: optional extra days a plugin knows, e.g. "midsommarafton"
    include: tuple[str, ...] = field(default=(), validator=_texts())


@frozen(order=True)
class ClosedDay:
    """A day the organisation does not meet, with the reason people will read."""

    date: dt.date
    name: str


@frozen
class Anchor:
    """Dates derived from another cycle: ``days_before`` each of its meetings, then back to
    the nearest ``weekday`` on or before that day (``"tuesday three weeks before each
    board meeting"`` is ``cycle="namnd.sammantrade", days_before=21, weekday="tuesday"``).
    """

    cycle: str  # "group.cycle"
    days_before: int = field(default=0, validator=_in_range(0, bounds.MAX_DAYS_BEFORE))
    weekday: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.weekday is not None and self.weekday not in WEEKDAYS:
            raise ConfigError(
                f"{quote(self.weekday)} is not a weekday; use one of {', '.join(WEEKDAYS)}",
                path="weekday",
            )


@frozen
class Deadline:
    """A lead time before a meeting: ``days_before`` at ``time`` local time."""

    days_before: int = field(validator=_in_range(0, bounds.MAX_DAYS_BEFORE))
    time: dt.time = dt.time(17, 0)


@frozen
class Cycle:
    """A recurring (or dated) meeting series of a group.

    Exactly one of ``rule`` (friendly form), ``rrule`` (RFC 5545), ``dates`` or
    ``anchor`` says when it meets.
    """

    id: str = field(validator=_check_id)
    name: str = field(validator=_line)
    kind: CycleKind = field(default=CycleKind.TACTICAL, kw_only=True)
    rule: str | None = field(default=None, kw_only=True)
    rrule: str | None = field(default=None, kw_only=True)
    dates: tuple[dt.date, ...] = field(default=(), kw_only=True, validator=_check_dates)
    anchor: Anchor | None = field(default=None, kw_only=True)
    skip_months: frozenset[int] = field(default=frozenset(), kw_only=True)
    time: dt.time = field(default=dt.time(9, 0), kw_only=True)
    duration: int = field(default=60, kw_only=True, validator=_in_range(1, bounds.MAX_MINUTES))
    location: str = field(default="", kw_only=True, validator=_line)
    first: dt.date | None = field(default=None, kw_only=True, validator=_check_date)
    last: dt.date | None = field(default=None, kw_only=True, validator=_check_date)
    closed_days: ClosedDayPolicy = field(default=ClosedDayPolicy.SKIP, kw_only=True)
    blackouts: tuple[Blackout, ...] = field(default=(), kw_only=True)
    agenda_deadline: Deadline | None = field(default=None, kw_only=True)
    notice: Deadline | None = field(default=None, kw_only=True)
    accepts_horizons: frozenset[Horizon] = field(default=frozenset(), kw_only=True)
    accepts_kinds: frozenset[Kind] = field(default=frozenset(), kw_only=True)
    description: str = field(default="", kw_only=True, validator=_prose)

    def __attrs_post_init__(self) -> None:
        given = [
            name
            for name, value in (
                ("rule", self.rule),
                ("rrule", self.rrule),
                ("dates", self.dates),
                ("anchor", self.anchor),
            )
            if value
        ]
        if len(given) != 1:
            raise ConfigError(
                "a cycle needs exactly one of rule, rrule, dates or anchor"
                + (f" (found {', '.join(given)})" if given else ""),
                path="rule",
            )
        try:
            if self.rule or self.rrule:
                _recurrence(self)
        except ValueError as exc:
            raise ConfigError(str(exc), path="rule" if self.rule else "rrule") from None
        bad_months = sorted(m for m in self.skip_months if not 1 <= m <= 12)
        if bad_months:
            raise ConfigError(
                f"months must be 1..12, got {quote(bad_months[0])}", path="skip_months"
            )
        if len(self.skip_months) == 12:
            raise ConfigError(
                "every month is skipped: the cycle would never meet", path="skip_months"
            )
        if self.first and self.last and self.last < self.first:
            raise ConfigError(f"last {self.last} is before first {self.first}", path="last")


def _recurrence(cycle: Cycle) -> str:
    """The RRULE of the cycle's ``rule`` or ``rrule`` (ValueError: what is wrong with it)."""
    return parse_rule(cycle.rule) if cycle.rule else validate_rrule(cycle.rrule or "")


def _check_meets(cycle: Cycle, zone: dt.tzinfo, path: str) -> None:
    """A rule meets within RECURRENCE_YEARS of its start (and before ``last``): checked
    with bounded work, in the organisation's zone (a UTC UNTIL is a moment there)."""
    rrule = until_in_zone(_recurrence(cycle), zone)
    start = cycle.first or PHASE_ANCHOR
    found = first_instance(rrule, dt.datetime.combine(start, cycle.time))
    if found is not None and (cycle.last is None or found.date() <= cycle.last):
        return
    if found is not None:
        where = f"between first ({start}) and last ({cycle.last})"
    else:
        since = "its first date" if cycle.first else "2000-01-03 (no first date)"
        where = f"within {bounds.RECURRENCE_YEARS} years of {since}"
    raise ConfigError(
        f"{quote(cycle.rule or cycle.rrule)} gives no meeting {where}: correct the rule or "
        "its dates",
        path=f"{path}.{'rule' if cycle.rule else 'rrule'}",
    )


@frozen
class Limits:
    """Caps on how a group spends meeting time, in percent of it."""

    max_operative_percent: int | None = field(default=None, kw_only=True)
    max_information_percent: int | None = field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        for name in ("max_operative_percent", "max_information_percent"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 100:
                raise ConfigError(f"must be a percentage 0..100, got {value}", path=name)


class Quorum(enum.StrEnum):
    """When a body may deal with matters (its *beslutförhet*)."""

    MORE_THAN_HALF = "more-than-half"  # a board: KL 6:27
    COUNT = "count"  # the body's own rule: at least ``quorum_count`` serving
    NONE = "none"  # no quorum: a management group without a rule of its own


@frozen
class MeetingRules:
    """How a body's meetings are judged; the defaults are the law's for a board.

    ``quorum`` (KL 6:27: more than half of the members present), ``quorum_count`` (with
    ``quorum = "count"``), ``protocol_notes`` (whether the body allows protocol notes,
    *protokollsanteckningar*).
    """

    quorum: Quorum = field(default=Quorum.MORE_THAN_HALF, kw_only=True)
    quorum_count: int | None = field(
        default=None, kw_only=True, validator=_in_range(1, bounds.MAX_UNITS)
    )
    protocol_notes: bool = field(default=True, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if (self.quorum is Quorum.COUNT) != (self.quorum_count is not None):
            raise ConfigError(
                'quorum_count is given exactly when quorum = "count"', path="quorum_count"
            )


@frozen
class Group:
    """A body that meets: a board, a management group, a committee.

    ``substitutes`` (*ersättare*) are listed in the order they are called in.
    """

    id: str = field(validator=_check_id)
    name: str = field(validator=_line)
    parent: str | None = field(default=None, kw_only=True)
    short_name: str = field(default="", kw_only=True, validator=_line)
    chair: str | None = field(default=None, kw_only=True)
    secretary: str | None = field(default=None, kw_only=True)
    members: tuple[str, ...] = field(default=(), kw_only=True)
    mandate: Mandate = field(default=Mandate(), kw_only=True)
    cycles: tuple[Cycle, ...] = field(default=(), kw_only=True)
    limits: Limits = field(default=Limits(), kw_only=True)
    substitutes: tuple[str, ...] = field(default=(), kw_only=True)
    meeting_rules: MeetingRules = field(default=MeetingRules(), kw_only=True)

    def cycle(self, cycle_id: str) -> Cycle:
        for cycle in self.cycles:
            if cycle.id == cycle_id:
                return cycle
        raise UnknownReferenceError(f"group {self.id!r} has no cycle {quote(cycle_id)}")

    @property
    def participants(self) -> tuple[str, ...]:
        """Chair, secretary and members, each once, in that order."""
        ordered = [p for p in (self.chair, self.secretary) if p] + list(self.members)
        return tuple(dict.fromkeys(ordered))


@frozen
class StrategicCriterion:
    """A reason a matter is strategic rather than operative.

    It holds when every given condition holds: category among ``categories`` (empty:
    any), at least one of ``flags_any`` present (empty: no flag needed), amount at least
    ``amount_min`` (in ``amount_unit``), and at least ``min_units`` units concerned.
    """

    id: str = field(validator=_check_id)
    name: str = field(validator=_line)
    categories: frozenset[str] = field(default=frozenset(), kw_only=True)
    flags_any: frozenset[str] = field(default=frozenset(), kw_only=True)
    amount_min: Decimal | None = field(default=None, kw_only=True, validator=_check_amount)
    amount_unit: AmountUnit = field(default=AmountUnit.CURRENCY, kw_only=True)
    min_units: int = field(default=0, kw_only=True, validator=_in_range(0, bounds.MAX_UNITS))


@frozen
class Matter:
    """What an agenda item is about: enough to route it and to judge its horizon.

    ``units`` are the groups whose area the matter concerns (empty: not tied to a unit);
    ``year`` picks the base amount (default: the latest year the organisation lists).
    """

    category: str
    amount: Decimal | None = field(
        default=None, kw_only=True, converter=_to_amount, validator=_check_amount
    )
    units: tuple[str, ...] = field(default=(), kw_only=True)
    flags: frozenset[str] = field(default=frozenset(), kw_only=True)
    kind: Kind = field(default=Kind.DECISION, kw_only=True)
    year: int | None = field(default=None, kw_only=True, validator=_check_year)


@frozen
class AgendaItem:
    """A matter someone submitted for a meeting of ``raised_in``.

    ``meeting`` (a date) and ``cycle`` name the meeting or series it is meant for;
    without them, the group's next meeting whose agenda deadline it makes. An item is
    *late* only for the meeting it names.
    ``category``, ``amount`` and ``kind`` may be left out: the text classifier
    (``mgovern_classify_item``) suggests them from the title, and the agenda marks them
    as inferred. ``submitted`` is aware; a naive time read from a file is local time.
    """

    id: str = field(validator=_line)
    title: str = field(validator=_line)
    raised_in: str = field(validator=_line)
    cycle: str | None = field(default=None, kw_only=True, validator=_line)  # its series
    #: the meeting it is meant for
    meeting: dt.date | None = field(default=None, kw_only=True, validator=_check_date)
    kind: Kind | None = field(default=None, kw_only=True)
    category: str | None = field(default=None, kw_only=True)
    amount: Decimal | None = field(
        default=None, kw_only=True, converter=_to_amount, validator=_check_amount
    )
    units: tuple[str, ...] = field(default=(), kw_only=True)
    flags: frozenset[str] = field(default=frozenset(), kw_only=True)
    year: int | None = field(default=None, kw_only=True, validator=_check_year)
    presenter: str = field(default="", kw_only=True, validator=_line)
    minutes: int | None = field(
        default=None, kw_only=True, validator=_in_range(1, bounds.MAX_MINUTES)
    )
    submitted: dt.datetime | None = field(default=None, kw_only=True, validator=_check_date)
    urgent: bool = field(default=False, kw_only=True)
    purpose: str = field(default="", kw_only=True, validator=_prose)
    proposed_decision: str = field(default="", kw_only=True, validator=_prose)

    def __attrs_post_init__(self) -> None:
        if self.submitted is not None and self.submitted.tzinfo is None:
            raise ConfigError("must be an aware date-time (with a time zone)", path="submitted")


@frozen
class DocumentSettings:
    """Where document templates that override the built-in ones live (a folder)."""

    templates: str | None = field(default=None, validator=_line)


@frozen
class ReportingSettings:
    """How delegated decisions are reported to the board (kommunallagen 6 kap. 40 §).

    ``categories``: the kinds of matter the board asked to have reported (empty: all);
    the others are recorded separately. When a reported decision can be appealed is
    counted by :mod:`mgovern.legal_periods` (``[legal_periods]``).
    """

    categories: frozenset[str] = field(default=frozenset(), kw_only=True)


def _law_closed_days() -> ClosedDays:
    return ClosedDays(regions=("SE",), include=("midsommarafton", "julafton", "nyarsafton"))


@frozen
class LegalPeriods:
    """The periods the law sets for a meeting's minutes, in days (the law's values by
    default; see :mod:`mgovern.legal_periods`): ``approval_days`` from the meeting to the
    approval (justering, kommunallagen 5 kap. 69 §: at most 14), ``announcement_days``
    from the approval to its announcement on the notice board (8 kap. 12 §: at most 2),
    ``appeal_days`` from the announcement (13 kap. 5 §: three weeks). ``closed_days``:
    what the closed-day plugins are asked for besides weekends when a period's last day
    is moved (lag 1930:173: public holidays, midsommarafton, julafton, nyårsafton).
    ``wait_for_appeal``: the categories whose decisions are not acted on before their
    appeal period has ended (the organisation's rule; the law lets most decisions be
    carried out at once): the audit reports an action done earlier."""

    approval_days: int = field(default=14, kw_only=True, validator=_in_range(0, 14))
    announcement_days: int = field(default=2, kw_only=True, validator=_in_range(0, 2))
    appeal_days: int = field(default=21, kw_only=True, validator=_in_range(1, 365))
    closed_days: ClosedDays = field(factory=_law_closed_days, kw_only=True)
    wait_for_appeal: frozenset[str] = field(default=frozenset(), kw_only=True)


@frozen
class TemplateItem:
    """A standing item every agenda of a group opens or closes with."""

    title: str = field(validator=_line)
    minutes: int = field(default=5, validator=_in_range(0, bounds.MAX_MINUTES))


def _default_minutes() -> dict[Kind, int]:
    return {Kind.DECISION: 15, Kind.DISCUSSION: 20, Kind.FOLLOW_UP: 10, Kind.INFORMATION: 5}


@frozen
class AgendaTemplate:
    """How agendas are laid out: opening items, the order of kinds, closing items, and the
    minutes an item gets when it asks for none."""

    opening: tuple[TemplateItem, ...] = ()
    order: tuple[Kind, ...] = (Kind.DECISION, Kind.DISCUSSION, Kind.FOLLOW_UP, Kind.INFORMATION)
    closing: tuple[TemplateItem, ...] = ()
    default_minutes: dict[Kind, int] = field(factory=_default_minutes, hash=False)

    def __attrs_post_init__(self) -> None:
        if sorted(self.order) != sorted(Kind) or len(self.order) != len(Kind):
            raise ConfigError(
                "order must list each kind once: " + ", ".join(k.value for k in Kind), path="order"
            )
        for kind, minutes in self.default_minutes.items():
            if not 1 <= minutes <= bounds.MAX_MINUTES:
                raise ConfigError(
                    f"must be 1..{bounds.MAX_MINUTES} minutes, got {quote(minutes)}",
                    path=f"default_minutes.{kind.value}",
                )


# --- the year wheel: annual matters (planned by mgovern.annual.planning) -------------------------
def _optional_range(low: int, high: int) -> Any:
    check = _in_range(low, high)

    def validate(instance: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None:
            check(instance, attribute, value)

    return validate


@frozen
class AnnualStage:
    """One group an annual matter passes through before the meeting that decides it."""

    group: str
    #: the group's cycles that may take it (empty: every cycle that accepts the item)
    cycles: frozenset[str] = field(default=frozenset(), kw_only=True)
    #: days the stage needs before the next stage's agenda deadline (None: the matter's)
    days: int | None = field(default=None, kw_only=True, validator=_optional_range(0, 366))
    minutes: int | None = field(default=None, kw_only=True, validator=_optional_range(1, 10080))
    kind: Kind = field(default=Kind.DISCUSSION, kw_only=True)


@frozen
class AnnualTarget:
    """The meeting that decides an annual matter: one of ``month`` (the group's first
    meeting in that month), ``before`` (its last meeting before that day) or ``dates``."""

    group: str
    cycles: frozenset[str] = field(default=frozenset(), kw_only=True)
    month: int | None = field(default=None, kw_only=True, validator=_optional_range(1, 12))
    before: MonthDay | None = field(default=None, kw_only=True)
    dates: tuple[dt.date, ...] = field(default=(), kw_only=True, validator=_check_dates)
    minutes: int | None = field(default=None, kw_only=True, validator=_optional_range(1, 10080))
    kind: Kind = field(default=Kind.DECISION, kw_only=True)


@frozen
class AnnualMatter:
    """A matter decided every year (or every N years, or in given years), prepared in a
    chain of groups: ``stages`` (default: the tree path from ``starts_in`` to the target
    group), each ``days`` before the next stage's agenda deadline."""

    id: str = field(validator=_check_id)
    name: str = field(validator=_line)
    category: str = field(kw_only=True)
    target: AnnualTarget = field(kw_only=True)
    flags: frozenset[str] = field(default=frozenset(), kw_only=True)
    starts_in: str | None = field(default=None, kw_only=True)
    stages: tuple[AnnualStage, ...] = field(default=(), kw_only=True)
    days: int = field(default=7, kw_only=True, validator=_in_range(0, 366))
    minutes: int = field(default=20, kw_only=True, validator=_in_range(1, 10080))
    #: no stage before this day of the decision's year (the year before when it falls
    #: after the decision); None: within a year before the decision
    earliest: MonthDay | None = field(default=None, kw_only=True)
    every: int = field(default=1, kw_only=True, validator=_in_range(1, 10))
    from_year: int | None = field(default=None, kw_only=True, validator=_optional_range(1900, 2100))
    years: tuple[int, ...] = field(default=(), kw_only=True)
    description: str = field(default="", kw_only=True, validator=_prose)


def _check_annual(org: Organization) -> None:
    """References of the annual matters: groups, their cycles, the category and flags."""
    groups = {g.id: g for g in org.groups}
    categories = {c.id for c in org.categories}
    flags = {f.id for f in org.flags}

    def known(kind: str, value: str, pool: Iterable[str], path: str) -> None:
        if value not in pool:
            listing = ", ".join(sorted(pool)) or "none defined"
            raise ConfigError(f"unknown {kind} {value!r}; use one of: {listing}", path=path)

    _unique("annual matter", (m.id for m in org.annual), "annual")
    for mi, matter in enumerate(org.annual):
        path = f"annual[{mi}]"
        known("category", matter.category, categories, f"{path}.category")
        for f in sorted(matter.flags):
            known("flag", f, flags, f"{path}.flags")
        if matter.starts_in is not None:
            known("group", matter.starts_in, groups, f"{path}.starts_in")
        if matter.starts_in is not None and matter.stages:
            raise ConfigError(
                "give either starts_in (the chain is the path to the target) or stages",
                path=f"{path}.stages",
            )
        target = matter.target
        known("group", target.group, groups, f"{path}.target.group")
        forms = [target.month is not None, target.before is not None, bool(target.dates)]
        if forms.count(True) != 1:
            raise ConfigError(
                "give exactly one of month, before or dates: which meeting decides it",
                path=f"{path}.target",
            )
        chain = [(f"{path}.target", target.group, target.cycles)] + [
            (f"{path}.stages[{si}]", s.group, s.cycles) for si, s in enumerate(matter.stages)
        ]
        for where, group_id, cycles in chain:
            known("group", group_id, groups, f"{where}.group")
            own = [c.id for c in groups[group_id].cycles]
            for c in sorted(cycles):
                known(f"cycle of {group_id}", c, own, f"{where}.cycles")
        for yi, year in enumerate(matter.years):
            if not 1900 <= year <= 2100:
                raise ConfigError(f"{year}: a year 1900..2100", path=f"{path}.years[{yi}]")
        if matter.years and matter.from_year is not None:
            raise ConfigError("give either years or from_year/every", path=f"{path}.years")


def _index(items: Iterable[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


@frozen
class Organization:
    """The whole organisation. Construction validates every cross-reference."""

    id: str = field(validator=_check_id)
    name: str = field(validator=_line)
    timezone: str = field(default="Europe/Stockholm", kw_only=True, validator=_check_timezone)
    locale: str = field(default="en", kw_only=True, validator=_check_locale)
    resolution: Resolution = field(default=Resolution.LOWEST, kw_only=True)
    currency: str = field(default="SEK", kw_only=True, validator=_line)
    base_amount_name: str = field(default="base amount", kw_only=True, validator=_line)
    base_amounts: tuple[BaseAmount, ...] = field(default=(), kw_only=True)
    categories: tuple[Category, ...] = field(default=(), kw_only=True)
    flags: tuple[Flag, ...] = field(default=(), kw_only=True)
    roles: tuple[Role, ...] = field(default=(), kw_only=True)
    people: tuple[Person, ...] = field(default=(), kw_only=True)
    groups: tuple[Group, ...] = field(default=(), kw_only=True)
    strategic: tuple[StrategicCriterion, ...] = field(default=(), kw_only=True)
    closed_days: ClosedDays = field(default=ClosedDays(), kw_only=True)
    blackouts: tuple[Blackout, ...] = field(default=(), kw_only=True)
    #: Most instances one series may have in a calendar window (servers expand a few
    #: thousand at most: SabreDAV/Nextcloud 3,500, Radicale estimates up to 10,000).
    max_occurrences: int = field(
        default=1000, kw_only=True, validator=_in_range(1, bounds.MAX_OCCURRENCES)
    )
    agenda: AgendaTemplate = field(factory=AgendaTemplate, kw_only=True)
    documents: DocumentSettings = field(factory=lambda: DocumentSettings(), kw_only=True)
    reporting: ReportingSettings = field(factory=ReportingSettings, kw_only=True)
    legal_periods: LegalPeriods = field(factory=LegalPeriods, kw_only=True)
    annual: tuple[AnnualMatter, ...] = field(default=(), kw_only=True)

    _groups: dict[str, Group] = field(init=False, eq=False, repr=False, hash=False)
    _people: dict[str, Person] = field(init=False, eq=False, repr=False, hash=False)
    _children: dict[str, tuple[str, ...]] = field(init=False, eq=False, repr=False, hash=False)
    _depth: dict[str, int] = field(init=False, eq=False, repr=False, hash=False)
    #: Indexes derived from the (frozen) fields by other modules, built on first use.
    _memo: dict[Any, Any] = field(init=False, factory=dict, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        _validate(self)
        set_ = object.__setattr__
        set_(self, "_groups", _index(self.groups))
        set_(self, "_people", _index(self.people))
        children: dict[str, list[str]] = {g.id: [] for g in self.groups}
        for g in self.groups:
            if g.parent is not None:
                children[g.parent].append(g.id)
        set_(self, "_children", {k: tuple(v) for k, v in children.items()})
        depth: dict[str, int] = {}
        for g in self.groups:
            chain = [g.id]
            while (parent := self._groups[chain[-1]].parent) is not None and parent not in depth:
                chain.append(parent)
            base = depth[parent] + 1 if parent is not None else 0
            for offset, gid in enumerate(reversed(chain)):
                depth[gid] = base + offset
        set_(self, "_depth", depth)

    # --- lookups -------------------------------------------------------------------
    def group(self, group_id: str) -> Group:
        try:
            return self._groups[group_id]
        except KeyError:
            raise UnknownReferenceError(
                f"unknown group {quote(group_id)}; known groups: {listing(self._groups)}"
            ) from None

    def person(self, person_id: str) -> Person:
        try:
            return self._people[person_id]
        except KeyError:
            raise UnknownReferenceError(f"unknown person {quote(person_id)}") from None

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise UnknownReferenceError(
            f"unknown category {quote(category_id)}; known categories: "
            + listing(c.id for c in self.categories)
        )

    def has_group(self, group_id: str) -> bool:
        return group_id in self._groups

    # --- the tree ----------------------------------------------------------------------
    @property
    def roots(self) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if g.parent is None)

    def children(self, group_id: str) -> tuple[str, ...]:
        self.group(group_id)
        return self._children[group_id]

    def depth(self, group_id: str) -> int:
        self.group(group_id)
        return self._depth[group_id]

    def ancestors(self, group_id: str) -> Iterator[str]:
        """The group's parent, grandparent, ... up to its root (not the group itself)."""
        parent = self.group(group_id).parent
        while parent is not None:
            yield parent
            parent = self._groups[parent].parent

    def subtree(self, group_id: str) -> Iterator[str]:
        """The group and every group below it, depth first."""
        stack = [group_id]
        while stack:
            gid = stack.pop()
            yield gid
            stack.extend(reversed(self.children(gid)))

    @property
    def language(self) -> str:
        """The language of the text mgovern generates for it: ``"sv"`` or ``"en"``."""
        return language(self.locale)

    def groups_of(self, person_id: str) -> tuple[Group, ...]:
        """Every group the person takes part in (as chair, secretary or member)."""
        index: dict[str, tuple[Group, ...]] | None = self._memo.get("model.groups_of")
        if index is None:
            found: dict[str, list[Group]] = {}
            for group in self.groups:
                for participant in group.participants:
                    found.setdefault(participant, []).append(group)
            index = {person: tuple(groups) for person, groups in found.items()}
            self._memo["model.groups_of"] = index
        return index.get(person_id, ())

    def base_amount(self, year: int | None) -> Decimal:
        """The base amount in force in ``year``: that year's, else the latest earlier one,
        else the earliest listed; ``None`` means the latest year listed."""
        if not self.base_amounts:
            raise UnknownReferenceError(
                "the organisation lists no base_amounts; add one to use amounts in base units"
            )
        ordered: list[BaseAmount] | None = self._memo.get("model.base_amounts")
        if ordered is None:
            ordered = sorted(self.base_amounts, key=lambda b: b.year)
            self._memo["model.base_amounts"] = ordered
        if year is None:
            return ordered[-1].amount
        best = ordered[0]
        for entry in ordered:
            if entry.year <= year:
                best = entry
        return best.amount

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return timezones.zone(self.timezone)  # from the tzdata package, never the system's


def _validate(org: Organization) -> None:
    """Check what a single field cannot: unique ids, references, the tree."""
    for what, items, path in (
        ("category", org.categories, "categories"),
        ("flag", org.flags, "flags"),
        ("role", org.roles, "roles"),
        ("person", org.people, "people"),
        ("group", org.groups, "groups"),
        ("criterion", org.strategic, "strategic"),
    ):
        _unique(what, (item.id for item in items), path)
    years = [b.year for b in org.base_amounts]
    for index, year in enumerate(years):
        if year in years[:index]:
            raise ConfigError(
                f"year {year} is listed twice: keep one base amount per year",
                path=f"base_amounts[{index}].year",
            )
    for index, defined in enumerate(org.roles):
        if defined.id == GROUP_DECIDES:
            raise ConfigError(
                f"{GROUP_DECIDES!r} is reserved (decided_by = {GROUP_DECIDES!r} means the group "
                "decides as a body): rename the role",
                path=f"roles[{index}].id",
            )

    categories = {c.id for c in org.categories}
    flags = {f.id for f in org.flags}
    roles = {r.id for r in org.roles}
    people = {p.id for p in org.people}
    groups = {g.id for g in org.groups}

    def known(kind: str, value: str, pool: set[str], path: str) -> None:
        if value not in pool:
            raise ConfigError(
                f"unknown {kind} {quote(value)}; use one of: {listing(sorted(pool))}", path=path
            )

    for pi, person in enumerate(org.people):
        for ri, role in enumerate(person.roles):
            known("role", role, roles, f"people[{pi}].roles[{ri}]")

    def check_clause(clause: ScopeClause, path: str) -> None:
        for c in sorted(clause.categories):
            known("category", c, categories, f"{path}.categories")
        for name in ("flags_required", "flags_forbidden"):
            for f in sorted(getattr(clause, name)):
                known("flag", f, flags, f"{path}.{name}")
        if clause.decided_by != GROUP_DECIDES:
            known("role", clause.decided_by, roles, f"{path}.decided_by")
        if clause.amount_unit is AmountUnit.BASE and not org.base_amounts:
            raise ConfigError(
                "amount_unit = 'base' needs base_amounts in the organisation",
                path=f"{path}.amount_unit",
            )

    cycle_ids: set[str] = set()
    for gi, group in enumerate(org.groups):
        gpath = f"groups[{gi}]"
        if group.parent is not None:
            known("parent group", group.parent, groups, f"{gpath}.parent")
        for name in ("chair", "secretary"):
            value = getattr(group, name)
            if value is not None:
                known("person", value, people, f"{gpath}.{name}")
        for mi, member in enumerate(group.members):
            known("person", member, people, f"{gpath}.members[{mi}]")
        for si, substitute in enumerate(group.substitutes):
            known("person", substitute, people, f"{gpath}.substitutes[{si}]")
            if substitute in group.members or substitute in group.substitutes[:si]:
                raise ConfigError(
                    f"{quote(substitute)} is a member or listed twice; each person holds "
                    "one place: a seat or a place in the call-in order",
                    path=f"{gpath}.substitutes[{si}]",
                )
        for which in ("handles", "excludes"):
            clauses = getattr(group.mandate, which)
            _unique("clause", (c.id for c in clauses), f"{gpath}.mandate.{which}")
            for ci, clause in enumerate(clauses):
                check_clause(clause, f"{gpath}.mandate.{which}[{ci}]")
        _unique("cycle", (c.id for c in group.cycles), f"{gpath}.cycles")
        for ci, cycle in enumerate(group.cycles):
            if cycle.rule or cycle.rrule:
                _check_meets(cycle, org.zone, f"{gpath}.cycles[{ci}]")
        cycle_ids.update(f"{group.id}.{c.id}" for c in group.cycles)
    anchored = {f"{g.id}.{c.id}" for g in org.groups for c in g.cycles if c.anchor is not None}
    for gi, group in enumerate(org.groups):
        for ci, cycle in enumerate(group.cycles):
            if cycle.anchor is not None:
                ref = cycle.anchor.cycle
                targets = sorted(cycle_ids - anchored)
                if ref not in cycle_ids:
                    raise ConfigError(
                        f"unknown cycle {quote(ref)}; anchor to one of: {listing(targets)}",
                        path=f"groups[{gi}].cycles[{ci}].anchor.cycle",
                    )
                if ref in anchored:
                    raise ConfigError(
                        f"{ref!r} is itself anchored; anchor to a cycle with its own rule or "
                        f"dates: {listing(targets)}",
                        path=f"groups[{gi}].cycles[{ci}].anchor.cycle",
                    )

    for c in sorted(org.reporting.categories):
        known("category", c, categories, "reporting.categories")
    for c in sorted(org.legal_periods.wait_for_appeal):
        known("category", c, categories, "legal_periods.wait_for_appeal")

    for si, criterion in enumerate(org.strategic):
        for c in sorted(criterion.categories):
            known("category", c, categories, f"strategic[{si}].categories")
        for f in sorted(criterion.flags_any):
            known("flag", f, flags, f"strategic[{si}].flags_any")
        if criterion.amount_unit is AmountUnit.BASE and not org.base_amounts:
            raise ConfigError(
                "amount_unit = 'base' needs base_amounts in the organisation",
                path=f"strategic[{si}].amount_unit",
            )

    _check_tree(org)
    _check_annual(org)


def _check_tree(org: Organization) -> None:
    parent_of: Mapping[str, str | None] = {g.id: g.parent for g in org.groups}
    position = {g.id: i for i, g in enumerate(org.groups)}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in parent_of:
        path: list[str] = []
        node: str | None = start
        while node is not None and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent_of[node]
        if node is not None and state[node] == 1:
            loop = path[path.index(node) :]
            raise ConfigError(
                "groups form a cycle through their parent links: "
                + " -> ".join([*loop, node])
                + "; give one of them another parent (or none, to make it a root)",
                path=f"groups[{position[node]}].parent",
            )
        for gid in path:
            state[gid] = 2
