"""mgovern: govern management-group meetings.

Mandates and decision-scope rules a program can check, matters routed to their home
group with an explanation, agendas, and iCalendar meeting series for every group and
person. The public API is what ``__all__`` lists; everything else may change.
"""

from __future__ import annotations

import pluggy

from mgovern.config import dumps, example, load, loads
from mgovern.coverage import Report, check
from mgovern.cycles import Occurrence, occurrences
from mgovern.exceptions import (
    ConfigError,
    MgovernError,
    PluginError,
    ScheduleError,
    UnknownReferenceError,
)
from mgovern.horizon import horizon
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
from mgovern.scope import Outcome, Routing, route

__version__ = "0.1.0"

#: Marker for plugin hook implementations: ``@mgovern.hookimpl``.
hookimpl = pluggy.HookimplMarker("mgovern")


def __getattr__(name: str) -> object:
    # icalendar is imported only by what writes calendars, not by every CLI start.
    if name == "calendar":
        from mgovern.ical import calendar

        return calendar
    raise AttributeError(f"module 'mgovern' has no attribute {name!r}")


__all__ = [
    "AgendaItem",
    "ConfigError",
    "Cycle",
    "Group",
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
    "calendar",
    "check",
    "dumps",
    "example",
    "hookimpl",
    "horizon",
    "load",
    "loads",
    "occurrences",
    "route",
]
