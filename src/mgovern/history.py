"""Governance over time: revisions of the rules with effective dates, and appointments.

A **history** is the organisation's rules as revised over time plus the people appointed
to its groups for a while. :meth:`History.as_of` turns it into the plain
:class:`~mgovern.model.Organization` in force on one day, so every function that applies
rules (``route``, ``check``, the audit, agendas) answers "as of when" with one call. A
plain organisation file is a history with one version and no appointments:
``History.from_organization(org).as_of(day)`` is ``org`` on every day.

On disk a history is one TOML file beside the organisation file it starts from::

    based_on = "exploateringskontoret.toml"    # the rules as first adopted

    [[revisions]]                                # in force from this day on
    effective = 2026-05-01
    title = "Delegationsordning 2026"
    [[revisions.groups]]                         # only what changes, matched by id
    id = "mv"
    [[revisions.groups.mandate.handles]]
    id = "fastighet-liten"
    amount_max = 150

    [[appointments]]                             # a person in a group for a while
    person = "sara-lind"
    group = "mv"
    position = "chair"                           # chair, secretary or member
    role = "avdelningschef"                      # held only while appointed
    from = 2026-09-01                            # optional; "to" is the last day

Each revision is a patch on the one before: tables are merged key by key, arrays of
tables are merged element by element by their ``id`` (``remove = true`` drops one, a new
id is added), anything else is replaced. See docs/revisions.md for why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from mgovern.exceptions import ConfigError
from mgovern.model import Group, Organization, Person

__all__ = [
    "Appointment",
    "History",
    "Revision",
    "in_force",
    "is_history_file",
    "load_history",
    "loads_history",
]

POSITIONS = ("chair", "secretary", "member")


@frozen
class Appointment:
    """``person`` in ``group`` as ``position`` from ``start`` to ``end`` (both days
    included; None: open). ``role`` (a role id) is the person's only while appointed."""

    person: str
    group: str
    position: str = "member"
    role: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def active(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@frozen
class Revision:
    """The rules in force from ``effective`` (None: the first version, from always)."""

    effective: dt.date | None
    title: str
    organization: Organization


@frozen
class History:
    """Revisions in effective order and the appointments; see the module docstring."""

    revisions: tuple[Revision, ...]
    appointments: tuple[Appointment, ...] = ()

    @classmethod
    def from_organization(cls, org: Organization) -> History:
        return cls((Revision(None, org.name, org),))

    def revision(self, day: dt.date) -> Revision:
        """The revision in force on ``day`` (before the first one's date: the first)."""
        found = self.revisions[0]
        for revision in self.revisions:
            if revision.effective is None or revision.effective <= day:
                found = revision
        return found

    def as_of(self, day: dt.date) -> Organization:
        """The organisation in force on ``day``: its rules and the people appointed then."""
        org = self.revision(day).organization
        if not self.appointments:
            return org
        return _appoint(org, self.appointments, day)

    def changes(self) -> tuple[dt.date, ...]:
        """Every day on which something changes: revisions taking effect, appointments
        starting, and the day after an appointment ends."""
        days = {r.effective for r in self.revisions if r.effective is not None}
        for a in self.appointments:
            if a.start is not None:
                days.add(a.start)
            if a.end is not None:
                days.add(a.end + dt.timedelta(days=1))
        return tuple(sorted(days))


def in_force(org: Organization | History, on: dt.date | None) -> Organization:
    """``org`` as of ``on`` (default today); a plain organisation is in force every day."""
    if isinstance(org, Organization):
        return org
    if on is None:
        from mgovern.clock import today

        on = today()
    return org.as_of(on)


# --- appointments ------------------------------------------------------------------------
def _appoint(org: Organization, appointments: Iterable[Appointment], day: dt.date) -> Organization:
    appointments = tuple(appointments)
    active = [a for a in appointments if a.active(day)]
    appointed_in: dict[str, set[str]] = {}
    for a in appointments:
        appointed_in.setdefault(a.group, set()).add(a.person)
    groups = []
    for group in org.groups:
        mine = [a for a in appointments if a.group == group.id]
        if not mine:
            groups.append(group)
            continue
        now = [a for a in active if a.group == group.id]
        present = {a.person for a in now}
        changes: dict[str, Any] = {}
        for position in ("chair", "secretary"):
            if any(a.position == position for a in mine):
                holder = next((a.person for a in now if a.position == position), None)
                changes[position] = holder
        members = [m for m in group.members if m not in appointed_in[group.id] or m in present]
        members += [a.person for a in now if a.person not in members]
        changes["members"] = tuple(members)
        groups.append(attrs.evolve(group, **changes))
    people = []
    for person in org.people:
        mine = [a for a in appointments if a.person == person.id and a.role is not None]
        if not mine:
            people.append(person)
            continue
        held = {a.role for a in mine if a.active(day)}
        lapsed = {a.role for a in mine if not a.active(day)} - held
        roles = [r for r in person.roles if r not in lapsed]
        roles += sorted(r for r in held if r is not None and r not in roles)
        people.append(attrs.evolve(person, roles=tuple(roles)))
    return attrs.evolve(org, groups=tuple(groups), people=tuple(people))


# --- reading -----------------------------------------------------------------------------
def merge(base: Any, patch: Any) -> Any:
    """``patch`` applied to ``base`` (plain TOML data); see the module docstring."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    if _tables_with_ids(base) and _tables_with_ids(patch):
        out = list(base)
        position = {item["id"]: i for i, item in enumerate(out)}
        removed: set[int] = set()
        for item in patch:
            rest = {k: v for k, v in item.items() if k != "remove"}
            i = position.get(item["id"])
            if item.get("remove") is True:
                if i is not None:
                    removed.add(i)
            elif i is None:
                position[item["id"]] = len(out)
                out.append(rest)
            else:
                out[i] = merge(out[i], rest)
        return [item for i, item in enumerate(out) if i not in removed]
    return patch


def _tables_with_ids(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value)


def _toml(path: Path) -> dict[str, Any]:
    """A file's TOML data through the same bounded reader as organisation files (size,
    nesting, byte-order mark, one-line errors)."""
    from mgovern.config import read_file, read_toml

    try:
        text = read_file(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("is not UTF-8 text: save it as UTF-8", source=str(path)) from None
    return read_toml(text, source=str(path))


def _tables(data: dict[str, Any], key: str, source: str) -> list[dict[str, Any]]:
    """``[[key]]`` tables of a history file, or a one-line error saying how to write them."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"write each as a [[{key}]] table", path=key, source=source)
    return value


