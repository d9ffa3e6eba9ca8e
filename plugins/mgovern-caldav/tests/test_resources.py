"""How mgovern marks its resources and recognises them after a server rewrote them."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mgovern_caldav._resources import (
    HASH,
    ORG,
    content_hash,
    inspect,
    mark,
    prepare,
)

import mgovern
from mgovern.calendars.ical import series_resources
from mgovern.model import Organization
from mgovern.plugins import make_plugin_manager
from mgovern.testing.strategies import organizations

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
STAMP = dt.datetime(2026, 1, 1, 6, 30, tzinfo=dt.UTC)
BENCHMARKS = Path(__file__).parents[3] / "benchmarks"


def prepared(group: str = "klg", index: int = 0) -> tuple[str, bytes, str]:
    org = mgovern.example()
    uid, cal = series_resources(org, group, START, END)[index]
    data, digest = prepare(cal, org.id)
    return uid, data, digest


def rewritten(data: bytes) -> bytes:
    """What a server like Radicale does: other order, other folding, LF, no quotes."""
    text = data.decode().replace("\r\n ", "").replace("\r\n", "\n")
    lines = text.splitlines()
    out: list[str] = []
    block: list[str] = []
    for line in lines:  # reverse the properties inside every component
        if line.startswith(("BEGIN:", "END:")):
            out += reversed(block)
            block = []
            out.append(line)
        else:
            block.append(line.replace('CN="', "CN=").replace('";', ";").replace('":', ":"))
    refolded = []
    for line in out:
        while len(line) > 50:  # anywhere, even inside an escape
            refolded.append(line[:50])
            line = "\t" + line[50:]
        refolded.append(line)
    return ("\n".join(refolded) + "\n").encode()


def test_prepare_marks_hashes_and_stops_server_side_invitations() -> None:
    uid, data, digest = prepared()
    cal = icalendar.Calendar.from_ical(data)
    assert "METHOD" not in cal
    assert str(cal["X-MGOVERN-ORG"]) == "exploateringskontoret"
    assert str(cal["X-MGOVERN-HASH"]) == digest
    assert digest.startswith("sha256:")
    for event in cal.walk("VEVENT"):
        assert str(event["UID"]) == uid
        assert event["ORGANIZER"].params["SCHEDULE-AGENT"] == "CLIENT"
        attendees = event["ATTENDEE"]
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            assert attendee.params["SCHEDULE-AGENT"] == "CLIENT"
    seen = inspect(data)
    assert (seen.uid, seen.org, seen.recorded, seen.actual) == (
        uid,
        cal["X-MGOVERN-ORG"],
        digest,
        digest,
    )
    assert seen.unchanged


def test_same_input_same_bytes() -> None:
    assert prepared("adm", 1) == prepared("adm", 1)


def test_a_rewritten_resource_is_still_recognised_as_unchanged() -> None:
    uid, data, digest = prepared()
    other = rewritten(data)
    assert other != data
    assert content_hash(other) == digest
    assert inspect(other).unchanged
    assert inspect(other).uid == uid


def test_an_edited_resource_is_not_unchanged() -> None:
    _, data, digest = prepared()
    cal = icalendar.Calendar.from_ical(data)
    cal.walk("VEVENT")[0]["SUMMARY"] = icalendar.vText("Edited in Thunderbird")
    edited = cal.to_ical()
    seen = inspect(edited)
    assert seen.recorded == digest
    assert seen.actual != digest
    assert not seen.unchanged


def test_a_resource_without_marks_or_unreadable_is_not_ours() -> None:
    foreign = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x-1\r\n"
        b"DTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    seen = inspect(foreign)
    assert (seen.uid, seen.org, seen.recorded, seen.unchanged) == ("x-1", None, None, False)
    for garbage in (b"", b"\xff\xfe", b"BEGIN:VCALENDAR\r\n", b"hello"):
        seen = inspect(garbage)
        assert seen.uid is None
        assert not seen.unchanged


# --- one serialisation, the same bytes ------------------------------------------------------
def prepare_twice(cal: icalendar.Calendar, org_id: str) -> tuple[bytes, str]:
    """prepare as it was before it serialised the events once: ``to_ical()`` of the
    whole calendar to hash it, and again with the hash (the reference to compare with)."""
    mark(cal, org_id)
    digest = content_hash(cal.to_ical())
    cal.add(HASH.lower(), digest)
    return cal.to_ical(), digest


def assert_prepared_as_before(org: Organization, start: dt.date, end: dt.date, **kw: object) -> int:
    """Every resource of every group: the same bytes and hash as ``prepare_twice``."""
    count = 0
    for group in org.groups:
        ours = series_resources(org, group.id, start, end, stamp=STAMP, **kw)  # type: ignore[arg-type]
        theirs = series_resources(org, group.id, start, end, stamp=STAMP, **kw)  # type: ignore[arg-type]
        for (uid, cal), (other_uid, other) in zip(ours, theirs, strict=True):
            assert uid == other_uid
            assert prepare(cal, org.id) == prepare_twice(other, org.id), uid
            count += 1
    return count


def test_prepare_gives_the_bytes_of_two_whole_serialisations_for_the_example() -> None:
    assert assert_prepared_as_before(mgovern.example(), START, END) == 30
    assert assert_prepared_as_before(mgovern.example(), dt.date(2026, 1, 1), dt.date(2027, 12, 31))


def test_prepare_replaces_marks_already_there_as_before() -> None:
    org = mgovern.example()
    (_, cal), (_, other) = (series_resources(org, "klg", START, END)[0] for _ in range(2))
    for c in (cal, other):
        c.add(HASH.lower(), "sha256:old")
        c.add(ORG.lower(), "someone-else")
    assert prepare(cal, org.id) == prepare_twice(other, org.id)
    assert prepare(cal, org.id) == prepare_twice(other, org.id)  # prepared twice: the same


def test_prepare_gives_the_bytes_of_two_whole_serialisations_for_a_large_organisation() -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from synthetic import synthetic_organization
    finally:
        sys.path.remove(str(BENCHMARKS))
    org = synthetic_organization(40, 3)
    assert assert_prepared_as_before(org, START, END) > 100


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations(max_groups=6), st.integers(2000, 2039))
def test_generated_organisations_are_prepared_byte_for_byte_as_before(
    org: Organization, year: int
) -> None:
    """Every recurrence form, DST edges, explicit VTIMEZONEs (long texts folded, names
    escaped), moved meetings, several attendees: the same bytes and hash as before."""
    pm = make_plugin_manager(entry_points=False)
    assert_prepared_as_before(org, dt.date(year, 1, 1), dt.date(year, 12, 31), pm=pm)
