"""The meeting record and its findings as text, Markdown and JSON, in the organisation's
language.

Every user-facing text of the meetings package is in :func:`_words`, read from the
gettext catalogue (English source text; Swedish in the catalogue). The
Markdown record carries the attendance and vote grid (*närvaro- och omröstningslista*):
per item, who served and how each voted.
"""

from __future__ import annotations

import functools
from typing import Any

from mgovern.i18n import pgettext_for
from mgovern.meetings.record import MeetingRecord, VoteKind
from mgovern.meetings.validity import LAW, Finding, serving_on
from mgovern.model import Group, Organization
from mgovern.register.records import Decision

__all__ = [
    "findings_data",
    "findings_text",
    "record_data",
    "record_markdown",
    "record_text",
]


@functools.cache
def _words(language: str) -> dict[str, str]:
    """What each finding says, and the words of the record, in ``language`` (the
    catalogue: mgovern.i18n, context "meetings")."""
    pgettext = pgettext_for(language)
    return {
        "quorum": pgettext("meetings", "no quorum once those with jäv have left"),
        "jav-present": pgettext("meetings", "present for the item despite declared jäv"),
        "jav-voted": pgettext("meetings", "voted despite declared jäv"),
        "substitute-member-present": pgettext(
            "meetings", "a substitute served while the member was there"
        ),
        "substitute-absent": pgettext("meetings", "recorded as serving but not present"),
        "seat-twice": pgettext("meetings", "two people on one seat, or one person on two seats"),
        "substitute-order": pgettext(
            "meetings", "passed over for a substitute later in the call-in order"
        ),
        "vote-twice": pgettext("meetings", "voted more than once"),
        "vote-not-serving": pgettext("meetings", "voted without serving on the item"),
        "vote-too-many": pgettext("meetings", "more votes than people serving"),
        "vote-result": pgettext("meetings", "the result recorded is not the majority's"),
        "casting-vote": pgettext("meetings", "a tie not decided by the chair's casting vote"),
        "vote-tie": pgettext("meetings", "a tied closed ballot not decided by lot"),
        "reservation": pgettext("meetings", "reserved without having taken part in the decision"),
        "protocol-note": pgettext("meetings", "a protocol note where the body allows none"),
        "minutes-decision": pgettext("meetings", "the decision is not minuted"),
        "minutes-motions": pgettext("meetings", "a vote without the motions voted on"),
        "no-record": pgettext(
            "meetings", "a decision of the body without a meeting record of that day"
        ),
        "item": pgettext("meetings", "item"),
        "ok": pgettext(
            "meetings", "{records} meeting(s), {items} item(s): every decision validly made"
        ),
        "found": pgettext(
            "meetings", "{count} finding(s) in {records} meeting(s), {items} item(s)"
        ),
        "unrecorded": pgettext(
            "meetings", "{count} decision(s) of a body without a meeting record"
        ),
        "present": pgettext("meetings", "Present"),
        "serving": pgettext("meetings", "serving for"),
        "absent": pgettext("meetings", "Absent"),
        "jav": pgettext("meetings", "jäv"),
        "vote": pgettext("meetings", "Vote"),
        "reservation-word": pgettext("meetings", "Reservation"),
        "note": pgettext("meetings", "Protocol note"),
        "decision": pgettext("meetings", "Decision"),
        "served": pgettext("meetings", "Served"),
        "immediate": pgettext("meetings", "approved immediately"),
        "grid": pgettext("meetings", "Attendance and votes"),
    }


def _texts(org: Organization) -> dict[str, str]:
    return _words(org.language)


def _name(org: Organization, person: str) -> str:
    for p in org.people:
        if p.id == person:
            return p.name
    return person


def finding_line(org: Organization, record: MeetingRecord, finding: Finding) -> str:
    """One finding on one line: the meeting, the item, the people, what and the rule."""
    texts = _texts(org)
    people = ", ".join(_name(org, p) for p in finding.people)
    who = f" {people}:" if people else ""
    return (
        f"{record.id} {texts['item']} {finding.item}:{who} {texts[finding.rule]} "
        f"[{finding.rule}; {LAW[finding.rule]}]"
    )


