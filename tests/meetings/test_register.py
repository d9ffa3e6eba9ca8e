"""Meeting records in the register: schema 3 migrated from registers that earlier mgovern
wrote (schema 1 and 2, kept in tests/data), imports idempotent by the meeting's natural
key, a changed record refused whole, and an import killed mid-way (a real process,
SIGKILL) leaving the register as it was."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import mgovern.examples
from mgovern import config
from mgovern.cli.main import build_cli
from mgovern.meetings.sources import from_stored, load_records, to_stored
from mgovern.register.store import SCHEMA_VERSION, Register

DATA = Path(__file__).parent.parent / "data"
EXAMPLE = Path(mgovern.examples.__file__).parent / "namnd-2026"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_cli(), list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", ["register-v1.db", "register-v2.db"])
def test_an_earlier_register_is_migrated_and_takes_the_records(tmp_path: Path, name: str) -> None:
    db = tmp_path / name
    shutil.copy(DATA / name, db)
    before = sqlite3.connect(db)
    decisions_before = before.execute("SELECT * FROM decisions ORDER BY id").fetchall()
    before.close()
    code, _, err = run("meetings", "import", str(EXAMPLE), "--db", str(db))
    assert code == 0, err
    assert "9 meeting records added, 0 already in the register" in err
    with Register(db, read_only=True) as register:
        assert register.version == SCHEMA_VERSION == 4  # 3: minutes' events, 4: records
        stored = register.meetings()
    after = sqlite3.connect(db)
    assert after.execute("SELECT * FROM decisions ORDER BY id").fetchall() == decisions_before
    after.close()
    org = config.example()
    assert [from_stored(s, source="r") for s in stored] == load_records([EXAMPLE], lambda _: org)
    # the register's decisions linked to the items that took them
    march = next(s for s in stored if s.id == "namnd@2026-03-19T16:00+01:00")
    assert march.decisions == ((6, "namnd-2026-03-19 §6"), (9, "namnd-2026-03-19 §9"))


def test_the_register_is_checked_like_the_files(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    shutil.copy(DATA / "register-v2.db", db)
    run("meetings", "import", str(EXAMPLE), "--db", str(db))
    code, out, _ = run("meetings", "check", "--db", str(db), "--format", "json")
    assert code == 1
    assert [(f["item"], f["rule"]) for f in json.loads(out)] == [(4, "quorum"), (3, "jav-voted")]


def test_a_decision_of_the_board_without_a_record_is_a_finding(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    shutil.copy(DATA / "register-v2.db", db)
    # the March record left out: its two decisions of the board stand without one
    files = [p for p in sorted(EXAMPLE.glob("*.toml")) if "03-19" not in p.name]
    run("meetings", "import", *map(str, files), "--db", str(db))
    code, out, err = run("meetings", "check", "--db", str(db))
    assert code == 1
    assert out.splitlines()[2:] == [  # after the two planted faults
        "namnd@2026-03-19 namnd-2026-03-19 §6: beslut av nämnden utan protokoll från "
        "sammanträde den dagen [no-record; KL 5:67, 6:35]",
        "namnd@2026-03-19 namnd-2026-03-19 §9: beslut av nämnden utan protokoll från "
        "sammanträde den dagen [no-record; KL 5:67, 6:35]",
    ]
    assert "2 beslut av en nämnd utan protokoll" in err


def test_the_same_records_again_add_nothing_and_a_changed_one_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    assert run("meetings", "import", str(EXAMPLE), "--db", str(db))[0] == 0
    code, _, err = run("meetings", "import", str(EXAMPLE), "--db", str(db))
    assert code == 0
    assert "0 meeting records added, 9 already in the register" in err
    changed = tmp_path / "changed"
    shutil.copytree(EXAMPLE, changed)
    path = changed / "namnd-2026-06-18.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Everyone", "All"), encoding="utf-8")
    march = changed / "namnd-2026-03-19.toml"
    march.write_text(
        march.read_text(encoding="utf-8").replace("godkänner försäljningen", "avslår"),
        encoding="utf-8",
    )
    code, _, err = run("meetings", "import", str(changed), "--db", str(db))
    assert code == 2
    assert "namnd@2026-03-19T16:00+01:00: 1 record differs from the register" in err
    assert "nothing was imported" in err
    with Register(db, read_only=True) as register:
        assert len(register.meetings()) == 9


_KILLED = """
import sys, time
from pathlib import Path
from mgovern import config
from mgovern.meetings.sources import load_records, to_stored
from mgovern.register.store import Register, StoredMeeting
import attrs

org = config.example()
(record,) = load_records([Path(sys.argv[2])], lambda _: org)
base = to_stored(record)
rows = [attrs.evolve(base, id=f"{base.id}#{n}") for n in range(4000)]

class Slow:
    def __init__(self, db):
        self.db, self.said = db, False
    def execute(self, sql, *args):
        result = self.db.execute(sql, *args)
        if sql.startswith("INSERT INTO meetings"):
            if not self.said:
                print("writing", flush=True)
                self.said = True
            time.sleep(0.001)
        return result
    def executemany(self, sql, *args):
        return self.db.executemany(sql, *args)

with Register(sys.argv[1]) as register:
    register._db = Slow(register._db)
    register.import_meetings("big", rows)
print("done", flush=True)
"""


def test_a_killed_import_leaves_the_register_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    shutil.copy(DATA / "register-v2.db", db)
    assert run("meetings", "import", str(EXAMPLE), "--db", str(db))[0] == 0

    def content() -> list[object]:
        connection = sqlite3.connect(db)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = [
            connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("decisions", "meetings", "meeting_decisions", "imports")
        ]
        connection.close()
        return rows

    before = content()
    script = tmp_path / "killed.py"
    script.write_text(_KILLED, encoding="utf-8")
    for delay in (0.0, 0.05, 0.3):
        process = subprocess.Popen(
            [sys.executable, str(script), str(db), str(EXAMPLE / "namnd-2026-04-23.toml")],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "writing"  # inside the transaction
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert content() == before
    code, _, _ = run("meetings", "check", "--db", str(db))
    assert code == 1  # the register still answers, with the two planted faults


def test_stored_records_read_back_exactly() -> None:
    org = config.example()
    for record in load_records([EXAMPLE], lambda _: org):
        assert from_stored(to_stored(record), source="r") == record


def test_decisions_audit_adds_the_meeting_records_findings(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    shutil.copy(DATA / "register-v2.db", db)
    code, _, err = run("decisions", "audit", "--db", str(db))
    before = err.splitlines()[-1]  # the count closes the findings, on stderr
    run("meetings", "import", str(EXAMPLE), "--db", str(db))
    code, out, err = run("decisions", "audit", "--db", str(db))
    assert code == 1
    assert err.splitlines()[-1] == f"{before}, 2 i protokollen från sammanträden"
    lines = out.splitlines()
    assert lines[-2].startswith("sammanträde namnd@2026-10-22T16:00+02:00 § 4: ")
    assert lines[-1].startswith("sammanträde namnd@2026-11-19T16:00+01:00 § 3: ")
    code, out, _ = run("decisions", "audit", "--db", str(db), "--json")
    assert [f["rule"] for f in json.loads(out)["meeting_findings"]] == ["quorum", "jav-voted"]
