"""Meeting cycles and their calendars: occurrences, closed days, the cascade, DST, iCalendar
files, feeds and publishers.

Owns recurrence into occurrences (:mod:`.cycles`), whether each group's meetings feed its
parent's (:mod:`.cascade`), meetings a DST change makes unclear (:mod:`.dst`), the
iCalendar components (:mod:`.ical`), every file of a run serialised once (:mod:`.feeds`)
and the publishers by URL scheme (:mod:`.publish`).

May import: the history's as-of, the model (with its recurrence rules and time zones),
config, plugins (closed days), files, URLs and the utilities. Never the rules, the agenda,
the register, the year wheel or the command line.
"""

__all__ = ["cascade", "cycles", "dst", "feeds", "ical", "publish"]
