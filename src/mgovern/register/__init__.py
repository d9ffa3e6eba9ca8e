"""The decision register: what was decided, by whom, and what follows from it.

Owns decisions and actions (:mod:`.records`), the lists case-management systems export
(:mod:`.lists`), the SQLite store (:mod:`.store`), the audit against the rules in force on
each decision's day (:mod:`.audit`), reporting delegated decisions to the board
(:mod:`.reporting`), the meeting documents in which decisions are recorded
(:mod:`.documents`), decisions read back from the minutes (:mod:`.minutes`), following
actions up (:mod:`.followup`) and the legal life of minutes — approval, announcement,
the appeal clock, seals and corrections (:mod:`.finality`).

May import: agendas, rules, calendars, the history, the model, config and the utilities.
Never the year wheel or the command line.
"""

__all__ = [
    "audit",
    "documents",
    "finality",
    "followup",
    "lists",
    "minutes",
    "records",
    "reporting",
    "store",
]
