"""The year wheel (*årshjul*): annual matters planned backwards through the meetings.

For each year an annual matter is decided, :func:`plan_year` finds the target meeting
(the group's first meeting in a month, its last before a day, or a given date) and then,
stage by stage towards the first, a meeting of the stage's group that ends at least
``days`` before the next stage's agenda deadline and starts no earlier than the matter's
earliest day. The meetings are the real occurrences (closed days, blackouts, moved
meetings, anchors) of the cycles that take the item (its kind and horizon).

Of the meetings that fit a stage, the one with the latest agenda deadline is taken (the
latest start among equals): every earlier stage depends only on that deadline, so this
choice leaves them the most room, and a chain reported as not fitting has no assignment
of meetings that fits (the tests compare with a brute-force search).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from mgovern.calendars.cycles import Occurrence, occurrences
from mgovern.i18n import gettext_for, ngettext_for
from mgovern.model import (
    AnnualMatter,
    AnnualTarget,
    Horizon,
    Kind,
    Matter,
    MonthDay,
    Organization,
)
from mgovern.rules.horizons import horizon
from mgovern.rules.scope import tree_path

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "AnnualPlan",
    "Crowded",
    "NotFitting",
    "PlannedStage",
    "Stage",
    "YearPlan",
    "chain",
    "deadline",
    "fits",
    "matter_years",
    "plan",
    "plan_year",
]

Meetings = Callable[[str], Sequence[Occurrence]]


@frozen
class Stage:
    """One link of a matter's chain as planned: the target is the last."""

    group: str
    cycles: frozenset[str]
    days: int  # before the next stage's agenda deadline (0 for the target)
    minutes: int
    kind: Kind


@frozen
class PlannedStage:
    stage: Stage
    meeting: Occurrence
    #: what the stage's meeting had to end by (the next stage's deadline - days); None
    #: for the target
    ready_by: dt.datetime | None


@frozen
class YearPlan:
    """One year's chain of an annual matter, first stage first, the decision last."""

    matter: AnnualMatter
    year: int
    stages: tuple[PlannedStage, ...]

    @property
    def decision(self) -> Occurrence:
        return self.stages[-1].meeting

    @property
    def first(self) -> Occurrence:
        return self.stages[0].meeting


@frozen
class NotFitting:
    """An annual matter whose chain does not fit one year's meetings."""

    matter: AnnualMatter
    year: int
    stage: int  # index in the chain; the target is the last
    group: str
    ready_by: dt.datetime | None  # what the stage's meeting had to end by (None: target)
    not_before: dt.date
    reason: str
    #: the meeting that would decide it (None: there is none, the decision's stage)
    decision: Occurrence | None = None

    def __str__(self) -> str:
        return f"NOT FITTING {self.matter.id} {self.year}: {self.reason}"


@frozen
class Crowded:
    """A meeting whose annual matters (and standing items) need more than its length."""

    meeting: Occurrence
    matters: tuple[str, ...]
    minutes: int
    room: int

    def __str__(self) -> str:
        m = self.meeting
        return (
            f"CROWDED {m.group}.{m.cycle} {m.start:%Y-%m-%d %H:%M}: the annual matters "
            f"{', '.join(self.matters)} and the standing items need {self.minutes} minutes, "
            f"the meeting has {self.room}"
        )


@frozen
class AnnualPlan:
    plans: tuple[YearPlan, ...]
    not_fitting: tuple[NotFitting, ...]
    crowded: tuple[Crowded, ...]


def deadline(meeting: Occurrence) -> dt.datetime:
    """When an item must be in for the meeting: its agenda deadline, else its start."""
    return meeting.agenda_deadline or meeting.start


