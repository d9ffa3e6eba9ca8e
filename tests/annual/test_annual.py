"""The year wheel: annual matters planned backwards (mgovern.annual.planning, docs/arshjul.md)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result
from hypothesis import event, given, settings
from hypothesis import strategies as st

import mgovern
from mgovern import model
from mgovern.annual.planning import NotFitting, YearPlan, chain, deadline, fits, plan, plan_year
from mgovern.calendars.cycles import occurrences
from mgovern.cli import build_cli
from mgovern.plugins import make_plugin_manager


def run(args: list[str]) -> Result:
    return CliRunner().invoke(build_cli(), args, catch_exceptions=False)


PM = make_plugin_manager(entry_points=False)  # no holidays: only blackouts close days
YEARS = (dt.date(2026, 1, 1), dt.date(2027, 12, 31))


def without_klg_august(org: model.Organization) -> model.Organization:
    """The example with no KLG meeting in August (every KLG series blacked out)."""
    august = model.Blackout("Ingen KLG i augusti", model.MonthDay(8, 1), model.MonthDay(8, 31))
    klg = org.group("klg")
    cycles = tuple(attrs.evolve(c, blackouts=(*c.blackouts, august)) for c in klg.cycles)
    groups = tuple(attrs.evolve(g, cycles=cycles) if g.id == "klg" else g for g in org.groups)
    return attrs.evolve(org, groups=groups)


# --- the example ---------------------------------------------------------------------------


def test_the_examples_annual_cycle_fits_both_years() -> None:
    org = mgovern.example()
    wheel = plan(org, *YEARS)
    assert wheel.not_fitting == ()
    assert wheel.crowded == ()
    decided = {(p.matter.id, p.year): p.decision.start.date() for p in wheel.plans}
    assert decided == {
        ("verksamhetsberattelse", 2026): dt.date(2026, 3, 19),
        ("tertialrapport-1", 2026): dt.date(2026, 6, 18),
        ("tertialrapport-2", 2026): dt.date(2026, 9, 24),
        ("budgetunderlag", 2026): dt.date(2026, 10, 22),
        ("medarbetarenkat", 2026): dt.date(2026, 11, 10),
        ("internkontrollplan", 2026): dt.date(2026, 12, 10),
        ("verksamhetsplan", 2026): dt.date(2026, 12, 10),
        ("verksamhetsberattelse", 2027): dt.date(2027, 3, 18),
        ("tertialrapport-1", 2027): dt.date(2027, 6, 17),
        ("tertialrapport-2", 2027): dt.date(2027, 9, 23),
        ("budgetunderlag", 2027): dt.date(2027, 10, 21),
        ("internkontrollplan", 2027): dt.date(2027, 12, 9),
        ("verksamhetsplan", 2027): dt.date(2027, 12, 9),
    }
    t2 = next(p for p in wheel.plans if (p.matter.id, p.year) == ("tertialrapport-2", 2026))
    assert [(s.meeting.group, s.meeting.cycle, s.meeting.start.date()) for s in t2.stages] == [
        ("adm", "veckomote", dt.date(2026, 8, 12)),
        ("klg", "taktiskt", dt.date(2026, 8, 25)),
        ("klg", "namndberedning", dt.date(2026, 9, 8)),
        ("namnd", "sammantrade", dt.date(2026, 9, 24)),
    ]


def test_the_default_chain_is_the_path_to_the_target() -> None:
    org = mgovern.example()
    item = next(m for m in org.annual if m.id == "internkontrollplan")
    assert [s.group for s in chain(org, item)] == ["adm", "klg", "namnd"]


def test_check_on_the_example_reports_nothing() -> None:
    result = run(["check", "--from", "2026-01-01", "--to", "2027-12-31"])
    assert result.exit_code == 0, result.output
    assert "13 kedjor planerade, 0 får inte plats, 0 överfulla möten" in result.output
    data = json.loads(run(["check", "--json", "--from", "2026-01-01", "--to", "2027-12-31"]).stdout)
    assert data["annual"] == {"planned": 13, "not_fitting": [], "crowded": []}


def test_removing_the_klgs_august_meetings_breaks_tertialrapport_2(tmp_path: Path) -> None:
    path = tmp_path / "no-august.toml"
    path.write_text(mgovern.dumps(without_klg_august(mgovern.example())), encoding="utf-8")
    args = ["check", "--org", str(path), "--from", "2026-01-01", "--to", "2026-12-31"]
    result = run(args)
    assert result.exit_code == 1, result.output
    lines = [line.strip() for line in result.output.splitlines() if "NOT FITTING" in line]
    assert lines == [
        "NOT FITTING tertialrapport-2 2026: steg 2 (KLG (taktiskt)) behöver ett möte i klg "
        "som börjar 2026-08-01 eller senare och slutar senast 2026-08-26 17:00, 7 dagar före "
        "sista dag för ärenden 2026-09-02 17:00 till klg.namndberedning 2026-09-08 10:45; det "
        "finns inget: dess sista möte dessförinnan är klg.taktiskt 2026-06-30 09:00, före "
        "2026-08-01, och nästa, klg.taktiskt 2026-09-01 09:00, slutar för sent"
    ]
    data = json.loads(run([*args, "--json"]).stdout)
    (finding,) = data["annual"]["not_fitting"]
    assert (finding["matter"], finding["stage"], finding["group"]) == ("tertialrapport-2", 2, "klg")


def test_two_matters_crowding_a_meeting_are_reported() -> None:
    org = mgovern.example()
    long = [attrs.evolve(m, minutes=60) for m in org.annual]
    crowded = plan(attrs.evolve(org, annual=tuple(long)), *YEARS).crowded
    assert crowded
    first = crowded[0]
    assert first.minutes > first.room
    assert len(first.matters) >= 1
    assert str(first).startswith("CROWDED ")


def test_a_missing_target_meeting_names_the_decision() -> None:
    org = mgovern.example()
    item = attrs.evolve(
        org.annual[0], target=attrs.evolve(org.annual[0].target, before=None, month=7)
    )
    (finding,) = plan(org, *YEARS, matters=[item]).not_fitting[:1]
    assert "behöver ett möte i namnd i 2026-07" in str(finding)


def test_years_every_and_explicit() -> None:
    org = mgovern.example()
    survey = next(m for m in org.annual if m.id == "medarbetarenkat")
    assert {p.year for p in plan(org, *YEARS, matters=[survey]).plans} == {2026}
    explicit = attrs.evolve(survey, every=1, from_year=None, years=(2027,))
    assert {p.year for p in plan(org, *YEARS, matters=[explicit]).plans} == {2027}


def test_bad_references_are_config_errors() -> None:
    text = mgovern.dumps(mgovern.example()).replace('starts_in = "adm"', 'starts_in = "nowhere"', 1)
    with pytest.raises(mgovern.ConfigError, match=r"annual\[5\]\.starts_in"):
        mgovern.loads(text)


# --- generated cases against brute force ---------------------------------------------------

START = dt.date(2026, 9, 1)


@st.composite
def cases(draw: st.DrawFn) -> tuple[model.Organization, model.AnnualMatter]:
    """A chain of two to four groups, each meeting on a few dates in three months, with
    random times, lengths, deadlines, closed-day policies and blackouts."""
    depth = draw(st.integers(2, 4))
    groups = []
    for level in range(depth):
        days = draw(st.lists(st.integers(0, 90), min_size=1, max_size=5, unique=True))
        cycles = tuple(
            model.Cycle(
                f"c{ci}",
                f"C{ci}",
                dates=tuple(sorted(START + dt.timedelta(days=d) for d in days)),
                time=dt.time(draw(st.integers(7, 18)), draw(st.sampled_from([0, 30]))),
                duration=draw(st.sampled_from([30, 60, 120, 600])),
                closed_days=draw(st.sampled_from(list(model.ClosedDayPolicy))),
                agenda_deadline=draw(
                    st.none()
                    | st.builds(
                        model.Deadline,
                        st.integers(0, 15),
                        st.sampled_from([dt.time(12), dt.time(17)]),
                    )
                ),
            )
            for ci in range(draw(st.integers(1, 2)))
        )
        groups.append(
            model.Group(
                f"g{level}",
                f"G{level}",
                parent=None if level == 0 else f"g{level - 1}",
                cycles=cycles,
            )
        )
    blackouts = tuple(
        model.Blackout(f"b{i}", START + dt.timedelta(days=d), START + dt.timedelta(days=d + n))
        for i, (d, n) in enumerate(
            draw(st.lists(st.tuples(st.integers(0, 90), st.integers(0, 6)), max_size=3))
        )
    )
    stages = tuple(
        model.AnnualStage(f"g{level}", days=draw(st.integers(0, 10)))
        for level in range(depth - 1, 0, -1)
    )
    item = model.AnnualMatter(
        "m",
        "M",
        category="c",
        target=model.AnnualTarget("g0", month=draw(st.sampled_from([10, 11]))),
        stages=stages,
        earliest=draw(st.none() | st.sampled_from([model.MonthDay(9, 1), model.MonthDay(9, 20)])),
    )
    org = model.Organization(
        "o",
        "O",
        categories=(model.Category("c", "C"),),
        groups=tuple(groups),
        blackouts=blackouts,
        annual=(item,),
    )
    return org, item


def _meetings(org: model.Organization) -> dict[str, list[mgovern.Occurrence]]:
    return {
        g.id: occurrences(org, g.id, dt.date(2025, 1, 1), dt.date(2026, 12, 31), pm=PM)
        for g in org.groups
    }


@settings(max_examples=150)
@given(cases())
def test_planned_chains_fit_and_unfit_ones_have_no_assignment(
    case: tuple[model.Organization, model.AnnualMatter],
) -> None:
    org, item = case
    meetings = _meetings(org)
    result = plan_year(org, item, 2026, lambda g: meetings[g])
    stages = chain(org, item)
    closed = {
        day
        for b in org.blackouts
        for day in (b.start + dt.timedelta(days=n) for n in range((b.end - b.start).days + 1))
    }
    event("fits" if isinstance(result, YearPlan) else f"not fitting at stage {result.stage}")
    if isinstance(result, YearPlan):
        assignment = [s.meeting for s in result.stages]
        for planned, stage in zip(result.stages, stages, strict=True):
            # a real meeting of the stage's group, on no closed day
            assert planned.meeting in meetings[stage.group]
            assert planned.meeting.group == stage.group
            assert planned.meeting.start.date() not in closed
        for before, after, stage in zip(assignment, assignment[1:], stages, strict=False):
            assert before.end + dt.timedelta(days=stage.days) <= deadline(after)
        return
    assert isinstance(result, NotFitting)
    # brute force: with the decision's meeting (if any), no assignment of the stages fits
    target_meetings = [
        m for m in meetings["g0"] if (m.start.year, m.start.month) == (2026, item.target.month)
    ]
    if result.stage == len(stages) - 1:
        assert not target_meetings
        return
    decision = target_meetings[0]
    pools = [meetings[s.group] for s in stages[:-1]]
    for combo in itertools.product(*pools):
        assert not fits(stages, [*combo, decision], result.not_before), combo


# --- outputs: text, JSON, the SVG wheel, the milestones ------------------------------------


def test_arshjul_prints_every_chain_with_dates() -> None:
    result = run(["arshjul", "--year", "2026"])
    assert result.exit_code == 0, result.output
    for p in plan(mgovern.example(), dt.date(2026, 1, 1), dt.date(2026, 12, 31)).plans:
        line = next(x for x in result.output.splitlines() if x.startswith(p.matter.name + ":"))
        for s in p.stages:
            assert f"{s.meeting.start:%Y-%m-%d %H:%M}" in line
    assert (
        "Tertialrapport 2: ALG A 2026-08-12 11:00 → KLG 2026-08-25 09:00 → "
        "KLG 2026-09-08 10:45 → Nämnden 2026-09-24 16:00"
    ) in result.output
    assert "Per månad" in result.output
    assert "Per grupp" in result.output
    markdown = run(["arshjul", "--year", "2026", "--format", "md"]).output
    assert "# Årshjul 2026" in markdown
    assert "| Datum | Tid |" in markdown
    data = json.loads(run(["arshjul", "--year", "2026", "--json"]).stdout)
    assert len(data["plans"]) == 7
    assert data["not_fitting"] == []
    t2 = next(p for p in data["plans"] if p["matter"] == "tertialrapport-2")
    assert [s["group"] for s in t2["stages"]] == ["adm", "klg", "klg", "namnd"]


def _svg(tmp_path: Path) -> Path:
    path = tmp_path / "arshjul.svg"
    assert run(["arshjul", "--year", "2026", "--svg", str(path)]).exit_code == 0
    return path


def test_the_svg_is_deterministic_accessible_and_swedish(tmp_path: Path) -> None:
    first = _svg(tmp_path).read_bytes()
    second = _svg(tmp_path / "again").read_bytes()
    assert first == second
    text = first.decode()
    assert '<title id="title">Årshjul 2026: Exploateringskontoret, Stockholms stad</title>' in text
    assert '<desc id="desc">Årshjul för 2026 med 7 årliga ärenden.' in text
    assert 'width="210mm" height="297mm"' in text
    for month in ("januari", "augusti", "december"):
        assert f">{month}</text>" in text
    assert "Tertialrapport 2" in text


@pytest.fixture
def rsvg() -> str:
    """rsvg-convert (Debian librsvg2-bin; .ci/run installs it): skipped without it, failed
    without it when MGOVERN_REQUIRE_RSVG=1 (as in CI)."""
    import os
    import shutil

    found = shutil.which("rsvg-convert")
    if found is None:
        message = "rsvg-convert not found: install librsvg2-bin to render the year wheel"
        if os.environ.get("MGOVERN_REQUIRE_RSVG"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_the_svg_renders_with_a_real_renderer(tmp_path: Path, rsvg: str) -> None:
    import re
    import subprocess

    svg = _svg(tmp_path)
    png = tmp_path / "arshjul.png"
    subprocess.run([rsvg, "-w", "840", str(svg), "-o", str(png)], check=True, timeout=60)
    data = png.read_bytes()
    assert _png_size(data) == (840, 1188)
    assert len(data) > 50_000
    # the text is drawn: the same picture without its <text> elements is different
    bare = tmp_path / "bare.svg"
    bare.write_text(re.sub(r"<text[^>]*>.*?</text>", "", svg.read_text()), encoding="utf-8")
    plain = tmp_path / "bare.png"
    subprocess.run([rsvg, "-w", "840", str(bare), "-o", str(plain)], check=True, timeout=60)
    assert plain.read_bytes() != data
    assert len(plain.read_bytes()) < len(data)


def test_milestones_are_all_day_events_read_back(tmp_path: Path) -> None:
    import icalendar
    import recurring_ical_events

    path = tmp_path / "calendars" / "arshjul.ics"
    assert run(["arshjul", "--year", "2026", "--ics", str(path)]).exit_code == 0
    data = path.read_bytes()
    assert run(["arshjul", "--year", "2026", "--ics", str(path)]).exit_code == 0
    assert path.read_bytes() == data  # deterministic
    cal = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(cal).between(dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    assert len(events) == 25  # 7 chains: five of four stages, one of three, one of two
    t2 = sorted(
        (e["DTSTART"].dt, str(e["SUMMARY"]))
        for e in events
        if "Tertialrapport 2" in str(e["SUMMARY"])
    )
    assert t2 == [
        (dt.date(2026, 8, 12), "Tertialrapport 2: beredning i ALG A"),
        (dt.date(2026, 8, 25), "Tertialrapport 2: beredning i KLG"),
        (dt.date(2026, 9, 8), "Tertialrapport 2: beredning i KLG"),
        (dt.date(2026, 9, 24), "Tertialrapport 2: beslut i Nämnden"),
    ]
    for entry in events:
        assert type(entry["DTSTART"].dt) is dt.date
        assert entry["DTEND"].dt - entry["DTSTART"].dt == dt.timedelta(days=1)
        assert "Årshjul" in entry["CATEGORIES"].cats


# --- on the agendas ------------------------------------------------------------------------

ITEMS = Path(mgovern.__file__).parent / "examples" / "agenda-items.toml"


@pytest.mark.parametrize(
    ("group", "day", "title"),
    [
        ("adm", "2026-08-12", "Tertialrapport 2: beredning i ALG A"),
        ("klg", "2026-08-25", "Tertialrapport 2: beredning i KLG"),
        ("klg", "2026-09-08T10:45", "Tertialrapport 2: beredning i KLG"),
        ("namnd", "2026-09-24", "Tertialrapport 2: beslut i Nämnden"),
    ],
)
def test_every_stage_is_on_its_meetings_agenda(group: str, day: str, title: str) -> None:
    args = ["agenda", "--group", group, "--date", day, "--items", str(ITEMS), "--json"]
    data = json.loads(run(args).stdout)
    titles = json.dumps(data, ensure_ascii=False)
    assert title in titles
    assert "kunde inte klassificeras" not in titles


def test_a_meeting_without_annual_matters_keeps_its_agenda() -> None:
    from mgovern.agenda.items import load_items
    from mgovern.agenda.planner import find_meeting
    from mgovern.agenda.planner import plan as plan_agendas
    from mgovern.annual.stages import with_annual

    org = mgovern.example()
    meeting = find_meeting(org, "klg", dt.date(2026, 3, 17))
    agendas, _ = plan_agendas(
        org, load_items(org, ITEMS), dt.date(2026, 2, 1), dt.date(2026, 4, 30)
    )
    agenda = next(a for a in agendas if a.meeting == meeting)
    assert with_annual(org, agenda) is agenda


def test_milestones_read_alike_in_both_readers(mgovern_icaljs: Any) -> None:
    """recurring-ical-events and ical.js (Thunderbird's engine) read the same all-day
    milestones: the same UIDs on the same days, one day long."""
    import icalendar
    import recurring_ical_events

    from mgovern.annual.ical import milestones

    org = mgovern.example()
    wheel = plan(org, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    data = milestones(org, wheel, stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)).to_ical()
    events = recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(
        dt.date(2026, 1, 1), dt.date(2027, 1, 1)
    )
    python = {(str(e["UID"]), e["DTSTART"].dt) for e in events}
    javascript = mgovern_icaljs.instants(data)
    assert len(python) == len(javascript) == 25
    assert {(uid, start.date()) for uid, start, _ in javascript} == python
    assert all(end - start == dt.timedelta(days=1) for _, start, end in javascript)
    assert sorted(day for _, day in python) == sorted(
        s.meeting.start.date() for p in wheel.plans for s in p.stages
    )


def test_the_docs_picture_is_the_examples_wheel(tmp_path: Path) -> None:
    """docs/images/arshjul.svg (and the PNG made from it) show what the command draws."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "images" / "arshjul.svg"
    assert _svg(tmp_path).read_bytes() == docs.read_bytes()


def test_meetings_that_carry_an_annual_matter_have_its_category(mgovern_icaljs: Any) -> None:
    """In the groups' calendars such a meeting has the categories "Årshjul" and the
    matter's name (an override of the series instance, at the same time), and both
    readers still expand the calendar to exactly mgovern's meetings."""
    import icalendar
    import recurring_ical_events

    from mgovern.testing.readers import occurrence_instants, recurring_ical_events_instants

    org = mgovern.example()
    window = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    cal = mgovern.calendar(org, group="klg", start=window[0], end=window[1])
    data = cal.to_ical()
    carried = sorted(
        (e["DTSTART"].dt, [str(c) for c in e["CATEGORIES"].cats][2:])
        for e in recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(
            dt.date(2026, 1, 1), dt.date(2027, 1, 1)
        )
        if "Årshjul" in [str(c) for c in e["CATEGORIES"].cats]
    )
    wheel = plan(org, window[0], dt.date(2027, 12, 31))
    merged: dict[dt.datetime, set[str]] = {}  # two matters on one meeting: one event
    for p in wheel.plans:
        for s in p.stages:
            if s.meeting.group == "klg" and s.meeting.start.year == 2026:
                merged.setdefault(s.meeting.start, set()).add(p.matter.name)
    assert carried == sorted((k, ["Årshjul", *sorted(v)]) for k, v in merged.items())
    assert (dt.datetime(2026, 8, 25, 9, tzinfo=org.zone), ["Årshjul", "Tertialrapport 2"]) in (
        carried
    )
    meetings = occurrence_instants(occurrences(org, "klg", *window))
    assert recurring_ical_events_instants(data) == meetings
    assert mgovern_icaljs.instants(data) == meetings


HOLIDAYS = make_plugin_manager()  # with mgovern-holidays: Swedish holidays move meetings
WINDOW = (START, START + dt.timedelta(days=100))
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


@st.composite
def rule_cases(draw: st.DrawFn) -> tuple[model.Organization, model.AnnualMatter]:
    """Two or three levels meeting by rules (weekly, monthly) or anchored to the top's
    meetings, with Swedish holidays (moves by each cycle's policy) and blackouts."""
    depth = draw(st.integers(2, 3))
    top_days = draw(st.lists(st.integers(0, 100), min_size=1, max_size=4, unique=True))
    top = model.Cycle(
        "c0",
        "Top",
        dates=tuple(sorted(START + dt.timedelta(days=d) for d in top_days)),
        time=dt.time(16),
        duration=120,
        closed_days=draw(st.sampled_from(list(model.ClosedDayPolicy))),
        agenda_deadline=model.Deadline(draw(st.integers(0, 15)), dt.time(12)),
    )
    groups = [model.Group("g0", "G0", cycles=(top,))]
    for level in range(1, depth):
        form = draw(st.sampled_from(["weekly", "monthly", "anchor"]))
        common = {
            "time": dt.time(draw(st.integers(8, 15))),
            "duration": draw(st.sampled_from([60, 90, 180])),
            "closed_days": draw(st.sampled_from(list(model.ClosedDayPolicy))),
            "agenda_deadline": draw(st.none() | st.builds(model.Deadline, st.integers(0, 14))),
            "skip_months": frozenset(draw(st.sets(st.sampled_from([9, 10, 11]), max_size=1))),
        }
        if form == "weekly":
            cycle = model.Cycle(
                "c", "C", rule=f"every week on {draw(st.sampled_from(WEEKDAYS))}", **common
            )
        elif form == "monthly":
            cycle = model.Cycle(
                "c", "C", rule=f"2nd {draw(st.sampled_from(WEEKDAYS))} of the month", **common
            )
        else:
            anchor = model.Anchor(
                "g0.c0",
                days_before=draw(st.integers(0, 30)),
                weekday=draw(st.sampled_from(WEEKDAYS)),
            )
            cycle = model.Cycle("c", "C", anchor=anchor, **common)
        groups.append(
            model.Group(f"g{level}", f"G{level}", parent=f"g{level - 1}", cycles=(cycle,))
        )
    blackouts = tuple(
        model.Blackout(f"b{i}", START + dt.timedelta(days=d), START + dt.timedelta(days=d + n))
        for i, (d, n) in enumerate(
            draw(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 10)), max_size=2))
        )
    )
    item = model.AnnualMatter(
        "m",
        "M",
        category="c",
        target=model.AnnualTarget("g0", month=draw(st.sampled_from([10, 11, 12]))),
        starts_in=f"g{depth - 1}",
        days=draw(st.integers(0, 10)),
        earliest=model.MonthDay(9, 1),
    )
    org = model.Organization(
        "o",
        "O",
        categories=(model.Category("c", "C"),),
        closed_days=model.ClosedDays(regions=("SE",)),
        groups=tuple(groups),
        blackouts=blackouts,
        annual=(item,),
    )
    return org, item


