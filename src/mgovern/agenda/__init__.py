"""Agendas: submitted items read, classified, routed and planned onto meetings.

Owns agenda items from files (:mod:`.items`), classification of an item's text
(:mod:`.classify`), the planner that fills each meeting with what belongs there in the time
it has (:mod:`.planner`), an agenda as text, Markdown and JSON (:mod:`.formatting`) and
where meeting time goes (:mod:`.drift`).

May import: the rules (routing, horizons), the calendars (occurrences), the model, config
and the utilities. Never the register, the year wheel or the command line: what the
register adds to an agenda (follow-ups, the board's report of delegated decisions) it adds
from above.
"""

__all__ = ["classify", "drift", "formatting", "items", "planner"]
