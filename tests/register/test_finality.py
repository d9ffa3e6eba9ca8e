"""The legal life of minutes: clocks against the law's oracle, the rules of the steps
against a model written from the rules' text, seals and corrections through the CLI.

The dates come from the oracle of tests/test_legal_periods.py (Sweden's closed days
computed from lag 1989:253 and lag 1930:173 without the holidays package or mgovern).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import mgovern
from mgovern.cli import build_cli
from mgovern.legal_periods import closed_by_law
from mgovern.model import LegalPeriods
from mgovern.register.finality import (
    Event,
    Minutes,
    Step,
    canonical,
    clocks,
    minutes_findings,
    refusal,
    seal,
)
from tests.test_legal_periods import FIRST, LAST, days, oracle_last_day

DATA = Path(__file__).parents[1] / "data"
ORG = Path(mgovern.__file__).parent / "examples" / "exploateringskontoret.toml"
MINUTES_MD = DATA / "minutes-klg-2026-03-17.md"
MEETING = dt.date(2026, 3, 17)
D = dt.timedelta


# --- every meeting day of 2026-2030: each decision's own clock -------------------------
@pytest.fixture(scope="module")
def law() -> tuple[LegalPeriods, frozenset[dt.date]]:
    org = attrs.evolve(mgovern.example(), legal_periods=LegalPeriods())
    return org.legal_periods, closed_by_law(org, FIRST, LAST + D(days=60))


def test_every_meeting_day_of_2026_to_2030_gets_its_deadlines_from_its_own_steps(
    law: tuple[LegalPeriods, frozenset[dt.date]],
) -> None:
    periods, closed = law
    for i, meeting in enumerate(days(FIRST, LAST)):
        minutes = Minutes("namnd", meeting)
        approved = meeting + D(days=i % 17)  # 0..16 days: some after the deadline
        announced = approved + D(days=i % 5)  # 0..4 days: some late
        events = [
            Event(Step.APPROVED, meeting, "ordf", paragraphs=("§1",)),  # at once
            Event(Step.ANNOUNCED, meeting + D(days=1), "sekr", paragraphs=("§1",), place="a"),
            Event(Step.APPROVED, approved, "ordf, justerare"),
            Event(Step.ANNOUNCED, announced, "sekr", place="anslagstavlan"),
        ]
        at_once, rest = clocks(minutes, events, ["§1", "§2"], periods, closed)
        approve_by = oracle_last_day(meeting + D(days=14))
        assert at_once.approve_by == rest.approve_by == approve_by, meeting
        assert rest.approved == approved
        assert rest.announce_by == oracle_last_day(approved + D(days=2))
        assert rest.appealable_until == oracle_last_day(announced + D(days=21))
        assert at_once.approved == meeting
        assert at_once.appealable_until == oracle_last_day(meeting + D(days=22))
        kinds = {f.kind for f in minutes_findings(minutes, events, "[]", periods, closed, LAST)}
        assert ("approved-late" in kinds) == (approved > approve_by), meeting
        assert ("announced-late" in kinds) == (announced > rest.announce_by), meeting


def test_the_state_follows_the_clock(law: tuple[LegalPeriods, frozenset[dt.date]]) -> None:
    periods, closed = law
    minutes = Minutes("klg", MEETING)
    events = [
        Event(Step.APPROVED, dt.date(2026, 3, 24), "a"),
        Event(Step.ANNOUNCED, dt.date(2026, 3, 25), "s", place="anslagstavlan"),
    ]
    (clock,) = clocks(minutes, events, ["§4"], periods, closed)
    assert clock.appealable_until == dt.date(2026, 4, 15)
    assert clock.state(dt.date(2026, 3, 23)) == "draft"
    assert clock.state(dt.date(2026, 3, 24)) == "approved"
    assert clock.state(dt.date(2026, 4, 15)) == "announced"
    assert clock.state(dt.date(2026, 4, 16)) == "final"
    appealed = [*events, Event(Step.APPEALED, dt.date(2026, 4, 10), "N.N.")]
    (clock,) = clocks(minutes, appealed, ["§4"], periods, closed)
    assert clock.state(dt.date(2026, 4, 16)) == "appealed"


# --- every transition the rules forbid is refused ---------------------------------------
DECISIONS = ("§1", "§2", "§3")


def allowed(events: list[Event], new: Event) -> bool:
    """The rules, written from their text (not from the code): approval once per
    paragraph, after the meeting; an announcement of an approval, once, not before it;
    an appeal of approved decisions; a correction of approved minutes, after the last
    approval or correction, with a reason."""
    if not new.by.strip() or new.on < MEETING or not set(new.paragraphs) <= set(DECISIONS):
        return False
    approvals = [e for e in events if e.step is Step.APPROVED]
    whole = [e for e in approvals if not e.paragraphs]
    at_once = {p: e for e in approvals for p in e.paragraphs}
    if new.step is Step.APPROVED:
        return not whole and not (set(new.paragraphs) & set(at_once))
    if new.step is Step.ANNOUNCED:
        if not new.place.strip():
            return False
        announced = [e for e in events if e.step is Step.ANNOUNCED]
        if not new.paragraphs:
            return (
                bool(whole)
                and new.on >= whole[0].on
                and not any(not a.paragraphs for a in announced)
            )
        for p in new.paragraphs:
            if p not in at_once or new.on < at_once[p].on:
                return False
            if any(set(at_once[p].paragraphs) <= set(a.paragraphs) for a in announced):
                return False
        return True
    if new.step is Step.APPEALED:
        return all(bool(whole) or p in at_once for p in (new.paragraphs or DECISIONS))
    sealed = approvals + [e for e in events if e.step is Step.CORRECTED]
    return bool(new.note.strip()) and bool(sealed) and new.on >= max(e.on for e in sealed)


@st.composite
def steps(draw: st.DrawFn) -> Event:
    step = draw(st.sampled_from(list(Step)))
    paragraphs = draw(st.lists(st.sampled_from((*DECISIONS, "§9")), max_size=2, unique=True))
    if step is Step.CORRECTED:
        paragraphs = []
    return Event(
        step,
        MEETING + D(days=draw(st.integers(-2, 20))),
        draw(st.sampled_from(("Anna Berg", " "))),
        paragraphs=tuple(paragraphs),
        place=draw(st.sampled_from(("anslagstavlan", ""))),
        note=draw(st.sampled_from(("skrivfel", ""))),
        seal="x" if step in (Step.APPROVED, Step.CORRECTED) else "",
    )


@settings(max_examples=400, deadline=None)
@given(st.lists(steps(), max_size=8))
def test_every_forbidden_step_is_refused_with_one_line(tried: list[Event]) -> None:
    minutes = Minutes("klg", MEETING)
    events: list[Event] = []
    for new in tried:
        why = refusal(minutes, events, new, list(DECISIONS))
        assert (why is None) == allowed(events, new), (events, new, why)
        if why is None:
            events.append(new)
        else:
            assert why
            assert "\n" not in why


# --- through the command line ----------------------------------------------------------
def run(db: Path, *args: str) -> Any:
    return CliRunner().invoke(
        build_cli(), [*args, "--org", str(ORG), "--db", str(db)], catch_exceptions=False
    )


def klg(db: Path, command: str, *args: str) -> Any:
    return run(db, "minutes", command, "--group", "klg", "--meeting", "2026-03-17", *args)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A register written by the mgovern before minutes had a life (schema 2): KLG's
    minutes of 17 March 2026 (two decisions) and the first quarter's delegated ones."""
    path = tmp_path / "register.db"
    shutil.copy(DATA / "register-v2.db", path)
    return path


