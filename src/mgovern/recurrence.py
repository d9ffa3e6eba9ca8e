"""Friendly recurrence forms and their RFC 5545 RRULE.

The forms people write in a meeting structure, each compiled to one RRULE that every
calendar client reads the same way (one weekday per month, as Outlook requires):

======================================  ==========================================
``every week on tuesday``               ``FREQ=WEEKLY;BYDAY=TU``
``every 2 weeks on monday``             ``FREQ=WEEKLY;INTERVAL=2;BYDAY=MO``
``every week on monday and thursday``   ``FREQ=WEEKLY;BYDAY=MO,TH``
``2nd tuesday of the month``            ``FREQ=MONTHLY;BYDAY=2TU``
``last thursday of the month``          ``FREQ=MONTHLY;BYDAY=-1TH``
``1st wednesday of every 3 months``     ``FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE``
======================================  ==========================================

Raw RRULEs are accepted for experts, checked by ``dateutil`` (which also expands them),
without ``DTSTART`` (the cycle's ``first`` and ``time`` give it) and no finer than daily.

Every rule repeats at least every :data:`~mgovern._util.bounds.RECURRENCE_YEARS` years (its
``INTERVAL``) and must meet within that many years of its first date:
:func:`first_instance` finds out with bounded work, even for a rule that never matches
(30 February), which ``dateutil`` would otherwise search for until the year 9999.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from dateutil import rrule as _rrule

from mgovern._util.bounds import RECURRENCE_YEARS
from mgovern.exceptions import quote, shorten

__all__ = [
    "MAX_INTERVAL",
    "PHASE_ANCHOR",
    "WEEKDAY_CODES",
    "first_instance",
    "parse_rule",
    "until_in_zone",
    "validate_rrule",
]

#: Where a rule without a first date starts counting ("every 2 weeks"): a Monday.
PHASE_ANCHOR = dt.date(2000, 1, 3)
#: The largest INTERVAL per FREQ: a series repeats at least every RECURRENCE_YEARS years.
MAX_INTERVAL = {
    "DAILY": 366 * RECURRENCE_YEARS - 3,
    "WEEKLY": 52 * RECURRENCE_YEARS,
    "MONTHLY": 12 * RECURRENCE_YEARS,
    "YEARLY": RECURRENCE_YEARS,
}

WEEKDAY_CODES = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
_ORDINALS = {
    "1st": 1,
    "first": 1,
    "2nd": 2,
    "second": 2,
    "3rd": 3,
    "third": 3,
    "4th": 4,
    "fourth": 4,
    "5th": 5,
    "fifth": 5,
    "last": -1,
    "second-last": -2,
    "second last": -2,
}
_DAY = "|".join(WEEKDAY_CODES)
_WEEKLY = re.compile(
    rf"every (?:(?P<n>\d+) weeks?|week) on (?P<days>(?:{_DAY})(?:(?:, ?| and )(?:{_DAY}))*)"
)
_MONTHLY = re.compile(
    rf"(?P<ord>{'|'.join(map(re.escape, _ORDINALS))}) (?P<day>{_DAY}) of "
    r"(?:the month|every month|every (?P<n>\d+) months?)"
)
_FORMS = (
    "'every week on tuesday', 'every 2 weeks on monday', '2nd tuesday of the month', "
    "'last thursday of the month'"
)


def _interval(text: str, digits: str | None, freq: str, unit: str) -> int:
    most = MAX_INTERVAL[freq]
    interval = int(digits) if digits and len(digits) <= 6 else (1 if digits is None else 0)
    if not 1 <= interval <= most:
        raise ValueError(f"{quote(text)}: the number of {unit} must be 1..{most}")
    return interval


def parse_rule(text: str) -> str:
    """The RRULE (without DTSTART) of a friendly form; ValueError says what is accepted."""
    rule = " ".join(text.lower().split())
    if match := _WEEKLY.fullmatch(rule):
        interval = _interval(text, match["n"], "WEEKLY", "weeks")
        days = re.split(r", ?| and ", match["days"])
        codes = ",".join(dict.fromkeys(WEEKDAY_CODES[d] for d in days))
        return "FREQ=WEEKLY" + (f";INTERVAL={interval}" if interval > 1 else "") + f";BYDAY={codes}"
    if match := _MONTHLY.fullmatch(rule):
        interval = _interval(text, match["n"], "MONTHLY", "months")
        ordinal = _ORDINALS[match["ord"]]
        code = WEEKDAY_CODES[match["day"]]
        return (
            "FREQ=MONTHLY"
            + (f";INTERVAL={interval}" if interval > 1 else "")
            + f";BYDAY={ordinal}{code}"
        )
    raise ValueError(
        f"{quote(text)} is not a recurrence this understands; write e.g. {_FORMS}, or give rrule"
    )


_UNTIL_UTC = re.compile(r"(UNTIL=)(\d{8}T\d{6})Z", re.IGNORECASE)


def until_in_zone(rrule: str, zone: dt.tzinfo | None) -> str:
    """``rrule`` with an UNTIL in UTC (``UNTIL=20261231T230000Z``, the form RFC 5545
    requires beside a DTSTART with a time zone) as the same moment in local time in
    ``zone`` (UTC when None): dateutil expands a rule from a naive start only with a
    naive UNTIL. A local UNTIL (no ``Z``) is already the organisation's local time."""

    def local(match: re.Match[str]) -> str:
        moment = dt.datetime.strptime(match[2], "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
        if zone is not None:
            moment = moment.astimezone(zone)
        return f"{match[1]}{moment:%Y%m%dT%H%M%S}"

    return _UNTIL_UTC.sub(local, rrule)


_FORBIDDEN_PARTS = ("DTSTART", "BYHOUR", "BYMINUTE", "BYSECOND")
_PARTS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYSETPOS",
    "WKST",
)


