"""Decisions and actions read back from Markdown minutes that mgovern wrote."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import mgovern
from mgovern.agenda.planner import Agenda
from mgovern.exceptions import ConfigError
from mgovern.model import Matter, Organization
from mgovern.plugins import plugin_manager
from mgovern.register.documents import renderers
from mgovern.register.minutes import read_markdown_minutes
from mgovern.register.records import Action, ActionStatus, Decision

ITEMS = Path(mgovern.__file__).parent / "examples" / "agenda-items.toml"
DAY = dt.date(2026, 3, 17)


@pytest.fixture(scope="module")
def org() -> Organization:
    return mgovern.example()


@pytest.fixture(scope="module")
def agenda(org: Organization) -> Agenda:
    from mgovern.cli import meeting_agenda

    return meeting_agenda(org, "klg", DAY, ITEMS)


def meeting_agenda_of_example() -> Agenda:
    from mgovern.cli import meeting_agenda

    return meeting_agenda(mgovern.example(), "klg", DAY, ITEMS)


def minutes(org: Organization, agenda: Agenda) -> str:
    return renderers()[("minutes", "md")](org, agenda, None).decode("utf-8")


def fill(text: str, label: str, value: str, occurrence: int = 1) -> str:
    """Write ``value`` in the ``occurrence``-th empty row ``| label |  |``, as a person would."""
    row = f"| {label} |  |"
    parts = text.split(row)
    assert len(parts) > occurrence, f"no {occurrence}. row {row!r}"
    before = row.join(parts[:occurrence])
    after = row.join(parts[occurrence:])
    return f"{before}| {label} | {value} |{after}"


def test_unfilled_minutes_hold_nothing(org: Organization, agenda: Agenda, tmp_path: Path) -> None:
    path = tmp_path / "motesanteckningar.md"
    path.write_text(minutes(org, agenda), encoding="utf-8")
    batch = read_markdown_minutes(org, path)
    assert batch is not None
    assert batch.decisions == ()
    assert batch.actions == ()


def test_filled_markdown_minutes_give_exactly_their_decisions_and_actions(
    org: Organization, agenda: Agenda, tmp_path: Path
) -> None:
    text = minutes(org, agenda)
    decided = [e for e in agenda.entries if e.section == "decision"]
    assert len(decided) == 2
    first, second = decided
    # item 1 (the first decision item): decided by the director, text over two lines
    text = fill(text, "Beslut", "Fortsatt sanering godkänns.<br>Avvikelsen rapporteras i T1.")
    text = fill(text, "Beslutande (roll)", "Exploateringsdirektör")
    text = fill(text, "Beslutsfattare", "magnus-forsberg")
    # the second decision item was only discussed: its fields stay empty
    text = text.replace(
        "|  |  |  |  |",
        "| Ta fram reviderad tidplan för saneringen | Tomas Engström | 2026-04-14 |  |\n"
        "| Informera nämnden om avvikelsen | jenny-almqvist | 2026-04-28 | klar 2026-04-02 |",
    )
    path = tmp_path / "motesanteckningar.md"
    path.write_text(text, encoding="utf-8")

    batch = read_markdown_minutes(org, path)
    assert batch is not None
    assert first.item is not None
    matter = first.item.matter
    assert matter is not None
    assert batch.decisions == (
        Decision(
            f"klg-2026-03-17 §{first.number}",
            DAY,
            "direktor",
            Matter(
                matter.category,
                amount=matter.amount,
                units=matter.units,
                flags=matter.flags,
                year=2026,
            ),
            "Fortsatt sanering godkänns.\nAvvikelsen rapporteras i T1.",
            decision_maker="magnus-forsberg",
            forum="klg",
            item=first.item.item.id,
        ),
    )
    assert batch.decisions[0].matter.amount == Decimal("12000000")
    assert batch.actions == (
        Action(
            "klg-2026-03-17 #1",
            "Ta fram reviderad tidplan för saneringen",
            "tomas-engstrom",
            dt.date(2026, 4, 14),
            group="klg",
            meeting=DAY,
        ),
        Action(
            "klg-2026-03-17 #2",
            "Informera nämnden om avvikelsen",
            "jenny-almqvist",
            dt.date(2026, 4, 28),
            group="klg",
            meeting=DAY,
            status=ActionStatus.DONE,
            done_on=dt.date(2026, 4, 2),
        ),
    )
    assert second.item is not None
    # through the hook, as `mgovern decisions import` reads it
    hook = plugin_manager().hook.mgovern_read_decisions
    assert hook(org=org, source=str(path)) == batch


@pytest.mark.parametrize(
    ("label", "value", "message"),
    [
        ("Beslutande (roll)", "kung", r"Beslutande \(roll\): unknown role 'kung'"),
        ("Beslutsfattare", "Nils Holgersson", r"Beslutsfattare: unknown person"),
        ("Flaggor", "brådskande", r"Flaggor: unknown flag 'brådskande'"),
        ("Belopp", "tolv miljoner", r"Belopp: 'tolv miljoner' is not an amount"),
    ],
)
def test_a_wrong_filled_field_names_file_item_and_field(
    org: Organization, agenda: Agenda, tmp_path: Path, label: str, value: str, message: str
) -> None:
    number = next(e.number for e in agenda.entries if e.section == "decision")
    lines = fill(minutes(org, agenda), "Beslut", "Godkänt.").splitlines()
    start = lines.index(f"<!-- mgovern:decision item={number} -->")
    row = next(i for i in range(start, len(lines)) if lines[i].startswith(f"| {label} |"))
    lines[row] = f"| {label} | {value} |"
    path = tmp_path / "motesanteckningar.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"motesanteckningar\.md: item {number}, {message}"):
        read_markdown_minutes(org, path)


def test_a_bad_due_date_names_the_line(org: Organization, agenda: Agenda, tmp_path: Path) -> None:
    text = minutes(org, agenda).replace("|  |  |  |  |", "| Något | Tomas Engström | snart |  |")
    path = tmp_path / "motesanteckningar.md"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("| Något | Tomas Engström | snart |  |") + 1
    with pytest.raises(ConfigError, match=rf"line {line}, Klart senast: 'snart' is not a date"):
        read_markdown_minutes(org, path)


def test_other_markdown_is_not_minutes(org: Organization, tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text("# Hej\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", encoding="utf-8")
    assert read_markdown_minutes(org, path) is None


def test_importing_filled_markdown_minutes_twice_adds_nothing(tmp_path: Path) -> None:
    """Write the minutes, fill them in as text, import them, import them again."""
    import json

    from click.testing import CliRunner

    from mgovern.cli import build_cli

    def run(*args: str) -> Any:
        return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)

    written = run(
        *("documents", "--group", "klg", "--date", "2026-03-17", "--items", str(ITEMS)),
        *("--kind", "minutes", "--format", "md", "--out", (tmp_path / "dokument").as_uri()),
    )
    assert written.exit_code == 0, written.output
    path = tmp_path / "dokument" / "klg" / "2026-03-17" / "motesanteckningar.md"
    text = fill(path.read_text(encoding="utf-8"), "Beslut", "Godkänt enligt förslaget.")
    text = fill(text, "Beslutsfattare", "Magnus Forsberg")  # one role: direktor
    text = text.replace(
        "|  |  |  |  |", "| Ta fram reviderad tidplan | tomas-engstrom | 2026-04-01 | |"
    )
    path.write_text(text, encoding="utf-8")
    db = str(tmp_path / "register.sqlite")
    counts = ("added_decisions", "added_actions", "updated_actions", "unchanged")

    once = run("decisions", "import", str(path), "--db", db, "--json")
    assert once.exit_code == 0, once.output
    assert [json.loads(once.stdout)[k] for k in counts] == [1, 1, 0, 0]
    twice = run("decisions", "import", str(path), "--db", db, "--json")
    assert twice.exit_code == 0, twice.output
    assert [json.loads(twice.stdout)[k] for k in counts] == [0, 0, 0, 2]
    (decision,) = json.loads(run("decisions", "list", "--db", db, "--json").stdout)["decisions"]
    number = next(e.number for e in meeting_agenda_of_example().entries if e.section == "decision")
    assert decision["id"] == f"klg-2026-03-17 §{number}"
    assert decision["decided_by"] == "direktor"
    assert decision["decision_maker"] == "magnus-forsberg"
    assert decision["text"] == "Godkänt enligt förslaget."


@pytest.mark.parametrize("role", ["", "Kontorsledningsgruppen", "klg", "group"])
def test_a_decision_without_a_decider_is_the_groups(
    org: Organization, agenda: Agenda, tmp_path: Path, role: str
) -> None:
    text = fill(minutes(org, agenda), "Beslut", "Godkänt.")
    if role:
        text = fill(text, "Beslutande (roll)", role)
    path = tmp_path / "motesanteckningar.md"
    path.write_text(text, encoding="utf-8")
    batch = read_markdown_minutes(org, path)
    assert batch is not None
    (decision,) = batch.decisions
    assert (decision.decided_by, decision.decision_maker) == ("group", None)


def test_english_minutes_read_back(org: Organization, agenda: Agenda, tmp_path: Path) -> None:
    import attrs

    english = attrs.evolve(org, locale="en")
    text = minutes(english, agenda)
    assert "| What | Who | By when | Status |" in text
    text = fill(text, "Decision", "Approved.")
    text = fill(text, "Decided by (role)", "direktor")
    text = text.replace("|  |  |  |  |", "| Draft a plan | tomas-engstrom | 2026-04-01 | done |")
    path = tmp_path / "minutes.md"
    path.write_text(text, encoding="utf-8")
    batch = read_markdown_minutes(english, path)
    assert batch is not None
    assert [d.text for d in batch.decisions] == ["Approved."]
    (action,) = batch.actions
    assert (action.status, action.done_on) == (ActionStatus.DONE, DAY)  # done at the meeting


def test_a_pipe_in_a_field_stays_text(org: Organization, agenda: Agenda, tmp_path: Path) -> None:
    text = fill(minutes(org, agenda), "Beslut", "Godkänt | med ändring \\| enligt bilaga")
    bad = text.replace("|  |  |  |  |", "| Något | tomas-engstrom | 2026-04-01 |  | extra |")
    path = tmp_path / "motesanteckningar.md"
    path.write_text(text, encoding="utf-8")
    batch = read_markdown_minutes(org, path)
    assert batch is not None
    assert [d.text for d in batch.decisions] == ["Godkänt | med ändring | enligt bilaga"]
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"motesanteckningar\.md:\d+: more than 4 columns"):
        read_markdown_minutes(org, path)
