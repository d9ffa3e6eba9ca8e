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
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil import rrule as _rrule

__all__ = ["WEEKDAY_CODES", "parse_rule", "validate_rrule"]

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
    rf"every (?:(?P<n>\d+) weeks|week) on (?P<days>(?:{_DAY})(?:(?:, ?| and )(?:{_DAY}))*)"
)
_MONTHLY = re.compile(
    rf"(?P<ord>{'|'.join(map(re.escape, _ORDINALS))}) (?P<day>{_DAY}) of "
    r"(?:the month|every month|every (?P<n>\d+) months)"
)
_FORMS = (
    "'every week on tuesday', 'every 2 weeks on monday', '2nd tuesday of the month', "
    "'last thursday of the month'"
)


def parse_rule(text: str) -> str:
    """The RRULE (without DTSTART) of a friendly form; ValueError says what is accepted."""
    rule = " ".join(text.lower().split())
    if match := _WEEKLY.fullmatch(rule):
        interval = int(match["n"]) if match["n"] else 1
        if interval < 1:
            raise ValueError(f"{text!r}: the interval must be at least 1")
        days = re.split(r", ?| and ", match["days"])
        codes = ",".join(dict.fromkeys(WEEKDAY_CODES[d] for d in days))
        return "FREQ=WEEKLY" + (f";INTERVAL={interval}" if interval > 1 else "") + f";BYDAY={codes}"
    if match := _MONTHLY.fullmatch(rule):
        interval = int(match["n"]) if match["n"] else 1
        if interval < 1:
            raise ValueError(f"{text!r}: the interval must be at least 1")
        ordinal = _ORDINALS[match["ord"]]
        code = WEEKDAY_CODES[match["day"]]
        return (
            "FREQ=MONTHLY"
            + (f";INTERVAL={interval}" if interval > 1 else "")
            + f";BYDAY={ordinal}{code}"
        )
    raise ValueError(
        f"{text!r} is not a recurrence this understands; write e.g. {_FORMS}, or give rrule"
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


def validate_rrule(text: str) -> str:
    """Normalise and check a raw RRULE; ValueError says what is wrong."""
    value = text.strip()
    if value.upper().startswith("RRULE:"):
        value = value[len("RRULE:") :]
    if "\n" in value or not value:
        raise ValueError("give one RRULE value such as 'FREQ=WEEKLY;BYDAY=TU'")
    upper = {}
    for part in value.split(";"):
        key, _, val = part.partition("=")
        upper[key.strip().upper()] = val
    if "FREQ" not in upper:
        raise ValueError(f"{text!r} has no FREQ; write e.g. 'FREQ=WEEKLY;BYDAY=TU'")
    if upper["FREQ"].upper() in ("HOURLY", "MINUTELY", "SECONDLY"):
        raise ValueError(f"{text!r}: meetings recur at most daily; use FREQ=DAILY or coarser")
    for part in _FORBIDDEN_PARTS:
        if part in upper:
            raise ValueError(f"{text!r}: leave out {part}; the cycle's first date and time give it")
    try:
        _rrule.rrulestr(until_in_zone(value, None), dtstart=dt.datetime(2026, 1, 1, 9, 0))
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"{text!r} is not a valid RRULE: {exc}") from None
    return value
