"""A planning problem and its plan: what the agenda strategies draw and the agenda
assertions judge.

A :class:`PlanningProblem` is one call of :func:`mgovern.agenda.planner.plan`: an organisation,
the submitted items and a window. :func:`plan_of` runs the planner on it and keeps the
problem beside the result, so that an assertion can name the item, the meeting and the
rule when a promise is broken.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from attrs import frozen

if TYPE_CHECKING:
    import pluggy

    from mgovern.agenda.planner import Agenda, Move
    from mgovern.model import AgendaItem, Organization

__all__ = ["Plan", "PlanningProblem", "plan_of"]


@frozen
class PlanningProblem:
    """Items submitted to an organisation's meetings, and the window they are planned in."""

    org: Organization
    items: tuple[AgendaItem, ...]
    start: dt.date
    end: dt.date

    def __repr__(self) -> str:  # what Hypothesis prints for a falsifying example
        lines = [f"PlanningProblem({self.org.id!r}, {self.start}..{self.end}, items=["]
        lines += [f"    {item!r}," for item in self.items]
        return "\n".join([*lines, "])"])


@frozen
class Plan:
    """A problem with what the planner made of it: every agenda in the window (in the
    order they close) and the items that found no meeting in it."""

    problem: PlanningProblem
    agendas: tuple[Agenda, ...]
    unplaced: tuple[Move, ...]


def plan_of(problem: PlanningProblem, *, pm: pluggy.PluginManager | None = None) -> Plan:
    """Run :func:`mgovern.agenda.planner.plan` on ``problem``."""
    from mgovern.agenda.planner import plan

    agendas, unplaced = plan(problem.org, problem.items, problem.start, problem.end, pm=pm)
    return Plan(problem, agendas, unplaced)
