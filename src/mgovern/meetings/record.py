"""One meeting's record: attendance, substitutes serving, and per agenda item the jäv
declared, the motions, the vote, the decisions, reservations and protocol notes.

Items are numbered (the minutes' paragraph numbers, *paragrafer*) in increasing order;
attendance and substitutes' service name the items they start and end with.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
from attrs import field, frozen

from mgovern.bounds import MAX_UNITS, check_text
from mgovern.exceptions import ConfigError

__all__ = [
    "Attendance",
    "Item",
    "Jav",
    "MeetingRecord",
    "Motion",
    "Note",
    "Reservation",
    "Result",
    "Serving",
    "Vote",
    "VoteKind",
    "covers",
]


def covers(first: int | None, last: int | None, number: int) -> bool:
    """Whether the span ``first``..``last`` (either open) includes item ``number``."""
    return (first is None or first <= number) and (last is None or number <= last)


def _line(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    """One line of text within the bounds (no control characters, not too long)."""
    problem = check_text(value) if value else None
    if problem is not None:
        raise ConfigError(problem, path=attribute.name)


def _prose(_: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Text that may have line breaks and tabs, within the bounds."""
    problem = check_text(value, prose=True) if value else None
    if problem is not None:
        raise ConfigError(problem, path=attribute.name)


def _lines(_: Any, attribute: attrs.Attribute[Any], values: tuple[str, ...]) -> None:
    for index, value in enumerate(values):
        problem = check_text(value)
        if problem is not None:
            raise ConfigError(problem, path=f"{attribute.name}[{index}]")


