"""Whether each item of a meeting was validly decided: the rules of law as plain
functions over a :class:`~mgovern.meetings.record.MeetingRecord` and the body.

Who *serves* on an item (takes part in its handling and decision): each member present
for it without jäv, and each substitute recorded as serving in a seat for it who is
present without jäv. The findings, each with the item, the people and the rule:

=========================== ===========================================================
``quorum``                  fewer serve than the body's quorum (KL 6:27: more than half
                            of the members), after those with jäv have left
``jav-present``             a person with declared jäv stayed for the item (KL 6:28–32)
``jav-voted``               a person with declared jäv voted (KL 6:28–32)
``substitute-member-present`` a substitute served in the seat of a member who was there
                            and free to serve
``substitute-absent``       a substitute recorded serving who was not present
``seat-twice``              two substitutes in one seat, or one substitute in two seats
``substitute-order``        a substitute present and free was passed over for one later
                            in the call-in order
``vote-twice``              a person voted more than once in one vote
``vote-not-serving``        a person voted who did not serve on the item
``vote-too-many``           a counted vote with more votes than people serving
``vote-result``             the result recorded is not the majority's
``casting-vote``            a tied open vote not decided by the chair's casting vote
``vote-tie``                a tied closed ballot not decided by lot
``reservation``             a reservation by someone who did not take part (KL 4:27)
``protocol-note``           a protocol note where the body allows none
``minutes-decision``        a decision item without its decision minuted (KL 5:67)
``minutes-motions``         a vote without the two motions voted on (KL 5:67)
=========================== ===========================================================
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from attrs import field, frozen

from mgovern.meetings.record import Item, MeetingRecord, Result, Serving, VoteKind, covers
from mgovern.model import Group, Quorum
from mgovern.register.records import Decision

__all__ = ["LAW", "RULES", "Finding", "check_record", "serving_on", "unrecorded"]

#: The rule each finding applies, as the law cites it (English; the Swedish is the same
#: citation).
LAW: dict[str, str] = {
    "quorum": "KL 6:27",
    "jav-present": "KL 6:28–32",
    "jav-voted": "KL 6:28–32",
    "substitute-member-present": "the call-in order (reglemente)",
    "substitute-absent": "the call-in order (reglemente)",
    "seat-twice": "the call-in order (reglemente)",
    "substitute-order": "the call-in order (reglemente)",
    "vote-twice": "KL 5:55, 6:33",
    "vote-not-serving": "KL 5:55, 6:33",
    "vote-too-many": "KL 5:55, 6:33",
    "vote-result": "KL 5:55, 6:33",
    "casting-vote": "KL 5:55, 6:33",
    "vote-tie": "KL 5:55, 6:33",
    "reservation": "KL 4:27",
    "protocol-note": "the body's rules",
    "minutes-decision": "KL 5:67, 6:35",
    "minutes-motions": "KL 5:67, 6:35",
}

#: Every rule's name, in the order findings are reported within an item.
RULES: tuple[str, ...] = tuple(LAW)


def _sorted(people: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(people)))


@frozen
class Finding:
    """One rule broken on one item: the rule's name, the item's number, the people the
    finding is about (sorted) and the law it applies."""

    rule: str
    item: int
    people: tuple[str, ...] = field(converter=_sorted)

    @property
    def law(self) -> str:
        return LAW[self.rule]


def _active(serving: Serving, number: int) -> bool:
    return covers(serving.from_item, serving.until_item, number)


def serving_on(record: MeetingRecord, group: Group, item: Item) -> frozenset[str]:
    """Who served on ``item``: the members present without jäv, and the substitutes
    recorded in a seat who were present without jäv."""
    jav = {d.person for d in item.jav}
    members = {m for m in group.members if m not in jav and record.present_for(m, item.number)}
    substitutes = {
        s.substitute
        for s in record.serving
        if _active(s, item.number)
        and s.substitute not in jav
        and record.present_for(s.substitute, item.number)
    }
    return frozenset(members | substitutes)


def _quorum_met(group: Group, serving: int) -> bool:
    rules = group.meeting_rules
    if rules.quorum is Quorum.MORE_THAN_HALF:
        return 2 * serving > len(group.members)
    if rules.quorum is Quorum.COUNT:
        return serving >= (rules.quorum_count or 0)
    return True


def _substitutes(record: MeetingRecord, group: Group, item: Item) -> list[Finding]:
    number = item.number
    jav = {d.person for d in item.jav}
    active = [s for s in record.serving if _active(s, number)]
    found: list[Finding] = []
    for s in active:
        if s.member not in jav and record.present_for(s.member, number):
            found.append(Finding("substitute-member-present", number, (s.substitute, s.member)))
    for s in active:
        if not record.present_for(s.substitute, number):
            found.append(Finding("substitute-absent", number, (s.substitute,)))
    by_seat: dict[str, set[str]] = {}
    by_person: dict[str, set[str]] = {}
    for s in active:
        by_seat.setdefault(s.member, set()).add(s.substitute)
        by_person.setdefault(s.substitute, set()).add(s.member)
    for member, people in by_seat.items():
        if len(people) > 1:
            found.append(Finding("seat-twice", number, (member, *people)))
    for person, seats in by_person.items():
        if len(seats) > 1:
            found.append(Finding("seat-twice", number, (person, *seats)))
    called = {s.substitute for s in active}
    free = [p for p in group.substitutes if p not in jav and record.present_for(p, number)]
    last_called = max((i for i, p in enumerate(free) if p in called), default=0)
    for p in free[:last_called]:
        if p not in called:
            found.append(Finding("substitute-order", number, (p,)))
    return found


def _vote(
    record: MeetingRecord, group: Group, item: Item, serving: frozenset[str]
) -> list[Finding]:
    vote = item.vote
    if vote is None:
        return []
    number = item.number
    jav = {d.person for d in item.jav}
    found: list[Finding] = []
    ja, nej, abstain = vote.counts
    if vote.kind is VoteKind.NAMED:
        voters = Counter([*vote.ja, *vote.nej, *vote.abstain])
        for person, times in voters.items():
            if times > 1:
                found.append(Finding("vote-twice", number, (person,)))
        for person in voters:
            if person in jav:
                found.append(Finding("jav-voted", number, (person,)))
            elif person not in serving:
                found.append(Finding("vote-not-serving", number, (person,)))
    elif ja + nej + abstain > len(serving):
        found.append(Finding("vote-too-many", number, ()))
    if ja != nej:
        if vote.result is not (Result.JA if ja > nej else Result.NEJ):
            found.append(Finding("vote-result", number, ()))
    elif vote.kind is VoteKind.NAMED:
        chair = record.chair or group.chair
        side = Result.JA if chair in vote.ja else Result.NEJ if chair in vote.nej else None
        valid = vote.casting_vote and chair in serving and side is vote.result
        if not valid:
            found.append(Finding("casting-vote", number, (chair,) if chair else ()))
    elif not vote.by_lot:
        found.append(Finding("vote-tie", number, ()))
    return found


def check_item(record: MeetingRecord, group: Group, item: Item) -> list[Finding]:
    """Every rule ``item`` breaks, in the order of :data:`RULES`."""
    number = item.number
    serving = serving_on(record, group, item)
    found: list[Finding] = []
    if not _quorum_met(group, len(serving)):
        found.append(Finding("quorum", number, tuple(d.person for d in item.jav)))
    for d in item.jav:
        if not d.left and record.present_for(d.person, number):
            found.append(Finding("jav-present", number, (d.person,)))
    found += _substitutes(record, group, item)
    found += _vote(record, group, item, serving)
    for r in item.reservations:
        if r.person not in serving:
            found.append(Finding("reservation", number, (r.person,)))
    if item.notes and not group.meeting_rules.protocol_notes:
        found.append(Finding("protocol-note", number, tuple(n.person for n in item.notes)))
    if not item.information and not item.decision.strip():
        found.append(Finding("minutes-decision", number, ()))
    if item.vote is not None and len(item.motions) < 2:
        found.append(Finding("minutes-motions", number, ()))
    order = {rule: i for i, rule in enumerate(RULES)}
    return sorted(set(found), key=lambda f: (order[f.rule], f.people))


def check_record(record: MeetingRecord, group: Group) -> list[Finding]:
    """Every rule the meeting's items break, item by item."""
    return [f for item in record.items for f in check_item(record, group, item)]


def unrecorded(decisions: Iterable[Decision], records: Iterable[MeetingRecord]) -> list[Decision]:
    """The decisions of a body (``decided_by = "group"``, its id the forum) taken on a
    day on which no meeting record of that body exists, by date and id: a decision of a
    body is made at a meeting, and the minutes show it (KL 5:67, 6:35).

    Only bodies with records are judged, and only within the days their records span
    (from the first record's day to the last's): records not yet kept are no finding.
    """
    held: set[tuple[str, dt.date]] = set()
    span: dict[str, tuple[dt.date, dt.date]] = {}
    for r in records:
        day = r.start.date()
        held.add((r.group, day))
        first, last = span.get(r.group, (day, day))
        span[r.group] = (min(first, day), max(last, day))
    found = [
        d
        for d in decisions
        if d.decided_by == "group"
        and d.forum is not None
        and d.forum in span
        and span[d.forum][0] <= d.date <= span[d.forum][1]
        and (d.forum, d.date) not in held
    ]
    return sorted(found, key=lambda d: (d.date, d.id))
