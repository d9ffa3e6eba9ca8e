"""The validity check against an oracle written here from the rules' text.

Hypothesis draws a body (members, substitutes in call-in order, a quorum rule), a meeting
of many items with attendance over spans of items, substitutes serving, jäv, votes,
reservations and notes; every finding of :func:`check_record` must be one the oracle
finds and the other way round. The oracle works person by person over a presence table;
it shares no code with the check.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgovern.meetings import check_record
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
from mgovern.model import Group, MeetingRules, Quorum

START = dt.datetime(2026, 1, 27, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
OUTSIDER = "x0"  # a person of neither seat nor call-in list: votes, reserves


@st.composite
def bodies(draw: st.DrawFn) -> Group:
    members = tuple(f"m{i}" for i in range(draw(st.integers(1, 7))))
    substitutes = tuple(f"s{i}" for i in range(draw(st.integers(0, 4))))
    quorum = draw(st.sampled_from(list(Quorum)))
    rules = MeetingRules(
        quorum=quorum,
        quorum_count=draw(st.integers(1, 6)) if quorum is Quorum.COUNT else None,
        protocol_notes=draw(st.booleans()),
    )
    return Group(
        "body",
        "Body",
        chair=draw(st.sampled_from(members)),
        members=members,
        substitutes=substitutes,
        meeting_rules=rules,
    )


@st.composite
def records(draw: st.DrawFn, group: Group) -> MeetingRecord:
    count = draw(st.integers(30, 45))
    numbers = list(range(1, count + 1))
    span = st.one_of(st.none(), st.sampled_from(numbers))
    people = [*group.members, *group.substitutes]
    present: list[str] = []
    partly: list[Attendance] = []
    for person in people:
        how = draw(st.sampled_from(["all", "all", "absent", "part"]))
        if how == "all":
            present.append(person)
        elif how == "part":
            partly.append(Attendance(person, from_item=draw(span), until_item=draw(span)))
    serving = []
    if group.substitutes:
        serving = draw(
            st.lists(
                st.builds(
                    Serving,
                    st.sampled_from(group.substitutes),
                    st.sampled_from(group.members),
                    from_item=span,
                    until_item=span,
                ),
                max_size=4,
            )
        )
    anyone = st.sampled_from([*people, OUTSIDER])
    items = []
    for number in numbers:
        jav = draw(
            st.lists(st.builds(Jav, st.sampled_from(people), left=st.booleans()), max_size=2)
        )
        vote = None
        kind = draw(st.sampled_from([None, None, VoteKind.NAMED, VoteKind.COUNTED]))
        if kind is VoteKind.NAMED:
            vote = Vote(
                kind,
                draw(st.sampled_from(list(Result))),
                ja=tuple(draw(st.lists(anyone, max_size=5))),
                nej=tuple(draw(st.lists(anyone, max_size=5))),
                abstain=tuple(draw(st.lists(anyone, max_size=2))),
                casting_vote=draw(st.booleans()),
            )
        elif kind is VoteKind.COUNTED:
            vote = Vote(
                kind,
                draw(st.sampled_from(list(Result))),
                ja_count=draw(st.integers(0, 6)),
                nej_count=draw(st.integers(0, 6)),
                abstain_count=draw(st.integers(0, 2)),
                by_lot=draw(st.booleans()),
            )
        items.append(
            Item(
                number,
                f"Item {number}",
                decision=draw(st.sampled_from(["", "Decided.", "Decided."])),
                information=draw(st.booleans()),
                jav=tuple(jav),
                motions=tuple(Motion("m0", "x") for _ in range(draw(st.integers(0, 2)))),
                vote=vote,
                reservations=tuple(
                    Reservation(p) for p in draw(st.lists(anyone, max_size=2, unique=True))
                ),
                notes=tuple(Note(p, "n") for p in draw(st.lists(anyone, max_size=1))),
            )
        )
    chair = draw(st.one_of(st.none(), st.sampled_from(people)))
    return MeetingRecord(
        "body",
        START,
        items=tuple(items),
        present=tuple(present),
        partly=tuple(partly),
        serving=tuple(serving),
        chair=chair,
    )


# --- the oracle: the rules as written, person by person --------------------------------
def oracle(record: MeetingRecord, group: Group) -> set[tuple[str, int, frozenset[str]]]:
    numbers = [item.number for item in record.items]
    everyone = sorted({*group.members, *group.substitutes, OUTSIDER})
    # the presence table: person -> the item numbers the person was there for
    there: dict[str, set[int]] = {p: set() for p in everyone}
    for p in record.present:
        there[p].update(numbers)
    for a in record.partly:
        first = a.from_item if a.from_item is not None else numbers[0]
        last = a.until_item if a.until_item is not None else numbers[-1]
        there[a.person].update(n for n in numbers if first <= n <= last)
    # the service table: (substitute, member) -> the item numbers
    seats: dict[tuple[str, str], set[int]] = {}
    for s in record.serving:
        first = s.from_item if s.from_item is not None else numbers[0]
        last = s.until_item if s.until_item is not None else numbers[-1]
        seats.setdefault((s.substitute, s.member), set()).update(range(first, last + 1))

    out: set[tuple[str, int, frozenset[str]]] = set()

    def find(rule: str, n: int, *people: str) -> None:
        out.add((rule, n, frozenset(people)))

    for item in record.items:
        n = item.number
        jav = [d.person for d in item.jav]
        in_seat = [(s, m) for (s, m), items in seats.items() if n in items]
        # "takes part": a member there without jäv; a substitute in a seat there without jäv
        takes_part = set()
        for p in everyone:
            free = n in there[p] and p not in jav
            if p in group.members and free:
                takes_part.add(p)
            if free and any(s == p for s, _ in in_seat):
                takes_part.add(p)
        # KL 6:27: more than half of the members (or the body's own number)
        rules = group.meeting_rules
        if rules.quorum is Quorum.MORE_THAN_HALF and not len(takes_part) > len(group.members) / 2:
            find("quorum", n, *jav)
        if rules.quorum is Quorum.COUNT and len(takes_part) < rules.quorum_count:
            find("quorum", n, *jav)
        # jäv: may not be present for the handling
        for d in item.jav:
            if not d.left and n in there[d.person]:
                find("jav-present", n, d.person)
        # substitutes
        for s, m in in_seat:
            if n in there[m] and m not in jav:
                find("substitute-member-present", n, s, m)
            if n not in there[s]:
                find("substitute-absent", n, s)
        for m in group.members:
            subs = {s for s, mm in in_seat if mm == m}
            if len(subs) >= 2:
                find("seat-twice", n, m, *subs)
        for s in group.substitutes:
            held = {m for ss, m in in_seat if ss == s}
            if len(held) >= 2:
                find("seat-twice", n, s, *held)
        for i, a in enumerate(group.substitutes):
            a_free = n in there[a] and a not in jav
            a_called = any(s == a for s, _ in in_seat)
            if a_free and not a_called:
                for later in group.substitutes[i + 1 :]:
                    if (
                        n in there[later]
                        and later not in jav
                        and any(s == later for s, _ in in_seat)
                    ):
                        find("substitute-order", n, a)
        # votes
        vote = item.vote
        if vote is not None:
            if vote.kind is VoteKind.NAMED:
                ballots = list(vote.ja) + list(vote.nej) + list(vote.abstain)
                for p in everyone:
                    if ballots.count(p) > 1:
                        find("vote-twice", n, p)
                    if p in ballots and p in jav:
                        find("jav-voted", n, p)
                    if p in ballots and p not in jav and p not in takes_part:
                        find("vote-not-serving", n, p)
                yes, no = len(vote.ja), len(vote.nej)
            else:
                if vote.ja_count + vote.nej_count + vote.abstain_count > len(takes_part):
                    find("vote-too-many", n)
                yes, no = vote.ja_count, vote.nej_count
            if (yes > no and vote.result != "ja") or (no > yes and vote.result != "nej"):
                find("vote-result", n)
            if yes == no and vote.kind is VoteKind.NAMED:
                chair = record.chair if record.chair else group.chair
                chair_said = "ja" if chair in vote.ja else ("nej" if chair in vote.nej else None)
                ok = vote.casting_vote and chair in takes_part and chair_said == vote.result
                if not ok:
                    find("casting-vote", n, chair)
            if yes == no and vote.kind is VoteKind.COUNTED and not vote.by_lot:
                find("vote-tie", n)
        # KL 4:27: only one who took part may reserve
        for r in item.reservations:
            if r.person not in takes_part:
                find("reservation", n, r.person)
        if item.notes and not group.meeting_rules.protocol_notes:
            find("protocol-note", n, *[x.person for x in item.notes])
        # KL 5:67: the decisions and the motions voted on
        if not item.information and item.decision.strip() == "":
            find("minutes-decision", n)
        if vote is not None and len(item.motions) < 2:
            find("minutes-motions", n)
    return out


def test_every_finding_is_the_oracles_and_every_oracle_finding_is_found() -> None:
    drawn = {"items": 0, "findings": 0, "rules": set()}

    @settings(
        max_examples=300,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        group = data.draw(bodies())
        record = data.draw(records(group))
        found = check_record(record, group)
        assert len(found) == len(set(found)), "a finding reported twice"
        got = {(f.rule, f.item, frozenset(f.people)) for f in found}
        want = oracle(record, group)
        assert got - want == set(), "false positives"
        assert want - got == set(), "false negatives"
        drawn["items"] += len(record.items)
        drawn["findings"] += len(found)
        drawn["rules"] |= {f.rule for f in found}

    run()
    assert drawn["items"] >= 10_000
    # every rule was both found and, elsewhere, not found
    from mgovern.meetings.validity import RULES

    assert drawn["rules"] == set(RULES)