def _minutes(meeting: Occurrence) -> int:
    """The meeting's real length (across a change of offset too)."""
    return int((meeting.end - meeting.start).total_seconds() // 60)


def _matter(item: AnnualMatter, year: int | None = None) -> Matter:
    return Matter(item.category, flags=item.flags, year=year)


def chain(org: Organization, item: AnnualMatter) -> tuple[Stage, ...]:
    """The stages of an annual matter, the target last: its ``stages``, or the tree
    path from ``starts_in`` to the target group (the path routing walks)."""
    target = item.target
    decision_minutes = target.minutes or org.agenda.default_minutes.get(target.kind, 15)
    last = Stage(target.group, target.cycles, 0, decision_minutes, target.kind)
    if item.stages:
        first = tuple(
            Stage(
                s.group,
                s.cycles,
                item.days if s.days is None else s.days,
                s.minutes or item.minutes,
                s.kind,
            )
            for s in item.stages
        )
    elif item.starts_in is not None and item.starts_in != target.group:
        path = tree_path(org, item.starts_in, target.group)
        first = tuple(
            Stage(g, frozenset(), item.days, item.minutes, Kind.DISCUSSION) for g in path[:-1]
        )
    else:
        first = ()
    return (*first, last)


def matter_years(item: AnnualMatter, first: int, last: int) -> list[int]:
    """The years in ``[first, last]`` in which the matter is decided."""
    if item.years:
        return sorted(y for y in set(item.years) if first <= y <= last)
    start = item.from_year
    return [
        y
        for y in range(first, last + 1)
        if start is None or (y >= start and (y - start) % item.every == 0)
    ]


def _accepts(org: Organization, stage: Stage, level: Horizon, meeting: Occurrence) -> bool:
    if stage.cycles and meeting.cycle not in stage.cycles:
        return False
    cycle = org.group(meeting.group).cycle(meeting.cycle)
    if cycle.accepts_kinds and stage.kind not in cycle.accepts_kinds:
        return False
    return not (cycle.accepts_horizons and level not in cycle.accepts_horizons)


def _day(year: int, day: MonthDay) -> dt.date:
    if day.month == 2 and day.day == 29:
        try:
            return dt.date(year, 2, 29)
        except ValueError:
            return dt.date(year, 2, 28)
    return dt.date(year, day.month, day.day)


def _target(
    org: Organization, target: AnnualTarget, year: int, meetings: Sequence[Occurrence]
) -> tuple[Occurrence | None, str]:
    """The deciding meeting in ``year`` among ``meetings`` (those that take the item), and
    when it is wanted, in the organisation's language."""
    _ = gettext_for(org)
    if target.month is not None:
        found = [m for m in meetings if (m.start.year, m.start.month) == (year, target.month)]
        month = f"{year}-{target.month:02}"
        return (found[0] if found else None), _("in {month}").format(month=month)
    if target.before is not None:
        limit = _day(year, target.before)
        found = [m for m in meetings if m.start.year == year and m.start.date() < limit]
        return (found[-1] if found else None), _("before {day}").format(day=limit)
    days = [d for d in target.dates if d.year == year]
    found = [m for m in meetings if m.start.date() in days]
    listed = ", ".join(map(str, days)) or _("no date")
    return (found[0] if found else None), _("on {days}").format(days=listed)


def _when(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def _name(meeting: Occurrence) -> str:
    return f"{meeting.group}.{meeting.cycle} {_when(meeting.start)}"


def fits(stages: Sequence[Stage], assignment: Sequence[Occurrence], not_before: dt.date) -> bool:
    """Whether meetings (one per stage, the target last) let each stage's item reach the
    next stage's agenda in time, none before ``not_before``."""
    for index, meeting in enumerate(assignment):
        if meeting.start.date() < not_before:
            return False
        if index + 1 < len(assignment):
            following = assignment[index + 1]
            if meeting.end + dt.timedelta(days=stages[index].days) > deadline(following):
                return False
    return True


def plan_year(
    org: Organization, item: AnnualMatter, year: int, meetings: Meetings
) -> YearPlan | NotFitting:
    """One year's chain of ``item``; ``meetings(group)`` gives the group's meetings from
    well before the year to its end, sorted by start."""
    stages = chain(org, item)
    level = horizon(org, _matter(item, year)).horizon
    target_stage = stages[-1]
    taking = [m for m in meetings(target_stage.group) if _accepts(org, target_stage, level, m)]
    decision, which = _target(org, item.target, year, taking)
    _ = gettext_for(org)
    if decision is None:
        return NotFitting(
            item,
            year,
            len(stages) - 1,
            target_stage.group,
            None,
            dt.date(year, 1, 1),
            _(
                "the decision (stage {stage}, {name}) needs a meeting of {group} {which} that "
                "takes a {kind} item; there is none"
            ).format(
                stage=len(stages),
                name=org.group(target_stage.group).name,
                group=target_stage.group,
                which=which,
                kind=target_stage.kind.value,
            ),
        )
    if item.earliest is None:
        not_before = decision.start.date() - dt.timedelta(days=365)
    else:
        not_before = _day(decision.start.year, item.earliest)
        if not_before > decision.start.date():
            not_before = _day(decision.start.year - 1, item.earliest)
    planned = [PlannedStage(target_stage, decision, None)]
    following = decision
    for index in range(len(stages) - 2, -1, -1):
        stage = stages[index]
        ready_by = deadline(following) - dt.timedelta(days=stage.days)
        taking = [m for m in meetings(stage.group) if _accepts(org, stage, level, m)]
        fitting = [m for m in taking if m.end <= ready_by and m.start.date() >= not_before]
        if not fitting:
            reason = _why(org, item, index, stage, following, ready_by, not_before, taking)
            return NotFitting(
                item, year, index, stage.group, ready_by, not_before, reason, decision
            )
        if index == 0:
            chosen = max(fitting, key=lambda m: (m.start, deadline(m)))
        else:
            chosen = max(fitting, key=lambda m: (deadline(m), m.start))
        planned.append(PlannedStage(stage, chosen, ready_by))
        following = chosen
    return YearPlan(item, year, tuple(reversed(planned)))


def _why(
    org: Organization,
    item: AnnualMatter,
    index: int,
    stage: Stage,
    following: Occurrence,
    ready_by: dt.datetime,
    not_before: dt.date,
    taking: Sequence[Occurrence],
) -> str:
    _ = gettext_for(org)
    ngettext = ngettext_for(org)
    group = org.group(stage.group)
    label = group.short_name or group.name
    which = f" ({', '.join(sorted(stage.cycles))})" if stage.cycles else ""
    need = ngettext(
        "stage {stage} ({label}) needs a meeting of {group} that starts on or after "
        "{not_before} and ends by {ready_by}, {days} day before the agenda deadline "
        "{deadline} of {following}",
        "stage {stage} ({label}) needs a meeting of {group} that starts on or after "
        "{not_before} and ends by {ready_by}, {days} days before the agenda deadline "
        "{deadline} of {following}",
        stage.days,
    ).format(
        stage=index + 1,
        label=label + which,
        group=stage.group,
        not_before=not_before,
        ready_by=_when(ready_by),
        days=stage.days,
        deadline=_when(deadline(following)),
        following=_name(following),
    )
    before = [m for m in taking if m.end <= ready_by]
    after = [m for m in taking if m.end > ready_by]
    if not taking:
        why = _("{group} has no meeting that takes a {kind} item").format(
            group=stage.group, kind=stage.kind.value
        )
    elif before:
        why = _("its last meeting by then is {meeting}, before {not_before}").format(
            meeting=_name(before[-1]), not_before=not_before
        )
        if after:
            why += _(", and the next, {meeting}, ends too late").format(meeting=_name(after[0]))
    else:
        why = _("it has no meeting by then; the first, {meeting}, ends too late").format(
            meeting=_name(after[0])
        )
    return _("{need}; none exists: {why}").format(need=need, why=why)


def _meetings(
    org: Organization, first: dt.date, last: dt.date, pm: pluggy.PluginManager | None
) -> Meetings:
    cache: dict[str, Sequence[Occurrence]] = {}

    def get(group: str) -> Sequence[Occurrence]:
        if group not in cache:
            cache[group] = occurrences(org, group, first, last, pm=pm)
        return cache[group]

    return get


def plan(
    org: Organization,
    start: dt.date,
    end: dt.date,
    *,
    pm: pluggy.PluginManager | None = None,
    matters: Iterable[AnnualMatter] | None = None,
) -> AnnualPlan:
    """Every annual matter decided in ``[start, end]`` (by year), planned; the chains
    that do not fit; the meetings the annual matters crowd past their length."""
    chosen = tuple(org.annual if matters is None else matters)
    get = _meetings(org, dt.date(start.year - 2, 1, 1), dt.date(end.year, 12, 31), pm)
    plans: list[YearPlan] = []
    failed: list[NotFitting] = []
    for item in chosen:
        for year in matter_years(item, start.year, end.year):
            result = plan_year(org, item, year, get)
            if isinstance(result, NotFitting):
                # a chain for a decision outside the window is not this window's finding
                when = result.decision.start.date() if result.decision else None
                if when is None or start <= when <= end:
                    failed.append(result)
            elif start <= result.decision.start.date() <= end:
                plans.append(result)
    plans.sort(key=lambda p: (p.decision.start, p.matter.id))
    return AnnualPlan(tuple(plans), tuple(failed), _crowded(org, plans))


def _crowded(org: Organization, plans: Sequence[YearPlan]) -> tuple[Crowded, ...]:
    standing = sum(t.minutes for t in org.agenda.opening + org.agenda.closing)
    load: dict[Occurrence, list[tuple[str, int]]] = {}
    for p in plans:
        for s in p.stages:
            load.setdefault(s.meeting, []).append((p.matter.id, s.stage.minutes))
    found = []
    for meeting, used in sorted(load.items()):
        need = standing + sum(minutes for _, minutes in used)
        if need > _minutes(meeting):
            ids = tuple(sorted({matter for matter, _ in used}))
            found.append(Crowded(meeting, ids, need, _minutes(meeting)))
    return tuple(found)
