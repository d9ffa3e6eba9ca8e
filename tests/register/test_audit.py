"""The audit routes every decision's matter; the board report lists exactly the delegated
decisions since the previous board meeting, checked against an independent reading."""

from __future__ import annotations

import csv
import datetime as dt
import json
import tomllib
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import mgovern
from mgovern.cli import build_cli
from mgovern.model import GROUP_DECIDES, Matter
from mgovern.register.audit import FindingKind, audit, audit_decision
from mgovern.register.lists import load_decision_list
from mgovern.register.records import Decision
from mgovern.register.reporting import board_report, with_report
from mgovern.rules.scope import Outcome, route
from mgovern.testing.strategies import matters, organizations

EXAMPLES = Path(mgovern.__file__).parent / "examples"
LIST = EXAMPLES / "decisions-2026q1.csv"
DAY = dt.date(2026, 6, 1)


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def org() -> mgovern.Organization:
    return mgovern.example()


def test_the_example_has_exactly_its_three_planted_violations(org: mgovern.Organization) -> None:
    findings = audit(org, load_decision_list(org, LIST).decisions)
    found = {(f.decision.id, f.kind, f.should_decide, f.should_decide_person) for f in findings}
    assert found == {
        ("EXPN-2026-00147", FindingKind.OUTSIDE_MANDATE, "direktor", "Magnus Forsberg"),
        ("EXPN-2026-00245", FindingKind.OUTSIDE_MANDATE, "avdelningschef", "Lena Mattsson"),
        ("EXPN-2026-00322", FindingKind.OUTSIDE_MANDATE, GROUP_DECIDES, None),
    }
    by_id = {f.decision.id: f for f in findings}
    assert by_id["EXPN-2026-00147"].routing.home == "klg"
    assert "Magnus Forsberg" in by_id["EXPN-2026-00147"].explanation
    assert by_id["EXPN-2026-00322"].routing.home == "namnd"


def test_cli_audit_exits_1_and_names_who_should_have_decided() -> None:
    result = run("decisions", "audit")
    assert result.exit_code == 1
    assert "62 beslut granskade, 3 med avvikelser" in result.stderr
    assert (
        "reglerna ger det till Avdelningschef (avdelningschef) i Genomförande ytterstad, "
        "Lena Mattsson" in result.stdout
    )
    data = json.loads(run("decisions", "audit", "--json").stdout)
    assert [f["decision"] for f in data["findings"]] == [
        "EXPN-2026-00147",
        "EXPN-2026-00245",
        "EXPN-2026-00322",
    ]


def test_urgent_decisions_other_forum_and_gaps(org: mgovern.Organization) -> None:
    chair = org.group("namnd").chair
    tomtratt = Matter("tomtratt")
    ok = Decision("U-1", DAY, "ordforande", tomtratt, decision_maker=chair, urgent=True)
    assert audit_decision(org, ok) == ()
    by_other = attrs.evolve(ok, decision_maker="johan-sjostrom")
    (finding,) = audit_decision(org, by_other)
    assert finding.kind is FindingKind.URGENT_NOT_ALLOWED
    delegated = attrs.evolve(ok, matter=Matter("it", amount=10000))  # the IT head decides
    assert audit_decision(org, delegated)[0].kind is FindingKind.URGENT_NOT_ALLOWED
    elsewhere = Decision("F-1", DAY, "avdelningschef", Matter("it"), forum="mv")
    (finding,) = audit_decision(org, elsewhere)
    assert finding.kind is FindingKind.OTHER_FORUM
    assert "Administration" in finding.message


def test_the_audit_date_is_threaded_through(org: mgovern.Organization) -> None:
    decision = Decision("D-1", DAY, "avdelningschef", Matter("it"))
    assert audit_decision(org, decision, on=dt.date(2026, 1, 1)) == ()


@settings(max_examples=30)  # organisations are costly to draw; 30 vary them enough
@given(st.data())
def test_a_decision_built_from_its_routing_is_never_a_finding(data: st.DataObject) -> None:
    org = data.draw(organizations(with_cycles=False))  # routing needs no meetings
    matter = attrs.evolve(data.draw(matters(org)), year=None)
    day = data.draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
    routing = route(org, attrs.evolve(matter, year=day.year), raised_in=org.groups[0].id)
    assume(routing.outcome not in (Outcome.GAP, Outcome.AMBIGUOUS))
    assert routing.decided_by is not None
    decision = Decision("d", day, routing.decided_by, matter, forum=routing.home)
    assert audit_decision(org, decision) == ()
    others = sorted(({r.id for r in org.roles} | {GROUP_DECIDES}) - {routing.decided_by})
    assume(others)
    other = data.draw(st.sampled_from(others))
    findings = audit_decision(org, attrs.evolve(decision, decided_by=other))
    assert [f.kind for f in findings] == [FindingKind.OUTSIDE_MANDATE]
    assert findings[0].should_decide == routing.decided_by


