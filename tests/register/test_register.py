"""The decision register: lists read with located errors, imports as transactions,
idempotent by id, conflicts refused, exports deterministic, and a killed import."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import mgovern
from mgovern.cli import build_cli
from mgovern.exceptions import ConfigError
from mgovern.model import Matter
from mgovern.register.lists import load_decision_list, read_decision_list
from mgovern.register.records import Decision, DecisionBatch
from mgovern.register.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    ImportConflict,
    Register,
    decisions_csv,
    decisions_json,
)

EXAMPLES = Path(mgovern.__file__).parent / "examples"
LIST = EXAMPLES / "decisions-2026q1.csv"
ACTIONS = EXAMPLES / "actions-2026q1.toml"
HEADER = "id;date;decided_by;decision_maker;category;amount;units;flags;forum;urgent;text\n"


@pytest.fixture(scope="module")
def org() -> mgovern.Organization:
    return mgovern.example()


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(build_cli(), list(args), env=env, catch_exceptions=False)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- lists --------------------------------------------------------------------------------
def test_example_list_reads_62_decisions_with_exact_amounts(org: mgovern.Organization) -> None:
    batch = load_decision_list(org, LIST)
    assert len(batch.decisions) == 62
    first = batch.decisions[0]
    assert first.id == "EXPN-2026-00007"
    assert first.matter.amount == Decimal("185000")  # "185 000" in the Swedish export
    assert sum(d.urgent for d in batch.decisions) == 2


def test_windows_1252_with_decimal_comma_and_bom(tmp_path: Path, org: mgovern.Organization) -> None:
    row = "E-1;2026-03-02;enhetschef;fredrik-holm;upplatelse;12 500,50;;;;nej;"
    row += "Upplåtelse för torghandel\n"
    cp = tmp_path / "excel.csv"
    cp.write_bytes((HEADER + row).encode("cp1252"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + (HEADER + row).encode("utf-8"))
    for path, encoding in ((cp, "cp1252"), (bom, None)):
        (decision,) = load_decision_list(org, path, encoding=encoding).decisions
        assert decision.matter.amount == Decimal("12500.50")
        assert decision.text == "Upplåtelse för torghandel"


@pytest.mark.parametrize(
    ("row", "where", "what"),
    [
        ("E-1;2026-02-30;enhetschef;;upplatelse;;;;;;x", "row 2, column date", "2026-03-17"),
        ("E-1;2026-03-02;chef;;upplatelse;;;;;;x", "row 2, column decided_by", "unknown role"),
        ("E-1;2026-03-02;enhetschef;nobody;upplatelse;;;;;;x", "column decision_maker", "person"),
        ("E-1;2026-03-02;enhetschef;;sale;;;;;;x", "row 2, column category", "unknown category"),
        ("E-1;2026-03-02;enhetschef;;upplatelse;12x;;;;;x", "row 2, column amount", "amount"),
        ("E-1;2026-03-02;enhetschef;;upplatelse;;zz;;;;x", "row 2, column units", "unknown group"),
        ("E-1;2026-03-02;enhetschef;;upplatelse;;;;;kanske;x", "row 2, column urgent", "true"),
        (";2026-03-02;enhetschef;;upplatelse;;;;;;x", "row 2, column id", "required"),
    ],
)
def test_a_bad_row_names_file_row_and_column(
    org: mgovern.Organization, row: str, where: str, what: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        read_decision_list(org, HEADER + row + "\n", source="list.csv", csv_format=True)
    message = str(caught.value)
    assert message.startswith("list.csv: ")
    assert where in message
    assert what in message


def test_duplicate_ids_and_unknown_columns_are_refused(org: mgovern.Organization) -> None:
    row = "E-1;2026-03-02;enhetschef;;upplatelse;;;;;;x\n"
    with pytest.raises(ConfigError, match="duplicate id 'E-1'"):
        read_decision_list(org, HEADER + row + row, source="l.csv", csv_format=True)
    with pytest.raises(ConfigError, match="unknown column 'belopp'"):
        read_decision_list(org, "id;belopp\n", source="l.csv", csv_format=True)


def test_toml_list_with_decisions_and_actions(org: mgovern.Organization) -> None:
    text = textwrap.dedent(
        """
        [[decisions]]
        id = "E-9"
        date = 2026-03-02
        decided_by = "direktor"
        decision_maker = "magnus-forsberg"
        category = "utredningsbeslut"
        amount = "2 500 000"

        [[actions]]
        id = "A-1"
        what = "Återkom med tidplan"
        owner = "niklas-berg"
        due = 2026-04-01
        decision = "E-9"
        """
    )
    batch = read_decision_list(org, text, source="l.toml")
    assert batch.decisions[0].matter.amount == Decimal(2500000)
    assert batch.actions[0].owner == "niklas-berg"
    with pytest.raises(ConfigError, match=r"l.toml: actions\[0\].done_on: required"):
        read_decision_list(org, text + 'status = "done"\n', source="l.toml")


# --- the register ---------------------------------------------------------------------
def test_schema_is_versioned_stamped_and_one_file_at_rest(tmp_path: Path) -> None:
    with Register(tmp_path / "r.db") as register:
        assert register.version == SCHEMA_VERSION
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.db"]
    db = sqlite3.connect(tmp_path / "r.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(ConfigError, match="newer mgovern"):
        Register(tmp_path / "r.db")


def test_importing_twice_adds_nothing_and_amounts_stay_exact(
    tmp_path: Path, org: mgovern.Organization
) -> None:
    batch = load_decision_list(org, LIST)
    with Register(tmp_path / "r.db") as register:
        first = register.import_batch(batch)
        again = register.import_batch(batch)
        stored = register.decisions()
    assert (first.added_decisions, again.added_decisions, again.unchanged) == (62, 0, 62)
    assert stored == tuple(sorted(batch.decisions, key=lambda d: (d.date, d.id)))
    db = sqlite3.connect(tmp_path / "r.db")
    assert db.execute("SELECT amount FROM decisions WHERE id = 'EXPN-2026-00007'").fetchone() == (
        "185000",
    )


def test_a_changed_decision_is_a_conflict_and_nothing_is_written(
    tmp_path: Path, org: mgovern.Organization
) -> None:
    path = tmp_path / "r.db"
    batch = load_decision_list(org, LIST)
    with Register(path) as register:
        register.import_batch(batch)
    before = digest(path)
    changed = Decision(
        "EXPN-2026-00007",
        dt.date(2026, 1, 8),
        "avdelningschef",
        Matter("upplatelse", amount=Decimal("185000")),
        "Upplåtelse av mark för byggetablering vid Hornsbergs strand, 2 år",
    )
    new = Decision("E-NEW", dt.date(2026, 4, 1), "direktor", Matter("budget"))
    with Register(path) as register, pytest.raises(ImportConflict) as caught:
        register.import_batch(DecisionBatch("changed.csv", (new, changed)))
    ((stored, incoming),) = caught.value.conflicts
    assert (stored.decided_by, incoming.decided_by) == ("enhetschef", "avdelningschef")
    assert "nothing was imported" in str(caught.value)
    assert digest(path) == before
    with Register(path) as register:
        assert "E-NEW" not in {d.id for d in register.decisions()}


def test_cli_bad_row_and_conflict_leave_the_register_byte_for_byte(
    tmp_path: Path,
) -> None:
    db = tmp_path / "r.db"
    assert run("decisions", "import", str(LIST), "--db", str(db)).exit_code == 0
    before = digest(db)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "E-1;2026-03-02;enhetschef;;upplatelse;12x;;;;;x\n", encoding="utf-8")
    result = run("decisions", "import", str(bad), "--db", str(db))
    assert result.exit_code == 2
    assert "bad.csv: row 2, column amount:" in result.stderr
    changed = tmp_path / "changed.csv"
    text = LIST.read_text(encoding="utf-8").replace("Hornsbergs strand", "Hornsberg", 1)
    changed.write_text(text, encoding="utf-8")
    result = run("decisions", "import", str(changed), "--db", str(db))
    assert result.exit_code == 2
    assert "1 record differs" in result.stderr
    assert "register:" in result.stderr
    assert "vid Hornsberg, 2 år'" in result.stderr
    assert digest(db) == before
    result = run("decisions", "import", "x.xlsx", "--db", str(db))
    assert "x.xlsx: no reader for this kind of source; known: .csv, .toml" in result.stderr


def test_actions_follow_up_updates_but_other_changes_conflict(
    tmp_path: Path, org: mgovern.Organization
) -> None:
    batch = load_decision_list(org, ACTIONS)
    path = tmp_path / "r.db"
    with Register(path) as register:
        assert register.import_batch(batch).added_actions == 12
    text = ACTIONS.read_text(encoding="utf-8").replace(
        'due = 2026-03-03\ngroup = "adm"\nmeeting = 2026-01-27\nstatus = "open"',
        'due = 2026-03-03\ngroup = "adm"\nmeeting = 2026-01-27\nstatus = "done"\n'
        "done_on = 2026-04-02",
    )
    done = read_decision_list(org, text, source="a.toml")
    with Register(path) as register:
        assert register.import_batch(done).updated_actions == 1
        (action,) = [a for a in register.actions() if a.id == "klg-2026-01-27-1"]
        assert action.done_on == dt.date(2026, 4, 2)
    moved = read_decision_list(org, text.replace("due = 2026-03-03", "due = 2026-05-03"))
    with Register(path) as register, pytest.raises(ImportConflict):
        register.import_batch(moved)


def test_exports_are_deterministic_and_the_csv_imports_again(
    tmp_path: Path, org: mgovern.Organization
) -> None:
    db = tmp_path / "r.db"
    for source in (LIST, ACTIONS):
        assert run("decisions", "import", str(source), "--db", str(db)).exit_code == 0
    one = run("decisions", "export", "--db", str(db)).stdout_bytes
    two = run("decisions", "export", "--db", str(db)).stdout_bytes
    assert one == two
    exported = tmp_path / "export.csv"
    exported.write_bytes(one)
    again = load_decision_list(org, exported).decisions
    assert sorted(again, key=lambda d: d.id) == sorted(
        load_decision_list(org, LIST).decisions, key=lambda d: d.id
    )
    data = json.loads(run("decisions", "export", "--db", str(db), "--format", "json").stdout)
    assert len(data["decisions"]) == 62
    assert len(data["actions"]) == 12
    decisions = load_decision_list(org, LIST).decisions
    assert decisions_json(decisions) == decisions_json(decisions)
    assert decisions_csv(decisions).startswith(b"id,date,decided_by,")


# --- a killed import ------------------------------------------------------------------
_KILLED_IMPORT = """
import sys, time
import mgovern
from mgovern.register import store as register
from mgovern.register.records import Decision, DecisionBatch
from mgovern.model import Matter
import datetime as dt

