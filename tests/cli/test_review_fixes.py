"""Input mistakes a new user made, each answered with one line that says what to do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

import mgovern
from mgovern import model
from mgovern.agenda.items import load_items
from mgovern.agenda.planner import find_meeting, plan
from mgovern.calendars.publish import PublishError, publisher_for
from mgovern.cli import build_cli

ORG = mgovern.example()


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(build_cli(), list(args))


def test_excel_csv_in_windows_1252_is_read(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_bytes("title;raised_in\nFörsäljning av tomt, 2 mnkr;klg\n".encode("cp1252"))
    (item,) = load_items(ORG, path, encoding="cp1252")
    assert item.title == "Försäljning av tomt, 2 mnkr"


def test_validate_runs_the_plugins_checks(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text('id = "x"\nname = "X"\nclosed_days = { regions = ["XX"] }\n', encoding="utf-8")
    result = run("validate", "--org", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"mgovern: error: {path}: closed_days.regions[0]")


def test_check_window_in_the_wrong_order() -> None:
    result = run("check", "--from", "2026-05-01", "--to", "2026-01-01")
    assert result.exit_code == 2
    assert "--to 2026-01-01 is before --from 2026-05-01" in result.stderr


def test_a_path_instead_of_a_url() -> None:
    with pytest.raises(PublishError, match=r"has no scheme: write a URL such as file:///tmp/dir"):
        publisher_for("/tmp/dir")


def test_a_time_without_a_meeting_lists_that_days_meetings() -> None:
    with pytest.raises(
        mgovern.MgovernError, match=r"meets on 2026-03-17 at 09:00 \(taktiskt\), not at 10:00"
    ):
        find_meeting(ORG, "klg", dt.datetime(2026, 3, 17, 10, 0))


def test_an_item_meant_for_a_day_without_a_meeting() -> None:
    item = model.AgendaItem(
        "x",
        "Budget",
        "klg",
        category="budget",
        meeting=dt.date(2026, 3, 18),
        submitted=dt.datetime(2026, 3, 1, 9, tzinfo=ORG.zone),
    )
    with pytest.raises(
        mgovern.ConfigError, match=r"item 'x' is meant for the meeting of 2026-03-18"
    ):
        plan(ORG, [item], dt.date(2026, 3, 1), dt.date(2026, 4, 30))


def test_each_meeting_states_its_own_deadline() -> None:
    cal = mgovern.calendar(ORG, group="klg", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    text = cal.to_ical().decode().replace("\r\n ", "")
    assert "Sista dag för ärenden: 6 dagar före mötet kl. 17:00" in text
    # the meeting moved off Trettondedag jul: its deadline came before the holidays
    assert "Sista dag för ärenden: 2025-12-23 17:00" in text
    assert "Kallelse skickas: 5 dagar före mötet kl. 12:00" in text


def test_check_lists_resolved_overlaps_and_groups_that_never_meet(tmp_path: Path) -> None:
    listed = run("check", "--overlaps", "--from", "2026-01-01", "--to", "2026-01-31")
    assert listed.exit_code == 0
    lines = [line for line in listed.stdout.splitlines() if line.startswith("  OVERLAP ")]
    assert len(lines) == 48
    assert any("mv vinner över klg/handles/tvargaende" in line for line in lines)
    org = model.Organization(
        "o",
        "O",
        categories=(model.Category("c", "C"),),
        groups=(model.Group("g", "G", mandate=model.Mandate(handles=(model.ScopeClause("h"),))),),
    )
    path = tmp_path / "org.toml"
    path.write_text(mgovern.dumps(org), encoding="utf-8")
    quiet = run("check", "--org", str(path))
    assert "groups with a mandate but no meetings (items sent there wait): g" in quiet.stdout
