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

from mgovern.exceptions import UnknownReferenceError
from mgovern.history import History
from mgovern.i18n import gettext_for, ngettext_for
from mgovern.model import GROUP_DECIDES, Organization

__all__ = ["GovernanceEvent", "governance_calendar", "governance_events", "vacancies"]

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
    """Every governance event in ``[start, end]``, by date. A role vacant on ``start``
    is reported on ``start``; one that falls vacant later, on that day.

    Near-linear in the appointments: the organisation is built in full on ``start`` and
    on each revision's day; on the other days only the groups whose seats change (or
    whose participants' roles do) are looked at again."""
    found: list[GovernanceEvent] = []
    for revision in history.revisions:
        if revision.effective is not None and start <= revision.effective <= end:
            title = revision.title or str(revision.effective)
            _ = gettext_for(history.as_of(revision.effective))
            taking = _("{title} takes effect").format(title=title)
            found.append(GovernanceEvent(revision.effective, "revision", None, title, taking))
    ending: dict[tuple[dt.date, str, str], list[tuple[str, str | None]]] = {}
    for a in history.appointments:
        if a.end is not None and start <= a.end <= end:
            ending.setdefault((a.end, a.group, a.person), []).append((a.position, a.role))
    for (day, gid, pid), seats in ending.items():  # one event a person, group and day
        org = history.revision(day).organization  # names do not hang on seats
        _ = gettext_for(org)
        positions = {"chair": _("chair"), "secretary": _("secretary"), "member": _("member")}
        what = _(" and ").join(
            dict.fromkeys(positions.get(p, p) + (f", {role}" if role else "") for p, role in seats)
        )
        found.append(
            GovernanceEvent(
                day,
                "term-ends",
                gid,
                pid,
                _("{person} ends as {what} in {group}").format(
                    person=_person(org, pid), what=what, group=_group(org, gid)
                ),
            )
        )
    found.extend(_vacancy_events(history, start, end))
    if meetings:
        found.extend(_meetings_without(history, start, end))
    return tuple(sorted(found))


def _vacancy_events(history: History, start: dt.date, end: dt.date) -> list[GovernanceEvent]:
    """The roles vacant on ``start`` and those falling vacant later in the window."""
    offices = history.offices()
    changing = history.seats_changing()
    revision_days = {r.effective for r in history.revisions if r.effective is not None}
    days = sorted({start, *(d for d in (*changing, *revision_days) if start < d <= end)})
    found: list[GovernanceEvent] = []
    now: dict[tuple[str, str], str | None] = {}
    org: Organization | None = None
    for day in days:
        if org is None or day in revision_days:
            org = history.as_of(day)
            involved = {gid: _clause_roles(org, gid, offices) for gid in _ids(org)}
            held = {p.id: set(p.roles) for p in org.people}
            where = _participation(org, history)
            groups = {gid: org.group(gid) for gid in involved}
            looked_at = set(involved)
        else:
            seats = changing.get(day, ())
            looked_at = set()
            for kind, first, _ in seats:
                if kind == "role":
                    try:
                        held[first] = set(history.person_as_of(first, day).roles)
                    except UnknownReferenceError:  # not among this revision's people
                        held[first] = set()
                    looked_at |= where.get(first, set())
                else:
                    looked_at.add(first)
            for gid in looked_at & groups.keys():
                groups[gid] = history.group_as_of(gid, day)
        for gid in sorted(looked_at & involved.keys()):
            group = groups[gid]
            for role, clauses in involved[gid].items():
                holder = next((p for p in group.participants if role in held.get(p, ())), None)
                key = (gid, role)
                if holder is None and (day == start or now.get(key) is not None):
                    found.append(_vacant(org, gid, role, clauses, day))
                now[key] = holder
    return found


def vacancies(
    org: Organization, day: dt.date, seats: frozenset[str]
) -> tuple[GovernanceEvent, ...]:
    """The offices (among ``seats``, see :func:`mgovern.rules.scope.offices`) that decide a
    group's clauses and that no participant of the group holds in ``org`` (the
    organisation in force on ``day``)."""
    found = []
    for group in org.groups:
        for role, clauses in _clause_roles(org, group.id, seats).items():
            if not any(role in org.person(p).roles for p in group.participants):
                found.append(_vacant(org, group.id, role, clauses, day))
    return tuple(found)


def _ids(org: Organization) -> list[str]:
    return [g.id for g in org.groups]


def _clause_roles(
    org: Organization, gid: str, offices: frozenset[str]
) -> dict[str, tuple[str, ...]]:
    """The offices that decide a group's clauses, each with the clauses it decides."""
    out: dict[str, tuple[str, ...]] = {}
    for clause in org.group(gid).mandate.handles:
        if clause.decided_by != GROUP_DECIDES and clause.decided_by in offices:
            out[clause.decided_by] = (*out.get(clause.decided_by, ()), f"{gid}/handles/{clause.id}")
    return out


def _participation(org: Organization, history: History) -> dict[str, set[str]]:
    """The groups each person may sit in: by the revision, or by an appointment."""
    out: dict[str, set[str]] = {}
    for group in org.groups:
        for person in group.participants:
            out.setdefault(person, set()).add(group.id)
    for a in history.appointments:
        out.setdefault(a.person, set()).add(a.group)
    return out


def _vacant(
    org: Organization, gid: str, role: str, clauses: tuple[str, ...], day: dt.date
) -> GovernanceEvent:
    name = next((r.name for r in org.roles if r.id == role), role)
    ngettext = ngettext_for(org)
    return GovernanceEvent(
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


def _meetings_without(history: History, start: dt.date, end: dt.date) -> list[GovernanceEvent]:
    from mgovern.calendars.cycles import occurrences

    org = history.as_of(end)
    _ = gettext_for(org)
    appointed = {a.group for a in history.appointments}
    found = []
    for group in org.groups:
        if group.id not in appointed or not group.cycles:
            continue
        days = sorted({m.start.date() for m in occurrences(org, group.id, start, end)})
        for day in days:
            if not history.revision(day).organization.has_group(group.id):
                continue
            there = history.group_as_of(group.id, day)
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
