"""The notice board (*anslagstavla*): the announcements of approved minutes that are up on
the site's day, as a page, an Atom feed (feedgen) and an iCalendar file of the notice
periods.

A notice is up from the day it was posted until the appeal period has ended
(kommunallagen 8 kap. 12 §, 13 kap. 5 §; :func:`mgovern.register.appeals.notices`): a
site built ``--on`` a later day no longer lists it. The feed and the calendar hold the
same notices as the page, the calendar each as an all-day event over its period.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mgovern.model import Organization

__all__ = ["NOTICE_FILES", "atom_feed", "notice_board", "notice_calendar", "notice_link"]

#: The page, the feed and the calendar, relative to the site's folder.
NOTICE_FILES = ("anslagstavla.html", "anslagstavla.atom", "anslagstavla.ics")
_NAMESPACE = uuid.UUID("0b6f4a36-5a8e-4cc8-9d52-0a7bdb3b6e2f")


def notice_board(
    org: Organization, db: Path | None, on: dt.date, words: Mapping[str, Any]
) -> list[dict[str, Any]] | None:
    """The notices up on ``on`` as the page shows them; None when there is no register,
    or it follows no minutes (the page is left out)."""
    if db is None:
        return None
    try:
        from mgovern.register.appeals import notices
        from mgovern.register.store import Register
    except ImportError:
        return None
    with Register(db, read_only=True) as register:
        if not register.all_minutes():
            return None
        found = notices(org, register, on)
    views = []
    for n in found:
        group = org.group(n.minutes.group) if org.has_group(n.minutes.group) else None
        body = group.name if group is not None else n.minutes.group
        title = str(words["notice_title"]).format(body=body, meeting=n.minutes.meeting)
        if n.paragraphs:
            title += f" ({words['notice_paragraphs']} {', '.join(n.paragraphs)})"
        key = f"{org.id}:{n.minutes.key}:{n.posted}:{','.join(n.paragraphs)}"
        views.append(
            {
                "id": f"urn:uuid:{uuid.uuid5(_NAMESPACE, key)}",
                "title": title,
                "body": body,
                "group": n.minutes.group if group is not None else "",
                "meeting": n.minutes.meeting.isoformat(),
                "approved": n.approved.isoformat(),
                "posted": n.posted.isoformat(),
                "until": n.appealable_until.isoformat(),
                "until_day": n.appealable_until,
                "posted_day": n.posted,
                "place": n.place,
                "minutes_url": n.minutes_url,
            }
        )
    return views


def notice_link(notice: Mapping[str, Any]) -> str:
    """Where a notice links: the approved minutes, else the body's page."""
    if notice["minutes_url"]:
        return str(notice["minutes_url"])
    return f"groups/{notice['group']}.html" if notice["group"] else "anslagstavla.html"


def atom_feed(
    org: Organization, notices: list[dict[str, Any]], on: dt.date, words: Mapping[str, Any]
) -> bytes:
    """The notices as an Atom feed, the same bytes for the same notices and day."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{org.id}:anslagstavla')}")
    feed.title(f"{words['notices']} – {org.name}")
    feed.author({"name": org.name})
    feed.link(href="anslagstavla.html", rel="alternate")
    feed.language(str(words["lang"]))
    feed.updated(dt.datetime.combine(on, dt.time(0), dt.UTC))
    for n in reversed(notices):  # feedgen lists the last added first: newest first
        entry = feed.add_entry()
        entry.id(n["id"])
        entry.title(n["title"])
        entry.link(href=notice_link(n), rel="alternate")
        posted = dt.datetime.combine(n["posted_day"], dt.time(0), dt.UTC)
        entry.published(posted)
        entry.updated(posted)
        entry.summary(
            str(words["notice_summary"]).format(
                approved=n["approved"], posted=n["posted"], until=n["until"], place=n["place"]
            )
        )
    data: bytes = feed.atom_str(pretty=True)
    return data


def notice_calendar(
    org: Organization, notices: list[dict[str, Any]], on: dt.date, words: Mapping[str, Any]
) -> bytes:
    """Each notice's period as an all-day event: from the day it was posted through its
    last day of appeal."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//mgovern//anslagstavla//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{words['notices']} – {org.name}")
    stamp = dt.datetime.combine(on, dt.time(0), dt.UTC)
    for n in sorted(notices, key=lambda n: (n["posted"], n["id"])):
        event = icalendar.Event()
        event.add("uid", n["id"].removeprefix("urn:uuid:"))
        event.add("dtstamp", stamp)
        event.add("dtstart", n["posted_day"])
        event.add("dtend", n["until_day"] + dt.timedelta(days=1))
        event.add("summary", n["title"])
        event.add(
            "description",
            str(words["notice_summary"]).format(
                approved=n["approved"], posted=n["posted"], until=n["until"], place=n["place"]
            ),
        )
        if n["minutes_url"]:
            event.add("url", n["minutes_url"])
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
