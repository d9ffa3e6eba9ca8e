"""mgovern: govern management-group meetings.

Mandates and decision-scope rules a program can check, matters routed to their home
group with an explanation, agendas, and iCalendar meeting series for every group and
person. The public API is what ``__all__`` lists; everything else may change.
"""

from __future__ import annotations

import pluggy

from mgovern.config import dumps, example, load, loads
from mgovern.exceptions import (
    ConfigError,
    MgovernError,
    PluginError,
    ScheduleError,
    UnknownReferenceError,
)
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

__version__ = "0.1.0"

#: Marker for plugin hook implementations: ``@mgovern.hookimpl``.
hookimpl = pluggy.HookimplMarker("mgovern")

__all__ = [
    "AgendaItem",
    "ConfigError",
    "Cycle",
    "Group",
    "Kind",
    "Mandate",
    "Matter",
    "MgovernError",
    "Organization",
    "Person",
    "PluginError",
    "ScheduleError",
    "ScopeClause",
    "UnknownReferenceError",
    "__version__",
    "dumps",
    "example",
    "hookimpl",
    "load",
    "loads",
]
