"""The meeting record: who was there, who could not take part, how each item was decided,
and whether each decision was validly made.

It owns the record of one meeting (:mod:`.record`), reading records from TOML
(:mod:`.sources`), the validity check against the rules of law (:mod:`.validity`) and
the record as text, Markdown and JSON (:mod:`.formatting`). It sits beside the register
(above it in the layers, so it may read decisions from it) and imports the model, the
configuration reader and the shared ground; never the command line.
"""

from mgovern.meetings.record import (
    Attendance,
    Item,
    Jav,
    MeetingRecord,
    Motion,
    Note,
    Reservation,
    Result,
    Serving,
    Vote,
    VoteKind,
)
from mgovern.meetings.validity import Finding, check_record, serving_on

__all__ = [
    "Attendance",
    "Finding",
    "Item",
    "Jav",
    "MeetingRecord",
    "Motion",
    "Note",
    "Reservation",
    "Result",
    "Serving",
    "Vote",
    "VoteKind",
    "check_record",
    "serving_on",
]
