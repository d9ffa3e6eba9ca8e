"""The governance calendar (issue 14, part 3): terms ending, roles falling vacant,
meetings without a chair, revisions taking effect; in check and as governance.ics."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import recurring_ical_events
from click.testing import CliRunner
from icalendar import Calendar

from mgovern.cli import build_cli
from mgovern.governance import governance_calendar, governance_events
from mgovern.history import load_history

EXAMPLES = Path(str(resources.files("mgovern.examples")))
HISTORY = EXAMPLES / "exploateringskontoret-historik.toml"
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def _without_successor(tmp_path: Path) -> Path:
    """The example's history with Sara Lind's appointments left out: M&V's head is vacant
    from 1 September 2026."""
    text = HISTORY.read_text(encoding="utf-8")
    text = text.replace(
        'based_on = "exploateringskontoret.toml"',
        f'based_on = "{EXAMPLES}/exploateringskontoret.toml"',
    )
    text = text[: text.index('[[appointments]]\nperson = "sara-lind"')]
    path = tmp_path / "historik.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_year() -> None:
    events = governance_events(load_history(HISTORY), *YEAR)
    assert [(e.date, e.kind, e.group) for e in events] == [
        (dt.date(2026, 5, 1), "revision", None),
        (dt.date(2026, 8, 31), "term-ends", "klg"),
        (dt.date(2026, 8, 31), "term-ends", "mv"),
    ]


def test_a_role_falling_vacant_names_the_decisions_without_a_decision_maker() -> None:
    history = load_history(HISTORY)
    history = attrs.evolve(history, appointments=history.appointments[:2])
    events = governance_events(history, dt.date(2026, 8, 1), dt.date(2026, 9, 30))
    (vacant,) = [e for e in events if e.kind == "vacant"]
    assert (vacant.date, vacant.group, vacant.subject) == (
        dt.date(2026, 9, 1),
        "mv",
        "avdelningschef",
    )
    assert "mv/handles/fastighet-liten" in vacant.clauses
    without = [e for e in events if e.kind == "meeting-without"]
    assert without
    assert all(e.date >= dt.date(2026, 9, 1) and e.group == "mv" for e in without)
    assert {e.subject for e in without} == {"chair"}


def test_governance_ics_reads_back_as_all_day_events() -> None:
    history = load_history(HISTORY)
    events = governance_events(history, *YEAR)
    stamp = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    data = governance_calendar(history.as_of(YEAR[1]), events, stamp=stamp).to_ical()
    read = recurring_ical_events.of(Calendar.from_ical(data)).between(*YEAR)
    assert sorted((e["DTSTART"].dt, str(e["SUMMARY"])) for e in read) == sorted(
        (e.date, e.message) for e in events
    )
    assert all(
        isinstance(e["DTSTART"].dt, dt.date) and not isinstance(e["DTSTART"].dt, dt.datetime)
        for e in read
    )


def test_check_reports_the_governance_calendar(tmp_path: Path) -> None:
    runner = CliRunner()
    window = ["--from", "2026-01-01", "--to", "2026-12-31"]
    ok = runner.invoke(build_cli(), ["check", "--org", str(HISTORY), *window])
    assert ok.exit_code == 0, ok.output
    assert "STYRNING 2026-08-31 term-ends: Henrik Blom slutar som ordförande" in ok.output
    vacant = runner.invoke(
        build_cli(), ["check", "--org", str(_without_successor(tmp_path)), *window]
    )
    assert vacant.exit_code == 1
    assert "STYRNING 2026-09-01 vacant: Avdelningschef i Mark och värdering" in vacant.output


def test_cli_governance_writes_the_ics(tmp_path: Path) -> None:
    out = tmp_path / "governance.ics"
    result = CliRunner().invoke(
        build_cli(),
        [
            "governance",
            "--org",
            str(HISTORY),
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--ics",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().count(b"BEGIN:VEVENT") == 3


def test_governance_ics_reads_alike_in_ical_js(mgovern_icaljs: Any) -> None:
    """ical.js (Thunderbird's engine) reads governance.ics as recurring-ical-events does:
    the same events on the same days, each one day long."""
    history = load_history(HISTORY)
    events = governance_events(history, *YEAR)
    stamp = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    data = governance_calendar(history.as_of(YEAR[1]), events, stamp=stamp).to_ical()
    python = {
        (str(e["UID"]), e["DTSTART"].dt)
        for e in recurring_ical_events.of(Calendar.from_ical(data)).between(*YEAR)
    }
    javascript = mgovern_icaljs.instants(data)
    assert len(javascript) == len(python) == len(events) > 0
    assert {(uid, start.date()) for uid, start, _ in javascript} == python
    assert all(end - start == dt.timedelta(days=1) for _, start, end in javascript)


def test_governance_is_near_linear_in_the_appointments() -> None:
    """Counted, not timed (issue 21, point 6): the whole organisation is built on the
    window's first and last day whatever the number of appointments, and single groups
    at most a bounded number of times per appointment (benchmarks/bench_governance.py
    times it: 10,000 appointments in under a second where 2,000 took 22 s)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    try:
        import bench_governance
    finally:
        sys.path.pop(0)
    small, large = bench_governance.measure(300), bench_governance.measure(3000)
    assert small["organisations_built"] == large["organisations_built"] == 2
    assert large["groups_built"] <= 10 * small["groups_built"]
    assert large["groups_built"] <= 3 * large["appointments"]
    assert large["events"]["term-ends"] > small["events"]["term-ends"] > 0
