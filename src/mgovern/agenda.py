"""Agendas: each meeting keeps to what belongs there, in the time it has.

For one meeting, every submitted item ends in exactly one place:

- on this meeting's **agenda**, with a start time and its minutes;
- **forwarded** to its home group's next meeting whose agenda deadline it can still
  make (its home is another group: the routing says which, and why);
- **deferred** to a later meeting of this group: submitted after the deadline (and not
  urgent), not accepted by this cycle (a strategic meeting takes strategic items), or
  carried over because the meeting is full (lowest priority first; never dropped).

Priority, highest first: urgent items, strategic before operative (the group is there
for what no one else can do), then kinds in the template's order (decisions first),
earlier submission, then id. The agenda lists items
in the template's order: opening items, then each kind, then closing items. The result
does not depend on the order items were given in.

:func:`plan` runs this over every meeting in a window, passing forwarded and deferred
items on to the meetings they were sent to.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from attrs import frozen

from mgovern.cycles import Occurrence, meeting_end, occurrences
from mgovern.dst import exact_length
from mgovern.exceptions import ConfigError, MgovernError
from mgovern.horizons import HorizonResult, horizon
from mgovern.model import AgendaItem, Cycle, Horizon, Kind, Matter, Organization
from mgovern.scope import Outcome, Routing, route

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


class MoveReason(enum.StrEnum):
    FORWARDED = "forwarded"  # belongs to another group
    LATE = "late"  # submitted after the agenda deadline
    NOT_ACCEPTED = "not-accepted"  # this cycle does not take its horizon or kind
    OVERFLOW = "overflow"  # the meeting is full


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
    meeting: Occurrence | None  # None: no fitting meeting within the look-ahead
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
    #: a board meeting's report of delegated decisions (:func:`mgovern.reporting.with_report`)
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


def _next_fitting(
    org: Organization,
    group_id: str,
    item: ClassifiedItem,
    after: dt.datetime,
    ready: dt.datetime,
    pm: pluggy.PluginManager | None,
    *,
    need_deadline: bool,
) -> Occurrence | None:
    """The first meeting of the group that starts after ``after``, accepts the item and
    (with ``need_deadline``) whose agenda deadline is not before ``ready``."""
    group = org.group(group_id)
    start = after.date()
    for meeting in occurrences(org, group_id, start, start + LOOKAHEAD, pm=pm):
        if meeting.start <= after:
            continue
        if not _accepts(group.cycle(meeting.cycle), item):
            continue
        if (
            need_deadline
            and meeting.agenda_deadline is not None
            and meeting.agenda_deadline < ready
        ):
            continue
        return meeting
    return None


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
    if org.locale.lower().startswith("sv"):
        return {
            "forwarded": "{why}",
            "late": "Inkom {submitted} efter sista dag {deadline}",
            "not-accepted": "Mötet ({cycle}) tar inte emot {what}",
            "overflow": "Ryms inte: behöver {minutes} min, {free} av {room} min för ärenden "
            "återstår",
            "what": {
                "strategic": "strategiska ärenden",
                "operative": "operativa ärenden",
                "decision": "beslutsärenden",
                "discussion": "diskussionsärenden",
                "follow-up": "uppföljningar",
                "information": "informationsärenden",
            },
            "none": "; inget passande möte inom {days} dagar",
            "gap": "Ärendet {title!r} har ingen hemvist enligt mandaten; "
            "gruppen behöver avgöra vart det hör",
            "ambiguous": "Ärendet {title!r} har flera möjliga hemvister; "
            "reglerna behöver förtydligas",
            "unclassified": "Ärendet {title!r} kunde inte klassificeras; ange kategori",
            "operative": "Operativa ärenden tar {share} % av mötestiden (gränsen är {limit} %)",
            "information": "Information tar {share} % av mötestiden (gränsen är {limit} %)",
            "too_long": "Ärendet {title!r} ({minutes} min) är längre än mötet rymmer ({room} min)",
        }
    return {
        "forwarded": "{why}",
        "late": "Submitted {submitted}, after the deadline {deadline}",
        "not-accepted": "This meeting ({cycle}) takes no {what}",
        "overflow": "Does not fit: needs {minutes} min, {free} of the {room} min for items left",
        "what": {
            "strategic": "strategic items",
            "operative": "operative items",
            "decision": "decisions",
            "discussion": "discussions",
            "follow-up": "follow-ups",
            "information": "information items",
        },
        "none": "; no fitting meeting within {days} days",
        "gap": "Item {title!r} has no home under the mandates; the group must decide where it goes",
        "ambiguous": "Item {title!r} has several possible homes; the rules need clarifying",
        "unclassified": "Item {title!r} could not be classified; give its category",
        "operative": "Operative items take {share} % of the meeting (the limit is {limit} %)",
        "information": "Information takes {share} % of the meeting (the limit is {limit} %)",
        "too_long": "Item {title!r} ({minutes} min) is longer than the meeting has room for "
        "({room} min)",
    }


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal(1))}"


# --- one meeting ------------------------------------------------------------------------
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
    group = org.group(group_id)
    meeting = when if isinstance(when, Occurrence) else find_meeting(org, group_id, when, pm=pm)
    if meeting.group != group_id:
        raise MgovernError(f"that meeting belongs to {meeting.group!r}, not {group_id!r}")
    cycle = group.cycle(meeting.cycle)
    texts = _texts(org)
    classified = sorted(
        (i if isinstance(i, ClassifiedItem) else classify_item(org, i, pm=pm) for i in items),
        key=lambda c: _priority(org, c),
    )
    ids = [c.item.id for c in classified]
    if len(set(ids)) != len(ids):
        duplicate = next(i for i in ids if ids.count(i) > 1)
        raise ConfigError(f"item id {duplicate!r} is given twice: give each item its own id")
    reference = meeting.agenda_deadline or meeting.start
    warnings: list[str] = []
    forwarded: list[Move] = []
    deferred: list[Move] = []
    candidates: list[ClassifiedItem] = []
    lookahead = texts["none"].format(days=LOOKAHEAD.days)

    for entry in classified:
        routing = entry.routing
        home = routing.home if routing is not None else None
        if routing is None:
            from mgovern.followup import is_follow_up  # an action's: not a new matter

            if not is_follow_up(entry.item):
                warnings.append(texts["unclassified"].format(title=entry.item.title))
        elif routing.outcome is Outcome.GAP:
            warnings.append(texts["gap"].format(title=entry.item.title))
        elif routing.outcome is Outcome.AMBIGUOUS:
            warnings.append(texts["ambiguous"].format(title=entry.item.title))
        if home is not None and home != group_id:
            ready = max(reference, entry.item.submitted or reference)
            target = _next_fitting(org, home, entry, ready, ready, pm, need_deadline=True)
            why = str(routing).splitlines()[0] if routing is not None else ""
            explanation = texts["forwarded"].format(group=org.group(home).name, why=why)
            forwarded.append(
                Move(
                    entry,
                    MoveReason.FORWARDED,
                    home,
                    target,
                    explanation + ("" if target else lookahead),
                )
            )
            continue
        submitted = entry.item.submitted
        late = (
            submitted is not None
            and meeting.agenda_deadline is not None
            and submitted > meeting.agenda_deadline
            and not entry.item.urgent
            and entry.item.id not in arrived
        )
        if late:
            assert submitted is not None
            assert meeting.agenda_deadline is not None
            target = _next_fitting(
                org, group_id, entry, meeting.start, submitted, pm, need_deadline=True
            )
            explanation = texts["late"].format(
                submitted=f"{submitted:%Y-%m-%d %H:%M}",
                deadline=f"{meeting.agenda_deadline:%Y-%m-%d %H:%M}",
            )
            deferred.append(
                Move(
                    entry,
                    MoveReason.LATE,
                    group_id,
                    target,
                    explanation + ("" if target else lookahead),
                )
            )
            continue
        if not _accepts(cycle, entry):
            target = _next_fitting(
                org, group_id, entry, meeting.start, meeting.start, pm, need_deadline=False
            )
            what = (
                entry.horizon.horizon.value
                if cycle.accepts_horizons and entry.horizon.horizon not in cycle.accepts_horizons
                else entry.kind.value
            )
            explanation = texts["not-accepted"].format(cycle=cycle.name, what=texts["what"][what])
            deferred.append(
                Move(
                    entry,
                    MoveReason.NOT_ACCEPTED,
                    group_id,
                    target,
                    explanation + ("" if target else lookahead),
                )
            )
            continue
        candidates.append(entry)

    length = int(exact_length(meeting.start, meeting.end).total_seconds() // 60)
    standing = sum(t.minutes for t in (*org.agenda.opening, *org.agenda.closing))
    room = max(length - standing, 0)
    kept: list[ClassifiedItem] = []
    used = 0
    for entry in candidates:  # already in priority order
        if used + entry.minutes <= room:
            kept.append(entry)
            used += entry.minutes
            continue
        if entry.minutes > room:
            warnings.append(
                texts["too_long"].format(title=entry.item.title, minutes=entry.minutes, room=room)
            )
        target = _next_fitting(
            org, group_id, entry, meeting.start, meeting.start, pm, need_deadline=False
        )
        explanation = texts["overflow"].format(minutes=entry.minutes, free=room - used, room=room)
        deferred.append(
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
            warnings.append(texts[key].format(share=_percent(share), limit=limit))
    return Agenda(
        group=group_id,
        meeting=meeting,
        entries=tuple(entries),
        forwarded=tuple(sorted(forwarded, key=lambda m: m.item.item.id)),
        deferred=tuple(sorted(deferred, key=lambda m: m.item.item.id)),
        operative_share=operative_share,
        information_share=information_share,
        warnings=tuple(warnings),
    )


# --- a whole window ---------------------------------------------------------------------
def _key(meeting: Occurrence) -> tuple[dt.datetime, dt.datetime, str, str]:
    """Meetings are settled in the order their agendas close (deadline, else start)."""
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
    that found no meeting in the window (each with where it was headed)."""
    classified = [classify_item(org, item, pm=pm) for item in items]
    meetings: dict[tuple[object, ...], Occurrence] = {}
    for group in org.groups:
        for meeting in occurrences(org, group.id, start, end, pm=pm):
            meetings[_key(meeting)] = meeting
    inbox: dict[tuple[object, ...], list[ClassifiedItem]] = {key: [] for key in meetings}
    arrived: dict[tuple[object, ...], list[str]] = {key: [] for key in meetings}
    unplaced: list[Move] = []
    ordered = sorted(meetings)
    for entry in sorted(classified, key=lambda c: c.item.id):
        first = _first_meeting(org, entry, ordered, meetings)
        if first is None:
            unplaced.append(
                Move(entry, MoveReason.LATE, entry.item.raised_in, None, "no meeting in the window")
            )
        else:
            inbox[first].append(entry)
    agendas: list[Agenda] = []
    for key in ordered:
        meeting = meetings[key]
        agenda = build_agenda(org, meeting.group, meeting, inbox[key], pm=pm, arrived=arrived[key])
        agendas.append(agenda)
        for move in (*agenda.forwarded, *agenda.deferred):
            target = move.meeting
            target_key = _key(target) if target is not None else None
            if target_key is None or target_key not in meetings or target_key <= key:
                unplaced.append(move)
                continue
            inbox[target_key].append(move.item)
            arrived[target_key].append(move.item.item.id)
    return tuple(agendas), tuple(unplaced)


