"""Legal periods against an oracle written from the law's text.

The oracle computes Sweden's closed days itself (lag 1989:253 om allmänna helgdagar:
Easter by the Anonymous Gregorian algorithm, midsommardagen the Saturday 20-26 June,
alla helgons dag the Saturday 31 October-6 November; plus midsommarafton, julafton and
nyårsafton, which lag 1930:173 names) without the holidays package or mgovern, and counts
each period as the law does: approval at most 14 days after the meeting (KL 5:69),
announcement at most the second day after (KL 8:12), appeal three weeks from the
announcement (KL 13:5), each last day on a Saturday, Sunday or one of those days moved
to the next weekday that is none of them (lag 1930:173).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import tomllib
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import mgovern
from mgovern.cli import build_cli
from mgovern.legal_periods import closed_by_law, last_day, minutes_dates
from mgovern.model import LegalPeriods
from mgovern.plugins import make_plugin_manager

EXAMPLES = Path(mgovern.__file__).parent / "examples"
FIRST, LAST = dt.date(2026, 1, 1), dt.date(2030, 12, 31)
ONE = dt.timedelta(days=1)


# --- the oracle ---------------------------------------------------------------------------
def easter_sunday(year: int) -> dt.date:
    """The Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def saturday_between(first: dt.date) -> dt.date:
    """The Saturday among the seven days from ``first``."""
    return first + dt.timedelta(days=(5 - first.weekday()) % 7)


@functools.cache
def swedish_closed(year: int) -> frozenset[dt.date]:
    """Public holidays (lag 1989:253) and the three eves lag 1930:173 names."""
    easter = easter_sunday(year)
    midsummer_day = saturday_between(dt.date(year, 6, 20))
    return frozenset(
        {
            dt.date(year, 1, 1),  # nyårsdagen
            dt.date(year, 1, 6),  # trettondedag jul
            easter - 2 * ONE,  # långfredagen
            easter,  # påskdagen
            easter + ONE,  # annandag påsk
            dt.date(year, 5, 1),  # första maj
            easter + 39 * ONE,  # Kristi himmelsfärdsdag (Thursday)
            easter + 49 * ONE,  # pingstdagen
            dt.date(year, 6, 6),  # nationaldagen
            midsummer_day - ONE,  # midsommarafton (the Friday 19-25 June)
            midsummer_day,  # midsommardagen
            saturday_between(dt.date(year, 10, 31)),  # alla helgons dag
            dt.date(year, 12, 24),  # julafton
            dt.date(year, 12, 25),  # juldagen
            dt.date(year, 12, 26),  # annandag jul
            dt.date(year, 12, 31),  # nyårsafton
        }
    )


def oracle_last_day(day: dt.date) -> dt.date:
    while day.weekday() in (5, 6) or day in swedish_closed(day.year):
        day += ONE
    return day


def oracle_dates(
    meeting: dt.date, approval: int = 14, announcement: int = 2, appeal: int = 21
) -> tuple[dt.date, dt.date, dt.date]:
    approved = oracle_last_day(meeting + dt.timedelta(days=approval))
    announced = oracle_last_day(approved + dt.timedelta(days=announcement))
    return approved, announced, oracle_last_day(announced + dt.timedelta(days=appeal))


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def test_the_oracle_knows_its_dates() -> None:
    assert easter_sunday(2026) == dt.date(2026, 4, 5)
    assert easter_sunday(2027) == dt.date(2027, 3, 28)
    assert easter_sunday(2030) == dt.date(2030, 4, 21)
    assert dt.date(2026, 6, 19) in swedish_closed(2026)  # midsommarafton 2026
    assert dt.date(2026, 10, 31) in swedish_closed(2026)  # alla helgons dag 2026


# --- the law's periods, every day of 2026-2030 ------------------------------------------
@pytest.fixture(scope="module")
def law_org() -> mgovern.Organization:
    """The example with the law's periods (no ``[legal_periods]`` of its own)."""
    return attrs.evolve(mgovern.example(), legal_periods=LegalPeriods())


def test_every_day_of_2026_to_2030_moves_as_the_law_says(law_org: mgovern.Organization) -> None:
    closed = closed_by_law(law_org, FIRST, LAST + dt.timedelta(days=30))
    for day in days(FIRST, LAST):
        assert last_day(day, closed) == oracle_last_day(day), day


def test_every_meeting_day_of_2026_to_2030_gets_the_law_s_dates(
    law_org: mgovern.Organization,
) -> None:
    for meeting in days(FIRST, LAST):
        got = minutes_dates(law_org, meeting)
        assert (got.approved, got.announced, got.appealable_until) == oracle_dates(meeting)
        assert got.announced.weekday() < 5
        assert got.appealable_until.weekday() < 5


@settings(max_examples=300, deadline=None)
@given(
    meeting=st.dates(FIRST, LAST),
    approval=st.integers(0, 14),
    announcement=st.integers(0, 2),
    appeal=st.integers(1, 365),
)
def test_the_periods_are_settings(
    law_org: mgovern.Organization, meeting: dt.date, approval: int, announcement: int, appeal: int
) -> None:
    periods = LegalPeriods(
        approval_days=approval, announcement_days=announcement, appeal_days=appeal
    )
    org = attrs.evolve(law_org, legal_periods=periods)
    got = minutes_dates(org, meeting)
    expected = oracle_dates(meeting, approval, announcement, appeal)
    assert (got.approved, got.announced, got.appealable_until) == expected


