"""The decision register: decisions and actions in one SQLite file (*diarium* of decisions).

What happens in an organisation must not be forgotten, so it lives in an embedded
database file (stdlib :mod:`sqlite3`): WAL journal, ``synchronous=FULL``, a schema
versioned with ``PRAGMA user_version`` and migrated by small numbered steps, each in its
own transaction.

An import is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``): a decision's identity
is its id, so importing the same list twice adds nothing; a decision that differs from
the one stored under its id is a **conflict**, reported with both versions, and the
whole import is refused — nothing is written, the file stays byte-for-byte as it was.
An action may change its status, done date and note (that is how it is followed up);
any other change to a stored action is a conflict too. A process killed in the middle
of an import leaves the register as it was before: SQLite's journal rolls the
half-written transaction back when the file is next opened.

Amounts are stored as exact decimal text, dates as ISO text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from attrs import frozen

from mgovern.exceptions import ConfigError, MgovernError
from mgovern.model import Kind, Matter
from mgovern.register.records import Action, ActionStatus, Decision, DecisionBatch

__all__ = [
    "SCHEMA_VERSION",
    "ImportConflict",
    "ImportResult",
    "Register",
    "decisions_csv",
    "decisions_json",
]

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
)
SCHEMA_VERSION = len(MIGRATIONS)

_DECISION_COLUMNS = (
    "id, date, decided_by, decision_maker, category, amount, units, flags, kind, year, "
    "text, forum, item, urgent, source"
)
_ACTION_COLUMNS = "id, what, owner, due, decision, grp, meeting, status, done_on, note, source"
#: Fields of an action that change as it is followed up: not a conflict.
_FOLLOW_UP_FIELDS = ("status", "done_on", "note")


class ImportConflict(MgovernError):
    """Records in an import differ from those stored under the same ids; nothing was
    imported. ``conflicts`` holds ``(stored, incoming)`` pairs."""

    def __init__(self, source: str, conflicts: Sequence[tuple[Any, Any]]) -> None:
        self.source = source
        self.conflicts = tuple(conflicts)
        what = "record differs" if len(conflicts) == 1 else "records differ"
        super().__init__(
            f"{source}: {len(conflicts)} {what} from the register under the same id; "
            "nothing was imported (correct the source, or give the changed decision a new id)"
        )


@frozen
class ImportResult:
    """What an import did: records added, already there, and actions followed up."""

    source: str
    added_decisions: int
    added_actions: int
    unchanged: int
    updated_actions: int

    def summary(self) -> str:
        return (
            f"{self.source}: {self.added_decisions} decisions and {self.added_actions} "
            f"actions added, {self.updated_actions} actions updated, {self.unchanged} "
            "already in the register"
        )


class Register:
    """An open register file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise ConfigError(
                "no register here: import a decision list first (mgovern decisions import)",
                source=str(self.path),
            )
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open the register: {exc}", source=str(self.path)) from None
        try:
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA busy_timeout = 5000")
            if self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self._db.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise ConfigError(
                f"is not a decision register ({exc}): give another --db file",
                source=str(self.path),
            ) from None

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @property
    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.version
        if version > SCHEMA_VERSION:
            raise ConfigError(
                f"was written by a newer mgovern (schema {version}, this one knows "
                f"{SCHEMA_VERSION}): upgrade mgovern",
                source=str(self.path),
            )
        for step in range(version, SCHEMA_VERSION):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {step + 1}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    # --- writing -----------------------------------------------------------------------
    def import_batch(self, batch: DecisionBatch) -> ImportResult:
        """Import everything ``batch`` holds in one transaction, or nothing.

        :raises ImportConflict: a record differs from the one stored under its id.
        """
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            stored_decisions = self._stored_decisions(d.id for d in batch.decisions)
            stored_actions = self._stored_actions(a.id for a in batch.actions)
            conflicts: list[tuple[Any, Any]] = []
            new_decisions = []
            unchanged = 0
            for decision in batch.decisions:
                old = stored_decisions.get(decision.id)
                if old is None:
                    new_decisions.append(decision)
                elif old == decision:
                    unchanged += 1
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
                (batch.source, len(new_decisions), len(new_actions)),
            )
            import_id = cursor.lastrowid
            for decision in new_decisions:
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
            batch.source, len(new_decisions), len(new_actions), unchanged, len(updated)
        )

    # --- reading -----------------------------------------------------------------------
    def decisions(
        self, *, start: dt.date | None = None, end: dt.date | None = None
    ) -> tuple[Decision, ...]:
        """The decisions taken on ``start``..``end`` (inclusive), by date and id."""
        rows = self._db.execute(
            f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE date >= ? AND date <= ? "
            "ORDER BY date, id",
            (_iso(start) or "0000", _iso(end) or "9999"),
        )
        return tuple(_decision(row) for row in rows)

    def actions(self) -> tuple[Action, ...]:
        """Every action, by due date and id."""
        rows = self._db.execute(f"SELECT {_ACTION_COLUMNS} FROM actions ORDER BY due, id")
        return tuple(_action(row) for row in rows)

    def _stored_decisions(self, ids: Iterable[str]) -> dict[str, Decision]:
        found: dict[str, Decision] = {}
        for chunk in _chunks(list(ids)):
            marks = ", ".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = _decision(row)
        return found

    def _stored_actions(self, ids: Iterable[str]) -> dict[str, Action]:
        found: dict[str, Action] = {}
        for chunk in _chunks(list(ids)):
            marks = ", ".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT {_ACTION_COLUMNS} FROM actions WHERE id IN ({marks})", chunk
            ):
                found[row[0]] = _action(row)
        return found


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _same_but_follow_up(old: Action, new: Action) -> bool:
    from attrs import evolve

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


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text is not None else None


def _decision(row: Sequence[Any]) -> Decision:
    (ident, day, by, maker, category, amount, units, flags, kind, year) = row[:10]
    (text, forum, item, urgent, source) = row[10:]
    matter = Matter(
        category,
        amount=Decimal(amount) if amount is not None else None,
        units=tuple(json.loads(units)),
        flags=frozenset(json.loads(flags)),
        kind=Kind(kind),
        year=year,
    )
    return Decision(
        ident,
        dt.date.fromisoformat(day),
        by,
        matter,
        text,
        decision_maker=maker,
        forum=forum,
        item=item,
        urgent=bool(urgent),
        source=source,
    )


def _action(row: Sequence[Any]) -> Action:
    ident, what, owner, due, decision, group, meeting, status, done_on, note, source = row
    return Action(
        ident,
        what,
        owner,
        dt.date.fromisoformat(due),
        decision=decision,
        group=group,
        meeting=_date(meeting),
        status=ActionStatus(status),
        done_on=_date(done_on),
        note=note,
        source=source,
    )


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
    decisions always give the same bytes, and the file imports again."""
    from mgovern.register.lists import COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for decision in decisions:
        writer.writerow(decision_row(decision))
    return out.getvalue().encode("utf-8")


def decisions_json(decisions: Iterable[Decision], actions: Iterable[Action] = ()) -> bytes:
    """Decisions and actions as one JSON document (deterministic bytes)."""
    data = {
        "decisions": [decision_data(d) for d in decisions],
        "actions": [action_data(a) for a in actions],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