def events_in(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute("SELECT count(*) FROM minutes_events").fetchone()[0])


def test_a_register_of_schema_2_reads_as_drafts_and_migrates_on_the_first_step(db: Path) -> None:
    result = klg(db, "status", "--on", "2026-03-20", "--format", "json")
    assert result.exit_code == 0, result.output
    (minutes,) = json.loads(result.stdout)["minutes"]
    assert minutes["state"] == "draft"
    assert minutes["approve_by"] == "2026-03-24"  # the example approves within 7 days
    assert [d["id"] for d in minutes["decisions"]] == ["klg-2026-03-17 §4", "klg-2026-03-17 §5"]
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 2  # read, not migrated
    result = klg(db, "approve", "--by", "Gunilla Ek, Per Sand", "--on", "2026-03-23")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 4  # to the newest
        assert con.execute("SELECT count(*) FROM decisions").fetchone()[0] == 64


FORBIDDEN = [
    (("announce", "--where", "anslagstavlan", "--on", "2026-03-20"), "must be approved before"),
    (("approve", "--by", "Ek", "--on", "2026-03-16"), "is before the meeting (2026-03-17)"),
    (("appeal", "--by", "N.N.", "--on", "2026-03-20"), "is not approved"),
    (("correct", "--by", "Ek", "--reason", "x", "--on", "2026-03-20"), "are not approved"),
    (("approve", "--by", "Ek", "--paragraph", "klg-2026-03-17 §9"), "have no decision"),
]
FORBIDDEN_AFTER_APPROVAL = [
    (("approve", "--by", "Ek", "--on", "2026-03-25"), "were approved on 2026-03-23"),
    (("announce", "--where", "anslagstavlan", "--on", "2026-03-22"), "is before the approval"),
    (("announce", "--where", "", "--on", "2026-03-24"), "say where"),
    (("correct", "--by", "Ek", "--reason", "x", "--on", "2026-03-24"), "nothing to correct"),
]


