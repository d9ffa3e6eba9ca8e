"""Following actions up: open, due and overdue actions, and overdue ones on the agenda."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import mgovern
from mgovern.agenda.planner import plan
from mgovern.cli import build_cli
from mgovern.model import Kind, Organization
from mgovern.register.followup import (
    Standing,
    action_list,
    follow_up_group,
    follow_up_items,
    follow_ups_until,
)
from mgovern.register.records import Action, ActionStatus

ITEMS = Path(mgovern.__file__).parent / "examples" / "agenda-items.toml"

ACTIONS = """\
[[actions]]
id = "t-1"
what = "Ta fram reviderad tidplan för saneringen"
owner = "tomas-engstrom"
due = 2026-04-01
meeting = 2026-03-17

[[actions]]
id = "t-2"
what = "Boka möte med miljöförvaltningen"
owner = "annika-sandberg"
due = 2026-04-01
group = "klg"
meeting = 2026-03-17
status = "done"
done_on = 2026-04-10

[[actions]]
id = "t-3"
what = "Skicka ut reviderad budget"
owner = "annika-sandberg"
due = 2026-04-20
group = "klg"
meeting = 2026-03-17

[[actions]]
id = "t-4"
what = "Värdera markområdet vid Västberga"
owner = "katarina-persson"
due = 2026-04-01
group = "mv"
meeting = 2026-03-04
"""


@pytest.fixture(scope="module")
def org() -> Organization:
    return mgovern.example()


def run(*args: str) -> Any:
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


@pytest.fixture
def register(tmp_path: Path) -> Path:
    """A register holding the four actions above, imported as a user imports them."""
    source = tmp_path / "actions.toml"
    source.write_text(ACTIONS, encoding="utf-8")
    db = tmp_path / "register.sqlite"
    result = run("decisions", "import", str(source), "--db", str(db))
    assert result.exit_code == 0, result.output
    return db


def action(id: str, due: dt.date, **kwargs: Any) -> Action:
    return Action(id, f"Åtgärd {id}", "tomas-engstrom", due, **kwargs)


def test_standing_on_a_day(org: Organization) -> None:
    on = dt.date(2026, 4, 15)
    actions = [
        action("late", dt.date(2026, 4, 14), group="klg"),
        action("today", on, group="klg"),
        action("week", on + dt.timedelta(days=7), group="klg"),
        action("later", on + dt.timedelta(days=8), group="klg"),
        action("done", dt.date(2026, 4, 1), status=ActionStatus.DONE, done_on=on),
        action(
            "done-later", dt.date(2026, 4, 1), status=ActionStatus.DONE, done_on=on.replace(day=20)
        ),
    ]
    states = {s.action.id: s for s in action_list(org, actions, on)}
    assert {k: s.standing for k, s in states.items()} == {
        "done-later": Standing.OVERDUE,  # not done yet on the 15th
        "late": Standing.OVERDUE,
        "today": Standing.DUE,
        "week": Standing.DUE,
        "later": Standing.OPEN,
    }
    assert [s.action.id for s in action_list(org, actions, on)][:2] == ["done-later", "late"]
    assert states["late"].days_late == 1
    assert states["done-later"].group == "klg"  # no group: the owner's first group
    assert action_list(org, actions, on, person="annika-sandberg") == ()
    assert [s.action.id for s in action_list(org, actions, on, group="mv")] == []


def test_follow_up_group_is_the_actions_else_the_owners_first(org: Organization) -> None:
    assert follow_up_group(org, action("a", dt.date(2026, 4, 1), group="mv")) == "mv"
    first = next(g.id for g in org.groups if "tomas-engstrom" in g.participants)
    assert follow_up_group(org, action("a", dt.date(2026, 4, 1))) == first


def test_overdue_actions_are_follow_up_items_on_the_next_meeting(org: Organization) -> None:
    # an action whose text names a sale: still followed up in its own group, not forwarded
    sale = Action(
        "s-1",
        "Försäljning av fastigheten Bageriet 4: ta fram köpekontrakt",
        "katarina-persson",
        dt.date(2026, 4, 6),
        group="klg",
    )
    items = follow_up_items(org, [sale], dt.date(2026, 4, 10))
    assert [(i.kind, i.raised_in, i.presenter) for i in items] == [
        (Kind.FOLLOW_UP, "klg", "Katarina Persson")
    ]
    agendas, unplaced = plan(org, items, dt.date(2026, 4, 1), dt.date(2026, 5, 31))
    assert unplaced == ()
    placed = [
        (a.meeting.group, a.meeting.start.date(), e.section)
        for a in agendas
        for e in a.entries
        if e.item is not None
    ]
    first_klg = next(
        a.meeting
        for a in agendas
        if a.group == "klg"
        and a.meeting.agenda_deadline is not None
        and a.meeting.agenda_deadline.date() >= dt.date(2026, 4, 7)
    )
    assert placed == [("klg", first_klg.start.date(), "follow-up")]
    assert all(not a.forwarded and not a.warnings for a in agendas if a.group == "klg")
    # a report over a period follows each overdue action up once, done later or not
    done = Action(
        "d-1",
        "Klart för sent",
        "tomas-engstrom",
        dt.date(2026, 4, 1),
        group="klg",
        status=ActionStatus.DONE,
        done_on=dt.date(2026, 4, 20),
    )
    assert [i.id for i in follow_ups_until(org, [sale, done], dt.date(2026, 5, 31))] == [
        "follow-up:s-1",
        "follow-up:d-1",
    ]


def test_overdue_actions_appear_as_follow_up_items_on_the_owners_groups_next_agenda(
    register: Path,
) -> None:
    # KLG meets on 21 April 2026; its agenda deadline is 15 April
    result = run(
        "agenda",
        "--group",
        "klg",
        "--date",
        "2026-04-21",
        "--items",
        str(ITEMS),
        "--db",
        str(register),
        "--json",
    )
    assert result.exit_code == 0, result.output
    agenda = json.loads(result.stdout)
    follow_ups = [e for e in agenda["entries"] if e["section"] == "follow-up"]
    # t-1 (no group: its owner's first, klg) is overdue; t-2 is done; t-3 falls due after
    # the deadline; t-4 is the Mark och värdering group's
    assert [e["item"]["id"] for e in follow_ups] == ["follow-up:t-1"]
    (entry,) = follow_ups
    assert entry["title"] == "Ta fram reviderad tidplan för saneringen (klart senast 2026-04-01)"
    assert entry["item"]["presenter"] == "Tomas Engström"
    assert entry["item"]["raised_in"] == "klg"
    assert not agenda["forwarded"]
    assert not agenda["deferred"]
    assert not any("tidplan" in w for w in agenda["warnings"])
    # the same in text, and without --db the agenda is as before
    text = run(
        "agenda",
        "--group",
        "klg",
        "--date",
        "2026-04-21",
        "--items",
        str(ITEMS),
        "--db",
        str(register),
    ).stdout
    assert "Uppföljning\n" in text
    assert "Ta fram reviderad tidplan för saneringen (klart senast 2026-04-01)" in text
    plain = run("agenda", "--group", "klg", "--date", "2026-04-21", "--items", str(ITEMS))
    assert "tidplan för saneringen" not in plain.stdout


def test_mgovern_actions_lists_standing_and_where_each_is_followed_up(register: Path) -> None:
    result = run("actions", "--db", str(register), "--on", "2026-04-15", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["on"] == "2026-04-15"
    rows = {a["id"]: a for a in data["actions"]}
    assert list(rows) == ["t-1", "t-4", "t-3"]  # overdue first; done t-2 left the list
    assert rows["t-1"]["standing"] == "overdue"
    assert rows["t-1"]["follow_up_group"] == "klg"
    assert rows["t-1"]["follow_up_at"] == "2026-04-21T09:00+02:00"
    assert rows["t-1"]["days_late"] == 14
    assert rows["t-4"]["follow_up_group"] == "mv"
    assert rows["t-4"]["follow_up_at"].startswith("2026-04-15")  # mv meets that day
    assert rows["t-3"]["standing"] == "due"
    assert rows["t-3"]["follow_up_at"] is None
    klg = run("actions", "--db", str(register), "--on", "2026-04-15", "--group", "klg")
    assert klg.exit_code == 0
    lines = klg.stdout.splitlines()
    assert lines[0].endswith(
        "öppna åtgärder 2026-04-15: 1 försenade, 1 ska vara klara inom en vecka, 0 öppna"
    )
    assert [line.split()[2] for line in lines[2:]] == ["t-1", "t-3"]
    person = run(
        "actions",
        "--db",
        str(register),
        "--on",
        "2026-04-15",
        "--person",
        "katarina-persson",
        "--json",
    )
    assert [a["id"] for a in json.loads(person.stdout)["actions"]] == ["t-4"]
    # after the due dates and the follow-ups: done actions stay off the list
    later = run("actions", "--db", str(register), "--on", "2026-06-01", "--json")
    assert {a["id"] for a in json.loads(later.stdout)["actions"]} == {"t-1", "t-3", "t-4"}


def test_mgovern_actions_bad_input_is_one_line_exit_2(register: Path) -> None:
    result = run("actions", "--db", str(register), "--person", "nobody")
    assert result.exit_code == 2
    assert "unknown person 'nobody'" in result.stderr
    result = run("actions", "--db", str(register), "--on", "15/4")
    assert result.exit_code == 2


def test_mgovern_actions_on_the_example_register() -> None:
    result = run("actions", "--on", "2026-04-15")
    assert result.exit_code == 0
    assert "använder det inbyggda exempelregistret" in result.stderr
    assert "5 försenade" in result.stdout.splitlines()[0]


def test_the_notice_lists_the_follow_ups_too(register: Path, tmp_path: Path) -> None:
    result = run(
        *("documents", "--group", "klg", "--date", "2026-04-21", "--items", str(ITEMS)),
        *("--kind", "notice", "--out", (tmp_path / "dokument").as_uri(), "--db", str(register)),
    )
    assert result.exit_code == 0, result.output
    notice = (tmp_path / "dokument" / "klg" / "2026-04-21" / "kallelse.md").read_text("utf-8")
    assert "Ta fram reviderad tidplan för saneringen (klart senast 2026-04-01)" in notice
    assert "Värdera markområdet" not in notice  # mv's


ICALJS_TODOS = """\
"use strict";
const ICAL = require("ical.js");
const text = require("fs").readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
console.log(JSON.stringify({
  events: calendar.getAllSubcomponents("vevent").length,
  todos: calendar.getAllSubcomponents("vtodo").map((t) => [
    t.getFirstPropertyValue("uid"),
    t.getFirstPropertyValue("summary"),
    t.getFirstPropertyValue("due").toString(),
    t.getFirstPropertyValue("due").isDate,
    t.getFirstPropertyValue("status"),
  ]),
}));
"""


def test_each_persons_open_actions_are_tasks_in_their_calendar(
    register: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    import os
    import shutil
    import subprocess

    import recurring_ical_events
    from icalendar import Calendar

    out = tmp_path / "kalendrar"
    args = ("calendars", "--out", str(out), "--from", "2026-03-01", "--to", "2026-06-30")
    result = run(*args, "--db", str(register))
    assert result.exit_code == 0, result.output
    tomas = (out / "people" / "tomas-engstrom.ics").read_bytes()
    assert run(*args, "--db", str(register)).stdout.endswith("(0 ändrade)\n")  # same bytes
    calendar = Calendar.from_ical(tomas)
    (todo,) = calendar.walk("VTODO")
    assert str(todo["summary"]) == "Ta fram reviderad tidplan för saneringen"
    assert todo.decoded("due") == dt.date(2026, 4, 1)
    assert str(todo["status"]) == "NEEDS-ACTION"
    assert calendar.walk("VEVENT")  # the meetings are still there
    annika = Calendar.from_ical((out / "people" / "annika-sandberg.ics").read_bytes())
    assert [str(t["summary"]) for t in annika.walk("VTODO")] == ["Skicka ut reviderad budget"]
    # recurring-ical-events (on icalendar) finds the task on its day
    found = recurring_ical_events.of(calendar, components=["VTODO"]).at((2026, 4, 1))
    assert [str(t["uid"]) for t in found] == [str(todo["uid"])]
    # without --db no tasks
    plain = tmp_path / "plain"
    assert (
        run(
            "calendars", "--out", str(plain), "--from", "2026-03-01", "--to", "2026-06-30"
        ).exit_code
        == 0
    )
    assert b"VTODO" not in (plain / "people" / "tomas-engstrom.ics").read_bytes()

    # ical.js, Thunderbird's engine, reads the same tasks
    pytest.importorskip("mgovern.testing.readers")
    from mgovern.testing.readers import find_icaljs

    folder = os.environ.get("MGOVERN_ICALJS_DIR") or str(request.config.rootpath / ".ci" / "node")
    modules = find_icaljs(folder)  # installed with npm when missing, as mgovern_icaljs does
    if modules is None or shutil.which("node") is None:
        reason = f"the ical.js check needs node and ical.js in {folder}/node_modules"
        if os.environ.get("MGOVERN_REQUIRE_ICALJS"):
            pytest.fail(reason)
        pytest.skip(reason)
    script = tmp_path / "todos.cjs"
    script.write_text(ICALJS_TODOS, encoding="utf-8")
    read = subprocess.run(
        ["node", str(script), str(out / "people" / "tomas-engstrom.ics")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "NODE_PATH": str(modules)},
    )
    icaljs = json.loads(read.stdout)
    assert icaljs["events"] == len(calendar.walk("VEVENT"))
    assert icaljs["todos"] == [
        [
            str(todo["uid"]),
            "Ta fram reviderad tidplan för saneringen",
            "2026-04-01",
            True,
            "NEEDS-ACTION",
        ]
    ]


def test_the_drift_report_counts_each_overdue_action_once(register: Path) -> None:
    def follow_up_minutes(*extra: str) -> dict[tuple[str, str], int]:
        result = run(
            *("report", "--items", str(ITEMS), "--from", "2026-03-01", "--to", "2026-05-31"),
            *extra,
            "--json",
        )
        assert result.exit_code == 0, result.output
        return {
            (m["group"], m["month"]): m["minutes_by_kind"]["follow-up"]
            for m in json.loads(result.stdout)["months"]
        }

    without, with_db = follow_up_minutes(), follow_up_minutes("--db", str(register))
    added = {
        key: with_db[key] - without.get(key, 0)
        for key in with_db
        if with_db[key] != without.get(key, 0)
    }
    # t-1 (klg) and t-4 (mv) fell overdue on 2 April; t-2 (klg) too, though it was done
    # on the 10th; t-3 (klg) on 21 April: each once, 10 minutes, at its group's next meeting
    assert added == {("klg", "2026-04"): 30, ("mv", "2026-04"): 10}
