"""The governance calendar: what a history says will happen to its rules and people.

In a window: revisions that take effect, appointments (terms of office) that end, roles
that fall vacant and the decisions that then have no decision-maker, and meetings of a
group that has no chair or secretary that day. :func:`governance_events` finds them;
:func:`governance_calendar` writes them as all-day events (``governance.ics``).
"""

from __future__ import annotations

import datetime as dt
import uuid

from attrs import frozen
from icalendar import Calendar, Event

from mgovern.history import History
from mgovern.i18n import gettext_for, ngettext_for
from mgovern.model import GROUP_DECIDES, Organization

__all__ = ["GovernanceEvent", "governance_calendar", "governance_events"]

_NAMESPACE = uuid.UUID("0f6f1c55-3a7e-4f0e-9a57-9c1d2b7a4e21")


@frozen(order=True)
class GovernanceEvent:
    """One event: ``kind`` is ``revision``, ``term-ends``, ``vacant`` (a role or position
    nobody holds from ``date``) or ``meeting-without`` (a meeting of ``group`` without a
    chair or secretary); ``clauses`` are the decisions left without a decision-maker."""

    date: dt.date
    kind: str
    group: str | None
    subject: str
    message: str
    clauses: tuple[str, ...] = ()


def governance_events(
    history: History, start: dt.date, end: dt.date, *, meetings: bool = True
) -> tuple[GovernanceEvent, ...]:
    """Every governance event in ``[start, end]``, by date."""
    found: list[GovernanceEvent] = []
    for revision in history.revisions:
        if revision.effective is not None and start <= revision.effective <= end:
            title = revision.title or str(revision.effective)
            _ = gettext_for(history.as_of(revision.effective))
            taking = _("{title} takes effect").format(title=title)
            found.append(GovernanceEvent(revision.effective, "revision", None, title, taking))
    for a in history.appointments:
        if a.end is not None and start <= a.end <= end:
            org = history.as_of(a.end)
            _ = gettext_for(org)
            positions = {"chair": _("chair"), "secretary": _("secretary"), "member": _("member")}
            what = positions.get(a.position, a.position) + (f", {a.role}" if a.role else "")
            found.append(
                GovernanceEvent(
                    a.end,
                    "term-ends",
                    a.group,
                    a.person,
                    _("{person} ends as {what} in {group}").format(
                        person=_person(org, a.person), what=what, group=_group(org, a.group)
                    ),
                )
            )
    days = [start, *(d for d in history.changes() if start < d <= end)]
    previous = history.as_of(start - dt.timedelta(days=1))  # what falls vacant from then
    for day in days:
        org = history.as_of(day)
        found.extend(_vacancies(org, previous, day))
        previous = org
    if meetings:
        found.extend(_meetings_without(history, start, end))
    return tuple(sorted(found))


def _holders(org: Organization) -> dict[tuple[str, str], tuple[str | None, tuple[str, ...]]]:
    from mgovern.compare import holder

    out: dict[tuple[str, str], tuple[str | None, tuple[str, ...]]] = {}
    for group in org.groups:
        for clause in group.mandate.handles:
            if clause.decided_by == GROUP_DECIDES:
                continue
            key = (group.id, clause.decided_by)
            person, clauses = out.get(key, (holder(org, group.id, clause.decided_by), ()))
            out[key] = (person, (*clauses, f"{group.id}/handles/{clause.id}"))
    return out


def _vacancies(org: Organization, before: Organization, day: dt.date) -> list[GovernanceEvent]:
    """The roles nobody holds on ``day`` that someone held the day before."""
    now, then = _holders(org), _holders(before)
    ngettext = ngettext_for(org)
    found = []
    for (gid, role), (person, clauses) in now.items():
        if person is None and then.get((gid, role), (None, ()))[0] is not None:
            name = next((r.name for r in org.roles if r.id == role), role)
            found.append(
                GovernanceEvent(
                    day,
                    "vacant",
                    gid,
                    role,
                    ngettext(
                        "{role} in {group} is vacant: {n} clause has no decision-maker",
                        "{role} in {group} is vacant: {n} clauses have no decision-maker",
                        len(clauses),
                    ).format(role=name, group=_group(org, gid), n=len(clauses)),
                    clauses,
                )
            )
    return found


def _meetings_without(history: History, start: dt.date, end: dt.date) -> list[GovernanceEvent]:
    from mgovern.cycles import occurrences

    org = history.as_of(end)
    _ = gettext_for(org)
    appointed = {a.group for a in history.appointments}
    found = []
    for group in org.groups:
        if group.id not in appointed or not group.cycles:
            continue
        days = sorted({m.start.date() for m in occurrences(org, group.id, start, end)})
        for day in days:
            there = history.as_of(day).group(group.id)
            missing = [p for p in ("chair", "secretary") if getattr(there, p) is None]
            if missing:
                found.append(
                    GovernanceEvent(
                        day,
                        "meeting-without",
                        group.id,
                        "+".join(missing),
                        (
                            _("{group} meets without a chair or secretary")
                            if len(missing) == 2
                            else _("{group} meets without a chair")
                            if missing == ["chair"]
                            else _("{group} meets without a secretary")
                        ).format(group=_group(org, group.id)),
                    )
                )
    return found


def _group(org: Organization, gid: str) -> str:
    return org.group(gid).name if org.has_group(gid) else gid


def _person(org: Organization, pid: str) -> str:
    return next((p.name for p in org.people if p.id == pid), pid)


def governance_calendar(
    org: Organization, events: tuple[GovernanceEvent, ...], *, stamp: dt.datetime
) -> Calendar:
    """The events as all-day, transparent VEVENTs with stable UIDs (``governance.ics``)."""
    cal = Calendar()
    cal.add("prodid", "-//mgovern//governance//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    _ = gettext_for(org)
    cal.add("x-wr-calname", _("Governance: {name}").format(name=org.name))
    for e in events:
        event = Event()
        name = f"{org.id}/governance/{e.kind}/{e.group}/{e.subject}/{e.date}"
        event.add("uid", str(uuid.uuid5(_NAMESPACE, name)))
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", e.date)
        event.add("dtend", e.date + dt.timedelta(days=1))
        event.add("summary", e.message)
        event.add("categories", ["Governance", e.kind])
        event.add("transp", "TRANSPARENT")
        if e.clauses:
            event.add("description", "\n".join(e.clauses))
        cal.add_component(event)
    return cal