def test_forbidden_steps_are_refused_by_the_command_line_and_write_nothing(db: Path) -> None:
    for args, message in FORBIDDEN:
        result = klg(db, *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
        assert result.stderr.count("\n") == 1, result.stderr
    assert klg(db, "approve", "--by", "Gunilla Ek", "--on", "2026-03-23").exit_code == 0
    for args, message in FORBIDDEN_AFTER_APPROVAL:
        result = klg(db, *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
        assert result.stderr.count("\n") == 1, result.stderr
    assert events_in(db) == 1


def test_the_minutes_life_through_the_command_line(db: Path) -> None:
    result = klg(db, "approve", "--by", "Gunilla Ek", "--on", "2026-03-25", "--json")
    assert result.exit_code == 0, result.output
    approved = json.loads(result.stdout)
    assert approved["step"] == "approved"
    assert approved["on"] == "2026-03-25"
    assert len(approved["seal"]) == 64
    result = klg(db, "announce", "--where", "https://kommun.se/anslag", "--on", "2026-03-26")
    assert result.exit_code == 0, result.output
    result = klg(db, "appeal", "--by", "N.N.", "--on", "2026-04-17")
    assert result.exit_code == 0, result.output
    result = klg(db, "status", "--on", "2026-04-20", "--json")
    (minutes,) = json.loads(result.stdout)["minutes"]
    assert minutes["state"] == "appealed"
    first = minutes["decisions"][0]
    assert first["announce_by"] == "2026-03-27"
    assert first["appealable_until"] == "2026-04-16"
    assert first["appealed"] == [{"on": "2026-04-17", "in_time": False}]
    assert [f["kind"] for f in minutes["findings"]] == ["approved-late"]
    result = run(db, "minutes", "audit", "--on", "2026-04-20")
    assert result.exit_code == 1
    assert result.stdout == (
        "klg 2026-03-17: approved-late: approved 2026-03-25, 1 day after the deadline "
        "2026-03-24 (KL 5:69)\n"
    )


# --- seals and corrections ---------------------------------------------------------------
def test_a_one_character_change_breaks_the_seal_until_a_correction_is_recorded(
    db: Path, tmp_path: Path
) -> None:
    assert klg(db, "approve", "--by", "Gunilla Ek", "--on", "2026-03-23").exit_code == 0
    assert klg(db, "announce", "--where", "anslagstavlan", "--on", "2026-03-24").exit_code == 0
    assert run(db, "minutes", "audit", "--on", "2026-05-01").exit_code == 0
    assert run(db, "minutes", "verify", str(MINUTES_MD)).exit_code == 0
    changed = tmp_path / "motesanteckningar.md"
    text = MINUTES_MD.read_text(encoding="utf-8")
    assert "Fortsatt sanering godkänns." in text
    changed.write_text(text.replace("godkänns.", "godkänns!"), encoding="utf-8")
    result = run(db, "minutes", "verify", str(changed))
    assert result.exit_code == 1
    assert "- Fortsatt sanering godkänns.\n" in result.stdout
    assert "+ Fortsatt sanering godkänns!\n" in result.stdout
    # the register's decision changed (an amendment), the minutes not corrected
    result = run(db, "decisions", "amend", str(changed), "--by", "Sekr", "--reason", "stavning")
    assert result.exit_code == 0, result.output
    result = run(db, "minutes", "audit", "--on", "2026-05-01")
    assert result.exit_code == 1
    assert "changed-after-approval: the content differs from its seal of 2026-03-23" in (
        result.stdout
    )
    result = klg(db, "correct", "--by", "Sekr; justerat av Ek", "--reason", "Skrivfel i § 4")
    assert result.exit_code == 0, result.output
    assert run(db, "minutes", "audit", "--on", "2026-05-01").exit_code == 0
    assert run(db, "minutes", "verify", str(changed)).exit_code == 0
    result = klg(db, "status", "--on", "2026-05-01", "--format", "json")
    (minutes,) = json.loads(result.stdout)["minutes"]
    correction = minutes["steps"][-1]
    assert correction["step"] == "corrected"
    assert correction["reason"] == "Skrivfel i § 4"
    assert correction["difference"] == [
        {
            "decision": "klg-2026-03-17 §4",
            "change": "changed",
            "fields": {
                "text": {
                    "before": "Fortsatt sanering godkänns.",
                    "after": "Fortsatt sanering godkänns!",
                }
            },
        }
    ]
    assert "klg-2026-03-17 §4 text:" in klg(db, "status", "--on", "2026-05-01").stdout


def test_the_seal_is_over_content_not_layout() -> None:
    from mgovern.register.minutes import read_markdown_minutes

    org = mgovern.example()
    batch = read_markdown_minutes(org, MINUTES_MD)
    assert batch is not None
    (first, second) = batch.decisions
    spaced = attrs.evolve(first, text="  Fortsatt   sanering\n\ngodkänns. ", source="elsewhere")
    assert canonical([second, spaced]) != canonical(batch.decisions)  # a line break is text
    same = attrs.evolve(first, text="Fortsatt  sanering godkänns.\n", source="elsewhere")
    assert seal(canonical([second, same])) == seal(canonical(batch.decisions))
    one = attrs.evolve(first, text="Fortsatt sanering godkänns,")
    assert seal(canonical([one, second])) != seal(canonical(batch.decisions))


# --- the audit: late, never, early ------------------------------------------------------
ACTION = """
[[actions]]
id = "klg-2026-03-17 #1"
what = "Beställ saneringen"
owner = "tomas-engstrom"
due = 2026-04-30
decision = "klg-2026-03-17 §4"
group = "klg"
meeting = 2026-03-17
status = "done"
done_on = 2026-03-30
"""


def test_decisions_audit_names_late_never_and_early_steps(db: Path, tmp_path: Path) -> None:
    org = tmp_path / "org.toml"
    text = ORG.read_text(encoding="utf-8")
    org.write_text(
        text.replace("appeal_days = 21\n", 'appeal_days = 21\nwait_for_appeal = ["budget"]\n'),
        encoding="utf-8",
    )
    actions = tmp_path / "actions.toml"
    actions.write_text(ACTION, encoding="utf-8")

    def cli(*args: str) -> Any:
        return CliRunner().invoke(
            build_cli(), [*args, "--org", str(org), "--db", str(db)], catch_exceptions=False
        )

    assert cli("decisions", "import", str(actions)).exit_code == 0
    meeting = ("--group", "klg", "--meeting", "2026-03-17")
    assert cli("minutes", "approve", *meeting, "--by", "Ek", "--on", "2026-03-23").exit_code == 0
    result = cli("minutes", "announce", *meeting, "--where", "anslag", "--on", "2026-03-24")
    assert result.exit_code == 0
    board = ("--group", "namnd", "--meeting", "2026-02-12")
    assert cli("minutes", "approve", *board, "--by", "Ordf", "--on", "2026-02-19").exit_code == 0
    result = cli("decisions", "audit", "--on", "2026-04-20", "--json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)["minutes_findings"]
    kinds = [(f["meeting"], f["kind"], f.get("decision")) for f in found]
    assert ("2026-02-12", "not-announced", None) in kinds
    assert ("2026-03-17", "acted-before-final", "klg-2026-03-17 §4") in kinds
    early = next(f for f in found if f["kind"] == "acted-before-final")
    assert "done 2026-03-30" in early["message"]
    assert "by 2026-04-14" in early["message"]
    never = {f["decision"] for f in found if f["kind"] == "never-appealable"}
    # delegated decisions reported at the board's meetings of 12 February and 19 March,
    # neither announced: the first quarter's; never the board's own, nor KLG's, whose
    # own minutes were announced (KL 6:40)
    assert "EXPN-2026-00035" in never
    assert "EXPN-2026-00374" in never
    assert not any(d.startswith("klg-") for d in never)
    assert not any(d.startswith("namnd-") for d in never)
    assert {f["kind"] for f in found} == {"not-announced", "acted-before-final", "never-appealable"}
    # announced: the board's delegated decisions become appealable, the finding goes
    result = cli("minutes", "announce", *board, "--where", "anslag", "--on", "2026-02-20")
    assert result.exit_code == 0
    result = cli("decisions", "audit", "--on", "2026-04-20", "--json")
    found = json.loads(result.stdout)["minutes_findings"]
    never = {f["decision"] for f in found if f["kind"] == "never-appealable"}
    assert "EXPN-2026-00035" not in never
    assert "EXPN-2026-00374" in never  # reported on 19 March, still not announced


def test_check_with_a_register_reports_the_minutes_findings(db: Path) -> None:
    assert klg(db, "approve", "--by", "Gunilla Ek", "--on", "2026-03-25").exit_code == 0
    window = ("--from", "2026-01-01", "--to", "2026-03-31", "--on", "2026-04-20")
    result = run(db, "check", *window)
    assert result.exit_code == 1
    assert (
        "PROTOKOLL klg 2026-03-17: approved-late: approved 2026-03-25, 1 day after the "
        "deadline 2026-03-24 (KL 5:69)\n"
    ) in result.stdout
    assert "PROTOKOLL klg 2026-03-17: not-announced: the approval of 2026-03-25 never " in (
        result.stdout
    )
    data = json.loads(run(db, "check", *window, "--json").stdout)
    assert [f["kind"] for f in data["minutes"]] == ["approved-late", "not-announced"]


def test_a_paragraph_approved_at_once_runs_on_its_own_clock(db: Path) -> None:
    first, second = "klg-2026-03-17 §4", "klg-2026-03-17 §5"
    result = klg(db, "approve", "--by", "Gunilla Ek", "--on", "2026-03-17", "--paragraph", first)
    assert result.exit_code == 0, result.output
    result = klg(db, "announce", "--where", "anslag", "--on", "2026-03-18", "--paragraph", first)
    assert result.exit_code == 0, result.output
    # the same paragraph again, or the whole minutes' announcement before their approval
    assert klg(db, "approve", "--by", "Ek", "--paragraph", first).exit_code == 2
    assert klg(db, "announce", "--where", "anslag", "--on", "2026-03-19").exit_code == 2
    assert klg(db, "approve", "--by", "Gunilla Ek", "--on", "2026-03-24").exit_code == 0
    assert klg(db, "announce", "--where", "anslag", "--on", "2026-03-25").exit_code == 0
    result = klg(db, "status", "--on", "2026-04-10", "--json")
    (minutes,) = json.loads(result.stdout)["minutes"]
    clocks_of = {d["id"]: d for d in minutes["decisions"]}
    assert clocks_of[first]["approved"] == "2026-03-17"
    assert clocks_of[first]["appealable_until"] == "2026-04-08"
    assert clocks_of[first]["state"] == "final"
    assert clocks_of[second]["approved"] == "2026-03-24"
    assert clocks_of[second]["appealable_until"] == "2026-04-15"
    assert clocks_of[second]["state"] == "announced"
    assert minutes["state"] == "announced"
    assert minutes["findings"] == []


def test_a_step_row_changed_outside_mgovern_is_named(db: Path) -> None:
    assert klg(db, "approve", "--by", "Gunilla Ek", "--on", "2026-03-23").exit_code == 0
    with sqlite3.connect(db) as con:
        con.execute("UPDATE minutes_events SET on_day = '2026-02-30'")
    result = klg(db, "status")
    assert result.exit_code == 2
    assert "minutes_events" in result.stderr
    assert "2026-02-30" in result.stderr
    assert result.stderr.count("\n") == 1


def test_the_same_step_recorded_twice_adds_nothing(db: Path) -> None:
    approve = ("approve", "--by", "Gunilla Ek", "--on", "2026-03-23")
    assert klg(db, *approve).exit_code == 0
    again = klg(db, *approve)
    assert again.exit_code == 0
    assert "2026-03-23 was recorded before" in again.stdout
    assert events_in(db) == 1


def test_two_approvals_at_once_one_is_refused(db: Path) -> None:
    """Two processes approve the same minutes at the same moment: the write lock lets one
    record its approval, the other finds it and is refused (nothing is lost or doubled)."""
    import subprocess

    from tests.conftest import MGOVERN

    where = ("--group", "klg", "--meeting", "2026-03-17", "--org", str(ORG), "--db", str(db))
    assert klg(db, "status").exit_code == 0
    klg(db, "approve", "--by", "x", "--paragraph", "nothing")  # migrates; refused
    runs = [
        subprocess.Popen(
            [*MGOVERN, "minutes", "approve", *where, "--by", who, "--on", "2026-03-23"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("Gunilla Ek", "Per Sand")
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in runs]
    assert sorted(code for code, _ in results) == [0, 2], results
    refused = next(err for code, err in results if code == 2)
    assert "were approved on 2026-03-23 by" in refused
    assert events_in(db) == 1


def test_the_board_report_counts_from_the_recorded_announcement(db: Path) -> None:
    """KL 6:40: a reported delegated decision is appealable from the announcement of the
    minutes that report it: the day recorded, not the law's last day."""
    report = ("decisions", "report", "--group", "namnd", "--date", "2026-03-19")
    before = run(db, *report)
    assert "överklagbar till och med 2026-04-20" in before.stdout  # announced 30 March
    board = ("--group", "namnd", "--meeting", "2026-03-19")
    assert (
        run(db, "minutes", "approve", *board, "--by", "Ordf", "--on", "2026-03-24").exit_code == 0
    )
    result = run(db, "minutes", "announce", *board, "--where", "anslag", "--on", "2026-03-25")
    assert result.exit_code == 0
    after = run(db, *report)
    assert "överklagbar till och med 2026-04-20" not in after.stdout
    assert after.stdout.count("överklagbar till och med 2026-04-15") == before.stdout.count(
        "överklagbar till och med 2026-04-20"
    )
    assert "anslagna 2026-03-25" in after.output