insert = register._insert_decision
def slow(db, decision, import_id):
    insert(db, decision, import_id)
    if decision.id.endswith("-00010"):
        print("writing", flush=True)
    time.sleep(0.002)
register._insert_decision = slow
batch = DecisionBatch("big", tuple(
    Decision(f"B-{n:05d}", dt.date(2026, 2, 1), "direktor", Matter("budget"), "x" * 200)
    for n in range(20000)
))
with register.Register(sys.argv[1]) as reg:
    reg.import_batch(batch)
print("done", flush=True)
"""


def test_a_killed_import_leaves_nothing_or_everything(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    with Register(db) as register:  # a register holding an earlier import
        register.import_batch(
            DecisionBatch(
                "earlier", (Decision("E-1", dt.date(2026, 1, 2), "direktor", Matter("budget")),)
            )
        )
    script = tmp_path / "killed_import.py"
    script.write_text(_KILLED_IMPORT, encoding="utf-8")
    for delay in (0.0, 0.05, 0.2):
        process = subprocess.Popen(
            [sys.executable, str(script), str(db)], stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "writing"  # in the middle of the import
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        connection = sqlite3.connect(db)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = connection.execute("SELECT count(*) FROM decisions").fetchone()[0]
        connection.close()
        assert count == 1  # the earlier import, and nothing of the killed one
    with Register(db) as register:
        assert [d.id for d in register.decisions()] == ["E-1"]


_IMPORT = """
import datetime as dt, sys
from mgovern.register import store as register
from mgovern.register.records import Decision, DecisionBatch
from mgovern.model import Matter
batch = DecisionBatch(sys.argv[2], tuple(
    Decision(f"{sys.argv[2]}-{n:05d}", dt.date(2026, 2, 1), "direktor", Matter("budget"), "x" * 100)
    for n in range(int(sys.argv[3]))
))
print("start", flush=True)
with register.Register(sys.argv[1]) as reg:
    reg.import_batch(batch)