def findings_text(
    org: Organization, checked: list[tuple[MeetingRecord, list[Finding]]]
) -> list[str]:
    """Every finding, one line each, in meeting and item order."""
    return [finding_line(org, record, f) for record, found in checked for f in found]


def summary(
    org: Organization, checked: list[tuple[MeetingRecord, list[Finding]]], missing: int = 0
) -> str:
    """The line that says how many meetings, items and findings (and decisions without a
    record, when there are some)."""
    texts = _texts(org)
    count = sum(len(found) for _, found in checked)
    items = sum(len(record.items) for record, _ in checked)
    line = texts["found" if count else "ok"].format(count=count, records=len(checked), items=items)
    return line + (f"; {texts['unrecorded'].format(count=missing)}" if missing else "")


#: The law a decision without a meeting record breaks.
NO_RECORD_LAW = "KL 5:67, 6:35"


def unrecorded_text(org: Organization, decisions: list[Decision]) -> list[str]:
    """A line per decision of a body that no meeting record holds."""
    texts = _texts(org)
    return [
        f"{d.forum}@{d.date.isoformat()} {d.id}: {texts['no-record']} [no-record; {NO_RECORD_LAW}]"
        for d in decisions
    ]


def unrecorded_data(org: Organization, decisions: list[Decision]) -> list[dict[str, Any]]:
    """The same as JSON data, in the shape of the findings (``decision`` for ``item``)."""
    return [
        {
            "meeting": None,
            "group": d.forum,
            "date": d.date.isoformat(),
            "decision": d.id,
            "rule": "no-record",
            "law": NO_RECORD_LAW,
            "people": [],
            "message": _texts(org)["no-record"],
        }
        for d in decisions
    ]


def findings_data(
    org: Organization, checked: list[tuple[MeetingRecord, list[Finding]]]
) -> list[dict[str, Any]]:
    """The findings as JSON data."""
    texts = _texts(org)
    return [
        {
            "meeting": record.id,
            "group": record.group,
            "item": f.item,
            "rule": f.rule,
            "law": LAW[f.rule],
            "people": list(f.people),
            "message": texts[f.rule],
        }
        for record, found in checked
        for f in found
    ]


def record_data(record: MeetingRecord, group: Group) -> dict[str, Any]:
    """The record as JSON data, with who served on each item."""
    return {
        "meeting": record.id,
        "group": record.group,
        "start": record.start.isoformat(),
        "chair": record.chair or group.chair,
        "present": list(record.present),
        "partly": [
            {"person": a.person, "from_item": a.from_item, "until_item": a.until_item}
            for a in record.partly
        ],
        "serving": [
            {
                "substitute": s.substitute,
                "member": s.member,
                "from_item": s.from_item,
                "until_item": s.until_item,
            }
            for s in record.serving
        ],
        "items": [
            {
                "number": item.number,
                "title": item.title,
                "served": sorted(serving_on(record, group, item)),
                "jav": [{"person": d.person, "ground": d.ground, "left": d.left} for d in item.jav],
                "motions": [{"by": m.by, "text": m.text} for m in item.motions],
                "procedure": item.procedure,
                "vote": None
                if item.vote is None
                else {
                    "kind": item.vote.kind.value,
                    "result": item.vote.result.value,
                    "ja": list(item.vote.ja),
                    "nej": list(item.vote.nej),
                    "abstain": list(item.vote.abstain),
                    "counts": list(item.vote.counts),
                    "casting_vote": item.vote.casting_vote,
                    "by_lot": item.vote.by_lot,
                },
                "decision": item.decision,
                "decisions": list(item.decisions),
                "reservations": [
                    {"person": r.person, "reasons": r.reasons} for r in item.reservations
                ],
                "notes": [{"person": n.person, "text": n.text} for n in item.notes],
                "immediate_approval": item.immediate_approval,
            }
            for item in record.items
        ],
    }