def _first_meeting(
    org: Organization,
    entry: ClassifiedItem,
    ordered: Sequence[tuple[object, ...]],
    meetings: dict[tuple[object, ...], Occurrence],
) -> tuple[object, ...] | None:
    """The meeting an item goes to first.

    The meeting it names (``meeting`` date, ``cycle``), where its agenda may find it
    late or not fitting and send it on; otherwise the group's first meeting after it was
    submitted that takes items like it and whose deadline it makes (urgent items: the
    first after submission). An item no meeting takes goes to the group's first meeting
    after submission, whose agenda says why it moves on.
    """
    item = entry.item
    group = org.group(item.raised_in)
    own = [
        key
        for key in ordered
        if meetings[key].group == group.id
        and (item.submitted is None or meetings[key].start > item.submitted)
    ]
    own.sort(key=lambda key: meetings[key].start)
    if item.meeting is not None or item.cycle is not None:
        named = [
            key
            for key in own
            if (item.meeting is None or meetings[key].start.date() == item.meeting)
            and (item.cycle is None or meetings[key].cycle == item.cycle)
        ]
        if named:
            return named[0]
        window = [meetings[key].start.date() for key in ordered]
        if item.meeting is not None and window and min(window) <= item.meeting <= max(window):
            raise ConfigError(
                f"item {item.id!r} is meant for the meeting of {item.meeting}, but "
                f"{group.id!r} has no such meeting then; correct its meeting date"
            )
    for key in own:
        meeting = meetings[key]
        if not _accepts(group.cycle(meeting.cycle), entry):
            continue
        if (
            item.urgent
            or item.submitted is None
            or meeting.agenda_deadline is None
            or meeting.agenda_deadline >= item.submitted
        ):
            return key
    return own[0] if own else None
