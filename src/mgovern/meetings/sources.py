"""Meeting records from TOML files: one file per meeting, read through the same bounded
path as every file (:func:`mgovern.config.read_file`, :func:`~mgovern.config.read_toml`,
one cattrs converter), then checked against the body: the group exists, and everyone
recorded present, serving or with jäv holds a seat or a place in the call-in order.

Votes, reservations and notes may name anyone: someone who should not have voted is a
finding of the validity check, not a mistake in the file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from mgovern import config
from mgovern.exceptions import ConfigError
from mgovern.meetings.record import MeetingRecord, Result, VoteKind
from mgovern.model import Organization
from mgovern.register.store import StoredMeeting

__all__ = [
    "Reader",
    "from_stored",
    "load_record",
    "load_records",
    "loads_record",
    "record_from_data",
    "record_paths",
    "to_stored",
]

config.register_choices(VoteKind, Result)


def _check_people(record: MeetingRecord, org: Organization, source: str) -> None:
    groups = {g.id: g for g in org.groups}
    if record.group not in groups:
        raise ConfigError(
            f"unknown group {record.group!r}; use one of: {', '.join(sorted(groups))}",
            source=source,
            path="group",
        )
    group = groups[record.group]
    body = {*group.members, *group.substitutes}
    listing = ", ".join(sorted(body)) or "none"

    def known(
        person: str, path: str, pool: set[str] = body, what: str = "member or substitute"
    ) -> None:
        if person not in pool:
            raise ConfigError(
                f"{person!r} is no {what} of {group.id!r}; use one of: {listing}",
                source=source,
                path=path,
            )

    for i, person in enumerate(record.present):
        known(person, f"present[{i}]")
    for i, attendance in enumerate(record.partly):
        known(attendance.person, f"partly[{i}].person")
    for i, serving in enumerate(record.serving):
        known(serving.substitute, f"serving[{i}].substitute", set(group.substitutes), "substitute")
        known(serving.member, f"serving[{i}].member", set(group.members), "member")
    for i, item in enumerate(record.items):
        for j, jav in enumerate(item.jav):
            known(jav.person, f"items[{i}].jav[{j}].person")
    if record.chair is not None:
        known(record.chair, "chair")
    # who moved, voted, reserved or noted: anyone of the organisation (one who should
    # not have is a finding), but a name no one has is a mistake in the file
    people = {p.id for p in org.people}
    for i, item in enumerate(record.items):
        named = [(f"motions[{j}].by", m.by) for j, m in enumerate(item.motions)]
        if item.vote is not None:
            for side in ("ja", "nej", "abstain"):
                named += [(f"vote.{side}[{j}]", p) for j, p in enumerate(getattr(item.vote, side))]
        named += [(f"reservations[{j}].person", r.person) for j, r in enumerate(item.reservations)]
        named += [(f"notes[{j}].person", n.person) for j, n in enumerate(item.notes)]
        for path, person in named:
            if person not in people:
                raise ConfigError(
                    f"unknown person {person!r}: use a person id of the organisation",
                    source=source,
                    path=f"items[{i}].{path}",
                )


def loads_record(
    text: str,
    org: Organization | Callable[[dt.date], Organization],
    *,
    source: str = "<string>",
) -> MeetingRecord:
    """A meeting record from TOML text, checked against the bodies of ``org`` (or of the
    organisation in force on the meeting's day, when ``org`` is a function of the day)."""
    return record_from_data(config.read_toml(text, source=source), org, source=source)


def record_from_data(
    data: Any,
    org: Organization | Callable[[dt.date], Organization],
    *,
    source: str,
) -> MeetingRecord:
    """A meeting record from plain data (what a TOML file or another reader, such as the
    Word minutes', gives), as strictly as from a file."""
    record = config.structure(data, MeetingRecord, source=source)
    _check_people(
        record, org if isinstance(org, Organization) else org(record.start.date()), source
    )
    return record


def load_record(path: Path, org: Organization | Callable[[dt.date], Organization]) -> MeetingRecord:
    """A meeting record from a TOML file (UTF-8, with or without a byte-order mark)."""
    try:
        text = config.read_file(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text: save it as UTF-8", source=str(path)) from None
    return loads_record(text, org, source=str(path))


#: A reader of another file format of records (a plugin's, by suffix: ``.docx``).
Reader = Callable[[Organization | Callable[[dt.date], Organization], Path], MeetingRecord | None]


def record_paths(paths: Iterable[Path], suffixes: Iterable[str] = ()) -> list[Path]:
    """The files named, and the files of the folders named that end in ``.toml`` or one
    of ``suffixes`` (sorted)."""
    endings = {".toml", *suffixes}
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in endings))
        else:
            found.append(path)
    return found


def load_records(
    paths: Iterable[Path],
    org_on: Callable[[dt.date], Organization],
    readers: Mapping[str, Reader] | None = None,
) -> list[MeetingRecord]:
    """Every record the paths hold, in meeting order, each checked against the
    organisation ``org_on`` gives for its day (who held a seat that day); two records of
    one meeting (the same group and start) are a mistake named with both files.
    ``readers`` read other formats than TOML by suffix (the plugins' formats)."""
    readers = readers or {}
    records: dict[str, tuple[MeetingRecord, Path]] = {}
    for path in record_paths(paths, readers):
        reader = readers.get(path.suffix.lower())
        if reader is None:
            record = load_record(path, org_on)
        else:
            found = reader(org_on, path)
            if found is None:
                raise ConfigError(
                    f"is no meeting record mgovern wrote as {path.suffix.lower()}",
                    source=str(path),
                )
            record = found
        if record.id in records:
            raise ConfigError(
                f"records the meeting {record.id} that {records[record.id][1]} records "
                "too: keep one file per meeting",
                source=str(path),
            )
        records[record.id] = (record, path)
    return sorted((r for r, _ in records.values()), key=lambda r: (r.start, r.group))


def to_stored(record: MeetingRecord) -> StoredMeeting:
    """The record as the register keeps it: canonical JSON (sorted keys, the start in
    ISO 8601 with its offset) and the decision ids of each item."""
    data = config.converter.unstructure(record)
    data["start"] = record.start.isoformat()
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    links = tuple((item.number, d) for item in record.items for d in item.decisions)
    return StoredMeeting(
        record.id, record.group, record.start.isoformat(), text, tuple(sorted(set(links)))
    )


def from_stored(stored: StoredMeeting, *, source: str) -> MeetingRecord:
    """The record a register row holds, read as strictly as a file is (a row someone
    changed by hand is one line naming the register and the meeting)."""
    try:
        data = json.loads(stored.record)
    except ValueError:
        raise ConfigError(
            f"meeting {stored.id!r} is not a record mgovern wrote", source=source
        ) from None
    return config.structure(data, MeetingRecord, source=f"{source}: meeting {stored.id}")
