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
    id = "fastighet-liten"                       # changes this clause: it must exist
    amount_max = 150
    [[revisions.groups.mandate.handles]]
    id = "mark-ny"
    add = true                                   # a new clause says so
    categories = ["upplatelse"]
    decided_by = "avdelningschef"

    [[appointments]]                             # a person in a group for a while
    person = "sara-lind"
    group = "mv"
    position = "chair"                           # chair, secretary or member
    role = "avdelningschef"                      # held only while appointed
    from = 2026-09-01                            # optional; "to" is the last day

Each revision is a patch on the one before: tables are merged key by key, arrays of
tables are merged element by element by their ``id`` (an element changes the one with its
id, which must exist; ``add = true`` adds one, ``remove = true`` drops one; an id that is
not there is refused with the nearest ones), anything else is replaced.

An appointment changes one **seat** from its date and nothing else: a group's chair, its
secretary, one person's membership of it, or (with ``role``) one person's role. Before a
seat's first appointment starts the revision in force says who holds it; from then on the
appointment in force that started last (on the same day: the later in the file) holds
it, and none in force is a vacancy. See docs/revisions.md for why.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import enum
import heapq
import tomllib
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
    #: Each seat an appointment changes, over time; the seats by group and by person.
    _seats: dict[Seat, _Timeline] = attrs.field(init=False, eq=False, repr=False)
    _by_group: dict[str, tuple[Seat, ...]] = attrs.field(init=False, eq=False, repr=False)
    _by_person: dict[str, tuple[Seat, ...]] = attrs.field(init=False, eq=False, repr=False)
    _effective: tuple[dt.date, ...] = attrs.field(init=False, eq=False, repr=False)
    _offices: frozenset[str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        mine: dict[Seat, list[tuple[int, Appointment]]] = {}
        for i, a in enumerate(self.appointments):
            for seat in seats_of(a):
                mine.setdefault(seat, []).append((i, a))
        by_group: dict[str, list[Seat]] = {}
        by_person: dict[str, list[Seat]] = {}
        for seat in mine:
            (by_person if seat[0] == "role" else by_group).setdefault(seat[1], []).append(seat)
        set_ = object.__setattr__
        set_(self, "_seats", {seat: _timeline(found) for seat, found in mine.items()})
        set_(self, "_by_group", {k: tuple(v) for k, v in by_group.items()})
        set_(self, "_by_person", {k: tuple(v) for k, v in by_person.items()})
        set_(self, "_effective", tuple(r.effective or dt.date.min for r in self.revisions))
        held = {r for rev in self.revisions for p in rev.organization.people for r in p.roles}
        set_(self, "_offices", frozenset(held | {a.role for a in self.appointments if a.role}))

    @classmethod
    def from_organization(cls, org: Organization) -> History:
        return cls((Revision(None, org.name, org),))

    def revision(self, day: dt.date) -> Revision:
        """The revision in force on ``day`` (before the first one's date: the first)."""
        return self.revisions[max(bisect.bisect_right(self._effective, day) - 1, 0)]

    def as_of(self, day: dt.date) -> Organization:
        """The organisation in force on ``day``: its rules and the people appointed then."""
        org = self.revision(day).organization
        if not self.appointments:
            return org
        return _appoint(org, self, day)

    def group_as_of(self, group_id: str, day: dt.date) -> Group:
        """One group as of ``day`` (its seats as :meth:`as_of` sets them), without the
        rest of the organisation."""
        return _seated(self.revision(day).organization.group(group_id), self, day)

    def person_as_of(self, person_id: str, day: dt.date) -> Person:
        """One person as of ``day`` (the roles :meth:`as_of` gives them)."""
        person = self.revision(day).organization.person(person_id)
        return _with_roles(person, self, day) if person_id in self._by_person else person

    def seats_changing(self) -> dict[dt.date, tuple[Seat, ...]]:
        """The seats whose holder changes on each day (from the first appointment of
        each seat on)."""
        out: dict[dt.date, list[Seat]] = {}
        for seat, timeline in self._seats.items():
            for day in timeline.days:
                out.setdefault(day, []).append(seat)
        return {day: tuple(seats) for day, seats in sorted(out.items())}

    def offices(self) -> frozenset[str]:
        """The roles that are seats people hold: a role some person holds in a revision
        or an appointment gives. A role no one ever holds (the example's
        ``kommunfullmaktige``) names a body outside the organisation, never vacant."""
        return self._offices

    def changes(self) -> tuple[dt.date, ...]:
        """Every day on which something changes: revisions taking effect, appointments
        starting, and the day after an appointment ends."""
        days = {r.effective for r in self.revisions if r.effective is not None}
        for a in self.appointments:
            if a.start is not None:
                days.add(a.start)
            if a.end is not None and a.end < dt.date.max:
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
#: A seat an appointment changes: ("chair", group, ""), ("secretary", group, ""),
#: ("member", group, person) or ("role", person, role).
Seat = tuple[str, str, str]


def seats_of(a: Appointment) -> tuple[Seat, ...]:
    """The seats ``a`` changes: its position in its group, and its role if it names one."""
    seat: Seat = (a.position, a.group, a.person if a.position == "member" else "")
    return (seat, ("role", a.person, a.role)) if a.role is not None else (seat,)


@frozen
class _Timeline:
    """One seat over time: as the revision says before ``first``; from ``days[i]`` on
    (until ``days[i + 1]``) held by ``holders[i]`` (None: vacant)."""

    first: dt.date
    days: tuple[dt.date, ...]
    holders: tuple[str | None, ...]

    def at(self, day: dt.date) -> str | _Unset | None:
        if day < self.first:
            return UNSET
        return self.holders[bisect.bisect_right(self.days, day) - 1]


class _Unset(enum.Enum):
    UNSET = "as the revision says"


UNSET = _Unset.UNSET


def _timeline(appointments: list[tuple[int, Appointment]]) -> _Timeline:
    """The seat's holder on each day from its first appointment on: of the appointments in
    force that day, the one that started last (on the same day: the later in the file)."""
    starts: dict[dt.date, list[tuple[int, Appointment]]] = {}
    ends: set[dt.date] = set()
    for i, a in appointments:
        starts.setdefault(a.start or dt.date.min, []).append((i, a))
        if a.end is not None and a.end < dt.date.max:
            ends.add(a.end + dt.timedelta(days=1))
    running: list[tuple[int, int, dt.date, str]] = []  # a max-heap by (start, file order)
    days: list[dt.date] = []
    holders: list[str | None] = []
    for day in sorted(starts.keys() | ends):
        for i, a in starts.get(day, ()):
            begun = (a.start or dt.date.min).toordinal()
            heapq.heappush(running, (-begun, -i, a.end or dt.date.max, a.person))
        while running and running[0][2] < day:
            heapq.heappop(running)
        holder = running[0][3] if running else None
        if not holders or holders[-1] != holder:
            days.append(day)
            holders.append(holder)
    return _Timeline(days[0], tuple(days), tuple(holders))


def _appoint(org: Organization, history: History, day: dt.date) -> Organization:
    """``org`` (the revision in force on ``day``) with every seat an appointment changes
    set as it stands on ``day``; every other seat as the revision says."""
    groups = tuple(
        _seated(group, history, day) if group.id in history._by_group else group
        for group in org.groups
    )
    people = tuple(
        _with_roles(person, history, day) if person.id in history._by_person else person
        for person in org.people
    )
    return attrs.evolve(org, groups=groups, people=people)


def _seated(group: Group, history: History, day: dt.date) -> Group:
    changes: dict[str, Any] = {}
    members = list(group.members)
    for seat in history._by_group.get(group.id, ()):
        holder = history._seats[seat].at(day)
        if holder is UNSET:
            continue
        position, _, person = seat
        if position != "member":
            changes[position] = holder
        elif holder is None:
            members = [m for m in members if m != person]
        elif person not in members:
            members.append(person)
    return attrs.evolve(group, members=tuple(members), **changes)


def _with_roles(person: Person, history: History, day: dt.date) -> Person:
    roles = list(person.roles)
    for seat in history._by_person.get(person.id, ()):
        holder = history._seats[seat].at(day)
        if holder is UNSET:
            continue
        role = seat[2]
        if holder is None:
            roles = [r for r in roles if r != role]
        elif role not in roles:
            roles.append(role)
    return attrs.evolve(person, roles=tuple(roles))


# --- reading -----------------------------------------------------------------------------
_MISSING: Any = object()


def merge(base: Any, patch: Any, path: str = "", owner: str = "") -> Any:
    """``patch`` applied to ``base`` (plain TOML data); see the module docstring. ``path``
    (the patch's key path) and ``owner`` (the element it is in) name the place in errors."""
    if isinstance(patch, dict) and (base is _MISSING or isinstance(base, dict)):
        merged = {} if base is _MISSING else dict(base)
        for key, value in patch.items():
            where = f"{path}.{key}".lstrip(".")
            merged[key] = merge(merged.get(key, _MISSING), value, where, owner)
        return merged
    if _tables_by_id(base, patch):
        return _merge_by_id([] if base is _MISSING else base, patch, path, owner)
    return patch


def _tables_by_id(base: Any, patch: Any) -> bool:
    """Whether ``patch`` is merged into ``base`` element by element: both arrays of tables,
    ``base`` with ids (or none yet) and ``patch`` with ids (or ``base`` has some)."""
    if not (isinstance(patch, list) and patch and all(isinstance(v, dict) for v in patch)):
        return False
    if base is _MISSING or base == []:
        return all("id" in v for v in patch)
    return _tables_with_ids(base)


def _merge_by_id(base: list[Any], patch: list[dict[str, Any]], path: str, owner: str) -> list[Any]:
    """An array of tables merged by id: ``add = true`` adds an element, ``remove = true``
    drops one, an element with neither changes the one with its id, which must exist."""
    out = list(base)
    position = {item["id"]: i for i, item in enumerate(out)}
    removed: set[int] = set()
    for n, item in enumerate(patch):
        where = f"{path}[{n}]"
        ident = item.get("id")
        if not isinstance(ident, str):
            raise ConfigError(
                "needs id = the string id of the element it adds, changes or removes",
                path=f"{where}.id" if "id" in item else where,
            )
        for key in ("add", "remove"):
            if key in item and not isinstance(item[key], bool):
                raise ConfigError(f"{key} must be true or false", path=f"{where}.{key}")
        add, remove = item.get("add") is True, item.get("remove") is True
        rest = {k: v for k, v in item.items() if k not in ("add", "remove")}
        i = position.get(ident)
        if add and remove:
            raise ConfigError(f"both adds and removes {ident!r}: keep one", path=where)
        if add:
            if i is not None and i not in removed:
                raise ConfigError(
                    f"adds {ident!r}, which exists already: leave out add = true to change it",
                    path=f"{where}.add",
                )
            position[ident] = len(out)
            out.append(rest)
        elif i is None or i in removed:
            known = [k for k, j in position.items() if j not in removed]
            raise ConfigError(_unknown(ident, path, owner, known, remove), path=where)
        elif remove:
            removed.add(i)
        else:
            kind = path.rsplit(".", 1)[-1].split("[")[0]
            out[i] = merge(out[i], rest, where, f"{kind} {ident!r}")
    return [item for i, item in enumerate(out) if i not in removed]


def _unknown(ident: str, path: str, owner: str, known: list[str], remove: bool) -> str:
    """Why an element naming an id that does not exist is refused, with the nearest ids."""
    what = (path.rsplit(".", 1)[-1].split("[")[0] or "elements") + (f" of {owner}" if owner else "")
    near = difflib.get_close_matches(ident, known, n=3, cutoff=0.6)
    if near:
        hint = f"nearest: {', '.join(near)}"
    elif known:
        hint = f"there are {len(known)}: {', '.join(sorted(known)[:3])}"
        hint += ", …" if len(known) > 3 else ""
    else:
        hint = "there are none: check the key's spelling"
    verb = "removes" if remove else "changes"
    return f"{verb} {ident!r}, which the {what} lack ({hint}); fix it, or add = true adds one"


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
    """Whether ``path`` is a history file: a TOML file whose top level names the file it
    is ``based_on`` (decided by the TOML's structure, never by its text: a description
    may quote anything). A device, a folder or a file that is not valid TOML is not a
    history (reading it as an organisation says what is wrong with it)."""
    from mgovern.config import read_file, read_toml

    path = Path(path)
    try:
        if not path.is_file():
            return False
        text = read_file(path).decode("utf-8-sig")
        if "based_on" not in text:  # no need to parse what cannot be one
            return False
        data = read_toml(text, source=str(path))
    except (ConfigError, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return "based_on" in data


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
        title = raw.get("title", "")
        if not isinstance(title, str):
            raise ConfigError("must be a string", path=f"{where}.title", source=source)
        try:
            current = merge(
                current, {k: v for k, v in raw.items() if k not in _REVISION_KEYS}, where
            )
        except ConfigError as exc:
            raise exc.located(source) from None
        org = structure(current, Organization, source=f"{source}: {where}")
        check_with_plugins(org, source=f"{source}: {where}")
        revisions.append(Revision(effective, title, org))
    people = {p.id for r in revisions for p in r.organization.people}
    groups = {g.id for r in revisions for g in r.organization.groups}
    roles = {role.id for role in revisions[-1].organization.roles}
    appointments = tuple(
        _appointment(raw, f"appointments[{i}]", (people, groups, roles), source)
        for i, raw in enumerate(_tables(data, "appointments", source))
    )
    listed = [frozenset(p.id for p in r.organization.people) for r in revisions]
    for i, a in enumerate(appointments):
        _check_in_force(a, f"appointments[{i}]", revisions, listed, source)
    return History(tuple(revisions), appointments)


def _check_in_force(
    a: Appointment,
    where: str,
    revisions: list[Revision],
    listed: list[frozenset[str]],
    source: str,
) -> None:
    """Refuse an appointment of a person a revision in force during it does not list."""
    for j, revision in enumerate(revisions):
        until = revisions[j + 1].effective if j + 1 < len(revisions) else None
        begins = revision.effective
        if (a.end is not None and begins is not None and a.end < begins) or (
            a.start is not None and until is not None and until <= a.start
        ):
            continue  # not in force while the appointment runs
        org = revision.organization
        if org.has_group(a.group) and a.person not in listed[j]:
            which = "the organisation file" if j == 0 else f"revisions[{j - 1}]"
            raise ConfigError(
                f"appoints {a.person!r} to {a.group!r}, but {which}"
                + (f" (in force from {begins})" if begins else "")
                + " has no such person: end the appointment before it (to = ...) or keep "
                "the person in its people",
                path=f"{where}.person",
                source=source,
            )


def _appointment(
    raw: dict[str, Any],
    where: str,
    known_ids: tuple[set[str], set[str], set[str]],
    source: str,
) -> Appointment:
    known = {"person", "group", "position", "role", "from", "to"}
    extra = sorted(set(raw) - known)
    if extra:
        raise ConfigError(
            f"unknown key {extra[0]!r}; use {', '.join(sorted(known))}",
            path=f"{where}.{extra[0]}",
            source=source,
        )
    for key in ("person", "group", "role", "position"):
        if key in raw and not isinstance(raw[key], str):
            raise ConfigError("must be a string", path=f"{where}.{key}", source=source)
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
    people, groups, roles = known_ids
    if raw["person"] not in people:
        raise ConfigError(
            f"unknown person {raw['person']!r}", path=f"{where}.person", source=source
        )
    if raw["group"] not in groups:
        raise ConfigError(f"unknown group {raw['group']!r}", path=f"{where}.group", source=source)
    role = raw.get("role")
    if role is not None and role not in roles:
        raise ConfigError(f"unknown role {role!r}", path=f"{where}.role", source=source)
    start, end = raw.get("from"), raw.get("to")
    if start is not None and end is not None and end < start:
        raise ConfigError(f"ends ({end}) before it starts", path=f"{where}.to", source=source)
    return Appointment(raw["person"], raw["group"], position, role, start, end)
