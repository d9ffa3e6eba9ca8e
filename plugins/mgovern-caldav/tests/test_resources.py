"""How mgovern marks its resources and recognises them after a server rewrote them."""

from __future__ import annotations

import datetime as dt

import icalendar
from mgovern_caldav._resources import content_hash, inspect, prepare

import mgovern
from mgovern.ical import series_resources

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


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