def validate_rrule(text: str) -> str:
    """Normalise and check a raw RRULE; ValueError says what is wrong.

    FREQ is DAILY, WEEKLY, MONTHLY or YEARLY; INTERVAL is at most :data:`MAX_INTERVAL`;
    COUNT at least 1; only the parts of RFC 5545 that a day-level rule uses.
    """
    value = text.strip()
    if value.upper().startswith("RRULE:"):
        value = value[len("RRULE:") :]
    if not value or len(value) > 500 or not value.isprintable():
        raise ValueError("give one RRULE value (one line) such as 'FREQ=WEEKLY;BYDAY=TU'")
    upper: dict[str, str] = {}
    for part in value.split(";"):
        key, equals, val = part.partition("=")
        key = key.strip().upper()
        if not equals or not key:
            raise ValueError(f"{quote(text)}: write NAME=VALUE parts, e.g. 'FREQ=WEEKLY;BYDAY=TU'")
        if key in upper:
            raise ValueError(f"{quote(text)}: {key} is given twice")
        upper[key] = val.strip()
    if "FREQ" not in upper:
        raise ValueError(f"{quote(text)} has no FREQ; write e.g. 'FREQ=WEEKLY;BYDAY=TU'")
    freq = upper["FREQ"].upper()
    if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
        raise ValueError(f"{quote(text)}: meetings recur at most daily; use FREQ=DAILY or coarser")
    if freq not in MAX_INTERVAL:
        raise ValueError(f"{quote(text)}: FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
    for part in _FORBIDDEN_PARTS:
        if part in upper:
            raise ValueError(
                f"{quote(text)}: leave out {part}; the cycle's first date and time give it"
            )
    unknown = [key for key in upper if key not in _PARTS]
    if unknown:
        raise ValueError(
            f"{quote(text)}: {quote(unknown[0], 20)} is not a part mgovern reads; use FREQ, "
            "INTERVAL, COUNT, UNTIL, WKST, BYDAY, BYMONTHDAY, BYMONTH, BYYEARDAY, BYWEEKNO, "
            "BYSETPOS"
        )
    if "INTERVAL" in upper:
        interval = upper["INTERVAL"]
        most = MAX_INTERVAL[freq]
        if not (interval.isdigit() and len(interval) <= 6 and 1 <= int(interval) <= most):
            raise ValueError(f"{quote(text)}: INTERVAL must be 1..{most} with FREQ={freq}")
    if "COUNT" in upper:
        count = upper["COUNT"]
        if not (count.isdigit() and len(count) <= 9 and int(count) >= 1):
            raise ValueError(f"{quote(text)}: COUNT must be a whole number >= 1")
    try:
        _rrule.rrulestr(until_in_zone(value, None), dtstart=dt.datetime(2026, 1, 1, 9, 0))
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise ValueError(f"{quote(text)} is not a valid RRULE: {shorten(str(exc), 60)}") from None
    return value


#: The Gregorian calendar repeats itself every 400 years (146,097 days, 20,871 weeks).
_CALENDAR_CYCLE = 400


def _add_years(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


@functools.lru_cache(maxsize=4096)
def first_instance(
    rrule: str, start: dt.datetime, years: int = RECURRENCE_YEARS
) -> dt.datetime | None:
    """The first instance of ``rrule`` (checked by :func:`validate_rrule`) at or after
    ``start``, when it comes within ``years``; else None.

    ``dateutil`` looks for a match until the year 9999, which takes seconds for a rule
    that never matches. Since the calendar repeats every 400 years, the rule is first
    expanded from ``start`` moved by a multiple of 400 years close to 9999, where the
    search ends after at most ``years + 400`` years; only when that finds an instance in
    time is the rule expanded from ``start`` itself (its UNTIL and COUNT included).
    """
    plain = ";".join(
        part
        for part in rrule.split(";")
        if part.partition("=")[0].strip().upper() not in ("UNTIL", "COUNT")
    )
    shift = max(0, (dt.MAXYEAR - 2 - years - start.year) // _CALENDAR_CYCLE * _CALENDAR_CYCLE)
    try:
        late = _rrule.rrulestr(plain, dtstart=start.replace(year=start.year + shift))
        found = next(iter(late), None)
    except (ValueError, OverflowError):  # dateutil stepping past the year 9999
        found = None
    if found is None or found.replace(year=found.year - shift) > _add_years(start, years):
        return None
    expanded = _rrule.rrulestr(until_in_zone(rrule, start.tzinfo), dtstart=start)
    instance: dt.datetime | None = next(iter(expanded), None)
    return instance
