"""Agendas: each meeting keeps to what belongs there, in the time it has.

For one meeting, every submitted item ends in exactly one place:

- on this meeting's **agenda**, with a start time and its minutes;
- **forwarded** to its home group's next meeting whose agenda deadline it can still
  make (its home is another group: the routing says which, and why);
- **deferred** to a later meeting of this group: submitted after the deadline (and not
  urgent), not accepted by this cycle (a strategic meeting takes strategic items), or
  carried over because the meeting is full (lowest priority first; never dropped) to
  the next meeting with room enough for it — or, when no meeting of the group that
  takes it is long enough, left with the reason ``too-long``.

Priority, highest first: urgent items, strategic before operative (the group is there
for what no one else can do), then kinds in the template's order (decisions first),
earlier submission, then id. The agenda lists items
in the template's order: opening items, then each kind, then closing items. The result
does not depend on the order items were given in.

:func:`plan` runs this over every meeting in a window, passing forwarded and deferred
items on to the meetings they were sent to. Where an item goes when it does not compete
for a meeting's time (forwarded, late, not accepted) depends only on the item and the
meetings, so :func:`plan` settles that for every item first; only the competition for
time depends on the other items, and it only ever carries an item to a later meeting of
the same group, so each group's meetings are then filled in the order they start. No
meeting is filled before every item that can reach it has arrived.

Why one module of 807 lines: the planner's two passes share one search structure
(``_Meetings``) and one set of move rules; reading items (:mod:`.items`) and formats
(:mod:`.formatting`) live apart.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from attrs import frozen

from mgovern.calendars.cycles import Occurrence, meeting_end, occurrences
from mgovern.calendars.dst import exact_length
from mgovern.exceptions import ConfigError, MgovernError
from mgovern.i18n import pgettext_for
from mgovern.model import AgendaItem, Cycle, Group, Horizon, Kind, Matter, Organization
from mgovern.rules.horizons import HorizonResult, horizon
from mgovern.rules.scope import Outcome, Routing, route

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "Agenda",
    "ClassifiedItem",
    "Entry",
    "Move",
    "MoveReason",
    "build_agenda",
    "classify_item",
    "find_meeting",
    "plan",
]

#: How far ahead a forwarded or deferred item looks for a meeting.
LOOKAHEAD = dt.timedelta(days=400)
#: How much of the calendar beyond a window is read at a time (most searches that run
#: past the window end at the next meeting).
_BEYOND = dt.timedelta(days=91)


class MoveReason(enum.StrEnum):
    FORWARDED = "forwarded"  # belongs to another group
    LATE = "late"  # submitted after the agenda deadline
    NOT_ACCEPTED = "not-accepted"  # this cycle does not take its horizon or kind
    OVERFLOW = "overflow"  # the meeting is full
    TOO_LONG = "too-long"  # longer than every meeting of the group that takes it
    NO_MEETING = "no-meeting"  # plan: its group does not meet in the window after submission


@frozen
class ClassifiedItem:
    """An item with what mgovern made of it."""

    item: AgendaItem
    matter: Matter | None  # None: no category known or inferred
    kind: Kind
    horizon: HorizonResult
    routing: Routing | None
    minutes: int
    inferred: frozenset[str]  # the fields the classifier supplied: category, amount, kind
    evidence: tuple[str, ...] = ()


@frozen
class Entry:
    """A line of the agenda: a standing item (``item`` None) or a submitted one."""

    number: int
    title: str
    start: dt.datetime
    minutes: int
    section: str  # "opening", a kind's value, or "closing"
    item: ClassifiedItem | None = None


@frozen
class Move:
    """An item that is not on this agenda, where it went, and why."""

    item: ClassifiedItem
    reason: MoveReason
    group: str
    # None: no fitting meeting within the look-ahead (``too-long``: none can ever take it)
    meeting: Occurrence | None
    explanation: str


@frozen
class Agenda:
    group: str
    meeting: Occurrence
    entries: tuple[Entry, ...]
    forwarded: tuple[Move, ...]
    deferred: tuple[Move, ...]
    operative_share: Decimal  # of the meeting's length, 0..1
    information_share: Decimal
    warnings: tuple[str, ...]
    #: a board meeting's report of delegated decisions
    #: (:func:`mgovern.register.reporting.with_report`)
    delegation_report: Any = None

    @property
    def items(self) -> tuple[ClassifiedItem, ...]:
        return tuple(e.item for e in self.entries if e.item is not None)

    @property
    def used_minutes(self) -> int:
        return sum(e.minutes for e in self.entries)


# --- classification ---------------------------------------------------------------------
def classify_item(
    org: Organization, item: AgendaItem, *, pm: pluggy.PluginManager | None = None
) -> ClassifiedItem:
    """Kind, horizon and routing of an item; the classifier fills what the item lacks."""
    if pm is None:
        from mgovern.plugins import plugin_manager

        pm = plugin_manager()
    category, amount, kind = item.category, item.amount, item.kind
    inferred: set[str] = set()
    evidence: tuple[str, ...] = ()
    if category is None or kind is None:
        suggestion = pm.hook.mgovern_classify_item(org=org, item=item)
        if suggestion is not None:
            evidence = tuple(suggestion.evidence)
            if category is None and suggestion.category is not None:
                category, inferred = suggestion.category, inferred | {"category"}
                if amount is None and suggestion.amount is not None:
                    amount, inferred = suggestion.amount, inferred | {"amount"}
            if kind is None and suggestion.kind is not None:
                kind, inferred = suggestion.kind, inferred | {"kind"}
    kind = kind or Kind.DECISION
    matter = None
    routing = None
    level = HorizonResult(Horizon.OPERATIVE, None)
    if category is not None:
        matter = Matter(
            category,
            amount=amount,
            units=item.units,
            flags=item.flags,
            kind=kind,
            year=item.year
            if item.year is not None
            else (item.submitted.year if item.submitted else None),
        )
        routing = route(org, matter, raised_in=item.raised_in)
        level = horizon(org, matter)
    minutes = item.minutes or org.agenda.default_minutes.get(kind, 10)
    return ClassifiedItem(
        item, matter, kind, level, routing, minutes, frozenset(inferred), evidence
    )


# --- meetings ---------------------------------------------------------------------------
def find_meeting(
    org: Organization,
    group_id: str,
    when: dt.date | dt.datetime,
    *,
    pm: pluggy.PluginManager | None = None,
) -> Occurrence:
    """The group's meeting on a date (or at a date-time); a clear error when there is none."""
    day = when.date() if isinstance(when, dt.datetime) else when
    around = occurrences(
        org, group_id, day - dt.timedelta(days=14), day + dt.timedelta(days=60), pm=pm
    )
    on_day = [o for o in around if o.start.date() == day]
    same_day = on_day
    if isinstance(when, dt.datetime):
        wall = when.replace(tzinfo=None)
        same_day = [o for o in on_day if o.start.replace(tzinfo=None) == wall]
        if not same_day and on_day:
            times = ", ".join(f"{o.start:%H:%M} ({o.cycle})" for o in on_day)
            raise MgovernError(
                f"group {group_id!r} meets on {day} at {times}, not at {when:%H:%M}: "
                "give one of those times"
            )
    if len(same_day) == 1:
        return same_day[0]
    if len(same_day) > 1:
        times = ", ".join(f"{o.start:%H:%M} ({o.cycle})" for o in same_day)
        raise MgovernError(
            f"group {group_id!r} meets more than once on {day}: {times}; give the time too, "
            f"e.g. {day}T{same_day[0].start:%H:%M}"
        )
    later = [o for o in around if o.start.date() > day]
    hint = (
        f"; its next meeting is {later[0].start:%Y-%m-%d %H:%M} ({later[0].cycle})" if later else ""
    )
    raise MgovernError(f"group {group_id!r} has no meeting on {day}{hint}")


