"""The register against real colleagues and real files (issue 22, points 3–6, 12, 13):
two processes importing at once, a lock held too long, read-only files and folders
(made read-only for real, although the tests run as root), files mgovern must refuse
without touching, corrections with their history, and rows changed outside mgovern."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import mgovern
from mgovern.register.store import APPLICATION_ID, SCHEMA_VERSION
from tests.conftest import MGOVERN, REGISTER_V1, run_mgovern

EXAMPLES = Path(mgovern.__file__).parent / "examples"
LIST = EXAMPLES / "decisions-2026q1.csv"
ACTIONS = EXAMPLES / "actions-2026q1.toml"
HEADER = "id;date;decided_by;decision_maker;category;amount;units;flags;forum;urgent;text\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


#: The notes on stderr that precede an error line (the example in use), in either language.
NOTICES = (
    "mgovern: using the embedded example",
    "mgovern: använder det inbyggda",
    "mgovern: använder den inbyggda",
)


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a refusal prints (exit 2, no traceback)."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [
        line
        for line in result.stderr.strip().splitlines()
        if not line.startswith(NOTICES)  # a notice
    ]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("mgovern: error: ")
    return lines[0]


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- 3. two users at once -----------------------------------------------------------------
#: Waits, with its imports done, for the word to go; then runs the real CLI.
_AT_THE_WORD = """
import sys
from mgovern.cli import build_cli, main
build_cli()
print("ready", flush=True)
sys.stdin.readline()
main(sys.argv[1:])
"""


@contextmanager
def started_together(*commands: list[str]) -> Iterator[list[subprocess.Popen[str]]]:
    """Processes that each run ``mgovern COMMAND``, released at the same moment once all
    have started (a barrier: no fixed sleeps)."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _AT_THE_WORD, *command],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=60)


def test_two_first_imports_into_a_new_register_both_succeed(tmp_path: Path) -> None:
    for attempt in range(8):  # each a new register: the race is at its creation
        db = tmp_path / f"r{attempt}.db"
        with started_together(
            ["decisions", "import", str(LIST), "--db", str(db)],
            ["decisions", "import", str(ACTIONS), "--db", str(db)],
        ) as processes:
            outcomes = [(p.wait(timeout=120), p.communicate()) for p in processes]
        for code, (_out, err) in outcomes:
            assert code == 0, err
            assert "Traceback" not in err
        connection = sqlite3.connect(db)
        counts = [
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("decisions", "actions")
        ]
        connection.close()
        assert counts == [62, 12]


_HOLD_THE_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


def test_a_lock_held_longer_than_the_busy_timeout_is_one_line(example_register: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_THE_LOCK, str(example_register)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        before = digest(example_register)
        result = run_mgovern("decisions", "import", ACTIONS, "--db", example_register)
        line = one_line(result)
        assert example_register.name in line
        assert "in use" in line
        assert digest(example_register) == before
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)


# --- 4. read-only registers ---------------------------------------------------------------
def _reading_commands(db: Path, out: Path) -> list[tuple[list[str | Path], int]]:
    return [
        (["decisions", "list", "--db", db], 0),
        (["decisions", "audit", "--db", db], 1),  # the example's three planted findings
        (["decisions", "report", "--group", "namnd", "--date", "2026-04-23", "--db", db], 0),
        (["decisions", "export", "--db", db], 0),
        (["decisions", "list", "--history", "EXPN-2026-00035", "--db", db], 0),
        (["actions", "--on", "2026-03-31", "--db", db], 0),
        (["site", "--db", db, "--on", "2026-03-31", "--out", out], 0),
    ]


@contextmanager
def read_only(db: Path, *, folder: bool) -> Iterator[None]:
    db.chmod(0o444)
    if folder:
        db.parent.chmod(0o555)
    try:
        yield
    finally:
        db.parent.chmod(0o755)
        db.chmod(0o644)


