"""Appointments change their own seat from their date and nothing else (issue 21, point
3), and a vacancy is named wherever it arises: route, check, governance and the site."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import mgovern
from mgovern.cli import build_cli
from mgovern.history import POSITIONS, Appointment, History

EXAMPLE = Path(mgovern.__file__).parent / "examples" / "exploateringskontoret.toml"
SALE = ["--raised-in", "klg", "--category", "fastighetsforsaljning", "--amount", "7000000"]


def history(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "historik.toml"
    path.write_text(f'based_on = "{EXAMPLE.as_posix()}"\n{body}', encoding="utf-8")
    return path


JUNE = str(int(dt.datetime(2026, 6, 1, tzinfo=dt.UTC).timestamp()))


def run(*args: str) -> tuple[int, str]:
    """``mgovern ARGS`` on 2026-06-01 (SOURCE_DATE_EPOCH), exit code and output."""
    result = CliRunner().invoke(build_cli(), list(args), env={"SOURCE_DATE_EPOCH": JUNE})
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


# The director's successor, appointed ahead of time; the organisation file makes Magnus
# Forsberg chair of the KLG and lists Cecilia Nyberg (head of Administration) among its
# members.
SUCCESSOR = """
[[appointments]]
person = "cecilia-nyberg"
group = "klg"
position = "chair"
role = "direktor"
from = 2027-01-01
"""

# The director's term ends and nobody follows.
NO_SUCCESSOR = """
[[appointments]]
person = "magnus-forsberg"
group = "klg"
position = "chair"
role = "direktor"
to = 2026-12-31
"""


def test_a_future_appointment_leaves_the_seat_as_it_is_until_its_date(tmp_path: Path) -> None:
    path = str(history(tmp_path, SUCCESSOR))
    code, before = run("route", "--org", path, "--on", "2026-06-01", *SALE)
    assert code == 0
    assert "beslutas av: direktor (Magnus Forsberg)" in before
    code, after = run("route", "--org", path, "--on", "2027-02-01", *SALE)
    assert "beslutas av: direktor (Cecilia Nyberg)" in after
    # Before the date the KLG has its chair, and the appointee keeps her seats.
    code, calendar = run(
        "governance", "--org", path, "--from", "2026-01-01", "--to", "2027-12-31", "--json"
    )
    assert code == 0
    events = json.loads(calendar)["events"]
    assert [e["kind"] for e in events] == []  # no meeting without a chair, no vacancy
    code, show = run("show", "--org", path, "--json")  # as of 2026-06-01
    (klg,) = json.loads(show)["groups"][0]["children"]
    assert (klg["id"], klg["chair"]) == ("klg", "Magnus Forsberg")
    assert "Cecilia Nyberg" in klg["members"]


def test_a_vacancy_is_named_by_route_check_governance_and_the_site(tmp_path: Path) -> None:
    path = str(history(tmp_path, NO_SUCCESSOR))
    code, routed = run("route", "--org", path, "--on", "2027-02-01", *SALE)
    assert code == 0
    assert "beslutas av: direktor (vakant: ingen i gruppen har rollen)" in routed
    assert "Exploateringsdirektör (vakant: ingen i gruppen har rollen)" in routed
    code, routed_json = run("route", "--org", path, "--on", "2027-02-01", *SALE, "--json")
    assert json.loads(routed_json)["vacant"] is True
    code, checked = run("check", "--org", path, "--on", "2027-02-01")
    assert code == 1
    assert "VAKANT 2027-02-01: Exploateringsdirektör i Kontorsledningsgruppen är vakant" in (
        checked
    )
    # A window that starts when the seat is vacant already names it on its first day.
    code, calendar = run("governance", "--org", path, "--from", "2027-02-01", "--to", "2027-02-28")
    assert "2027-02-01 vacant: Exploateringsdirektör i Kontorsledningsgruppen" in calendar
    code, calendar = run("governance", "--org", path, "--from", "2026-12-01", "--to", "2027-02-28")
    assert "2027-01-01 vacant: Exploateringsdirektör i Kontorsledningsgruppen" in calendar
    out = tmp_path / "site"
    code, _ = run("site", "--org", path, "--on", "2027-02-01", "--out", str(out), "--quiet")
    assert code == 0
    page = (out / "groups" / "klg.html").read_text(encoding="utf-8")
    assert "exploateringsdirektör (vakant: ingen i gruppen har rollen)" in page


def test_a_body_outside_the_organisation_is_not_vacant() -> None:
    code, routed = run(
        "route",
        "--raised-in",
        "mv",
        "--category",
        "fastighetsforsaljning",
        "--amount",
        "3000000",
        "--flag",
        "principiell",
    )
    assert "beslutas av: kommunfullmaktige\n" in routed  # nobody holds it: the council
    code, checked = run("check")
    assert code == 0
    assert "VACANT" not in checked


def test_a_term_to_the_last_day_there_is(tmp_path: Path) -> None:
    body = NO_SUCCESSOR.replace("to = 2026-12-31", "to = 9999-12-31")
    path = str(history(tmp_path, body))
    code, calendar = run("governance", "--org", path, "--from", "2026-01-01", "--to", "2026-12-31")
    assert code == 0, calendar
    code, routed = run("route", "--org", path, "--on", "2100-06-01", *SALE, "--year", "2026")
    assert "beslutas av: direktor (Magnus Forsberg)" in routed


# --- the rule, drawn ---------------------------------------------------------------------
BASE = dt.date(2026, 1, 1)
PEOPLE = ("henrik-blom", "cecilia-nyberg", "fredrik-holm", "stina-borg")
GROUPS = ("mv", "klg")
ROLES = (None, "direktor", "avdelningschef")


def _day(offset: int | None) -> dt.date | None:
    return None if offset is None else BASE + dt.timedelta(days=offset)


@st.composite
def appointments(draw: st.DrawFn) -> Appointment:
    start = draw(st.none() | st.integers(0, 40))
    length = draw(st.none() | st.integers(0, 25))
    end = None if length is None else (start or 0) + length
    return Appointment(
        draw(st.sampled_from(PEOPLE)),
        draw(st.sampled_from(GROUPS)),
        draw(st.sampled_from(POSITIONS)),
        draw(st.sampled_from(ROLES)),
        _day(start),
        _day(end),
    )


def _started(a: Appointment, day: dt.date) -> bool:
    return a.start is None or a.start <= day


def _running(a: Appointment, day: dt.date) -> bool:
    return _started(a, day) and (a.end is None or day <= a.end)


def _oracle_seat(
    drawn: list[Appointment], mine: list[int], file_value: str | None, day: dt.date
) -> str | None:
    """The rule's text: before the seat's first appointment starts the revision says;
    from then the last appointment in force that day (latest start, then latest in the
    file) holds it, and no appointment in force is a vacancy."""
    if not any(_started(drawn[i], day) for i in mine):
        return file_value
    running = [i for i in mine if _running(drawn[i], day)]
    if not running:
        return None
    last = max(running, key=lambda i: (drawn[i].start or dt.date.min, i))
    return drawn[last].person


@settings(max_examples=60, deadline=None)
@given(st.lists(appointments(), max_size=8))
def test_each_seat_is_held_by_the_last_appointment_in_force(drawn: list[Appointment]) -> None:
    org = mgovern.example()
    h = History.from_organization(org)
    h = History(h.revisions, tuple(drawn))
    for offset in range(-2, 70, 3):
        day = BASE + dt.timedelta(days=offset)
        now = h.as_of(day)
        for gid in (g.id for g in org.groups):
            group, there = org.group(gid), now.group(gid)
            if gid not in GROUPS:
                assert there == group  # no appointment: nothing changes
                continue
            for position in ("chair", "secretary"):
                mine = [i for i, a in enumerate(drawn) if a.group == gid and a.position == position]
                expected = _oracle_seat(drawn, mine, getattr(group, position), day)
                assert getattr(there, position) == expected, (gid, position, day)
            for person in {*PEOPLE, *group.members}:
                mine = [
                    i
                    for i, a in enumerate(drawn)
                    if (a.group, a.position, a.person) == (gid, "member", person)
                ]
                listed = person if person in group.members else None
                expected_member = _oracle_seat(drawn, mine, listed, day) is not None
                assert (person in there.members) is expected_member, (gid, person, day)
        for person in org.people:
            roles = set(now.person(person.id).roles)
            for role in {*person.roles, *(r for r in ROLES if r)}:
                mine = [i for i, a in enumerate(drawn) if a.person == person.id and a.role == role]
                listed = person.id if role in person.roles else None
                expected_role = _oracle_seat(drawn, mine, listed, day) is not None
                assert (role in roles) is expected_role, (person.id, role, day)


@st.composite
def heads(draw: st.DrawFn) -> Appointment:
    """Appointments that move the seats deciding clauses: the KLG's and M&V's chairs and
    members, with the director's or a head of division's role."""
    a = draw(appointments())
    return Appointment(
        a.person,
        a.group,
        draw(st.sampled_from(("chair", "member"))),
        draw(st.sampled_from(ROLES[1:])),
        a.start,
        a.end,
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(heads(), min_size=1, max_size=6), st.integers(-3, 30))
def test_governance_names_each_vacancy_once_as_it_arises(
    drawn: list[Appointment], first: int
) -> None:
    """Against the organisation built afresh on every day: a vacancy event on the window's
    first day for every office nobody holds then, and one on each later day an office
    someone held the day before falls vacant; nothing else."""
    from mgovern.governance import governance_events

    org = mgovern.example()
    h = History(History.from_organization(org).revisions, tuple(drawn))
    seats = h.offices()
    start = BASE + dt.timedelta(days=first)
    end = start + dt.timedelta(days=45)

    def unheld(day: dt.date) -> set[tuple[str, str]]:
        now = h.as_of(day)
        out = set()
        for group in now.groups:
            for clause in group.mandate.handles:
                role = clause.decided_by
                if role in seats and not any(
                    role in now.person(p).roles for p in group.participants
                ):
                    out.add((group.id, role))
        return out

    expected = set()
    before = unheld(start)
    expected |= {(start, g, r) for g, r in before}
    for offset in range(1, 46):
        day = start + dt.timedelta(days=offset)
        now = unheld(day)
        expected |= {(day, g, r) for g, r in now - before}
        before = now
    events = governance_events(h, start, end, meetings=False)
    found = [(e.date, e.group, e.subject) for e in events if e.kind == "vacant"]
    assert sorted(found) == sorted(expected)
    assert len(found) == len(set(found))