def _accepts(cycle: Cycle, item: ClassifiedItem) -> bool:
    if cycle.accepts_horizons and item.horizon.horizon not in cycle.accepts_horizons:
        return False
    return not (cycle.accepts_kinds and item.kind not in cycle.accepts_kinds)


def _order(meeting: Occurrence) -> tuple[dt.datetime, dt.datetime, str]:
    """Meetings of one group in the order of :class:`~mgovern.calendars.cycles.Occurrence`."""
    return (meeting.start, meeting.end, meeting.cycle)


class _Meetings:
    """Every group's meetings, series by series, to find the first that can take an item.

    The window ``[start, end]`` (original dates, as :func:`~mgovern.calendars.cycles.occurrences`
    selects them) is where :func:`plan` places items; beyond it, meetings are read when a
    search runs past the window and count only within :data:`LOOKAHEAD` of the moment the
    item is looked up for (where it was headed). Within a series, meetings are sorted by
    start, so a search is a bisection per series and a short scan past meetings whose
    deadline the item missed.
    """

    def __init__(
        self, org: Organization, start: dt.date, end: dt.date, pm: pluggy.PluginManager | None
    ) -> None:
        self.org, self.start, self.end, self.pm = org, start, end, pm
        self.standing = sum(t.minutes for t in (*org.agenda.opening, *org.agenda.closing))
        self._found: dict[tuple[object, ...], Occurrence | None] = {}
        self._largest: dict[tuple[object, ...], int] = {}
        self._window: dict[str, list[Occurrence]] = {}
        self._starts: dict[str, list[dt.datetime]] = {}
        self._series: dict[str, dict[str, tuple[list[dt.datetime], list[Occurrence]]]] = {}
        self._read_until: dict[str, dt.date] = {}

    def window(self, group_id: str) -> list[Occurrence]:
        """The group's meetings in the window, sorted by start."""
        found = self._window.get(group_id)
        if found is None:
            found = occurrences(self.org, group_id, self.start, self.end, pm=self.pm)
            self._window[group_id] = found
            self._starts[group_id] = [m.start for m in found]
            self._series[group_id] = {}
            self._add(group_id, found)
            self._read_until[group_id] = self.end
        return found

    def starts(self, group_id: str) -> list[dt.datetime]:
        self.window(group_id)
        return self._starts[group_id]

    def _add(self, group_id: str, found: Iterable[Occurrence]) -> None:
        series = self._series[group_id]
        for meeting in found:
            starts, meetings = series.setdefault(meeting.cycle, ([], []))
            starts.append(meeting.start)
            meetings.append(meeting)

    def in_window(self, meeting: Occurrence) -> bool:
        return self.start <= meeting.recurrence_id.date() <= self.end

    def room(self, cycle: Cycle) -> int:
        """Minutes a meeting of the cycle has for submitted items (after the standing ones)."""
        return max(cycle.duration - self.standing, 0)

    def largest_room(self, group: Group, item: ClassifiedItem) -> int:
        """The most minutes any meeting of the group that takes the item has for items."""
        key = (group.id, item.horizon.horizon, item.kind)
        largest = self._largest.get(key)
        if largest is None:
            largest = max((self.room(c) for c in group.cycles if _accepts(c, item)), default=0)
            self._largest[key] = largest
        return largest

    def first(
        self,
        group_id: str,
        item: ClassifiedItem,
        *,
        after: dt.datetime | None,
        ready: dt.datetime | None = None,
        minutes: int | None = None,
    ) -> Occurrence | None:
        """The group's first meeting that starts after ``after``, takes the item, and
        (with ``ready``) whose agenda deadline is not before ``ready``, and (with
        ``minutes``) that has that many minutes for items."""
        key = (group_id, item.horizon.horizon, item.kind, after, ready, minutes)
        if key in self._found:  # items carried over from one meeting ask the same
            return self._found[key]
        found = self._first(group_id, item, after, ready, minutes)
        self._found[key] = found
        return found

    def _first(
        self,
        group_id: str,
        item: ClassifiedItem,
        after: dt.datetime | None,
        ready: dt.datetime | None,
        minutes: int | None,
    ) -> Occurrence | None:
        self.window(group_id)
        group = self.org.group(group_id)
        limit = (after.date() if after is not None else self.start) + LOOKAHEAD
        while True:
            found = self._search(group, item, after, ready, minutes)
            if found is not None:
                if self.in_window(found) or found.recurrence_id.date() <= limit:
                    return found
                return None
            read = self._read_until[group_id]
            if read >= limit:
                return None
            until = min(limit, read + _BEYOND)
            more = occurrences(self.org, group_id, read + dt.timedelta(days=1), until, pm=self.pm)
            self._add(group_id, more)
            self._read_until[group_id] = until

    def _search(
        self,
        group: Group,
        item: ClassifiedItem,
        after: dt.datetime | None,
        ready: dt.datetime | None,
        minutes: int | None,
    ) -> Occurrence | None:
        series = self._series[group.id]
        best: Occurrence | None = None
        for cycle in group.cycles:
            if cycle.id not in series or not _accepts(cycle, item):
                continue
            if minutes is not None and minutes > self.room(cycle):
                continue
            starts, meetings = series[cycle.id]
            index = 0 if after is None else bisect.bisect_right(starts, after)
            while index < len(meetings):
                meeting = meetings[index]
                if best is not None and meeting.start > best.start:
                    break
                deadline = meeting.agenda_deadline
                if ready is None or deadline is None or deadline >= ready:
                    if best is None or _order(meeting) < _order(best):
                        best = meeting
                    break
                index += 1
        return best