@pytest.mark.parametrize("folder", [False, True], ids=["read-only-file", "read-only-folder"])
@pytest.mark.parametrize("written_by", ["this", "main"])
def test_reading_commands_work_on_a_read_only_register_and_leave_nothing(
    example_register: Path, tmp_path: Path, folder: bool, written_by: str
) -> None:
    db = example_register
    if written_by == "main":  # a WAL-mode register of the release before
        shutil.copyfile(REGISTER_V1, db)
    before, listing = digest(db), files_in(db.parent)
    with read_only(db, folder=folder):
        for args, code in _reading_commands(db, tmp_path / "site"):
            if args[0] == "site" and not folder and written_by == "main":
                continue  # the site is slow to build: once per kind of folder is enough
            result = run_mgovern(*args, privileged=False)
            assert result.returncode == code, (args, result.stderr)
            assert "Traceback" not in result.stderr
            assert files_in(db.parent) == listing, args  # no -wal, -shm or -journal
    assert digest(db) == before
    assert "EXPN-2026-00035" in run_mgovern("decisions", "list", "--db", db).stdout


#: Runs "$@" with the folder $0 mounted read-only (a private mount namespace: the test
#: sees nothing of it), as a read-only share is: EROFS even for root.
_ON_A_READ_ONLY_MOUNT = (
    'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" || exit 97; exec "$@"'
)


