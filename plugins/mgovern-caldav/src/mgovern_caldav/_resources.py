"""What mgovern puts in a calendar resource, and how it recognises its own later.

Every resource mgovern writes carries two properties on its VCALENDAR:

- ``X-MGOVERN-ORG``: the organisation's id. Only resources with this mark (and this
  organisation's id) are ever deleted by ``--prune``;
- ``X-MGOVERN-HASH``: ``sha256:`` and the hash of the resource's *content* as mgovern
  wrote it (everything but this one property).

A server may store a resource in its own words: Radicale re-serialises it (other
property order, other line folding, parameter quotes dropped), SabreDAV/Nextcloud
keeps the bytes. The hash is therefore taken over a canonical form that such rewriting
does not change: lines unfolded, each property as name, sorted parameters and raw
value, properties and subcomponents sorted within their component. A resource whose
canonical content no longer matches the hash mgovern recorded was changed by someone
else since mgovern wrote it: a conflict, left alone unless forced.

This module only knows icalendar (no network), so it is cheap to test.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable

from attrs import frozen
from icalendar import Calendar
from icalendar.parser import Contentline

__all__ = ["HASH", "ORG", "Inspected", "content_hash", "inspect", "prepare"]

HASH = "X-MGOVERN-HASH"
ORG = "X-MGOVERN-ORG"
_FOLD = re.compile(rb"\r?\n[ \t]")
_SCHEDULED = ("ORGANIZER", "ATTENDEE")
_CACHED_LINE = 512  # characters: longer lines are parsed each time
_CLOSING = Calendar().to_ical().partition(b"\r\n")[2]  # END:VCALENDAR and its CRLF


@frozen
class Inspected:
    """What a resource found on the server says about itself."""

    uid: str | None  # of its first non-VTIMEZONE component; None when unreadable
    org: str | None  # X-MGOVERN-ORG: the organisation that published it, if mgovern did
    recorded: str | None  # X-MGOVERN-HASH: the hash mgovern recorded when it wrote it
    actual: str  # the hash of its content now (without X-MGOVERN-HASH)

    @property
    def unchanged(self) -> bool:
        """Marked by mgovern and not changed there since mgovern wrote it."""
        return self.recorded is not None and self.recorded == self.actual


class _Component:
    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self.children: list[str] = []
        self.props: dict[str, str] = {}

    def canonical(self) -> str:
        body = sorted(self.lines) + sorted(self.children)
        return "".join([f"BEGIN:{self.name}\n", *body, f"END:{self.name}\n"])


def _param(value: object) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def _normalise(line: str) -> tuple[str, str, str]:
    """(NAME, canonical line, raw value) of one unfolded content line.

    Short lines are cached: most recur from resource to resource (the VTIMEZONE,
    ORGANIZER and ATTENDEE, DTSTAMP, BEGIN and END: nine in ten in a large organisation),
    and parsing them again made hashing four times slower. Long ones (a description; a
    server may hold any) are not kept.
    """
    return _normalise_short(line) if len(line) <= _CACHED_LINE else _normalise_line(line)


@functools.lru_cache(maxsize=1024)  # at most about 1,024 * 3 * 512 characters
def _normalise_short(line: str) -> tuple[str, str, str]:
    return _normalise_line(line)


def _normalise_line(line: str) -> tuple[str, str, str]:
    try:
        name, params, value = Contentline(line).parts()  # type: ignore[no-untyped-call]
    except ValueError:
        head, _, value = line.partition(":")
        return head.split(";", 1)[0].upper(), line + "\n", value
    name = name.upper()
    rendered = "".join(
        f";{key.upper()}={_param(params[key])}" for key in sorted(params, key=str.upper)
    )
    return name, f"{name}{rendered}:{value}\n", value


def _parse(data: bytes) -> _Component | None:
    """The component tree of a calendar resource (one VCALENDAR), or None if it is not."""
    try:
        text = _FOLD.sub(b"", data).decode("utf-8")
    except UnicodeDecodeError:
        return None
    stack: list[_Component] = []
    root: _Component | None = None
    for raw in text.splitlines():
        if not raw.strip():
            continue
        name, line, value = _normalise(raw)
        if name == "BEGIN":
            stack.append(_Component(value.strip().upper()))
            continue
        if not stack:
            return None
        if name == "END":
            done = stack.pop()
            if stack:
                stack[-1].children.append(done.canonical())
                if "UID" in done.props:
                    stack[-1].props.setdefault("_FIRST_UID", done.props["UID"])
            elif root is None:
                root = done
            else:
                return None  # two calendars in one resource: not one of ours
            continue
        stack[-1].props.setdefault(name, value)
        if name != HASH:
            stack[-1].lines.append(line)
    if stack or root is None or root.name != "VCALENDAR":
        return None
    return root


def _digest(canonical: str) -> str:
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_hash(data: bytes) -> str:
    """The hash of a resource's content, ignoring X-MGOVERN-HASH and how it is written."""
    root = _parse(data)
    if root is None:
        return _digest(data.decode("utf-8", "replace"))
    return _digest(root.canonical())