def _priority(org: Organization, item: ClassifiedItem) -> tuple[object, ...]:
    order = list(org.agenda.order)
    submitted = item.item.submitted
    return (
        not item.item.urgent,
        item.horizon.horizon is not Horizon.STRATEGIC,
        order.index(item.kind),
        submitted is None,
        submitted.astimezone(dt.UTC) if submitted else dt.datetime.min.replace(tzinfo=dt.UTC),
        item.item.id,
    )


def _texts(org: Organization) -> dict[str, Any]:
    pgettext = pgettext_for(org)
    return {
        "forwarded": pgettext("agenda", "{why}"),
        "late": pgettext("agenda", "Submitted {submitted}, after the deadline {deadline}"),
        "not-accepted": pgettext("agenda", "This meeting ({cycle}) takes no {what}"),
        "overflow": pgettext(
            "agenda", "Does not fit: needs {minutes} min, {free} of the {room} min for items left"
        ),
        "too-long": pgettext(
            "agenda",
            "Longer than any meeting of the group that takes it: needs {minutes} "
            "min, at most {room} min for items",
        ),
        "no-meeting": pgettext(
            "agenda",
            "{group} has no meeting between {start} and {end} after it was submitted {submitted}",
        ),
        "no-meeting-at-all": pgettext("agenda", "{group} has no meeting between {start} and {end}"),
        "what": {
            "strategic": pgettext("agenda", "strategic items"),
            "operative": pgettext("agenda", "operative items"),
            "decision": pgettext("agenda", "decisions"),
            "discussion": pgettext("agenda", "discussions"),
            "follow-up": pgettext("agenda", "follow-ups"),
            "information": pgettext("agenda", "information items"),
        },
        "none": pgettext("agenda", "; no fitting meeting within {days} days"),
        "gap": pgettext(
            "agenda",
            "Item {title!r} has no home under the mandates; the group must decide where it goes",
        ),
        "ambiguous": pgettext(
            "agenda", "Item {title!r} has several possible homes; the rules need clarifying"
        ),
        "unclassified": pgettext(
            "agenda", "Item {title!r} could not be classified; give its category"
        ),
        "operative": pgettext(
            "agenda", "Operative items take {share} of the meeting (the limit is {limit})"
        ),
        "information": pgettext(
            "agenda", "Information takes {share} of the meeting (the limit is {limit})"
        ),
        "longer": pgettext(
            "agenda",
            "Item {title!r} ({minutes} min) is longer than the meeting has room for ({room} min)",
        ),
    }


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal(1))}"