@settings(max_examples=20)
@given(st.data())
def test_an_urgent_decision_by_the_homes_chair_is_allowed_only_for_the_body(
    data: st.DataObject,
) -> None:
    org = data.draw(organizations(with_cycles=False))
    matter = data.draw(matters(org))
    # routed as the audit routes a decision without a forum: from the top, that year
    dated = attrs.evolve(matter, year=matter.year if matter.year is not None else DAY.year)
    routing = route(org, dated, raised_in=org.roots[0].id)
    assume(routing.home is not None and routing.outcome is not Outcome.AMBIGUOUS)
    chair = org.group(routing.home).chair  # None: no one may decide for the group
    decision = Decision("u", DAY, "chair", matter, decision_maker=chair, urgent=True)
    findings = audit_decision(org, decision)
    if routing.decided_by == GROUP_DECIDES and chair is not None:
        assert findings == ()
    else:
        assert [f.kind for f in findings] == [FindingKind.URGENT_NOT_ALLOWED]


# --- the board report -------------------------------------------------------------------
def independent_report(meeting: dt.date, previous: dt.date) -> set[str]:
    """The decisions to report, read from the files with csv and tomllib alone."""
    settings = tomllib.loads((EXAMPLES / "exploateringskontoret.toml").read_text("utf-8"))
    reported = set(settings["reporting"]["categories"])
    with LIST.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    return {
        row["id"]
        for row in rows
        if previous <= dt.date.fromisoformat(row["date"]) < meeting
        and row["decided_by"] != "group"
        and row["urgent"] != "ja"
        and row["category"] in reported
    }