def test_the_organisation_s_own_closures_do_not_move_the_law_s_clock(
    law_org: mgovern.Organization,
) -> None:
    # 15 May 2026 is a bridge day (klämdag) and in a blackout: closed for meetings, not
    # for the law; the approval 14 days after 1 May falls on it and stays there
    from mgovern.calendars.cycles import closed_days
    from mgovern.model import Blackout, ClosedDays

    closing = attrs.evolve(
        law_org,
        closed_days=ClosedDays(regions=("SE",), include=("klamdagar",)),
        blackouts=(Blackout("Vår", dt.date(2026, 5, 11), dt.date(2026, 5, 22)),),
    )
    assert dt.date(2026, 5, 15) in closed_days(closing, dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    dates = minutes_dates(closing, dt.date(2026, 5, 1))
    assert dates.approved == dt.date(2026, 5, 15) == oracle_dates(dt.date(2026, 5, 1))[0]


def test_without_a_closed_day_plugin_the_periods_refuse(law_org: mgovern.Organization) -> None:
    with pytest.raises(mgovern.MgovernError, match="install mgovern-holidays"):
        minutes_dates(law_org, FIRST, pm=make_plugin_manager(entry_points=False))


# --- the board report through the command line -----------------------------------------
def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


def register(tmp_path: Path, org: Path, *sources: Path) -> Path:
    """A register with the decisions of ``sources``, imported through the command line."""
    db = tmp_path / "register.db"
    for source in sources:
        result = run("decisions", "import", str(source), "--org", str(org), "--db", str(db))
        assert result.exit_code == 0, result.output
    return db


def test_a_thursday_board_s_appeal_date_is_not_a_saturday() -> None:
    # minutes approved Thursday 30 April, announced on the second day after: Saturday
    # 2 May, which runs to Monday 4 May; three weeks later is Monday 25 May
    result = run("decisions", "report", "--group", "namnd", "--date", "2026-04-23")
    assert result.exit_code == 0, result.output
    assert "överklagbar till och med 2026-05-23" not in result.stdout
    assert result.stdout.count("överklagbar till och med 2026-05-25") == 10
    assert "anslagna 2026-05-04" in result.output
    until = re.findall(r"överklagbar till och med (\d{4}-\d{2}-\d{2})", result.stdout)
    assert {dt.date.fromisoformat(d) for d in until} == {oracle_dates(dt.date(2026, 4, 23), 7)[2]}


def test_an_easter_meeting_is_announced_on_a_working_day(tmp_path: Path) -> None:
    # the law's periods: approved Thursday 2 April (14 days), announced no later than the
    # second day after, Easter Saturday 4 April, which runs past Easter Sunday and
    # Easter Monday to Tuesday 7 April; appealable until Tuesday 28 April
    text = (EXAMPLES / "exploateringskontoret.toml").read_text("utf-8")
    table = re.search(r"\n\[legal_periods\]\n(?:\w+ = \d+\n)+", text)
    assert table is not None
    org = tmp_path / "org.toml"
    org.write_text(text.replace(table.group(0), "\n"), "utf-8")
    assert "legal_periods" not in tomllib.loads(org.read_text("utf-8"))
    db = register(tmp_path, org, EXAMPLES / "decisions-2026q1.csv")
    args = ["--org", str(org), "--db", str(db), "--group", "namnd", "--date", "2026-03-19"]
    result = run("decisions", "report", *args)
    assert result.exit_code == 0, result.output
    assert "anslagna 2026-04-07" in result.output
    assert "överklagbar till och med 2026-04-28" in result.stdout
    json_result = run("decisions", "report", *args, "--json")
    data = json.loads(json_result.stdout)
    assert data["announced"] == "2026-04-07" == oracle_dates(dt.date(2026, 3, 19))[1].isoformat()
    reported = [d for g in data["delegated"] for d in g["decisions"]] + data["urgent"]
    assert reported
    assert {d["appealable_until"] for d in reported} == {"2026-04-28"}


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("approval_days = 15", "legal_periods.approval_days"),
        ("announcement_days = 3", "legal_periods.announcement_days"),
        ("appeal_weeks = 3", "legal_periods"),
        ('closed_days = { regions = ["SE"], include = ["lillejulafton"] }', "include[0]"),
    ],
)
def test_bad_legal_periods_are_exit_2_with_the_key(
    tmp_path: Path, table: str, expected: str
) -> None:
    text = (EXAMPLES / "exploateringskontoret.toml").read_text("utf-8")
    text = re.sub(r"\n\[legal_periods\]\n(?:\w+ = \d+\n)+", f"\n[legal_periods]\n{table}\n", text)
    org = tmp_path / "org.toml"
    org.write_text(text, "utf-8")
    result = CliRunner().invoke(build_cli(), ["validate", "--org", str(org)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert str(org) in lines[0]
    assert expected in lines[0]
    assert "Traceback" not in result.output


# --- the minutes ------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_board_s_minutes_state_its_legal_dates(tmp_path: Path, fmt: str) -> None:
    items = str(EXAMPLES / "agenda-items.toml")
    out = tmp_path / "out"
    for group, day in (("namnd", "2026-04-23"), ("klg", "2026-03-17")):
        result = run(
            "documents", "--group", group, "--date", day, "--items", items,
            "--kind", "minutes", "--format", fmt, "--out", out.as_uri(),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    board = (out / "namnd" / "2026-04-23" / f"motesanteckningar.{fmt}").read_text("utf-8")
    text = re.sub(r"<[^>]+>|\*\*", " ", board)
    approved, announced, until = oracle_dates(dt.date(2026, 4, 23), approval=7)
    assert re.search(rf"Justeras senast:?\s+{approved}", text)
    assert re.search(rf"tillkännages på anslagstavlan senast:?\s+{announced}", text)
    assert re.search(rf"Överklagbar till och med:?\s+{until}", text)
    # a management group's notes are not announced: no legal dates
    notes = (out / "klg" / "2026-03-17" / f"motesanteckningar.{fmt}").read_text("utf-8")
    assert "Justeras senast" not in notes