# --- one meeting ------------------------------------------------------------------------
def _route(
    org: Organization,
    meeting: Occurrence,
    entry: ClassifiedItem,
    *,
    arrived: bool,
    meetings: _Meetings,
    texts: Mapping[str, Any],
) -> Move | None:
    """Where an item goes from this meeting without competing for its time — forwarded
    home, late, or not accepted by this cycle — or None: it stays and competes.

    This depends only on the item and the meetings, never on the other items.
    """
    group_id = meeting.group
    lookahead = texts["none"].format(days=LOOKAHEAD.days)
    routing = entry.routing
    home = routing.home if routing is not None else None
    if home is not None and home != group_id:
        reference = meeting.agenda_deadline or meeting.start
        ready = max(reference, entry.item.submitted or reference)
        target = meetings.first(home, entry, after=ready, ready=ready)
        why = str(routing).splitlines()[0] if routing is not None else ""
        explanation = texts["forwarded"].format(group=org.group(home).name, why=why)
        return Move(
            entry, MoveReason.FORWARDED, home, target, explanation + ("" if target else lookahead)
        )
    submitted = entry.item.submitted
    deadline = meeting.agenda_deadline
    if (
        submitted is not None
        and deadline is not None
        and submitted > deadline
        and not entry.item.urgent
        and not arrived
    ):
        target = meetings.first(group_id, entry, after=meeting.start, ready=submitted)
        explanation = texts["late"].format(
            submitted=f"{submitted:%Y-%m-%d %H:%M}", deadline=f"{deadline:%Y-%m-%d %H:%M}"
        )
        return Move(
            entry, MoveReason.LATE, group_id, target, explanation + ("" if target else lookahead)
        )
    cycle = org.group(group_id).cycle(meeting.cycle)
    if not _accepts(cycle, entry):
        target = meetings.first(group_id, entry, after=meeting.start, ready=_ready(entry))
        what = (
            entry.horizon.horizon.value
            if cycle.accepts_horizons and entry.horizon.horizon not in cycle.accepts_horizons
            else entry.kind.value
        )
        explanation = texts["not-accepted"].format(cycle=cycle.name, what=texts["what"][what])
        return Move(
            entry,
            MoveReason.NOT_ACCEPTED,
            group_id,
            target,
            explanation + ("" if target else lookahead),
        )
    return None