"""


def test_killed_at_random_moments_the_register_holds_all_or_nothing(tmp_path: Path) -> None:
    import random

    db = tmp_path / "r.db"
    script = tmp_path / "import.py"
    script.write_text(_IMPORT, encoding="utf-8")
    Register(db).close()  # the schema, before any import is killed
    chance = random.Random(13)
    expected = 0
    outcomes = set()
    for attempt in range(6):
        size = 5000
        process = subprocess.Popen(
            [sys.executable, str(script), str(db), f"run{attempt}", str(size)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        process.stdout.readline()
        time.sleep(chance.uniform(0.0, 0.4))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        connection = sqlite3.connect(db)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = connection.execute(
            "SELECT count(*) FROM decisions WHERE id LIKE ?", (f"run{attempt}-%",)
        ).fetchone()[0]
        total = connection.execute("SELECT count(*) FROM decisions").fetchone()[0]
        connection.close()
        assert rows in (0, size)  # nothing or all of that import
        expected += rows
        assert total == expected  # and the earlier imports untouched
        outcomes.add(rows)
    assert outcomes <= {0, 5000}  # which happened depends on the moment and the machine


def test_a_bad_list_creates_no_register(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "E-1;2026-13-02;enhetschef;;upplatelse;;;;;;x\n", encoding="utf-8")
    result = run("decisions", "import", str(bad), "--db", str(tmp_path / "new.db"))
    assert result.exit_code == 2
    assert "bad.csv: row 2, column date:" in result.stderr
    assert not (tmp_path / "new.db").exists()
