"""Lead-time cascade: meetings too late for the parent's agenda deadline."""

from __future__ import annotations

import datetime as dt

import mgovern
from mgovern import model
from mgovern.cascade import cascade
from mgovern.plugins import make_plugin_manager

PM = make_plugin_manager(entry_points=False)


def org_with_child_on(rule: str) -> model.Organization:
    return model.Organization(
        "o",
        "O",
        groups=(
            model.Group(
                "top",
                "Top",
                cycles=(
                    model.Cycle(
                        "weekly",
                        "Weekly",
                        rule="every week on tuesday",
                        time=dt.time(9),
                        agenda_deadline=model.Deadline(6, dt.time(17)),  # Wednesday before
                    ),
                ),
            ),
            model.Group(
                "child",
                "Child",
                parent="top",
                cycles=(model.Cycle("c", "C", rule=rule, time=dt.time(9), duration=60),),
            ),
        ),
    )


def test_monday_meetings_miss_the_tuesday_deadline_by_a_week() -> None:
    org = org_with_child_on("every week on monday")
    late = cascade(org, dt.date(2026, 3, 1), dt.date(2026, 3, 31), pm=PM)
    assert [item.meeting.start.date() for item in late] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 16),
        dt.date(2026, 3, 23),
        dt.date(2026, 3, 30),
    ]
    for item in late:
        assert item.parent_meeting.start.date() == item.meeting.start.date() + dt.timedelta(days=1)
        assert item.parent_meeting.agenda_deadline < item.meeting.end
        assert item.reached is not None
        assert item.reached.agenda_deadline >= item.meeting.end
        assert item.delay == dt.timedelta(days=7)


def test_wednesday_morning_meetings_make_the_deadline() -> None:
    org = org_with_child_on("every week on wednesday")
    assert cascade(org, dt.date(2026, 3, 1), dt.date(2026, 3, 31), pm=PM) == ()


def test_check_command_reports_late_meetings() -> None:
    from click.testing import CliRunner

    from mgovern.cli import build_cli

    result = CliRunner().invoke(
        build_cli(), ["check", "--from", "2026-01-01", "--to", "2026-12-31"]
    )
    assert result.exit_code == 0  # late meetings are reported, not fatal
    assert (
        "meetings too late for the parent's agenda deadline (2026-01-01..2026-12-31)"
        in result.stdout
    )
    assert "LATE mv.veckomote -> klg.taktiskt" in result.stdout
    assert mgovern.example().group("klg").cycle("taktiskt").agenda_deadline is not None