def _ready(entry: ClassifiedItem) -> dt.datetime | None:
    """When an item moved on within its group (not accepted, carried over) is ready: a
    meeting whose agenda deadline had passed when it was submitted cannot take it (its
    papers have gone out), unless it is urgent."""
    return None if entry.item.urgent else entry.item.submitted


def _agenda(
    org: Organization,
    meeting: Occurrence,
    classified: Sequence[ClassifiedItem],
    routes: Mapping[str, Move | None],
    *,
    meetings: _Meetings,
    texts: Mapping[str, Any],
) -> tuple[Agenda, list[Move]]:
    """The agenda from the items given to the meeting (in priority order) and where each
    goes without competing for time (``routes``, by item id; None: it competes); and the
    items that did not fit, in priority order (the agenda lists them by id)."""
    group_id = meeting.group
    group = org.group(group_id)
    warnings: list[str] = []
    forwarded: list[Move] = []
    deferred: list[Move] = []
    candidates: list[ClassifiedItem] = []
    for entry in classified:
        routing = entry.routing
        if routing is None:
            from mgovern.agenda.items import is_follow_up  # an action's: not a new matter

            if not is_follow_up(entry.item):
                warnings.append(texts["unclassified"].format(title=entry.item.title))
        elif routing.outcome is Outcome.GAP:
            warnings.append(texts["gap"].format(title=entry.item.title))
        elif routing.outcome is Outcome.AMBIGUOUS:
            warnings.append(texts["ambiguous"].format(title=entry.item.title))
        move = routes.get(entry.item.id)
        if move is None:
            candidates.append(entry)
        elif move.reason is MoveReason.FORWARDED:
            forwarded.append(move)
        else:
            deferred.append(move)

    length = int(exact_length(meeting.start, meeting.end).total_seconds() // 60)
    standing = sum(t.minutes for t in (*org.agenda.opening, *org.agenda.closing))
    room = max(length - standing, 0)
    lookahead = texts["none"].format(days=LOOKAHEAD.days)
    kept: list[ClassifiedItem] = []
    carried: list[Move] = []
    used = 0
    for entry in candidates:  # already in priority order
        if used + entry.minutes <= room:
            kept.append(entry)
            used += entry.minutes
            continue
        if entry.minutes > room:
            warnings.append(
                texts["longer"].format(title=entry.item.title, minutes=entry.minutes, room=room)
            )
            largest = meetings.largest_room(group, entry)
            if entry.minutes > largest:
                explanation = texts["too-long"].format(minutes=entry.minutes, room=largest)
                carried.append(Move(entry, MoveReason.TOO_LONG, group_id, None, explanation))
                continue
        target = meetings.first(
            group_id, entry, after=meeting.start, ready=_ready(entry), minutes=entry.minutes
        )
        explanation = texts["overflow"].format(minutes=entry.minutes, free=room - used, room=room)
        carried.append(
            Move(
                entry,
                MoveReason.OVERFLOW,
                group_id,
                target,
                explanation + ("" if target else lookahead),
            )
        )

    entries: list[Entry] = []
    clock = meeting.start

    def add(title: str, minutes: int, section: str, item: ClassifiedItem | None = None) -> None:
        nonlocal clock
        entries.append(Entry(len(entries) + 1, title, clock, minutes, section, item))
        clock = meeting_end(clock, minutes)  # real minutes, also across a DST change

    for standing_item in org.agenda.opening:
        add(standing_item.title, standing_item.minutes, "opening")
    for kind in org.agenda.order:
        for entry in kept:
            if entry.kind is kind:
                add(entry.item.title, entry.minutes, kind.value, entry)
    for standing_item in org.agenda.closing:
        add(standing_item.title, standing_item.minutes, "closing")

    operative = sum(e.minutes for e in kept if e.horizon.horizon is Horizon.OPERATIVE)
    information = sum(e.minutes for e in kept if e.kind is Kind.INFORMATION)
    operative_share = Decimal(operative) / Decimal(length) if length else Decimal(0)
    information_share = Decimal(information) / Decimal(length) if length else Decimal(0)
    limits = group.limits
    for key, share, limit in (
        ("operative", operative_share, limits.max_operative_percent),
        ("information", information_share, limits.max_information_percent),
    ):
        if limit is not None and share * 100 > limit:
            warnings.append(texts[key].format(share=f"{_percent(share)} %", limit=f"{limit} %"))
    return Agenda(
        group=group_id,
        meeting=meeting,
        entries=tuple(entries),
        forwarded=tuple(sorted(forwarded, key=lambda m: m.item.item.id)),
        deferred=tuple(sorted((*deferred, *carried), key=lambda m: m.item.item.id)),
        operative_share=operative_share,
        information_share=information_share,
        warnings=tuple(warnings),
    ), carried


def _check_unique(classified: Sequence[ClassifiedItem]) -> None:
    seen: set[str] = set()
    for entry in classified:
        if entry.item.id in seen:
            raise ConfigError(
                f"item id {entry.item.id!r} is given twice: give each item its own id"
            )
        seen.add(entry.item.id)


def build_agenda(
    org: Organization,
    group_id: str,
    when: Occurrence | dt.date | dt.datetime,
    items: Iterable[AgendaItem | ClassifiedItem],
    *,
    pm: pluggy.PluginManager | None = None,
    arrived: Sequence[str] = (),
) -> Agenda:
    """The agenda of the group's meeting at ``when`` from the items submitted for it.

    :param arrived: ids of items that were forwarded or carried to this meeting (they
        are not checked against its deadline again).
    """
    org.group(group_id)
    meeting = when if isinstance(when, Occurrence) else find_meeting(org, group_id, when, pm=pm)
    if meeting.group != group_id:
        raise MgovernError(f"that meeting belongs to {meeting.group!r}, not {group_id!r}")
    classified = sorted(
        (i if isinstance(i, ClassifiedItem) else classify_item(org, i, pm=pm) for i in items),
        key=lambda c: _priority(org, c),
    )
    _check_unique(classified)
    texts = _texts(org)
    day = (meeting.agenda_deadline or meeting.start).date()
    meetings = _Meetings(org, day, day, pm)
    came = set(arrived)
    routes = {
        c.item.id: _route(
            org, meeting, c, arrived=c.item.id in came, meetings=meetings, texts=texts
        )
        for c in classified
    }
    agenda, _ = _agenda(org, meeting, classified, routes, meetings=meetings, texts=texts)
    return agenda


# --- a whole window ---------------------------------------------------------------------
def _key(meeting: Occurrence) -> tuple[dt.datetime, dt.datetime, str, str]:
    """Agendas are listed in the order they close (deadline, else start)."""
    return (meeting.agenda_deadline or meeting.start, meeting.start, meeting.group, meeting.cycle)


def plan(
    org: Organization,
    items: Iterable[AgendaItem],
    start: dt.date,
    end: dt.date,
    *,
    pm: pluggy.PluginManager | None = None,
) -> tuple[tuple[Agenda, ...], tuple[Move, ...]]:
    """Every meeting's agenda in ``[start, end]`` from the submitted items, passing on what
    is forwarded or deferred. Returns the agendas (in the order they close) and the items
    that found no meeting in the window, by id (each with where it was headed and why).

    An item is left out only when no meeting of the group it was headed for in the
    window can take it: none that starts late enough, takes items like it and (where the
    rules ask) whose deadline it makes; every one with room enough was full; or it is
    longer than every meeting of the group that takes it (``too-long``).
    """
    if pm is None:
        from mgovern.plugins import plugin_manager

        pm = plugin_manager()
    classified = sorted((classify_item(org, item, pm=pm) for item in items), key=_by_id)
    _check_unique(classified)
    texts = _texts(org)
    meetings = _Meetings(org, start, end, pm)
    inbox: dict[Occurrence, list[ClassifiedItem]] = {}
    for group in org.groups:
        for meeting in meetings.window(group.id):
            inbox[meeting] = []
    routes: dict[Occurrence, dict[str, Move | None]] = {meeting: {} for meeting in inbox}
    unplaced: list[Move] = []

    def pass_on(move: Move) -> None:
        waiting = inbox.get(move.meeting) if move.meeting is not None else None
        if waiting is None:  # beyond the window, or nowhere
            unplaced.append(move)
        else:
            waiting.append(move.item)

    # 1. Where each item starts, and where it goes from there when it does not compete
    #    for time there: this depends on no other item, so it is settled for all first.
    for entry in classified:
        first = _first_meeting(org, entry, meetings, texts)
        if isinstance(first, Move):
            unplaced.append(first)
            continue
        inbox[first].append(entry)
        move = _route(org, first, entry, arrived=False, meetings=meetings, texts=texts)
        routes[first][entry.item.id] = move
        if move is not None:  # where it is sent, it is at home, in time and accepted
            pass_on(move)

    # 2. The competition for time only carries an item to a later meeting of the same
    #    group: each group's meetings are filled in the order they start.
    priority = {entry.item.id: _priority(org, entry) for entry in classified}
    agendas: list[Agenda] = []
    for group in org.groups:
        for meeting in meetings.window(group.id):
            given = sorted(inbox.pop(meeting), key=lambda c: priority[c.item.id])
            agenda, carried = _agenda(
                org, meeting, given, routes[meeting], meetings=meetings, texts=texts
            )
            agendas.append(agenda)
            for move in carried:  # in priority order: the next sort has little to do
                pass_on(move)
    agendas.sort(key=lambda a: _key(a.meeting))
    unplaced.sort(key=lambda m: m.item.item.id)
    return tuple(agendas), tuple(unplaced)


def _by_id(entry: ClassifiedItem) -> str:
    return entry.item.id


def _first_meeting(
    org: Organization, entry: ClassifiedItem, meetings: _Meetings, texts: Mapping[str, Any]
) -> Occurrence | Move:
    """The meeting an item goes to first, or why there is none in the window.

    The meeting it names (``meeting`` date, ``cycle``; also when it was submitted after
    that meeting began: it is late there), where its agenda may find it late or not
    fitting and send it on; otherwise the group's first meeting after it was
    submitted that takes items like it and whose deadline it makes (urgent items: the
    first after submission). An item no meeting takes goes to the group's first meeting
    after submission, whose agenda says why it moves on.
    """
    item = entry.item
    group = org.group(item.raised_in)
    window = meetings.window(group.id)
    starts = meetings.starts(group.id)
    submitted = item.submitted
    first = 0 if submitted is None else bisect.bisect_right(starts, submitted)
    if item.meeting is not None or item.cycle is not None:
        index = first
        if item.meeting is not None:  # the meeting it names, also one that had begun
            midnight = dt.datetime.combine(item.meeting, dt.time(0), tzinfo=org.zone)
            index = bisect.bisect_left(starts, midnight)
        for meeting in itertools.islice(window, index, None):
            if item.meeting is not None and meeting.start.date() != item.meeting:
                break
            if item.cycle is None or meeting.cycle == item.cycle:
                return meeting
        days = _window_days(org, meetings) if item.meeting is not None else None
        if item.meeting is not None and days is not None and days[0] <= item.meeting <= days[1]:
            raise ConfigError(
                f"item {item.id!r} is meant for the meeting of {item.meeting}, but "
                f"{group.id!r} has no such meeting then; correct its meeting date"
            )
    ready = None if item.urgent or submitted is None else submitted
    fitting = meetings.first(group.id, entry, after=submitted, ready=ready)
    if fitting is not None and meetings.in_window(fitting):
        return fitting
    if first < len(window):
        return window[first]
    where = {
        "group": group.name,
        "start": meetings.start.isoformat(),
        "end": meetings.end.isoformat(),
        "submitted": f"{submitted:%Y-%m-%d %H:%M}" if submitted else "",
    }
    explanation = texts["no-meeting" if submitted else "no-meeting-at-all"].format(**where)
    return Move(entry, MoveReason.NO_MEETING, group.id, fitting, explanation)


def _window_days(org: Organization, meetings: _Meetings) -> tuple[dt.date, dt.date] | None:
    """The first and last day any group meets in the window."""
    days = [
        day
        for group in org.groups
        if (found := meetings.window(group.id))
        for day in (found[0].start.date(), found[-1].start.date())
    ]
    return (min(days), max(days)) if days else None