@settings(max_examples=60)
@given(rule_cases())
def test_chains_over_rules_holidays_and_anchors_against_brute_force(
    case: tuple[model.Organization, model.AnnualMatter],
) -> None:
    from mgovern.calendars.cycles import closed_days

    org, item = case
    meetings = {g.id: occurrences(org, g.id, *WINDOW, pm=HOLIDAYS) for g in org.groups}
    result = plan_year(org, item, 2026, lambda g: meetings[g])
    stages = chain(org, item)
    holidays = closed_days(org, *WINDOW, pm=HOLIDAYS)
    event("fits" if isinstance(result, YearPlan) else f"not fitting at stage {result.stage}")
    if isinstance(result, YearPlan):
        for planned, stage in zip(result.stages, stages, strict=True):
            assert planned.meeting in meetings[stage.group]
            day = planned.meeting.start.date()
            assert day not in holidays
            assert not any(b.covers(day) for b in org.blackouts)
        assert fits(
            stages, [s.meeting for s in result.stages], result.stages[0].meeting.start.date()
        )
        for before, after, stage in zip(result.stages, result.stages[1:], stages, strict=False):
            assert before.meeting.end + dt.timedelta(days=stage.days) <= deadline(after.meeting)
        return
    targets = [
        m for m in meetings["g0"] if (m.start.year, m.start.month) == (2026, item.target.month)
    ]
    if result.stage == len(stages) - 1:
        assert not targets
        return
    pools = [meetings[s.group] for s in stages[:-1]]
    for combo in itertools.product(*pools):
        assert not fits(stages, [*combo, targets[0]], result.not_before)


def test_a_chain_for_a_decision_outside_the_window_is_not_reported() -> None:
    org = without_klg_august(mgovern.example())
    assert plan(org, dt.date(2026, 1, 1), dt.date(2026, 6, 30)).not_fitting == ()
    (finding,) = plan(org, dt.date(2026, 9, 1), dt.date(2026, 9, 30)).not_fitting
    assert finding.decision is not None
    assert finding.decision.start.date() == dt.date(2026, 9, 24)