def is_history_file(path: str | Path) -> bool:
    """Whether ``path`` is a history file (it names the file it is ``based_on``); reads at
    most its first 64 KiB (never all of a device or pipe)."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(65536).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    return any(line.split("=")[0].strip() == "based_on" for line in head.splitlines())


def load_history(path: str | Path) -> History:
    """A history file, or a plain organisation file as a history with one version."""
    path = Path(path)
    if not is_history_file(path):
        from mgovern.config import load

        return History.from_organization(load(path))
    data = _toml(path)
    base_name = data.get("based_on")
    if not isinstance(base_name, str):
        raise ConfigError("must name the organisation file", path="based_on", source=str(path))
    base = _toml(path.parent / base_name)
    return loads_history(data, base, source=str(path))


_HISTORY_KEYS = {"based_on", "revisions", "appointments"}
_REVISION_KEYS = {"effective", "title"}


def loads_history(data: dict[str, Any], base: dict[str, Any], *, source: str) -> History:
    """A history from its TOML data and the organisation data it is based on."""
    from mgovern.config import structure

    extra = sorted(set(data) - _HISTORY_KEYS)
    if extra:
        raise ConfigError(
            f"unknown key {extra[0]!r}; a history file has {', '.join(sorted(_HISTORY_KEYS))}",
            path=extra[0],
            source=source,
        )
    from mgovern.config import check_with_plugins

    revisions = [Revision(None, "", structure(base, Organization, source=source))]
    check_with_plugins(revisions[0].organization, source=source)
    current = base
    for i, raw in enumerate(_tables(data, "revisions", source)):
        where = f"revisions[{i}]"
        effective = raw.get("effective")
        if not isinstance(effective, dt.date) or isinstance(effective, dt.datetime):
            raise ConfigError("needs effective = a TOML date", path=where, source=source)
        if revisions[-1].effective is not None and effective <= revisions[-1].effective:
            raise ConfigError(
                f"takes effect on {effective}, not after the revision before it: list "
                "revisions in the order they take effect",
                path=f"{where}.effective",
                source=source,
            )
        current = merge(current, {k: v for k, v in raw.items() if k not in _REVISION_KEYS})
        org = structure(current, Organization, source=f"{source}: {where}")
        check_with_plugins(org, source=f"{source}: {where}")
        revisions.append(Revision(effective, str(raw.get("title", "")), org))
    appointments = tuple(
        _appointment(raw, f"appointments[{i}]", revisions, source)
        for i, raw in enumerate(_tables(data, "appointments", source))
    )
    return History(tuple(revisions), appointments)


def _appointment(
    raw: dict[str, Any], where: str, revisions: list[Revision], source: str
) -> Appointment:
    known = {"person", "group", "position", "role", "from", "to"}
    extra = sorted(set(raw) - known)
    if extra:
        raise ConfigError(
            f"unknown key {extra[0]!r}; use {', '.join(sorted(known))}",
            path=f"{where}.{extra[0]}",
            source=source,
        )
    for key in ("person", "group"):
        if not isinstance(raw.get(key), str):
            raise ConfigError(f"needs {key} = an id", path=where, source=source)
    position = raw.get("position", "member")
    if position not in POSITIONS:
        raise ConfigError(
            f"position must be one of {', '.join(POSITIONS)}",
            path=f"{where}.position",
            source=source,
        )
    for key in ("from", "to"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            raise ConfigError("must be a TOML date", path=f"{where}.{key}", source=source)
    last = revisions[-1].organization
    people: dict[str, Person] = {p.id: p for r in revisions for p in r.organization.people}
    groups: dict[str, Group] = {g.id: g for r in revisions for g in r.organization.groups}
    if raw["person"] not in people:
        raise ConfigError(
            f"unknown person {raw['person']!r}", path=f"{where}.person", source=source
        )
    if raw["group"] not in groups:
        raise ConfigError(f"unknown group {raw['group']!r}", path=f"{where}.group", source=source)
    role = raw.get("role")
    if role is not None and role not in {r.id for r in last.roles}:
        raise ConfigError(f"unknown role {role!r}", path=f"{where}.role", source=source)
    start, end = raw.get("from"), raw.get("to")
    if start is not None and end is not None and end < start:
        raise ConfigError(f"ends ({end}) before it starts", path=f"{where}.to", source=source)
    return Appointment(raw["person"], raw["group"], position, role, start, end)
