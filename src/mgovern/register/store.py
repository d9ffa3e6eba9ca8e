"""The decision register: decisions and actions in one SQLite file (*diarium* of decisions).

What happens in an organisation must not be forgotten, so it lives in an embedded
database file (stdlib :mod:`sqlite3`): ``synchronous=FULL``, a rollback journal (at rest
the register is one file, which a read-only share or a copy can hold whole), a schema
versioned with ``PRAGMA user_version`` and migrated by small numbered steps, each in its
own transaction, and stamped with ``PRAGMA application_id`` so that another program's
SQLite file is never taken for a register.

Before anything is written the file is identified: a register from a newer mgovern, or
another application's file, is refused untouched (byte for byte). Every migration step
runs under the write lock (``BEGIN IMMEDIATE``) and reads the version again inside it, so
two first imports into a new register both succeed. A lock held longer than
:data:`BUSY_TIMEOUT` seconds is an error naming the register, never a traceback.

An import is one transaction: a decision's identity is its id, so importing the same
list twice adds nothing (the order of units and flags is not part of a decision); a
decision that differs from the one stored under its id is a **conflict**, reported with
both versions, and the whole import is refused — nothing is written. A correction comes
in through :meth:`Register.amend`, which keeps the earlier version with who replaced it
and why (:meth:`Register.history`): the register never loses what it held. An action may
change its status, done date and note (that is how it is followed up); any other change
to a stored action is a conflict too. A process killed in the middle of an import leaves
the register as it was before: SQLite's journal rolls the half-written transaction back
when the file is next opened.

A register opened ``read_only`` is opened with SQLite's ``mode=ro`` (and ``immutable=1``
where nothing could be writing it), so reading works on a read-only file, in a read-only
folder, and leaves nothing beside the file.

Amounts are stored as exact decimal text, dates as ISO text. A row changed outside
mgovern that is not what mgovern wrote (a date ``2026-02-30``, an amount ``abc``) is an
error naming the register, the table and the id.

Why one module of 827 lines: the schema, its numbered migrations and the queries change
together (a new column is a migration and a query), and each is small.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

from attrs import evolve, frozen

from mgovern.exceptions import ConfigError, MgovernError, listing, quote
from mgovern.model import Kind, Matter
from mgovern.register.finality import Event, Minutes, Step
from mgovern.register.records import Action, ActionStatus, Decision, DecisionBatch

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT",
    "SCHEMA_VERSION",
    "DecisionVersion",
    "ImportConflict",
    "ImportResult",
    "Register",
    "StoredMeeting",
    "decisions_csv",
    "decisions_json",
]

#: ``PRAGMA application_id`` of a register: "mgvn" in ASCII.
APPLICATION_ID = 0x6D67766E
#: Seconds a command waits for another one's write lock before it gives up.
BUSY_TIMEOUT = 5

#: Each step takes the schema from version N to N + 1 (the list index is N).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE decisions (
        id TEXT PRIMARY KEY,
        date TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decision_maker TEXT,
        category TEXT NOT NULL,
        amount TEXT,
        units TEXT NOT NULL,
        flags TEXT NOT NULL,
        kind TEXT NOT NULL,
        year INTEGER,
        text TEXT NOT NULL,
        forum TEXT,
        item TEXT,
        urgent INTEGER NOT NULL,
        source TEXT NOT NULL,
        import_id INTEGER NOT NULL REFERENCES imports(id)
    );
    CREATE INDEX decisions_date ON decisions(date);
    CREATE TABLE actions (
        id TEXT PRIMARY KEY,
        what TEXT NOT NULL,
        owner TEXT NOT NULL,
        due TEXT NOT NULL,
        decision TEXT,
        grp TEXT,
        meeting TEXT,
        status TEXT NOT NULL,
        done_on TEXT,
        note TEXT NOT NULL,
        source TEXT NOT NULL,
        import_id INTEGER NOT NULL REFERENCES imports(id)
    );
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        decisions INTEGER NOT NULL,
        actions INTEGER NOT NULL
    );
    """,
    # 2: the stamp, and the earlier versions of amended decisions
    f"""
    PRAGMA application_id = {APPLICATION_ID};
    CREATE TABLE decision_versions (
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        replaced_on TEXT NOT NULL,
        replaced_by TEXT NOT NULL,
        reason TEXT NOT NULL,
        date TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decision_maker TEXT,
        category TEXT NOT NULL,
        amount TEXT,
        units TEXT NOT NULL,
        flags TEXT NOT NULL,
        kind TEXT NOT NULL,
        year INTEGER,
        text TEXT NOT NULL,
        forum TEXT,
        item TEXT,
        urgent INTEGER NOT NULL,
        source TEXT NOT NULL,
        import_id INTEGER NOT NULL REFERENCES imports(id),
        PRIMARY KEY (id, version)
    );
    """,
    # 3: the legal life of minutes: approvals, announcements, appeals and corrections,
    # one row per step, never changed (mgovern.register.finality)
    """
    CREATE TABLE minutes_events (
        seq INTEGER PRIMARY KEY,
        grp TEXT NOT NULL,
        meeting TEXT NOT NULL,
        step TEXT NOT NULL,
        on_day TEXT NOT NULL,
        by TEXT NOT NULL,
        paragraphs TEXT NOT NULL,
        place TEXT NOT NULL,
        note TEXT NOT NULL,
        seal TEXT NOT NULL,
        content TEXT NOT NULL,
        difference TEXT NOT NULL
    );
    CREATE INDEX minutes_events_meeting ON minutes_events(grp, meeting);
    """,
    # 4: meeting records (mgovern.meetings), each stored whole as canonical JSON under
    # its natural key (the group and the start), and the decisions each item took
    """
    ALTER TABLE imports ADD COLUMN meetings INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE meetings (
        id TEXT PRIMARY KEY,
        grp TEXT NOT NULL,
        start TEXT NOT NULL,
        record TEXT NOT NULL,
        source TEXT NOT NULL,
        import_id INTEGER NOT NULL REFERENCES imports(id)
    );
    CREATE INDEX meetings_group_start ON meetings(grp, start);
    CREATE TABLE meeting_decisions (
        meeting TEXT NOT NULL REFERENCES meetings(id),
        item INTEGER NOT NULL,
        decision TEXT NOT NULL,
        PRIMARY KEY (meeting, item, decision)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
#: The tables of a register written before it was stamped (schema 1).
_UNSTAMPED_TABLES = frozenset({"decisions", "actions", "imports"})

_DECISION_COLUMNS = (
    "id, date, decided_by, decision_maker, category, amount, units, flags, kind, year, "
    "text, forum, item, urgent, source"
)
_ACTION_COLUMNS = "id, what, owner, due, decision, grp, meeting, status, done_on, note, source"
#: Fields of an action that change as it is followed up: not a conflict.
_FOLLOW_UP_FIELDS = ("status", "done_on", "note")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class ImportConflict(MgovernError):
    """Records in an import differ from those stored under the same ids; nothing was
    imported. ``conflicts`` holds ``(stored, incoming)`` pairs."""

    def __init__(self, source: str, conflicts: Sequence[tuple[Any, Any]]) -> None:
        self.source = source
        self.conflicts = tuple(conflicts)
        ids = listing((stored.id for stored, _ in conflicts), 80)
        what = "record differs" if len(conflicts) == 1 else "records differ"
        super().__init__(
            f"{source}: {ids}: {len(conflicts)} {what} from the register under the same "
            "id; nothing was imported (correct the source, or record the correction: "
            "mgovern decisions amend)"
        )


@frozen
class ImportResult:
    """What an import did: records added, already there, actions followed up, and
    decisions amended (replaced, their earlier versions kept)."""

    source: str
    added_decisions: int
    added_actions: int
    unchanged: int
    updated_actions: int
    amended_decisions: int = 0

    def summary(self) -> str:
        amended = f", {self.amended_decisions} decisions amended" if self.amended_decisions else ""
        return (
            f"{self.source}: {self.added_decisions} decisions and {self.added_actions} "
            f"actions added, {self.updated_actions} actions updated{amended}, "
            f"{self.unchanged} already in the register"
        )


@frozen
class StoredMeeting:
    """A meeting record as the register holds it: its natural key (``group@start``), the
    group, the start (ISO 8601), the record as canonical JSON, and per item the ids of
    the decisions it took (``(item, decision)`` pairs). :mod:`mgovern.meetings` turns it
    into a record and back; the register does not read inside it."""

    id: str
    group: str
    start: str
    record: str
    decisions: tuple[tuple[int, str], ...] = ()


@frozen
class DecisionVersion:
    """An earlier version of a decision: what the register held until ``replaced_on``,
    when ``replaced_by`` amended it for ``reason``."""

    decision: Decision
    version: int
    replaced_on: dt.date
    replaced_by: str
    reason: str


class Register:
    """An open register file. Use as a context manager, or call :meth:`close`.

    ``create``: a missing file becomes a new register (else it is an error).
    ``read_only``: nothing is written, not even the journal; reading commands use it.
    """

    def __init__(self, path: str | Path, *, create: bool = True, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if (read_only or not create) and not self.path.exists():
            raise ConfigError(
                "no register here: import a decision list first (mgovern decisions import)",
                source=str(self.path),
            )
        if self.path.is_dir():
            raise ConfigError("is a folder, not a register: give a file", source=str(self.path))
        if not read_only:
            self._check_writable()
        with self._errors("cannot open the register"):
            self._db = _connect(self.path, read_only=read_only)
        try:
            with self._errors("cannot read the register"):
                self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT * 1000}")
                version = self._identify()
                if read_only and version == 0:
                    self._fail("is empty: import a decision list first (mgovern decisions import)")
                if not read_only:
                    self._db.execute("PRAGMA foreign_keys = ON")
                    self._db.execute("PRAGMA synchronous = FULL")
                    self._use_rollback_journal()
                    self._migrate()
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @property
    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # --- opening -----------------------------------------------------------------------
    def _fail(self, message: str) -> NoReturn:
        raise ConfigError(message, source=str(self.path))

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """SQLite's errors as one line naming the register and what to do."""
        try:
            yield
        except sqlite3.Error as exc:
            text = str(exc)
            if "locked" in text or "busy" in text:
                self._fail(
                    f"the register is in use: another program has held its write lock for "
                    f"more than {BUSY_TIMEOUT} s; try again when it is done"
                )
            if self.read_only and ("readonly" in text or "read-only" in text):
                self._fail(  # the one write a reader must do: roll a killed write back
                    "a write to the register was interrupted and must be rolled back "
                    f"first ({self.path.name}-journal lies beside it): run any mgovern "
                    "command on it where the file and its folder can be written"
                )
            if "readonly" in text or "read-only" in text:
                self._fail(
                    "the register is read-only here: reading commands (list, audit, report, "
                    "export) work; to write, copy it where you may write"
                )
            if "malformed" in text:
                self._fail(f"the register is damaged ({text}): restore it from a backup")
            if "not a database" in text:
                self._fail(f"is not a decision register ({text}): give another --db file")
            self._fail(f"{doing} ({text}): check the path and its permissions")

    def _check_writable(self) -> None:
        folder = self.path.parent
        if self.path.exists() and not os.access(self.path, os.W_OK):
            self._fail(
                "the register file is read-only: reading commands (list, audit, report, "
                "export) work; to write, make it writable or copy it"
            )
        if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
            self._fail(
                "the register's folder is read-only (SQLite writes its journal beside the "
                "file): reading commands work; to write, use a folder you may write"
            )

    def _identify(self) -> int:
        """The schema version, when the file is a register (or empty); refuses anything
        else before a byte of it is written."""
        db = self._db
        snapshot = not db.in_transaction  # the three reads must see one moment
        if snapshot:
            db.execute("BEGIN")
        try:
            app_id = int(db.execute("PRAGMA application_id").fetchone()[0])
            version = self.version
            tables = {
                name
                for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            }
        finally:
            if snapshot:
                db.execute("COMMIT")
        if app_id == APPLICATION_ID:
            if version > SCHEMA_VERSION:
                self._fail(
                    f"was written by a newer mgovern (schema {version}, this one knows "
                    f"{SCHEMA_VERSION}): upgrade mgovern; the file was not changed"
                )
            return version
        if app_id != 0:
            self._fail(
                f"belongs to another application (SQLite application_id {app_id:#x}), it "
                "is not a decision register: give another --db file; it was not changed"
            )
        if not tables and version == 0:
            return 0
        if version == 1 and tables == _UNSTAMPED_TABLES:  # written before the stamp
            return 1
        raise ConfigError(
            f"is not a decision register (an SQLite file with the tables "
            f"{listing(sorted(tables), 80)} and schema {version}): give another --db "
            "file; it was not changed",
            source=str(self.path),
        )

    def _use_rollback_journal(self) -> None:
        """A register written by an older mgovern in WAL mode becomes one file again
        (only possible while no one else has it open; else it stays in WAL)."""
        if self._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            with suppress(sqlite3.OperationalError):
                self._db.execute("PRAGMA journal_mode = DELETE")

    def _migrate(self) -> None:
        """Each step in its own transaction, under the write lock, the version read again
        inside it: whoever comes second finds the step done."""
        db = self._db
        while True:
            db.execute("BEGIN IMMEDIATE")
            try:
                version = self._identify()
                if version >= SCHEMA_VERSION:
                    db.execute("COMMIT")
                    return
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {version + 1}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    # --- writing -----------------------------------------------------------------------
    def import_batch(self, batch: DecisionBatch) -> ImportResult:
        """Import everything ``batch`` holds in one transaction, or nothing.

        :raises ImportConflict: a record differs from the one stored under its id.
        """
        return self._write(batch, amend=None)

    def amend(self, batch: DecisionBatch, *, by: str, reason: str, on: dt.date) -> ImportResult:
        """Import ``batch`` in one transaction; a decision that differs from the one
        stored under its id replaces it, and the stored one is kept as an earlier
        version (with ``by``, ``reason`` and the day ``on``). Actions as on import.

        :raises ImportConflict: an action differs other than by its follow-up.
        """
        if not by.strip() or not reason.strip():
            raise ConfigError("an amendment needs who (--by) and why (--reason)")
        return self._write(batch, amend=(by, reason, on))

    def _write(
        self, batch: DecisionBatch, *, amend: tuple[str, str, dt.date] | None
    ) -> ImportResult:
        if self.read_only:
            self._fail("opened read-only: nothing can be imported")
        with self._errors("cannot write to the register"):
            return self._write_locked(batch, amend)

    def _write_locked(
        self, batch: DecisionBatch, amend: tuple[str, str, dt.date] | None
    ) -> ImportResult:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            stored_decisions = self._stored_decisions(d.id for d in batch.decisions)
            stored_actions = self._stored_actions(a.id for a in batch.actions)
            conflicts: list[tuple[Any, Any]] = []
            new_decisions, replaced = [], []
            unchanged = 0
            for decision in batch.decisions:
                old = stored_decisions.get(decision.id)
                if old is None:
                    new_decisions.append(decision)
                elif same_decision(old, decision):
                    unchanged += 1
                elif amend is not None:
                    replaced.append(decision)
                else:
                    conflicts.append((old, decision))
            new_actions, updated = [], []
            for action in batch.actions:
                old_action = stored_actions.get(action.id)
                if old_action is None:
                    new_actions.append(action)
                elif old_action == action:
                    unchanged += 1
                elif _same_but_follow_up(old_action, action):
                    updated.append(action)
                else:
                    conflicts.append((old_action, action))
            if conflicts:
                raise ImportConflict(batch.source, conflicts)
            cursor = db.execute(
                "INSERT INTO imports (source, decisions, actions) VALUES (?, ?, ?)",
                (batch.source, len(new_decisions) + len(replaced), len(new_actions)),
            )
            import_id = int(cursor.lastrowid or 0)
            if amend is not None:
                for decision in replaced:
                    _keep_earlier_version(db, decision.id, amend)
                    db.execute("DELETE FROM decisions WHERE id = ?", (decision.id,))
            for decision in (*new_decisions, *replaced):
                _insert_decision(db, decision, import_id)
            for action in new_actions:
                _insert_action(db, action, import_id)
            for action in updated:
                db.execute(
                    "UPDATE actions SET status = ?, done_on = ?, note = ? WHERE id = ?",
                    (action.status.value, _iso(action.done_on), action.note, action.id),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return ImportResult(
            batch.source,
            len(new_decisions),
            len(new_actions),
            unchanged,
            len(updated),
            len(replaced),
        )

    def import_meetings(self, source: str, meetings: Sequence[StoredMeeting]) -> tuple[int, int]:
        """Import meeting records in one transaction, or none: ``(added, unchanged)``.

        The same record again adds nothing; a different record under a stored id is a
        conflict and nothing is imported.

        :raises ImportConflict: a record differs from the one stored under its id.
        """
        if self.read_only:
            self._fail("opened read-only: nothing can be imported")
        with self._errors("cannot write to the register"):
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                stored = {m.id: m for m in self._stored_meetings(m.id for m in meetings)}
                new = [m for m in meetings if m.id not in stored]
                conflicts = [
                    (stored[m.id], m)
                    for m in meetings
                    if m.id in stored and stored[m.id].record != m.record
                ]
                if conflicts:
                    raise ImportConflict(source, conflicts)
                cursor = db.execute(
                    "INSERT INTO imports (source, decisions, actions, meetings) "
                    "VALUES (?, 0, 0, ?)",
                    (source, len(new)),
                )
                import_id = int(cursor.lastrowid or 0)
                for m in new:
                    db.execute(
                        "INSERT INTO meetings (id, grp, start, record, source, import_id) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (m.id, m.group, m.start, m.record, source, import_id),
                    )
                    db.executemany(
                        "INSERT OR IGNORE INTO meeting_decisions (meeting, item, decision) "
                        "VALUES (?, ?, ?)",
                        [(m.id, item, decision) for item, decision in m.decisions],
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return len(new), len(meetings) - len(new)

    # --- reading -----------------------------------------------------------------------
    def meetings(self) -> tuple[StoredMeeting, ...]:
        """Every meeting record, by start and group."""
        with self._errors("cannot read the register"):
            return tuple(sorted(self._stored_meetings(None), key=lambda m: (m.start, m.group)))

    def _stored_meetings(self, ids: Iterable[str] | None) -> list[StoredMeeting]:
        if self.version < 3:  # a read-only register of an earlier schema has none
            return []
        rows: list[Any] = []
        links: list[Any] = []
        if ids is None:
            rows = self._db.execute("SELECT id, grp, start, record FROM meetings").fetchall()
            links = self._db.execute(
                "SELECT meeting, item, decision FROM meeting_decisions"
            ).fetchall()
        else:
            for chunk in _chunks(list(ids)):
                marks = ", ".join("?" * len(chunk))
                rows += self._db.execute(
                    f"SELECT id, grp, start, record FROM meetings WHERE id IN ({marks})", chunk
                ).fetchall()
                links += self._db.execute(
                    "SELECT meeting, item, decision FROM meeting_decisions "
                    f"WHERE meeting IN ({marks})",
                    chunk,
                ).fetchall()
        by_meeting: dict[str, list[tuple[int, str]]] = {}
        for meeting, item, decision in links:
            by_meeting.setdefault(str(meeting), []).append((int(item), str(decision)))
        return [
            StoredMeeting(
                str(ident),
                str(group),
                str(start),
                str(record),
                tuple(sorted(by_meeting.get(str(ident), []))),
            )
            for ident, group, start, record in rows
        ]

    def decisions(
        self, *, start: dt.date | None = None, end: dt.date | None = None
    ) -> tuple[Decision, ...]:
        """The decisions taken on ``start``..``end`` (inclusive), by date and id. Every
        row is read (and refused when it is not a decision), whatever its date says."""
        with self._errors("cannot read the register"):
            rows = self._db.execute(f"SELECT {_DECISION_COLUMNS} FROM decisions").fetchall()
        first, last = start or dt.date.min, end or dt.date.max
        found = [_decision(row, self.path) for row in rows]
        return tuple(
            sorted((d for d in found if first <= d.date <= last), key=lambda d: (d.date, d.id))
        )

    def actions(self) -> tuple[Action, ...]:
        """Every action, by due date and id."""
        with self._errors("cannot read the register"):
            rows = self._db.execute(f"SELECT {_ACTION_COLUMNS} FROM actions").fetchall()
        return tuple(sorted((_action(row, self.path) for row in rows), key=_action_order))

    def history(self, ident: str) -> tuple[DecisionVersion, ...]:
        """The earlier versions of decision ``ident``, oldest first (none before schema 2)."""
        if self.version < 2:
            return ()
        with self._errors("cannot read the register"):
            rows = self._db.execute(
                f"SELECT {_DECISION_COLUMNS}, version, replaced_on, replaced_by, reason "
                "FROM decision_versions WHERE id = ? ORDER BY version",
                (ident,),
            ).fetchall()
        versions = []
        for row in rows:
            decision = _decision(row[:15], self.path, table="decision_versions")
            version, replaced_on, replaced_by, reason = row[15:]
            try:
                day = _read_date(replaced_on, "replaced_on")
                who = _read_text(replaced_by, "replaced_by")
                why = _read_text(reason, "reason")
            except _BadValue as exc:
                raise _row_error(self.path, "decision_versions", ident, exc) from None
            versions.append(DecisionVersion(decision, int(version), day, who, why))
        return tuple(versions)

    # --- the legal life of minutes ---------------------------------------------------
    def minutes_events(self, minutes: Minutes) -> tuple[Event, ...]:
        """The steps recorded on ``minutes``, in the order they were recorded."""
        if self.version < 3:
            return ()
        with self._errors("cannot read the register"):
            rows = self._db.execute(
                f"SELECT {_EVENT_COLUMNS} FROM minutes_events WHERE grp = ? AND meeting = ? "
                "ORDER BY seq",
                (minutes.group, minutes.meeting.isoformat()),
            ).fetchall()
        return tuple(_event(row, self.path) for row in rows)

    def all_minutes(self) -> tuple[Minutes, ...]:
        """Every meeting's minutes with a recorded step, by day and group."""
        if self.version < 3:
            return ()
        with self._errors("cannot read the register"):
            rows = self._db.execute(
                "SELECT DISTINCT meeting, grp FROM minutes_events ORDER BY meeting, grp"
            ).fetchall()
        try:
            return tuple(Minutes(_read_text(g, "grp"), _read_date(m, "meeting")) for m, g in rows)
        except _BadValue as exc:
            raise _row_error(self.path, "minutes_events", "?", exc) from None

    def minutes_decisions(self, minutes: Minutes) -> tuple[Decision, ...]:
        """The decisions of ``minutes``: taken on its day in its group as the forum."""
        return tuple(
            d
            for d in self.decisions(start=minutes.meeting, end=minutes.meeting)
            if d.forum == minutes.group
        )

    def record_step(
        self,
        minutes: Minutes,
        make: Callable[[tuple[Event, ...], tuple[Decision, ...]], Event],
    ) -> tuple[Event, bool]:
        """Record the event ``make`` returns from the recorded events and the minutes'
        decisions, both read under the write lock (so two approvals cannot both pass).
        ``make`` raises to refuse. Returns the event and whether it was added: the same
        step recorded again (equal in every field) adds nothing."""
        if self.read_only:
            self._fail("opened read-only: nothing can be recorded")
        with self._errors("cannot write to the register"):
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                events = self.minutes_events(minutes)
                event = make(events, self.minutes_decisions(minutes))
                if event in events:
                    db.execute("COMMIT")
                    return event, False
                db.execute(
                    f"INSERT INTO minutes_events (grp, meeting, {_EVENT_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        minutes.group,
                        minutes.meeting.isoformat(),
                        event.step.value,
                        event.on.isoformat(),
                        event.by,
                        json.dumps(list(event.paragraphs), ensure_ascii=False),
                        event.place,
                        event.note,
                        event.seal,
                        event.content,
                        event.difference,
                    ),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return event, True

    def _stored_decisions(self, ids: Iterable[str]) -> dict[str, Decision]:
        found: dict[str, Decision] = {}
        for chunk in _chunks(list(ids)):
            marks = ", ".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = _decision(row, self.path)
        return found

    def _stored_actions(self, ids: Iterable[str]) -> dict[str, Action]:
        found: dict[str, Action] = {}
        for chunk in _chunks(list(ids)):
            marks = ", ".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT {_ACTION_COLUMNS} FROM actions WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = _action(row, self.path)
        return found


_EVENT_COLUMNS = "step, on_day, by, paragraphs, place, note, seal, content, difference"


def _event(row: Sequence[Any], path: Path) -> Event:
    step, on_day, by, paragraphs, place, note, sealed, content, difference = row
    try:
        names = _read_names(paragraphs, "paragraphs")
        return Event(
            _read_choice(step, "step", Step),
            _read_date(on_day, "on_day"),
            _read_text(by, "by"),
            paragraphs=tuple(names),
            place=_read_text(place, "place"),
            note=_read_text(note, "note"),
            seal=_read_text(sealed, "seal"),
            content=_read_text(content, "content"),
            difference=_read_text(difference, "difference"),
        )
    except _BadValue as exc:
        raise _row_error(path, "minutes_events", on_day, exc) from None


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection: read-only ones with ``mode=ro``, and ``immutable=1`` when nothing
    could be writing the file: no journal beside it (a hot one must be rolled back, not
    ignored), and a folder no one may write, or a file an older mgovern left in WAL mode
    (which ``mode=ro`` would give a ``-wal`` and a ``-shm`` it cannot remove)."""
    if not read_only:
        return sqlite3.connect(path, isolation_level=None)
    with path.open("rb") as file:
        header = file.read(100)
    in_wal = len(header) >= 20 and header[18] == 2
    no_journal = not any(Path(f"{path}-{end}").exists() for end in ("wal", "journal"))
    folder_writable = os.access(path.parent, os.W_OK | os.X_OK)
    if not no_journal and folder_writable and os.access(path, os.W_OK):
        # a write killed halfway left a hot journal, which only a writable connection
        # can roll back (as any SQLite reader would): the register as it was before it
        recovery = sqlite3.connect(path, isolation_level=None)
        try:
            recovery.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT * 1000}")
            recovery.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            recovery.close()
    immutable = no_journal and (in_wal or not folder_writable)
    uri = path.absolute().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
    return sqlite3.connect(uri, uri=True, isolation_level=None)


def same_decision(a: Decision, b: Decision) -> bool:
    """Whether two decisions are the same: the order of their units does not matter (nor
    that of their flags, a set)."""
    return evolve(a, matter=evolve(a.matter, units=tuple(sorted(a.matter.units)))) == evolve(
        b, matter=evolve(b.matter, units=tuple(sorted(b.matter.units)))
    )


def _keep_earlier_version(
    db: sqlite3.Connection, ident: str, amend: tuple[str, str, dt.date]
) -> None:
    by, reason, on = amend
    (number,) = db.execute(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM decision_versions WHERE id = ?", (ident,)
    ).fetchone()
    db.execute(
        f"INSERT INTO decision_versions (version, replaced_on, replaced_by, reason, "
        f"{_DECISION_COLUMNS}, import_id) SELECT ?, ?, ?, ?, {_DECISION_COLUMNS}, import_id "
        "FROM decisions WHERE id = ?",
        (number, on.isoformat(), by, reason, ident),
    )


def _action_order(a: Action) -> tuple[dt.date, str]:
    return (a.due, a.id)


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _same_but_follow_up(old: Action, new: Action) -> bool:
    return evolve(new, **{name: getattr(old, name) for name in _FOLLOW_UP_FIELDS}) == old


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _insert_decision(db: sqlite3.Connection, d: Decision, import_id: int | None) -> None:
    m = d.matter
    db.execute(
        f"INSERT INTO decisions ({_DECISION_COLUMNS}, import_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            d.id,
            d.date.isoformat(),
            d.decided_by,
            d.decision_maker,
            m.category,
            f"{m.amount:f}" if m.amount is not None else None,
            json.dumps(list(m.units)),
            json.dumps(sorted(m.flags)),
            m.kind.value,
            m.year,
            d.text,
            d.forum,
            d.item,
            int(d.urgent),
            d.source,
            import_id,
        ),
    )


def _insert_action(db: sqlite3.Connection, a: Action, import_id: int | None) -> None:
    db.execute(
        f"INSERT INTO actions ({_ACTION_COLUMNS}, import_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            a.id,
            a.what,
            a.owner,
            a.due.isoformat(),
            a.decision,
            a.group,
            _iso(a.meeting),
            a.status.value,
            _iso(a.done_on),
            a.note,
            a.source,
            import_id,
        ),
    )


# --- rows as mgovern wrote them, or an error naming the row -------------------------------
class _BadValue(ValueError):
    """A column holding what mgovern never writes there."""

    def __init__(self, column: str, value: object, what: str) -> None:
        super().__init__(f"column {column}: {quote(value)} is not {what}")


def _read_date(value: object, column: str) -> dt.date:
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _BadValue(column, value, "a date (YYYY-MM-DD)")


def _read_text(value: object, column: str, *, optional: bool = False) -> Any:
    if (value is None and optional) or isinstance(value, str):
        return value
    raise _BadValue(column, value, "text")


def _read_names(value: object, column: str) -> list[str]:
    try:
        names = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        names = None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise _BadValue(column, value, 'a JSON list of names (["a", "b"])')
    return names


def _read_amount(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise _BadValue("amount", value, "an amount (exact decimal text such as 2400000)")
    return amount


def _read_choice(
    value: object, column: str, choices: type[Kind] | type[ActionStatus] | type[Step]
) -> Any:
    known = [c.value for c in choices]
    if isinstance(value, str) and value in known:
        return choices(value)
    raise _BadValue(column, value, f"one of {', '.join(known)}")


def _row_error(path: Path, table: str, ident: object, exc: Exception) -> ConfigError:
    return ConfigError(
        f"table {table}, id {quote(ident)}: {exc} (the row was changed outside mgovern: "
        "correct or delete it)",
        source=str(path),
    )


def _decision(row: Sequence[Any], path: Path, *, table: str = "decisions") -> Decision:
    (ident, day, by, maker, category, amount, units, flags, kind, year) = row[:10]
    (text, forum, item, urgent, source) = row[10:]
    try:
        if year is not None and not isinstance(year, int):
            raise _BadValue("year", year, "a year")
        if urgent not in (0, 1):
            raise _BadValue("urgent", urgent, "0 or 1")
        matter = Matter(
            _read_text(category, "category"),
            amount=_read_amount(amount),
            units=tuple(_read_names(units, "units")),
            flags=frozenset(_read_names(flags, "flags")),
            kind=_read_choice(kind, "kind", Kind),
            year=year,
        )
        return Decision(
            _read_text(ident, "id"),
            _read_date(day, "date"),
            _read_text(by, "decided_by"),
            matter,
            _read_text(text, "text"),
            decision_maker=_read_text(maker, "decision_maker", optional=True),
            forum=_read_text(forum, "forum", optional=True),
            item=_read_text(item, "item", optional=True),
            urgent=bool(urgent),
            source=_read_text(source, "source"),
        )
    except (ValueError, TypeError) as exc:
        raise _row_error(path, table, ident, exc) from None


def _action(row: Sequence[Any], path: Path) -> Action:
    ident, what, owner, due, decision, group, meeting, status, done_on, note, source = row
    try:
        return Action(
            _read_text(ident, "id"),
            _read_text(what, "what"),
            _read_text(owner, "owner"),
            _read_date(due, "due"),
            decision=_read_text(decision, "decision", optional=True),
            group=_read_text(group, "grp", optional=True),
            meeting=_read_date(meeting, "meeting") if meeting is not None else None,
            status=_read_choice(status, "status", ActionStatus),
            done_on=_read_date(done_on, "done_on") if done_on is not None else None,
            note=_read_text(note, "note"),
            source=_read_text(source, "source"),
        )
    except (ValueError, TypeError) as exc:
        raise _row_error(path, "actions", ident, exc) from None


# --- export ------------------------------------------------------------------------------
def decision_row(d: Decision) -> dict[str, str]:
    """A decision as a row of a decision list (the columns of
    :data:`mgovern.register.lists.COLUMNS`), so that an export imports again."""
    m = d.matter
    return {
        "id": d.id,
        "date": d.date.isoformat(),
        "decided_by": d.decided_by,
        "decision_maker": d.decision_maker or "",
        "category": m.category,
        "amount": f"{m.amount:f}" if m.amount is not None else "",
        "units": "|".join(m.units),
        "flags": "|".join(sorted(m.flags)),
        "year": str(m.year) if m.year is not None else "",
        "forum": d.forum or "",
        "item": d.item or "",
        "urgent": "true" if d.urgent else "false",
        "text": d.text,
    }


def action_data(a: Action) -> dict[str, Any]:
    return {
        "id": a.id,
        "what": a.what,
        "owner": a.owner,
        "due": a.due.isoformat(),
        "decision": a.decision,
        "group": a.group,
        "meeting": _iso(a.meeting),
        "status": a.status.value,
        "done_on": _iso(a.done_on),
        "note": a.note,
    }


def decision_data(d: Decision) -> dict[str, Any]:
    """A decision as JSON data (amount as exact decimal text, dates ISO)."""
    m = d.matter
    return {
        "id": d.id,
        "date": d.date.isoformat(),
        "decided_by": d.decided_by,
        "decision_maker": d.decision_maker,
        "matter": {
            "category": m.category,
            "amount": f"{m.amount:f}" if m.amount is not None else None,
            "units": list(m.units),
            "flags": sorted(m.flags),
            "year": m.year,
        },
        "forum": d.forum,
        "item": d.item,
        "urgent": d.urgent,
        "text": d.text,
    }


def decisions_csv(decisions: Iterable[Decision]) -> bytes:
    """A decision list as CSV (UTF-8, ``\\r\\n``), in the order given: the same
    decisions always give the same bytes, and the file imports again (no value begins as
    a spreadsheet formula: :func:`mgovern._util.csvfile.write`)."""
    from mgovern._util import csvfile
    from mgovern.register.lists import COLUMNS

    return csvfile.write(COLUMNS, (decision_row(d) for d in decisions))


def decisions_json(decisions: Iterable[Decision], actions: Iterable[Action] = ()) -> bytes:
    """Decisions and actions as one JSON document (deterministic bytes)."""
    data = {
        "decisions": [decision_data(d) for d in decisions],
        "actions": [action_data(a) for a in actions],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