def _present_lines(org: Organization, record: MeetingRecord, group: Group) -> list[str]:
    texts = _texts(org)
    seats = {s.substitute: s for s in record.serving}
    lines = []
    for person in [*record.present, *(a.person for a in record.partly)]:
        line = _name(org, person)
        span = next((a for a in record.partly if a.person == person), None)
        if span is not None:
            line += f" ({texts['item']} {span.from_item or ''}–{span.until_item or ''})"
        if person in seats:
            line += f", {texts['serving']} {_name(org, seats[person].member)}"
        lines.append(line)
    there = set(record.present) | {a.person for a in record.partly}
    absent = [_name(org, m) for m in group.members if m not in there]
    return [f"{texts['present']}: " + "; ".join(lines), f"{texts['absent']}: " + "; ".join(absent)]


def _item_lines(org: Organization, record: MeetingRecord, group: Group) -> list[list[str]]:
    texts = _texts(org)
    out = []
    for item in record.items:
        lines = [f"{texts['item']} {item.number} {item.title}"]
        for d in item.jav:
            lines.append(f"  {_name(org, d.person)}: {texts['jav']} ({d.ground})")
        for m in item.motions:
            lines.append(f"  {_name(org, m.by)}: {m.text}")
        if item.vote is not None:
            ja, nej, abstain = item.vote.counts
            result = item.vote.result.value
            lines.append(f"  {texts['vote']}: ja {ja}, nej {nej}, avstår {abstain} → {result}")
        if item.decision:
            lines.append(f"  {texts['decision']}: {item.decision}")
        for r in item.reservations:
            reasons = f": {r.reasons}" if r.reasons else ""
            lines.append(f"  {texts['reservation-word']}: {_name(org, r.person)}{reasons}")
        for n in item.notes:
            lines.append(f"  {texts['note']}: {_name(org, n.person)}: {n.text}")
        if item.immediate_approval:
            lines.append(f"  ({texts['immediate']})")
        out.append(lines)
    return out


def record_text(org: Organization, record: MeetingRecord, group: Group) -> list[str]:
    """The record as plain text."""
    lines = [f"{group.name} {record.start.isoformat(timespec='minutes')}"]
    lines += _present_lines(org, record, group)
    for block in _item_lines(org, record, group):
        lines += ["", *block]
    return lines


def _grid(org: Organization, record: MeetingRecord, group: Group) -> list[str]:
    """The attendance and vote grid: a row per person, a column per item; ``x`` served,
    ``J`` jäv, ``ja``/``nej``/``avst`` a named vote."""
    texts = _texts(org)
    people = [
        *group.members,
        *(
            s
            for s in group.substitutes
            if any(a.person == s for a in record.partly) or s in record.present
        ),
    ]
    header = ["", *(f"{texts['item']} {i.number}" for i in record.items)]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for person in people:
        cells = [_name(org, person)]
        for item in record.items:
            served = serving_on(record, group, item)
            cell = "x" if person in served else ""
            if any(d.person == person for d in item.jav):
                cell = "J"
            vote = item.vote
            if vote is not None and vote.kind is VoteKind.NAMED:
                if person in vote.ja:
                    cell = "ja"
                elif person in vote.nej:
                    cell = "nej"
                elif person in vote.abstain:
                    cell = "avst"
            cells.append(cell)
        rows.append("| " + " | ".join(cells) + " |")
    return [f"## {texts['grid']}", "", *rows]


def record_markdown(org: Organization, record: MeetingRecord, group: Group) -> list[str]:
    """The record as Markdown, with the attendance and vote grid."""
    lines = [f"# {group.name} {record.start.isoformat(timespec='minutes')}", ""]
    lines += [f"{line}  " for line in _present_lines(org, record, group)]
    for block in _item_lines(org, record, group):
        lines += ["", f"### {block[0]}", "", *(f"- {line.strip()}" for line in block[1:])]
    lines += ["", *_grid(org, record, group)]
    return lines
