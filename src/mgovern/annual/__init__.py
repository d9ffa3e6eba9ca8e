"""The year wheel (*årshjul*): annual matters planned back through the meetings.

Owns the plan (:mod:`.planning`), its stages on the agendas (:mod:`.stages`), the
milestones as iCalendar (:mod:`.ical`) and the wheel as SVG (:mod:`.wheel`).

May import: the register, agendas, rules, calendars, the model, config and the utilities.
Never the command line.
"""

__all__ = ["ical", "planning", "stages", "wheel"]
