"""What a revision changes (``mgovern.diff``): the exact difference of two versions.

:func:`diff` compares the outcome of every matter in two versions over the partition
:func:`mgovern.check` uses (:func:`mgovern.rules.coverage.cells`), refined on the union of both
versions' boundaries: in each category and unit context, the amount intervals cut at
every bound of either version, each year class either version counts in base amounts,
and each combination of the flags either version's rules mention. Every refined cell is
decided in both versions; where the home group, the deciding role, the decision-maker or
the kind of outcome (a home, a gap, several homes) differ, the cell is a change, and
neighbouring amount intervals with the same change are merged into one
:class:`OutcomeChange` with a witness matter that :func:`mgovern.route` decides as
``old`` in the old version and as ``new`` in the new one. Nothing is sampled.

A category whose rules are the same in both versions (the same clauses in the same
groups of the same tree, the same base amounts and resolution) routes every matter the
same way, so only its decision-makers are compared. The structural changes (groups,
people in them, clauses, categories, cycles and the meetings they add or remove in a
window) are listed beside the outcome changes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs
from attrs import frozen

from mgovern.model import GROUP_DECIDES, Matter, Organization, ScopeClause, Span
from mgovern.rules.coverage import (
    AmountRange,
    Cell,
    Progress,
    cell_classes,
    fan_out,
    renamed,
    workers,
)
from mgovern.rules.scope import ClauseRef

__all__ = ["Decided", "Diff", "OutcomeChange", "StructuralChange", "diff"]


@frozen
class Decided:
    """How a class of matters is decided in one version. ``status`` is ``home`` (one
    home), ``gap`` (none) or ``ambiguous`` (several, none chosen); ``decision_maker`` is
    the person holding ``decided_by`` in ``home`` (None: the group decides, or vacant)."""

    status: str
    home: str | None
    decided_by: str | None
    decision_maker: str | None
    homes: tuple[str, ...] = attrs.field(eq=False)
    clause: ClauseRef | None = attrs.field(eq=False)

    @property
    def vacant(self) -> bool:
        role = self.decided_by
        return role not in (None, GROUP_DECIDES) and self.decision_maker is None


@frozen
class OutcomeChange:
    """Matters of ``category`` in one unit context (``where``/``span``/``units`` as in
    :class:`mgovern.rules.coverage.Cell`), year class ``year``, amount in ``amounts`` and flags
    ``flags`` among ``mentioned``, decided as ``old`` before and ``new`` after;
    ``witness`` is one of them."""

    category: str
    where: str | None
    span: Span | None
    units: tuple[str, ...]
    year: int | None
    amounts: tuple[AmountRange, ...]
    flags: frozenset[str]
    mentioned: frozenset[str]
    old: Decided
    new: Decided
    witness: Matter

    def mirrored(self) -> OutcomeChange:
        return attrs.evolve(self, old=self.new, new=self.old)


@frozen
class StructuralChange:
    """A change that is not an outcome: ``kind`` (``group``, ``parent``, ``chair``,
    ``secretary``, ``member``, ``clause``, ``category``, ``flag``, ``cycle``,
    ``meeting``), what it is about (``subject``), and its value before and after (None:
    absent)."""

    kind: str
    subject: str
    old: str | None
    new: str | None

    def mirrored(self) -> StructuralChange:
        return attrs.evolve(self, old=self.new, new=self.old)


@frozen
class Diff:
    """The difference of two versions. ``changes`` are outcome changes (empty: every
    matter is decided as before); ``structure`` the other changes; ``cells`` how many
    refined cells were decided in both."""

    old: Organization = attrs.field(eq=False, repr=False)
    new: Organization = attrs.field(eq=False, repr=False)
    changes: tuple[OutcomeChange, ...]
    structure: tuple[StructuralChange, ...]
    cells: int

    @property
    def changed(self) -> bool:
        """Whether any matter is decided differently."""
        return bool(self.changes)

    def mirrored(self) -> Diff:
        """The same difference read the other way (``diff(new, old)``)."""
        return Diff(
            self.new,
            self.old,
            tuple(c.mirrored() for c in self.changes),
            tuple(s.mirrored() for s in self.structure),
            self.cells,
        )


def diff(
    old: Organization,
    new: Organization,
    *,
    window: tuple[dt.date, dt.date] | None = None,
    jobs: int | None = 1,
    progress: Progress | None = None,
) -> Diff:
    """Every matter whose outcome differs between ``old`` and ``new``, exactly; and the
    structural changes (with the meetings added and removed in ``window``, if given).

    Each category is compared on its own; ``jobs`` and ``progress`` as for
    :func:`mgovern.check` (the categories whose rules or people changed are shared out
    among processes when there is enough of them to gain; the result is the same).
    """
    common = [c.id for c in old.categories if c.id in {n.id for n in new.categories}]
    same_tree = _tree(old) == _tree(new)
    parts: list[_Part] = []
    for category in common:
        changed = _changed_groups(old, new, category)
        if same_tree and not changed:
            continue  # the same clauses in the same tree, the same people: the same outcomes
        # A unit context is decided by the groups on its chain and the groups with
        # clauses for any units; when none of them changed, neither did its outcomes.
        parts.append((category, None if not same_tree else frozenset(changed)))
    memo: dict[Any, Decided] = {}
    size = (len(old.groups) + len(new.groups)) * len(parts)
    processes = workers(jobs, len(parts), size)
    if processes > 1:
        compared = fan_out(
            _compare_worker,
            parts,
            here=lambda part: _compare_category(old, new, part, memo),
            processes=processes,
            initializer=_set_compared,
            initargs=(old, new),
            progress=progress,
            label="comparing categories",
        )
    else:
        compared = []
        for part in parts:
            compared.append(_compare_category(old, new, part, memo))
            if progress is not None:
                progress("comparing categories", len(compared), len(parts))
    found = [change for _, changes in compared for change in changes]
    count = sum(n for n, _ in compared)
    return Diff(old, new, tuple(found), tuple(_structure(old, new, window)), count)


#: One category to compare, and the groups that changed in it (None: the tree did).
_Part = tuple[str, frozenset[str] | None]


def _compare_category(
    old: Organization, new: Organization, part: _Part, memo: dict[Any, Decided]
) -> tuple[int, list[OutcomeChange]]:
    """The refined cells of one category decided in both versions, and the changes."""
    category, affected = part
    reach = _functional(old, category) | _functional(new, category)
    old_cells = _by_context(_cells(old, category, affected, reach))
    new_cells = _by_context(_cells(new, category, affected, reach))
    count = 0
    found: list[OutcomeChange] = []
    for key in sorted(old_cells.keys() & new_cells.keys(), key=_order_key):
        n, changes = _compare(old, new, key, old_cells[key], new_cells[key], memo)
        count += n
        found.extend(changes)
    return count, found


_COMPARED: tuple[Organization, Organization, dict[Any, Decided]] | None = None  # a worker's


def _set_compared(old: Organization, new: Organization) -> None:
    global _COMPARED
    _COMPARED = (old, new, {})


def _compare_worker(part: _Part) -> tuple[int, list[OutcomeChange]]:
    assert _COMPARED is not None
    return _compare_category(*_COMPARED[:2], part, _COMPARED[2])


def _cells(
    org: Organization, category: str, affected: frozenset[str] | None, reach: set[str]
) -> Iterator[Cell]:
    """The category's cells of every unit context whose chain or ``reach`` meets
    ``affected`` (None: every context)."""
    hit = affected is not None and bool(affected & reach)
    for found in cell_classes(org, categories=frozenset({category})):
        for i, context in enumerate(found.contexts):
            where = context[0]
            if affected is not None and not hit:
                chain = {where, *org.ancestors(where)} if where is not None else set()
                if not affected & chain:
                    continue
            for cell in found.cells:
                yield cell if i == 0 else renamed(org, cell, context)


# --- which categories need their cells ---------------------------------------------------
def _clauses_for(org: Organization, category: str) -> tuple[Any, ...]:
    memo: dict[str, tuple[Any, ...]] | None = org._memo.get("diff.clauses")
    if memo is None:
        by: dict[str, list[Any]] = {c.id: [] for c in org.categories}
        for group in org.groups:
            for kind, clauses in (("h", group.mandate.handles), ("x", group.mandate.excludes)):
                for clause in clauses:
                    rule = (group.id, kind, _rule(clause))
                    for cid in clause.categories or by.keys():
                        by[cid].append(rule)
        memo = {k: tuple(v) for k, v in by.items()}
        org._memo["diff.clauses"] = memo
    return memo[category]


def _rule(clause: ScopeClause) -> ScopeClause:
    return attrs.evolve(clause, note="")  # a note changes no outcome


def _tree(org: Organization) -> tuple[Any, ...]:
    return (
        org.resolution,
        tuple((g.id, g.parent) for g in org.groups),
        tuple(sorted((b.year, b.amount) for b in org.base_amounts)),
    )


def _holders(org: Organization) -> dict[tuple[str, str], str | None]:
    memo: dict[tuple[str, str], str | None] | None = org._memo.get("diff.holders")
    if memo is None:
        memo = {}
        for group in org.groups:
            roles = {c.decided_by for c in group.mandate.handles} - {GROUP_DECIDES}
            for role in roles:
                memo[(group.id, role)] = holder(org, group.id, role)
        org._memo["diff.holders"] = memo
    return memo


def holder(org: Organization, group_id: str, role: str | None) -> str | None:
    """The person (id) holding ``role`` in the group, as :func:`mgovern.route` picks the
    decision-maker: the chair first, then the others; None: the group or vacant."""
    if role is None or role == GROUP_DECIDES or not org.has_group(group_id):
        return None
    for person_id in org.group(group_id).participants:
        if role in org.person(person_id).roles:
            return person_id
    return None


def _per_group(org: Organization, category: str) -> dict[str, tuple[Any, ...]]:
    out: dict[str, list[Any]] = {}
    for gid, kind, clause in _clauses_for(org, category):
        out.setdefault(gid, []).append((kind, clause))
    return {k: tuple(v) for k, v in out.items()}


def _changed_groups(old: Organization, new: Organization, category: str) -> set[str]:
    """The groups whose clauses for ``category``, or whose holders of the roles those
    clauses name, differ between the versions."""
    before, after = _per_group(old, category), _per_group(new, category)
    changed = {g for g in before.keys() | after.keys() if before.get(g) != after.get(g)}
    holders_before, holders_after = _holders(old), _holders(new)
    for gid, rules in after.items():
        for kind, clause in rules:
            key = (gid, clause.decided_by)
            if kind == "h" and holders_before.get(key) != holders_after.get(key):
                changed.add(gid)
    return changed


def _functional(org: Organization, category: str) -> set[str]:
    """Groups that handle matters of any units: they are candidates off their chain too
    (a group's excludes only remove it where it is a candidate)."""
    return {g for g, kind, c in _clauses_for(org, category) if kind == "h" and c.span is Span.ANY}


# --- the refined partition ---------------------------------------------------------------
_Key = tuple[str, str | None, Span | None, tuple[str, ...]]


def _order_key(key: _Key) -> tuple[str, str, str, tuple[str, ...]]:
    category, where, span, units = key
    return (category, where or "", str(span or ""), units)


def _by_context(found: Iterable[Cell]) -> dict[_Key, list[Cell]]:
    out: dict[_Key, list[Cell]] = {}
    for cell in found:
        key = (cell.category, cell.where, cell.span, cell.witness.units)
        out.setdefault(key, []).append(cell)
    return out


@attrs.define
class _Side:
    """One version's cells of one context, indexed for lookups."""

    org: Organization
    years: list[int | None]
    none: dict[tuple[int | None, frozenset[str]], Cell]
    lows: dict[tuple[int | None, frozenset[str]], tuple[list[Decimal], list[Cell]]]
    mentioned: frozenset[str]

    @classmethod
    def of(cls, org: Organization, found: list[Cell]) -> _Side:
        none: dict[tuple[int | None, frozenset[str]], Cell] = {}
        lows: dict[tuple[int | None, frozenset[str]], tuple[list[Decimal], list[Cell]]] = {}
        for cell in found:
            k = (cell.year, cell.flags)
            if cell.amounts.none:
                none[k] = cell
            else:
                points, members = lows.setdefault(k, ([], []))
                assert cell.amounts.low is not None
                points.append(cell.amounts.low)
                members.append(cell)
        for points, members in lows.values():
            order = sorted(range(len(points)), key=points.__getitem__)
            points[:] = [points[i] for i in order]
            members[:] = [members[i] for i in order]
        years = sorted({c.year for c in found}, key=lambda y: -1 if y is None else y)
        return cls(org, years, none, lows, found[0].mentioned)

    def year_for(self, year: int | None) -> int | None:
        if self.years == [None] or year in self.years:
            return year if year in self.years else None
        listed = [y for y in self.years if y is not None]
        assert year is not None
        earlier = [y for y in listed if y <= year]
        return max(earlier) if earlier else min(listed)

    def cell(self, year: int | None, flags: frozenset[str], low: Decimal | None) -> Cell:
        k = (self.year_for(year), flags & self.mentioned)
        if low is None:
            return self.none[k]
        points, members = self.lows[k]
        return members[bisect.bisect_right(points, low) - 1]


def _decided(org: Organization, cell: Cell, memo: dict[Any, Decided], side: int) -> Decided:
    key = (side, cell.home, cell.clause, cell.homes)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _decide(org, cell)
    return found


def _decide(org: Organization, cell: Cell) -> Decided:
    if cell.home is None:
        status = "ambiguous" if len(cell.homes) > 1 else "gap"
        return Decided(status, None, None, None, cell.homes, None)
    role = None
    if cell.clause is not None:
        group = org.group(cell.clause.group)
        role = next(c.decided_by for c in group.mandate.handles if c.id == cell.clause.clause)
    return Decided("home", cell.home, role, holder(org, cell.home, role), cell.homes, cell.clause)


def _compare(
    old: Organization,
    new: Organization,
    key: _Key,
    before: list[Cell],
    after: list[Cell],
    memo: dict[Any, Decided],
) -> tuple[int, list[OutcomeChange]]:
    category, where, span, units = key
    a, b = _Side.of(old, before), _Side.of(new, after)
    if a.years == [None] and b.years == [None]:
        years: list[int | None] = [None]
    else:
        years = [*sorted({y for y in (*a.years, *b.years) if y is not None})]
    mentioned = a.mentioned | b.mentioned
    count = 0
    out: list[OutcomeChange] = []
    for year in years:
        points = sorted(_points(a, year) | _points(b, year))
        amounts = [AmountRange(None, None, True)] + [
            AmountRange(p, points[i + 1] if i + 1 < len(points) else None)
            for i, p in enumerate(points)
        ]
        for flags in _flag_sets(mentioned):
            run: OutcomeChange | None = None
            for amount in amounts:
                count += 1
                was = _decided(old, a.cell(year, flags, amount.low), memo, 0)
                now = _decided(new, b.cell(year, flags, amount.low), memo, 1)
                if was == now:
                    run = None
                    continue
                if (
                    run is not None
                    and not amount.none
                    and run.old == was
                    and run.new == now
                    and run.amounts[-1].high == amount.low
                ):
                    merged = AmountRange(run.amounts[-1].low, amount.high)
                    run = attrs.evolve(run, amounts=(merged,))
                    out[-1] = run
                    continue
                witness = Matter(category, amount=amount.low, units=units, flags=flags, year=year)
                run = OutcomeChange(
                    category, where, span, units, year, (amount,), flags, mentioned, was, now,
                    witness,
                )  # fmt: skip
                out.append(run)
    return count, out


def _points(side: _Side, year: int | None) -> set[Decimal]:
    wanted = side.year_for(year)
    return {p for (y, _), (pts, _) in side.lows.items() if y == wanted for p in pts}


def _flag_sets(flags: frozenset[str]) -> Iterator[frozenset[str]]:
    ordered = sorted(flags)
    for size in range(len(ordered) + 1):
        for combo in itertools.combinations(ordered, size):
            yield frozenset(combo)


# --- structure ---------------------------------------------------------------------------
def _structure(
    old: Organization, new: Organization, window: tuple[dt.date, dt.date] | None
) -> Iterator[StructuralChange]:
    def ids(items: Iterable[Any]) -> dict[str, Any]:
        return {i.id: i for i in items}

    for kind, before, after in (
        ("category", ids(old.categories), ids(new.categories)),
        ("flag", ids(old.flags), ids(new.flags)),
        ("group", ids(old.groups), ids(new.groups)),
    ):
        for key in sorted(before.keys() - after.keys()):
            yield StructuralChange(kind, key, before[key].name, None)
        for key in sorted(after.keys() - before.keys()):
            yield StructuralChange(kind, key, None, after[key].name)
    groups_before, groups_after = ids(old.groups), ids(new.groups)
    for gid in [g.id for g in new.groups if g.id in groups_before]:
        g0, g1 = groups_before[gid], groups_after[gid]
        for kind in ("parent", "chair", "secretary"):
            if getattr(g0, kind) != getattr(g1, kind):
                yield StructuralChange(kind, gid, getattr(g0, kind), getattr(g1, kind))
        for person in [p for p in g0.participants if p not in g1.participants]:
            yield StructuralChange("member", f"{gid}/{person}", person, None)
        for person in [p for p in g1.participants if p not in g0.participants]:
            yield StructuralChange("member", f"{gid}/{person}", None, person)
        for which in ("handles", "excludes"):
            c0 = ids(getattr(g0.mandate, which))
            c1 = ids(getattr(g1.mandate, which))
            for cid in [*c0, *(c for c in c1 if c not in c0)]:
                if c0.get(cid) != c1.get(cid):
                    before_text, after_text = _clause_texts(c0.get(cid), c1.get(cid))
                    yield StructuralChange(
                        "clause", f"{gid}/{which}/{cid}", before_text, after_text
                    )
        k0, k1 = ids(g0.cycles), ids(g1.cycles)
        for cid in [*k0, *(c for c in k1 if c not in k0)]:
            if k0.get(cid) != k1.get(cid):
                yield StructuralChange(
                    "cycle",
                    f"{gid}/{cid}",
                    k0[cid].name if cid in k0 else None,
                    k1[cid].name if cid in k1 else None,
                )
        if window is not None and (k0 != k1 or old.closed_days != new.closed_days):
            yield from _meetings(old, new, gid, window)


def _clause_texts(
    before: ScopeClause | None, after: ScopeClause | None
) -> tuple[str | None, str | None]:
    """Two versions of a clause by the keys that differ (a whole clause when one is
    absent), as the organisation file writes them."""
    from mgovern.config import converter

    a = converter.unstructure(before) if before is not None else None
    b = converter.unstructure(after) if after is not None else None
    present = {**(a or {}), **(b or {})}
    keys = [f.name for f in attrs.fields(ScopeClause) if f.name in present and f.name != "id"]
    if a is not None and b is not None:
        keys = [k for k in keys if a.get(k) != b.get(k)]

    def text(data: dict[str, Any] | None) -> str | None:
        if data is None:
            return None
        return ", ".join(f"{k} = {_toml_value(data.get(k))}" for k in keys)

    return text(a), text(b)


def _toml_value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


def _meetings(
    old: Organization, new: Organization, gid: str, window: tuple[dt.date, dt.date]
) -> Iterator[StructuralChange]:
    from mgovern.calendars.cycles import occurrences

    def starts(org: Organization) -> set[dt.datetime]:
        return {o.start for o in occurrences(org, gid, *window)}

    before, after = starts(old), starts(new)
    for start in sorted(before - after):
        yield StructuralChange("meeting", gid, start.isoformat(), None)
    for start in sorted(after - before):
        yield StructuralChange("meeting", gid, None, start.isoformat())