def inspect(data: bytes) -> Inspected:
    """UID, marks and content hash of a resource as the server returned it."""
    root = _parse(data)
    if root is None:
        return Inspected(None, None, None, content_hash(data))
    return Inspected(
        uid=root.props.get("_FIRST_UID"),
        org=root.props.get(ORG),
        recorded=root.props.get(HASH),
        actual=_digest(root.canonical()),
    )


def _addresses(value: object) -> Iterable[object]:
    return value if isinstance(value, list) else [value]


def mark(cal: Calendar, org_id: str) -> None:
    """Mark ``cal`` as the organisation's (no hash yet) and tell the server not to send
    invitations for it: ``SCHEDULE-AGENT=CLIENT`` on ORGANIZER and ATTENDEE."""
    for event in cal.walk():
        if event.name == "VTIMEZONE" or event.name in ("STANDARD", "DAYLIGHT"):
            continue
        for name in _SCHEDULED:
            if name in event:
                for address in _addresses(event[name]):
                    params = getattr(address, "params", None)
                    if params is not None:
                        params["SCHEDULE-AGENT"] = "CLIENT"
    if ORG in cal:
        del cal[ORG]
    if HASH in cal:
        del cal[HASH]
    cal.add(ORG.lower(), org_id)


def prepare(cal: Calendar, org_id: str) -> tuple[bytes, str]:
    """The bytes to PUT for one of ``series_resources``' calendars, and their hash.

    Marks the calendar as the organisation's, tells the server not to send invitations
    for it (``SCHEDULE-AGENT=CLIENT`` on ORGANIZER and ATTENDEE, RFC 6638 §7.1: without
    it Nextcloud/SabreDAV e-mails every attendee on every change when the account's
    address is the organizer's) and records the content's hash. Modifies ``cal``.

    The bytes are ``cal.to_ical()``'s, but the subcomponents (the VTIMEZONE and the
    VEVENTs) are serialised by icalendar once, for the hash and the bytes alike; only the
    calendar's few property lines are serialised again, with the hash among them.
    """
    mark(cal, org_id)
    # A calendar's text is BEGIN:VCALENDAR and its properties, each subcomponent's own
    # text, END:VCALENDAR (as mgovern.calendars.feeds assembles files; a test compares the bytes).
    body = b"".join(component.to_ical() for component in cal.subcomponents)
    digest = content_hash(_opening(cal) + body + _CLOSING)
    cal.add(HASH.lower(), digest)
    return _opening(cal) + body + _CLOSING, digest


def _opening(cal: Calendar) -> bytes:
    """icalendar's text of the calendar without its subcomponents and END:VCALENDAR."""
    text: bytes = cal.copy().to_ical()  # a shallow copy: the properties only
    if not text.endswith(_CLOSING):
        raise AssertionError("icalendar's text of a calendar does not end with END:VCALENDAR")
    return text[: -len(_CLOSING)]
