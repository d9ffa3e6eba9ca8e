"""Agendas: properties over generated items on the example's real meetings."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mgovern
from mgovern import model
from mgovern.agenda.formatting import agenda_data, agenda_markdown, agenda_text
from mgovern.agenda.planner import (
    Agenda,
    MoveReason,
    build_agenda,
    classify_item,
    find_meeting,
    plan,
)
from mgovern.calendars.cycles import occurrences
from mgovern.rules.scope import Outcome
from mgovern.testing import agenda_items

ORG = mgovern.example()
ZONE = ORG.zone
KLG_MEETINGS = [
    o
    for o in occurrences(ORG, "klg", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    if o.cycle == "taktiskt"
]
WINDOW = (dt.datetime(2026, 2, 15, tzinfo=ZONE), dt.datetime(2026, 3, 31, tzinfo=ZONE))


def placements(agenda: Agenda) -> Counter[str]:
    return Counter(
        [e.item.item.id for e in agenda.entries if e.item is not None]
        + [m.item.item.id for m in (*agenda.forwarded, *agenda.deferred)]
    )


meetings = st.sampled_from(
    KLG_MEETINGS + list(occurrences(ORG, "mv", dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
)


@settings(max_examples=60, deadline=None)
@given(meetings, agenda_items(ORG, submitted_between=WINDOW))
def test_every_item_is_placed_exactly_once(meeting, items) -> None:  # type: ignore[no-untyped-def]
    agenda = build_agenda(ORG, meeting.group, meeting, items)
    assert placements(agenda) == Counter(i.id for i in items)


@settings(max_examples=60, deadline=None)
@given(meetings, agenda_items(ORG, submitted_between=WINDOW))
def test_no_meeting_runs_over_its_length(meeting, items) -> None:  # type: ignore[no-untyped-def]
    agenda = build_agenda(ORG, meeting.group, meeting, items)
    length = (meeting.end - meeting.start).total_seconds() / 60
    assert agenda.used_minutes <= length
    for before, after in zip(agenda.entries, agenda.entries[1:], strict=False):
        assert after.start == before.start + dt.timedelta(minutes=before.minutes)
    assert agenda.entries[0].start == meeting.start


@settings(max_examples=40, deadline=None)
@given(meetings, agenda_items(ORG, submitted_between=WINDOW), st.randoms(use_true_random=False))
def test_order_does_not_depend_on_submission_order(meeting, items, random) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(items)
    random.shuffle(shuffled)
    first = build_agenda(ORG, meeting.group, meeting, items)
    second = build_agenda(ORG, meeting.group, meeting, shuffled)
    assert first == second
    assert agenda_text(ORG, first) == agenda_text(ORG, second)
    assert agenda_markdown(ORG, first) == agenda_markdown(ORG, second)
    assert agenda_data(ORG, first) == agenda_data(ORG, second)


@settings(max_examples=60, deadline=None)
@given(meetings, agenda_items(ORG, submitted_between=WINDOW))
def test_forwarding_goes_home_to_a_meeting_whose_deadline_it_makes(meeting, items) -> None:  # type: ignore[no-untyped-def]
    agenda = build_agenda(ORG, meeting.group, meeting, items)
    reference = meeting.agenda_deadline or meeting.start
    for move in agenda.forwarded:
        routing = move.item.routing
        assert routing is not None
        assert routing.home == move.group != meeting.group
        if move.meeting is not None:
            assert move.meeting.group == routing.home
            ready = max(reference, move.item.item.submitted or reference)
            assert move.meeting.start > ready
            assert move.meeting.agenda_deadline is None or move.meeting.agenda_deadline >= ready
    for entry in agenda.items:  # what stays belongs here (or has no single home)
        assert entry.routing is None or entry.routing.home in (meeting.group, None)


@settings(max_examples=60, deadline=None)
@given(meetings, agenda_items(ORG, submitted_between=WINDOW))
def test_deferral_never_moves_an_item_earlier(meeting, items) -> None:  # type: ignore[no-untyped-def]
    agenda = build_agenda(ORG, meeting.group, meeting, items)
    for move in agenda.deferred:
        assert move.group == meeting.group
        if move.meeting is not None:
            assert move.meeting.start > meeting.start
            cycle = ORG.group(meeting.group).cycle(move.meeting.cycle)
            assert not cycle.accepts_horizons or move.item.horizon.horizon in cycle.accepts_horizons
        if move.reason is MoveReason.LATE:
            assert not move.item.item.urgent
            assert move.item.item.submitted > meeting.agenda_deadline


@settings(max_examples=30, deadline=None)
@given(agenda_items(ORG, submitted_between=WINDOW, max_size=30))
def test_plan_places_every_item_once_across_all_meetings(items) -> None:  # type: ignore[no-untyped-def]
    agendas, unplaced = plan(ORG, items, dt.date(2026, 2, 15), dt.date(2026, 5, 31))
    on_agendas = Counter(e.item.item.id for a in agendas for e in a.entries if e.item is not None)
    left = Counter(m.item.item.id for m in unplaced)
    assert on_agendas + left == Counter(i.id for i in items)
    again, _ = plan(ORG, tuple(reversed(items)), dt.date(2026, 2, 15), dt.date(2026, 5, 31))
    assert again == agendas


# --- concrete behaviour -----------------------------------------------------------------
def item(ident: str, title: str, **fields: object) -> model.AgendaItem:
    return model.AgendaItem(ident, title, fields.pop("raised_in", "klg"), **fields)  # type: ignore[arg-type]


def test_misplaced_property_sale_is_forwarded_to_mark_och_vardering() -> None:
    meeting = find_meeting(ORG, "klg", dt.date(2026, 3, 17))
    sale = item(
        "sale",
        "Försäljning av fastigheten Bageriet 4, 3,2 mnkr",
        submitted=dt.datetime(2026, 3, 2, 10, tzinfo=ZONE),
    )
    agenda = build_agenda(ORG, "klg", meeting, [sale])
    (move,) = agenda.forwarded
    assert move.group == "mv"
    assert move.item.inferred == {"category", "amount"}
    assert move.item.matter.amount == 3_200_000
    assert move.meeting is not None
    assert move.meeting.group == "mv"
    assert move.meeting.start > meeting.agenda_deadline
    assert "Mark och värdering" in move.explanation


def test_late_items_wait_unless_urgent() -> None:
    meeting = find_meeting(ORG, "klg", dt.datetime(2026, 3, 10, 9, 0))
    late = dt.datetime(2026, 3, 5, 9, tzinfo=ZONE)  # after Wednesday 4 March 17:00
    budget = {"category": "budget", "kind": model.Kind.DECISION, "submitted": late}
    agenda = build_agenda(
        ORG,
        "klg",
        meeting,
        [item("a", "Budget A", **budget), item("b", "Budget B", urgent=True, **budget)],
    )
    assert [e.item.item.id for e in agenda.entries if e.item] == ["b"]
    (moved,) = agenda.deferred
    assert moved.reason is MoveReason.LATE
    assert moved.meeting.start.date() == dt.date(2026, 3, 17)


def test_overflow_is_carried_over_lowest_priority_first() -> None:
    meeting = find_meeting(ORG, "klg", dt.date(2026, 3, 17))
    early = dt.datetime(2026, 3, 2, 9, tzinfo=ZONE)
    many = [
        item(
            f"d{i}",
            f"Budgetbeslut {i}",
            category="budget",
            kind=model.Kind.DECISION,
            minutes=20,
            submitted=early,
        )
        for i in range(3)
    ] + [
        item(
            f"i{i}",
            f"Information {i}",
            category="budget",
            kind=model.Kind.INFORMATION,
            minutes=10,
            submitted=early,
        )
        for i in range(4)
    ]
    agenda = build_agenda(ORG, "klg", meeting, many)
    # 90 minutes less 12 standing: 78 for items; decisions first, information last
    assert [e.item.item.id for e in agenda.entries if e.item] == ["d0", "d1", "d2", "i0"]
    assert [m.item.item.id for m in agenda.deferred] == ["i1", "i2", "i3"]
    assert all(m.reason is MoveReason.OVERFLOW for m in agenda.deferred)
    assert agenda.used_minutes == 12 + 70
    assert all(m.meeting.start.date() == dt.date(2026, 3, 24) for m in agenda.deferred)
    assert agenda.entries[0].title == "Mötets öppnande och val av justerare"
    assert agenda.entries[-1].title == "Mötets avslutande"


def test_strategic_meeting_takes_only_strategic_items() -> None:
    meeting = find_meeting(ORG, "klg", dt.datetime(2026, 3, 10, 13, 0))
    assert meeting.cycle == "strategiskt"
    early = dt.datetime(2026, 2, 20, 9, tzinfo=ZONE)
    routine = item(
        "r", "Personalfråga", category="personal", kind=model.Kind.DISCUSSION, submitted=early
    )
    plan_item = item(
        "p",
        "Verksamhetsplan 2027",
        category="verksamhetsplan",
        kind=model.Kind.DISCUSSION,
        submitted=early,
    )
    agenda = build_agenda(ORG, "klg", meeting, [routine, plan_item])
    assert [e.item.item.id for e in agenda.entries if e.item] == ["p"]
    (moved,) = agenda.deferred
    assert moved.reason is MoveReason.NOT_ACCEPTED
    assert moved.meeting.cycle == "taktiskt"


def test_operative_share_warning_in_swedish() -> None:
    meeting = find_meeting(ORG, "klg", dt.date(2026, 3, 24))
    early = dt.datetime(2026, 3, 2, 9, tzinfo=ZONE)
    routine = [
        item(
            f"o{i}",
            f"Personalfråga {i}",
            category="personal",
            kind=model.Kind.DISCUSSION,
            minutes=15,
            submitted=early,
        )
        for i in range(3)
    ]
    agenda = build_agenda(ORG, "klg", meeting, routine)
    assert agenda.operative_share == Decimal(45) / Decimal(90)
    assert any(
        "Operativa ärenden tar 50 % av mötestiden (gränsen är 25 %)" in w for w in agenda.warnings
    )
    text = agenda_text(ORG, agenda)
    assert text.startswith("Dagordning: Kontorsledningsgruppen")
    assert "tisdag 24 mars 2026 09:00–10:30" in text.splitlines()[0]
    assert "Diskussion och beredning" in text


def test_no_meeting_on_that_date_is_a_clear_error() -> None:
    with pytest.raises(
        mgovern.MgovernError,
        match=r"group 'klg' has no meeting on 2026-03-18; its next meeting is 2026-03-24 09:00",
    ):
        find_meeting(ORG, "klg", dt.date(2026, 3, 18))


def test_gap_items_stay_with_a_warning() -> None:
    org = model.Organization(
        "o",
        "O",
        categories=(model.Category("c", "C"),),
        groups=(
            model.Group(
                "g",
                "G",
                cycles=(
                    model.Cycle("k", "K", rule="every week on monday", first=dt.date(2026, 1, 5)),
                ),
            ),
        ),
    )
    meeting = find_meeting(org, "g", dt.date(2026, 3, 2))
    agenda = build_agenda(org, "g", meeting, [item("x", "Something", raised_in="g", category="c")])
    assert [e.item.item.id for e in agenda.entries if e.item] == ["x"]
    assert agenda.entries[0].item.routing.outcome is Outcome.GAP
    assert "has no home" in agenda.warnings[0]


def test_classifier_marks_what_it_inferred() -> None:
    classified = classify_item(ORG, item("t", "Information om T1-prognosen"))
    assert classified.kind is model.Kind.INFORMATION
    assert classified.matter.category == "budget"
    assert classified.inferred == {"category", "kind"}
    explicit = classify_item(
        ORG,
        item("u", "Information om T1-prognosen", category="uppfoljning", kind=model.Kind.FOLLOW_UP),
    )
    assert explicit.inferred == frozenset()
    assert explicit.matter.category == "uppfoljning"


# --- the sample items and the commands ----------------------------------------------------
SAMPLE = Path(mgovern.__file__).parent / "examples" / "agenda-items.toml"


def run_cli(*args: str):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from mgovern.cli import build_cli

    return CliRunner().invoke(build_cli(), list(args))


def test_sample_items_are_realistic() -> None:
    from mgovern.agenda.items import load_items

    items = load_items(ORG, SAMPLE)
    assert len(items) >= 30
    assert {classify_item(ORG, i).kind for i in items} == set(model.Kind)
    assert sum(1 for i in items if i.category is None) >= 5  # titles left to the classifier
    agendas, unplaced = plan(ORG, items, dt.date(2026, 2, 15), dt.date(2026, 4, 30))
    assert unplaced == ()
    placed = Counter(e.item.item.id for a in agendas for e in a.entries if e.item is not None)
    assert placed == Counter(i.id for i in items)
    reasons = Counter(m.reason for a in agendas for m in (*a.forwarded, *a.deferred))
    assert reasons[MoveReason.FORWARDED] >= 4
    assert reasons[MoveReason.LATE] >= 2
    assert reasons[MoveReason.OVERFLOW] >= 2
    for agenda in agendas:
        length = (agenda.meeting.end - agenda.meeting.start).total_seconds() / 60
        assert agenda.used_minutes <= length


def test_agenda_command_prints_swedish_agenda_with_moves() -> None:
    result = run_cli(
        "agenda", "--group", "klg", "--date", "2026-03-10T09:00", "--items", str(SAMPLE)
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Dagordning: Kontorsledningsgruppen, taktiskt")
    assert "\n  09:00   1. Mötets öppnande och val av justerare (2 min)" in out
    assert "Vidarebefordrade till rätt grupp" in out
    assert (
        "→ Exploateringsnämnden, 2026-03-19 16:00: Ärendet (Markanvisning, utan belopp) lyfts"
        in out
    )
    assert "Flyttade till ett senare möte" in out
    assert "efter sista dag 2026-03-04 17:00" in out
    common = ("agenda", "--group", "klg", "--date", "2026-03-17", "--items", str(SAMPLE))
    data = json.loads(run_cli(*common, "--format", "json").stdout)
    assert data["start"] == "2026-03-17T09:00:00+01:00"
    starts = [e["start"] for e in data["entries"]]
    assert starts == sorted(starts)
    carried = [m for m in data["deferred"] if m["reason"] == "overflow"]
    assert carried
    assert all(m["meeting"].startswith("2026-03-24") for m in carried)
    markdown = run_cli(*common, "--format", "md").stdout
    assert markdown.startswith("# Dagordning: Kontorsledningsgruppen")
    assert "| Tid | # | Ärende | Min | |" in markdown


def test_report_command_and_chart(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    chart = tmp_path / "drift.svg"
    result = run_cli("report", "--items", str(SAMPLE), "--svg", str(chart), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    klg_march = next(m for m in data["months"] if m["group"] == "klg" and m["month"] == "2026-03")
    assert klg_march["limit_percent"] == 25
    assert klg_march["forwarded_out"] >= 4
    planned = klg_march["strategic_minutes"] + klg_march["operative_minutes"]
    assert sum(klg_march["minutes_by_kind"].values()) == planned
    svg = ET.parse(chart).getroot()
    assert svg.tag.endswith("svg")
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "Operativ andel av mötestiden per grupp och månad" in texts
    assert "KLG" in texts
