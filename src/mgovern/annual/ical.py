"""The year wheel's milestones as an iCalendar file (``calendars/arshjul.ics``).

Each stage of each planned chain is an all-day event on the day of its meeting
(``DTSTART;VALUE=DATE``, ``DTEND`` the next day, ``TRANSP:TRANSPARENT`` so that it never
shows as busy), with ``CATEGORIES`` "Årshjul" and the matter's name, a deterministic UID
per matter, year and stage, and ``DTSTAMP`` from the caller: the same plan and stamp
give the same bytes. The meeting itself stays in the group's calendar; the milestone
says which annual matter it carries.
"""

from __future__ import annotations

import datetime as dt
import uuid

from icalendar import Calendar, Event

from mgovern.annual.planning import AnnualPlan, YearPlan, deadline
from mgovern.calendars.ical import ANNUAL_CATEGORY, PRODID
from mgovern.i18n import gettext_for
from mgovern.model import Organization

__all__ = ["CATEGORY", "milestones", "stage_summary", "stage_what"]

CATEGORY = ANNUAL_CATEGORY
_NAMESPACE = uuid.UUID("5b0a0d6e-8f7e-4a43-9a57-2f1c3c1f0a15")


def stage_summary(org: Organization, p: YearPlan, index: int) -> str:
    """``Tertialrapport 2: beredning i KLG`` (``…: beslut i Nämnden`` for the decision)."""
    return f"{p.matter.name}: {stage_what(org, p, index)}"


def stage_what(org: Organization, p: YearPlan, index: int) -> str:
    """What a stage does where: ``beredning i KLG``, ``beslut i Nämnden``."""
    _ = gettext_for(org)
    stage = p.stages[index]
    group = org.group(stage.meeting.group)
    where = group.short_name or group.name
    kinds = {
        "decision": _("decision in {group}"),
        "discussion": _("preparation in {group}"),
        "information": _("information in {group}"),
    }
    what = kinds.get(stage.stage.kind.value, stage.stage.kind.value + " {group}")
    return what.format(group=where)


def milestones(org: Organization, wheel: AnnualPlan, *, stamp: dt.datetime) -> Calendar:
    """Every stage of every planned chain as an all-day event."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    _ = gettext_for(org)
    cal.add("x-wr-calname", _("Year wheel: {name}").format(name=org.name))
    for p in wheel.plans:
        for index, planned in enumerate(p.stages):
            meeting = planned.meeting
            day = meeting.start.date()
            event = Event()
            name = f"{org.id}/arshjul/{p.matter.id}/{p.year}/{index}"
            event.add("uid", str(uuid.uuid5(_NAMESPACE, name)))
            event.add("dtstamp", stamp.astimezone(dt.UTC))
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("summary", stage_summary(org, p, index))
            event.add("categories", [CATEGORY, p.matter.name])
            event.add("transp", "TRANSPARENT")
            event.add("related-to", meeting.uid)  # the meeting (or its series) it rides on
            cycle = org.group(meeting.group).cycle(meeting.cycle)
            lines = [
                f"{cycle.name} {meeting.start:%Y-%m-%d %H:%M}–{meeting.end:%H:%M}",
                f"Sista dag för ärenden: {deadline(meeting):%Y-%m-%d %H:%M}",
                f"Steg {index + 1} av {len(p.stages)}; beslut {p.decision.start:%Y-%m-%d}",
            ]
            event.add("description", "\n".join(lines))
            cal.add_component(event)
    return cal
