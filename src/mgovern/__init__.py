"""mgovern: govern management-group meetings.

Mandates and decision-scope rules a program can check, matters routed to their home
group with an explanation, agendas, and iCalendar meeting series for every group and
person. The public API is what ``__all__`` lists; everything else may change.

Names are imported on first use, so that ``mgovern --help`` (and a plugin that only
needs :data:`hookimpl`) starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import pluggy

from mgovern.exceptions import (
    ConfigError,
    MgovernError,
    PluginError,
    ScheduleError,
    UnknownReferenceError,
)

__version__ = "0.2.0"

#: Marker for plugin hook implementations: ``@mgovern.hookimpl``.
hookimpl = pluggy.HookimplMarker("mgovern")

_LAZY = {
    "dumps": "mgovern.config",
    "example": "mgovern.config",
    "load": "mgovern.config",
    "loads": "mgovern.config",
    "Report": "mgovern.rules.coverage",
    "check": "mgovern.rules.coverage",
    "Occurrence": "mgovern.calendars.cycles",
    "occurrences": "mgovern.calendars.cycles",
    "horizon": "mgovern.rules.horizons",
    "calendar": "mgovern.calendars.ical",
    "AgendaItem": "mgovern.model",
    "Cycle": "mgovern.model",
    "Group": "mgovern.model",
    "Kind": "mgovern.model",
    "Mandate": "mgovern.model",
    "Matter": "mgovern.model",
    "Organization": "mgovern.model",
    "Person": "mgovern.model",
    "ScopeClause": "mgovern.model",
    "Outcome": "mgovern.rules.scope",
    "Routing": "mgovern.rules.scope",
    "route": "mgovern.rules.scope",
    "Agenda": "mgovern.agenda.planner",
    "build_agenda": "mgovern.agenda.planner",
    "Diff": "mgovern.rules.compare",
    "diff": "mgovern.rules.compare",
    "History": "mgovern.history",
    "load_history": "mgovern.history",
}

if TYPE_CHECKING:
    from mgovern.agenda.planner import Agenda, build_agenda
    from mgovern.calendars.cycles import Occurrence, occurrences
    from mgovern.calendars.ical import calendar
    from mgovern.config import dumps, example, load, loads
    from mgovern.history import History, load_history
    from mgovern.model import (
        AgendaItem,
        Cycle,
        Group,
        Kind,
        Mandate,
        Matter,
        Organization,
        Person,
        ScopeClause,
    )
    from mgovern.rules.compare import Diff, diff
    from mgovern.rules.coverage import Report, check
    from mgovern.rules.horizons import horizon
    from mgovern.rules.scope import Outcome, Routing, route


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mgovern' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Agenda",
    "AgendaItem",
    "ConfigError",
    "Cycle",
    "Diff",
    "Group",
    "History",
    "Kind",
    "Mandate",
    "Matter",
    "MgovernError",
    "Occurrence",
    "Organization",
    "Outcome",
    "Person",
    "PluginError",
    "Report",
    "Routing",
    "ScheduleError",
    "ScopeClause",
    "UnknownReferenceError",
    "__version__",
    "build_agenda",
    "calendar",
    "check",
    "diff",
    "dumps",
    "example",
    "hookimpl",
    "horizon",
    "load",
    "load_history",
    "loads",
    "occurrences",
    "route",
]
