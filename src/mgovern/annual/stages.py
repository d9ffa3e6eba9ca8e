"""The year wheel on the agendas: every planned stage of an annual matter is an item on
its meeting's agenda (:func:`with_annual`), so ``mgovern agenda`` and the notices show it.

A stage's item is placed by the plan, not by routing: a division that prepares the
annual report discusses it although the report's home is higher up, so the item's
routing says it is at home on its meeting (it is never forwarded). It is submitted in
time: when the previous stage's meeting ends (the first stage: at its own deadline).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from mgovern.agenda.planner import Agenda, ClassifiedItem, build_agenda
from mgovern.annual.ical import stage_summary
from mgovern.annual.planning import AnnualPlan, deadline, plan
from mgovern.calendars.cycles import Occurrence
from mgovern.model import AgendaItem, Matter, Organization
from mgovern.rules.horizons import horizon
from mgovern.rules.scope import Outcome, route

if TYPE_CHECKING:
    import pluggy

__all__ = ["stage_items", "with_annual"]


def stage_items(org: Organization, wheel: AnnualPlan) -> dict[Occurrence, list[ClassifiedItem]]:
    """The agenda item of every planned stage, by meeting."""
    found: dict[Occurrence, list[ClassifiedItem]] = {}
    for p in wheel.plans:
        decision = p.decision
        for index, planned in enumerate(p.stages):
            meeting = planned.meeting
            submitted = deadline(meeting) if index == 0 else p.stages[index - 1].meeting.end
            kind = planned.stage.kind
            group = org.group(decision.group)
            item = AgendaItem(
                f"arshjul-{p.matter.id}-{p.year}-{index + 1}",
                stage_summary(org, p, index),
                meeting.group,
                cycle=meeting.cycle,
                meeting=meeting.start.date(),
                kind=kind,
                category=p.matter.category,
                flags=p.matter.flags,
                year=p.year,
                minutes=planned.stage.minutes,
                submitted=submitted,
                purpose=(
                    f"Årshjulet: steg {index + 1} av {len(p.stages)}; beslut i "
                    f"{group.short_name or group.name} {decision.start:%Y-%m-%d}."
                ),
            )
            matter = Matter(p.matter.category, flags=p.matter.flags, kind=kind, year=p.year)
            # placed by the plan: at home on this meeting whatever routing says of the matter
            routing = attrs.evolve(
                route(org, matter, raised_in=meeting.group),
                outcome=Outcome.HERE,
                home=meeting.group,
                path=(meeting.group,),
            )
            entry = ClassifiedItem(
                item,
                matter,
                kind,
                horizon(org, matter),
                routing,
                planned.stage.minutes,
                frozenset(),
            )
            found.setdefault(meeting, []).append(entry)
    return found


def with_annual(
    org: Organization, agenda: Agenda, *, pm: pluggy.PluginManager | None = None
) -> Agenda:
    """The agenda with the annual matters' stages planned for its meeting; the same
    agenda when there are none."""
    if not org.annual:
        return agenda
    year = agenda.meeting.start.year
    wheel = plan(org, dt.date(year, 1, 1), dt.date(year + 1, 12, 31), pm=pm)
    annual = stage_items(org, wheel).get(agenda.meeting, [])
    if not annual:
        return agenda
    given = [
        *agenda.items,
        *(move.item for move in agenda.deferred),
        *(move.item for move in agenda.forwarded),
    ]
    arrived = [entry.item.id for entry in agenda.items]
    return build_agenda(
        org, agenda.group, agenda.meeting, [*given, *annual], pm=pm, arrived=arrived
    )