def _in_range(low: int) -> Any:
    def check(_: Any, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None and not low <= value <= MAX_UNITS:
            raise ConfigError(f"must be {low}..{MAX_UNITS}, got {value}", path=attribute.name)

    return check


_NUMBER = _in_range(1)
_COUNT = _in_range(0)
_SPAN = _NUMBER


def _aware(_: Any, attribute: attrs.Attribute[Any], value: dt.datetime) -> None:
    if value.utcoffset() is None:
        raise ConfigError(
            "needs a time zone offset, such as 2026-01-27T17:00:00+01:00", path=attribute.name
        )


@frozen
class Attendance:
    """A person present for part of the meeting: from item ``from_item`` (the first item
    the person takes part in) until item ``until_item`` (the last); either open."""

    person: str = field(validator=_line)
    from_item: int | None = field(default=None, kw_only=True, validator=_SPAN)
    until_item: int | None = field(default=None, kw_only=True, validator=_SPAN)


@frozen
class Serving:
    """A substitute (*ersättare*) serving in a member's seat, over a span of items."""

    substitute: str = field(validator=_line)
    member: str = field(validator=_line)
    from_item: int | None = field(default=None, kw_only=True, validator=_SPAN)
    until_item: int | None = field(default=None, kw_only=True, validator=_SPAN)


@frozen
class Jav:
    """A conflict of interest (*jäv*) declared for one item; ``left`` says the person left
    the room for the item's handling, as the law requires."""

    person: str = field(validator=_line)
    ground: str = field(default="", kw_only=True, validator=_line)
    left: bool = field(default=True, kw_only=True)


@frozen
class Motion:
    """A motion (*yrkande*): who moved what."""

    by: str = field(validator=_line)
    text: str = field(validator=_prose)


class VoteKind(enum.StrEnum):
    """An open vote by name, or a closed ballot counted."""

    NAMED = "named"
    COUNTED = "counted"


class Result(enum.StrEnum):
    """Which way the vote went: for the main proposal (``ja``) or against it (``nej``)."""

    JA = "ja"
    NEJ = "nej"


@frozen
class Vote:
    """A vote (*omröstning*) between a proposal (ja) and a counter-proposal (nej).

    A named vote lists the voters (``ja``, ``nej``, ``abstain``); a counted one gives the
    counts. ``casting_vote``: a tie in an open vote decided by the chair's casting vote
    (*utslagsröst*); ``by_lot``: a tie in a closed ballot decided by lot.
    """

    kind: VoteKind
    result: Result
    ja: tuple[str, ...] = field(default=(), kw_only=True, validator=_lines)
    nej: tuple[str, ...] = field(default=(), kw_only=True, validator=_lines)
    abstain: tuple[str, ...] = field(default=(), kw_only=True, validator=_lines)
    ja_count: int = field(default=0, kw_only=True, validator=_COUNT)
    nej_count: int = field(default=0, kw_only=True, validator=_COUNT)
    abstain_count: int = field(default=0, kw_only=True, validator=_COUNT)
    casting_vote: bool = field(default=False, kw_only=True)
    by_lot: bool = field(default=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        named = bool(self.ja or self.nej or self.abstain)
        counted = bool(self.ja_count or self.nej_count or self.abstain_count)
        if self.kind is VoteKind.NAMED and counted:
            raise ConfigError("a named vote lists voters, not counts", path="ja_count")
        if self.kind is VoteKind.COUNTED and named:
            raise ConfigError("a counted vote gives counts, not names", path="ja")

    @property
    def counts(self) -> tuple[int, int, int]:
        """Ja, nej and abstentions, counted."""
        if self.kind is VoteKind.NAMED:
            return len(self.ja), len(self.nej), len(self.abstain)
        return self.ja_count, self.nej_count, self.abstain_count


@frozen
class Reservation:
    """A reservation (*reservation*) against the decision, with or without written
    reasons."""

    person: str = field(validator=_line)
    reasons: str = field(default="", kw_only=True, validator=_prose)


@frozen
class Note:
    """A protocol note (*protokollsanteckning*)."""

    person: str = field(validator=_line)
    text: str = field(validator=_prose)


@frozen
class Item:
    """One agenda item (*paragraf*) of the minutes.

    ``decision`` is the decision's text as minuted; ``decisions`` the register's ids of
    the decisions taken; ``procedure`` the *propositionsordning*; ``information``: an
    item that decides nothing.
    """

    number: int = field(validator=_NUMBER)
    title: str = field(validator=_line)
    decision: str = field(default="", kw_only=True, validator=_prose)
    decisions: tuple[str, ...] = field(default=(), kw_only=True, validator=_lines)
    information: bool = field(default=False, kw_only=True)
    jav: tuple[Jav, ...] = field(default=(), kw_only=True)
    motions: tuple[Motion, ...] = field(default=(), kw_only=True)
    procedure: str = field(default="", kw_only=True, validator=_prose)
    vote: Vote | None = field(default=None, kw_only=True)
    reservations: tuple[Reservation, ...] = field(default=(), kw_only=True)
    notes: tuple[Note, ...] = field(default=(), kw_only=True)
    immediate_approval: bool = field(default=False, kw_only=True)


@frozen
class MeetingRecord:
    """The record of one meeting of ``group``: those present for all of it (``present``),
    for part of it (``partly``), the substitutes serving (``serving``) and the items.

    Everyone else of the body was absent. ``chair`` is who chaired (default: the body's
    chair).
    """

    group: str = field(validator=_line)
    start: dt.datetime = field(validator=_aware)
    items: tuple[Item, ...] = field(kw_only=True)
    present: tuple[str, ...] = field(default=(), kw_only=True, validator=_lines)
    partly: tuple[Attendance, ...] = field(default=(), kw_only=True)
    serving: tuple[Serving, ...] = field(default=(), kw_only=True)
    chair: str | None = field(default=None, kw_only=True, validator=_line)
    secretary: str | None = field(default=None, kw_only=True, validator=_line)

    def __attrs_post_init__(self) -> None:
        numbers = [item.number for item in self.items]
        for index in range(1, len(numbers)):
            if numbers[index] <= numbers[index - 1]:
                raise ConfigError(
                    f"item {numbers[index]} follows item {numbers[index - 1]}: items are "
                    "numbered in increasing order",
                    path=f"items[{index}].number",
                )

    @property
    def id(self) -> str:
        """The record's natural key: the group and the meeting's start."""
        return f"{self.group}@{self.start.isoformat(timespec='minutes')}"

    def present_for(self, person: str, number: int) -> bool:
        """Whether ``person`` was present for item ``number``."""
        if person in self.present:
            return True
        return any(
            a.person == person and covers(a.from_item, a.until_item, number) for a in self.partly
        )