@pytest.mark.parametrize("written_by", ["this", "main"])
def test_a_register_on_a_read_only_file_system(example_register: Path, written_by: str) -> None:
    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or unshare is None:
        pytest.skip("a private read-only mount needs root and unshare")
    db = example_register
    if written_by == "main":
        shutil.copyfile(REGISTER_V1, db)
    before, listing = digest(db), files_in(db.parent)

    def on_the_mount(*args: str | Path) -> subprocess.CompletedProcess[str]:
        command = [unshare, "-m", "sh", "-c", _ON_A_READ_ONLY_MOUNT, str(db.parent)]
        result = subprocess.run(
            [*command, *MGOVERN, *map(str, args)],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if result.returncode == 97:
            pytest.skip(f"no read-only bind mount here: {result.stderr.strip()}")
        return result

    listed = on_the_mount("decisions", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert "62 beslut" in listed.stderr
    audited = on_the_mount("decisions", "audit", "--db", db)
    assert audited.returncode == 1, audited.stderr  # the three planted findings
    line = one_line(on_the_mount("decisions", "import", ACTIONS, "--db", db))
    assert "read-only" in line
    assert digest(db) == before
    assert files_in(db.parent) == listing


@pytest.mark.parametrize("folder", [False, True], ids=["read-only-file", "read-only-folder"])
def test_writing_commands_on_a_read_only_register_are_one_line(
    example_register: Path, tmp_path: Path, folder: bool
) -> None:
    correction = tmp_path / "correction.csv"
    correction.write_text(
        HEADER + "EXPN-2026-00035;2026-01-14;direktor;;fastighetsforsaljning;1;;;;nej;x\n",
        encoding="utf-8",
    )
    before = digest(example_register)
    with read_only(example_register, folder=folder):
        for args in (
            ["decisions", "import", ACTIONS],
            ["decisions", "amend", correction, "--by", "Anna", "--reason", "typo"],
        ):
            line = one_line(run_mgovern(*args, "--db", example_register, privileged=False))
            assert example_register.name in line
            assert "read-only" in line
    assert digest(example_register) == before


_KILLED_HALFWAY = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA cache_size = 1")  # pages go to the file before the commit
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE decisions SET text = 'half-written'")
print("writing", flush=True)
sys.stdin.readline()
"""


def test_a_write_killed_halfway_is_rolled_back_by_the_next_reader(
    example_register: Path,
) -> None:
    db = example_register
    exported = run_mgovern("decisions", "export", "--db", db).stdout
    writer = subprocess.Popen(
        [sys.executable, "-c", _KILLED_HALFWAY, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "writing"
    writer.kill()
    writer.wait(timeout=60)
    assert files_in(db.parent) == ["register.db", "register.db-journal"]  # a hot journal
    db.parent.chmod(0o555)  # where no one can roll it back: one line, no half-written data
    try:
        line = one_line(run_mgovern("decisions", "list", "--db", db, privileged=False))
    finally:
        db.parent.chmod(0o755)
    assert "interrupted" in line
    again = run_mgovern("decisions", "export", "--db", db, privileged=False)
    assert again.returncode == 0, again.stderr
    assert again.stdout == exported  # as before the killed write
    assert files_in(db.parent) == ["register.db"]


# --- 5. files mgovern refuses are not touched ---------------------------------------------
def test_a_register_from_a_newer_mgovern_is_refused_byte_for_byte(
    example_register: Path,
) -> None:
    connection = sqlite3.connect(example_register)
    connection.execute("PRAGMA journal_mode = DELETE")  # as a newer mgovern leaves it
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    before, listing = digest(example_register), files_in(example_register.parent)
    for args in (["decisions", "import", LIST], ["decisions", "list"]):
        line = one_line(run_mgovern(*args, "--db", example_register))
        assert "newer mgovern" in line
        assert example_register.name in line
        assert digest(example_register) == before
        assert files_in(example_register.parent) == listing


@pytest.mark.parametrize(
    "setup",
    [
        "CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('anna')",
        "PRAGMA application_id = 1179402567",  # another application's stamp, no tables
        "CREATE TABLE decisions (id TEXT); PRAGMA user_version = 1",  # not ours either
    ],
    ids=["other-tables", "other-stamp", "lookalike"],
)
def test_another_applications_sqlite_file_is_refused_untouched(tmp_path: Path, setup: str) -> None:
    db = tmp_path / "app.sqlite"
    connection = sqlite3.connect(db)
    connection.executescript(setup)
    connection.close()
    before = digest(db)
    for args in (["decisions", "import", LIST], ["decisions", "audit"]):
        line = one_line(run_mgovern(*args, "--db", db))
        assert db.name in line
        assert "not a decision register" in line or "another" in line
        assert digest(db) == before
        assert files_in(tmp_path) == ["app.sqlite"]


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_bytes(b"id;date\nE-1;2026-01-02\n" * 100)
    before = digest(db)
    for args in (["decisions", "import", LIST], ["decisions", "list"]):
        line = one_line(run_mgovern(*args, "--db", db))
        assert "not a decision register" in line
        assert digest(db) == before
        assert files_in(tmp_path) == ["notes.db"]


def test_a_register_from_the_release_before_is_recognised_and_stamped(tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    shutil.copyfile(REGISTER_V1, db)
    listed = run_mgovern("decisions", "list", "--db", db)
    assert listed.returncode == 0
    assert "62 beslut" in listed.stderr
    imported = run_mgovern("decisions", "import", LIST, "--db", db)
    assert imported.returncode == 0, imported.stderr
    assert "62 fanns redan i registret" in imported.stdout
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    connection.close()
    assert files_in(tmp_path) == ["register.db"]


# --- 6. order, conflicts and corrections --------------------------------------------------
def _list_file(tmp_path: Path, name: str, rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


ROW = "E-7;2026-02-03;direktor;;fastighetsforsaljning;2400000;{units};{flags};;nej;{text}\n"


def test_units_and_flags_in_another_order_are_the_same_decision(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    first = ROW.format(units="mv|pu", flags="principiell|avvikelse", text="Försäljning")
    again = ROW.format(units="pu|mv", flags="avvikelse|principiell", text="Försäljning")
    assert (
        run_mgovern(
            "decisions", "import", _list_file(tmp_path, "a.csv", first), "--db", db
        ).returncode
        == 0
    )
    result = run_mgovern("decisions", "import", _list_file(tmp_path, "b.csv", again), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "1 fanns redan i registret" in result.stdout


def test_a_conflicts_first_line_names_the_id(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    run_mgovern(
        "decisions",
        "import",
        _list_file(tmp_path, "a.csv", ROW.format(units="", flags="", text="A")),
        "--db",
        db,
    )
    changed = _list_file(tmp_path, "b.csv", ROW.format(units="", flags="", text="B"))
    result = run_mgovern("decisions", "import", changed, "--db", db)
    assert result.returncode == 2
    first = next(line for line in result.stderr.splitlines() if "error" in line)
    assert "E-7" in first
    assert "amend" in first


@pytest.mark.parametrize("start", ["new", "main"])
def test_amend_keeps_the_earlier_version_with_who_and_why(tmp_path: Path, start: str) -> None:
    db = tmp_path / "r.db"
    if start == "main":  # the migration step from a register of the release before
        shutil.copyfile(REGISTER_V1, db)
    else:
        assert run_mgovern("decisions", "import", LIST, "--db", db).returncode == 0
    exported = run_mgovern("decisions", "export", "--db", db).stdout
    row = next(line for line in exported.splitlines() if line.startswith("EXPN-2026-00035,"))
    corrected = tmp_path / "corrected.csv"
    corrected.write_text(
        exported.splitlines()[0] + "\n" + row.replace("2400000", "2450000") + "\n",
        encoding="utf-8",
    )
    refused = run_mgovern("decisions", "import", corrected, "--db", db)
    assert refused.returncode == 2
    amended = run_mgovern(
        "decisions",
        "amend",
        corrected,
        "--db",
        db,
        "--by",
        "Anna Berg",
        "--reason",
        "belopp enligt köpekontraktet",
    )
    assert amended.returncode == 0, amended.stderr
    assert "1 beslut rättat" in amended.stdout
    history = run_mgovern("decisions", "list", "--history", "EXPN-2026-00035", "--db", db, "--json")
    data = json.loads(history.stdout)
    assert data["decision"]["matter"]["amount"] == "2450000"
    [earlier] = data["earlier"]
    assert earlier["decision"]["matter"]["amount"] == "2400000"
    assert (earlier["replaced_by"], earlier["reason"]) == (
        "Anna Berg",
        "belopp enligt köpekontraktet",
    )
    text = run_mgovern("decisions", "list", "--history", "EXPN-2026-00035", "--db", db).stdout
    assert "Anna Berg" in text
    assert "belopp enligt köpekontraktet" in text
    again = run_mgovern("decisions", "import", corrected, "--db", db)
    assert "1 fanns redan i registret" in again.stdout  # the correction now stands


# --- 12. rows changed outside mgovern -----------------------------------------------------
@pytest.mark.parametrize(
    ("table", "ident", "column", "value"),
    [
        ("decisions", "EXPN-2026-00035", "date", "2026-02-30"),
        ("decisions", "EXPN-2026-00035", "date", "yesterday"),
        ("decisions", "EXPN-2026-00035", "date", "20260302"),
        ("decisions", "EXPN-2026-00035", "amount", "abc"),
        ("decisions", "EXPN-2026-00035", "amount", "NaN"),
        ("decisions", "EXPN-2026-00035", "units", "expa, expb"),
        ("decisions", "EXPN-2026-00035", "flags", '{"a": 1}'),
        ("decisions", "EXPN-2026-00035", "kind", "bogus"),
        ("decisions", "EXPN-2026-00035", "year", "2026x"),
        ("actions", "klg-2026-01-20-1", "status", "bogus"),
        ("actions", "klg-2026-01-20-1", "due", "soon"),
    ],
)
def test_a_row_changed_outside_mgovern_is_one_line_naming_it(
    example_register: Path, table: str, ident: str, column: str, value: str
) -> None:
    connection = sqlite3.connect(example_register)
    (found,) = connection.execute(f"SELECT count(*) FROM {table} WHERE id = ?", (ident,)).fetchone()
    assert found == 1
    connection.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (value, ident))
    connection.commit()
    connection.close()
    reading = (
        [["actions", "--on", "2026-03-31"]]
        if table == "actions"
        else [["decisions", "list"], ["decisions", "export"], ["decisions", "audit"]]
    )
    for args in reading:
        line = one_line(run_mgovern(*args, "--db", example_register))
        assert example_register.name in line
        assert f"table {table}" in line
        assert ident in line
        assert column in line


# --- 13. an organisation without a category the register uses -----------------------------
def test_auditing_with_an_organisation_lacking_a_category_names_it(
    example_register: Path,
) -> None:
    connection = sqlite3.connect(example_register)
    connection.execute("UPDATE decisions SET category = 'hyresavtal' WHERE id = 'EXPN-2026-00035'")
    connection.commit()
    connection.close()
    line = one_line(run_mgovern("decisions", "audit", "--db", example_register))
    assert example_register.name in line
    assert "EXPN-2026-00035" in line
    assert "'hyresavtal'" in line