def test_april_report_lists_every_delegated_decision_since_the_march_meeting() -> None:
    result = run("decisions", "report", "--group", "namnd", "--date", "2026-04-23", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["previous_meeting"] == "2026-03-19"
    listed = [d for group in data["delegated"] for d in group["decisions"]]
    expected = independent_report(dt.date(2026, 4, 23), dt.date(2026, 3, 19))
    assert {d["id"] for d in listed} == expected
    assert len(listed) == len(expected) == 10
    # minutes approved a week after and announced two days later (Saturday 2 May, which
    # runs to Monday 4 May, lag 1930:173); three weeks to appeal
    assert {(d["reported_at"], d["appealable_until"]) for d in listed} == {
        ("2026-04-23", "2026-05-25")
    }
    assert {d["id"] for d in data["recorded_separately"]} == {
        "EXPN-2026-00455",
        "EXPN-2026-00514",
    }


def test_march_report_has_the_urgent_chair_decision(org: mgovern.Organization) -> None:
    decisions = load_decision_list(org, LIST).decisions
    report = board_report(org, decisions, group="namnd", meeting=dt.date(2026, 3, 19))
    assert [r.decision.id for r in report.urgent] == ["EXPN-2026-00392"]
    listed = {r.decision.id for _, rs in report.delegated for r in rs}
    assert listed == independent_report(dt.date(2026, 3, 19), dt.date(2026, 2, 12))
    with pytest.raises(mgovern.MgovernError, match="no board meeting on 2026-04-22"):
        board_report(org, decisions, group="namnd", meeting=dt.date(2026, 4, 22))


def test_the_notice_has_the_standing_item_and_the_same_list(org: mgovern.Organization) -> None:
    from mgovern.agenda.planner import build_agenda
    from mgovern.register.documents import notice_markdown

    decisions = load_decision_list(org, LIST).decisions
    report = board_report(org, decisions, group="namnd", meeting=dt.date(2026, 4, 23))
    agenda = with_report(org, build_agenda(org, "namnd", dt.date(2026, 4, 23), []), report)
    assert "Anmälan av delegationsbeslut" in [e.title for e in agenda.entries]
    assert [e.number for e in agenda.entries] == list(range(1, len(agenda.entries) + 1))
    text = notice_markdown(org, agenda).decode("utf-8")
    for ident in independent_report(dt.date(2026, 4, 23), dt.date(2026, 3, 19)):
        assert ident in text
    assert "överklagbar till och med 2026-05-25" in text


def test_cli_agenda_with_db_has_the_standing_item_and_the_report(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    assert run("decisions", "import", str(LIST), "--db", db).exit_code == 0
    items = str(EXAMPLES / "agenda-items.toml")
    args = ["agenda", "--group", "namnd", "--date", "2026-04-23", "--items", items, "--db", db]
    data = json.loads(run(*args, "--json").stdout)
    assert "Anmälan av delegationsbeslut" in [e["title"] for e in data["entries"]]
    listed = {d["id"] for g in data["delegation_report"]["delegated"] for d in g["decisions"]}
    assert listed == independent_report(dt.date(2026, 4, 23), dt.date(2026, 3, 19))
    klg = ["agenda", "--group", "klg", "--date", "2026-03-17", "--items", items, "--db", db]
    assert "delegation_report" not in json.loads(run(*klg, "--json").stdout)


def test_a_decision_of_a_higher_body_is_not_the_board_s_delegation_decision(
    tmp_path: Path,
) -> None:
    """A decision recorded for the council (kommunfullmaktige, a body above the board) is
    not taken under the board's delegation (KL 6 kap. 37, 40 §§): not reported to it."""
    council = tmp_path / "kf.csv"
    council.write_text(
        "id;date;decided_by;decision_maker;category;amount;units;flags;forum;urgent;text\n"
        "KF-2026-17;2026-04-01;kommunfullmaktige;;fastighetsforsaljning;;;principiell;;;"
        "Försäljning av Liljeholmen 2:3\n",
        "utf-8",
    )
    db = str(tmp_path / "register.db")
    for source in (LIST, council):
        assert run("decisions", "import", str(source), "--db", db).exit_code == 0
    result = run("decisions", "report", "--db", db, "--group", "namnd", "--date", "2026-04-23")
    assert result.exit_code == 0, result.output
    assert "KF-2026-17" not in result.output
    assert "Kommunfullmäktige" not in result.output
    data = json.loads(
        run(
            "decisions", "report", "--db", db, "--group", "namnd", "--date", "2026-04-23", "--json"
        ).stdout
    )
    listed = {d["id"] for g in data["delegated"] for d in g["decisions"]}
    listed |= {d["id"] for d in data["urgent"]} | {d["id"] for d in data["recorded_separately"]}
    assert "KF-2026-17" not in listed
    # the board's delegates are still all there: the same ten as from the list alone
    assert listed - {d["id"] for d in data["recorded_separately"]} == independent_report(
        dt.date(2026, 4, 23), dt.date(2026, 3, 19)
    )


def test_cli_audit_prints_one_finding_per_decision_with_the_explanation_once(
    tmp_path: Path,
) -> None:
    """A decision with two kinds of findings (decided by the wrong role, prepared in
    another group) is one finding: its kinds, their messages, the routing's explanation
    once, and the deciding clause named as `route` names it (group/handles/clause)."""
    source = tmp_path / "two.csv"
    source.write_text(
        "id;date;decided_by;category;amount;forum\nX-1;2026-03-02;enhetschef;it;;mv\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "r.db")
    assert run("decisions", "import", str(source), "--db", db).exit_code == 0
    result = run("decisions", "audit", "--db", db)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line for line in lines if "X-1" in line] == [
        "2026-03-02 X-1: utanför delegation; fel beredningsforum"
    ]
    assert sum("Väckt i Mark och värdering" in line for line in lines) == 1
    routed = run("route", "--raised-in", "mv", "--category", "it").stdout
    assert "regel:       adm/handles/it" in routed
    assert "(regel adm/handles/it)" in result.stdout
    assert "adm.it" not in result.stdout
    assert "1 beslut granskat, 1 med avvikelser" in result.stderr
    (finding,) = json.loads(run("decisions", "audit", "--db", db, "--json").stdout)["findings"]
    assert finding["kinds"] == ["outside-mandate", "other-forum"]
    assert finding["clause"] == "adm/handles/it"
    assert len(finding["messages"]) == 2


def test_decisions_report_to_a_file_holds_only_the_paper() -> None:
    """`mgovern decisions report ... > paper.md`: the paper on stdout, its count on stderr."""
    result = run("decisions", "report", "--group", "namnd", "--date", "2026-04-23")
    assert result.exit_code == 0
    assert result.stdout.startswith("# ")
    assert "anmälda" not in result.stdout
    assert result.stderr.splitlines()[-1] == (
        "10 anmälda 2026-04-23, anslagna 2026-05-04; 2 protokollförda särskilt"
    )
