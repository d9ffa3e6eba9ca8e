"""What a revision changes (``mgovern.diff``): the exact difference of two versions.

:func:`diff` compares the outcome of every matter in two versions over the partition
:func:`mgovern.check` uses (:func:`mgovern.rules.coverage.cells`), joined and refined on the
union of both versions' boundaries. A matter's units meet at one group in each version
(its **unit context** there: where, and whether they span several of its branches), and
a revision that moves, adds or removes groups can give the same units different
contexts; so the unit contexts compared are the **pairs** of an old and a new context
that some set of units (groups of both versions) falls in, each with such a set
(:func:`joint_contexts`). In each category and context pair, the amount intervals are
cut at every bound of either version, each year class either version counts in base
amounts, and each combination of the flags both versions know that either version's
rules mention. Every refined cell is decided in both versions; where the home group, the
deciding role, the decision-maker or the kind of outcome (a home, a gap, several homes)
differ, the cell is a change, and neighbouring amount intervals with the same change are
merged into one :class:`OutcomeChange` with a witness matter that :func:`mgovern.route`
decides as ``old`` in the old version and as ``new`` in the new one. Nothing is sampled.

A category whose rules are the same in both versions (the same clauses in the same
groups of the same tree, the same base amounts and resolution) routes every matter the
same way, so only its decision-makers are compared. The order of the groups in the file
decides nothing. The structural changes (groups, people in them, clauses, categories,
flags, cycles and the meetings they add or remove in a window) are listed beside the
outcome changes: a matter that names a category, a unit or a flag of one version only
cannot be routed in the other, and is that structural change.

Why one module of 770 lines: the joint partition of two versions, its pairing of unit
contexts and the witnesses are one algorithm; its formats live in
:mod:`mgovern.rules.compare_format`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
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
    workers,
)
from mgovern.rules.scope import ClauseRef, _positions

__all__ = ["Decided", "Diff", "OutcomeChange", "StructuralChange", "diff", "joint_contexts"]


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
    """Matters of ``category`` whose units meet at ``where`` with ``span`` there in the
    old version (as in :class:`mgovern.rules.coverage.Cell`; None: no units) and at
    ``where_after`` with ``span_after`` in the new one (the same unless a group moved),
    such as ``units``; of year class ``year``, amount in ``amounts`` and flags ``flags``
    among ``mentioned``: decided as ``old`` before and ``new`` after. ``witness`` is one
    of them."""

    category: str
    where: str | None
    span: Span | None
    where_after: str | None
    span_after: Span | None
    units: tuple[str, ...]
    year: int | None
    amounts: tuple[AmountRange, ...]
    flags: frozenset[str]
    mentioned: frozenset[str]
    old: Decided
    new: Decided
    witness: Matter

    @property
    def moved(self) -> bool:
        """Whether these units meet elsewhere, or span otherwise, after than before."""
        return (self.where, self.span) != (self.where_after, self.span_after)

    def mirrored(self) -> OutcomeChange:
        return attrs.evolve(
            self,
            where=self.where_after,
            span=self.span_after,
            where_after=self.where,
            span_after=self.span,
            old=self.new,
            new=self.old,
        )


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
    refined cells were decided in both; ``contexts`` how many unit contexts (pairs of
    an old and a new one, see :func:`joint_contexts`) the matter space has."""

    old: Organization = attrs.field(eq=False, repr=False)
    new: Organization = attrs.field(eq=False, repr=False)
    changes: tuple[OutcomeChange, ...]
    structure: tuple[StructuralChange, ...]
    cells: int
    contexts: int

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
            self.contexts,
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
    same_rules = _amounts(old) == _amounts(new)
    moved = _moved(old, new)
    pairs = joint_contexts(old, new)
    parts: list[_Part] = []
    for category in common:
        changed = _changed_groups(old, new, category)
        if same_rules and not changed and not moved:
            continue  # the same clauses in the same tree, the same people: the same outcomes
        # A unit context is decided by the groups on its chain and the groups with
        # clauses for any units (and where they sit in the tree); when none of them
        # changed or moved, neither did its outcomes.
        parts.append((category, frozenset(changed | moved) if same_rules else None))
    memo: dict[Any, Decided] = {}
    size = (len(old.groups) + len(new.groups)) * len(parts)
    processes = workers(jobs, len(parts), size)
    if processes > 1:
        compared = fan_out(
            _compare_worker,
            parts,
            here=lambda part: _compare_category(old, new, pairs, part, memo),
            processes=processes,
            initializer=_set_compared,
            initargs=(old, new, pairs),
            progress=progress,
            label="comparing categories",
        )
    else:
        compared = []
        for part in parts:
            compared.append(_compare_category(old, new, pairs, part, memo))
            if progress is not None:
                progress("comparing categories", len(compared), len(parts))
    found = [change for _, changes in compared for change in changes]
    count = sum(n for n, _ in compared)
    structure = tuple(_structure(old, new, window))
    return Diff(old, new, tuple(found), structure, count, len(pairs))


#: One category to compare, and the groups that changed in it or moved (None: every
#: matter may have changed: the resolution or the base amounts did).
_Part = tuple[str, frozenset[str] | None]


def _compare_category(
    old: Organization,
    new: Organization,
    pairs: tuple[JointContext, ...],
    part: _Part,
    memo: dict[Any, Decided],
) -> tuple[int, list[OutcomeChange]]:
    """The refined cells of one category decided in both versions, and the changes:
    in every pair of unit contexts that pairs two different contexts, or whose chain of
    groups, or the groups with clauses for any units, meet the ``affected`` ones."""
    category, affected = part
    reach = _functional(old, category) | _functional(new, category)
    everywhere = affected is None or bool(affected & reach)
    compared = []
    for before, after, units in pairs:
        if not everywhere and before == after:
            assert affected is not None
            if not affected & _chain(old, before[0]) and not affected & _chain(new, after[0]):
                continue
        compared.append((before, after, units))
    old_cells = _Cells(old, category, {before for before, _, _ in compared})
    new_cells = _Cells(new, category, {after for _, after, _ in compared})
    flags = frozenset(f.id for f in old.flags) & frozenset(f.id for f in new.flags)
    count = 0
    found: list[OutcomeChange] = []
    for before, after, units in compared:
        n, changes = _compare(
            (old_cells.side(before), new_cells.side(after)),
            (category, before, after, units), flags, memo,
        )  # fmt: skip
        count += n
        found.extend(changes)
    return count, found


def _chain(org: Organization, where: str | None) -> set[str]:
    return {where, *org.ancestors(where)} if where is not None else set()


_COMPARED: tuple[Organization, Organization, tuple[JointContext, ...], dict[Any, Decided]] | None
_COMPARED = None  # a worker's


def _set_compared(old: Organization, new: Organization, pairs: tuple[JointContext, ...]) -> None:
    global _COMPARED
    _COMPARED = (old, new, pairs, {})


def _compare_worker(part: _Part) -> tuple[int, list[OutcomeChange]]:
    assert _COMPARED is not None
    old, new, pairs, memo = _COMPARED
    return _compare_category(old, new, pairs, part, memo)


class _Cells:
    """A category's cells of the unit contexts ``where`` of one version: for each, its
    class's cells (decided for the class's first context) and how to rename their groups
    for this one (:attr:`mgovern.rules.coverage.CellClass.contexts`)."""

    def __init__(self, org: Organization, category: str, where: set[Context]) -> None:
        self.org = org
        self.classes: dict[Context, tuple[int, dict[str, str]]] = {}
        self.cells: list[tuple[Cell, ...]] = []
        self.sides: dict[int, _Side] = {}
        for found in cell_classes(org, categories=frozenset({category}), where=where):
            for context in found.contexts:
                self.classes[(context[0], context[1])] = (len(self.cells), dict(context[3]))
            self.cells.append(found.cells)

    def side(self, key: Context) -> tuple[_Side, dict[str, str]]:
        i, rename = self.classes[key]
        side = self.sides.get(i)
        if side is None:
            side = self.sides[i] = _Side.of(self.org, self.cells[i])
        return side, rename


# --- which unit contexts meet --------------------------------------------------------------
#: A unit context: the group where a matter's units meet, and their span there ("own":
#: at it or in one branch below it; "multi": in two or more of its branches); (None,
#: None) for a matter that names no units.
Context = tuple[str | None, Span | None]
#: A unit context in the old version, one in the new, and units (groups of both) that
#: fall in both.
JointContext = tuple[Context, Context, tuple[str, ...]]


def joint_contexts(old: Organization, new: Organization) -> tuple[JointContext, ...]:
    """Every pair of an old and a new unit context that some set of units falls in
    (units that are groups of both versions), each with one such set, at most four
    units. With the same tree every context pairs with itself; a group moved, added or
    removed can give the same units different contexts (units in two branches of the
    old parent, at one group of the new), and those pairs are here too.

    A set of units is in context ``(A, own)`` when A is among them and the others lie in
    one branch below A, and in ``(A, multi)`` when they lie below A in two or more of
    its branches; a subset that keeps A (own), or keeps two branches (multi), stays in
    it. So a pair that some set falls in, one of at most four units falls in too, and
    each is found from the units below A in the old tree and below B in the new one,
    grouped by the branches they lie in (:class:`_Meeting`). The pairs and their units
    do not depend on which version is called old (``diff(b, a)`` mirrors ``diff(a,
    b)``) nor on the order of the groups in the file.
    """
    if _shape(old) > _shape(new):
        return tuple((b, a, units) for a, b, units in joint_contexts(new, old))
    ids = {g.id for g in new.groups}
    chains = {  # up to a root above the roots (units in two trees: as if no units)
        g.id: ([g.id, *old.ancestors(g.id), _ABOVE], [g.id, *new.ancestors(g.id), _ABOVE])
        for g in old.groups
        if g.id in ids
    }
    meetings: dict[tuple[str, str], _Meeting] = {}
    for unit in sorted(chains, key=lambda u: (len(chains[u][0]) + len(chains[u][1]), u)):
        up_old, up_new = chains[unit]
        for i, a in enumerate(up_old):
            below_a = up_old[i - 1] if i else None
            for j, b in enumerate(up_new):
                meeting = meetings.get((a, b))
                if meeting is None:
                    meeting = meetings[(a, b)] = _Meeting(a, b)
                meeting.units.append((unit, below_a, up_new[j - 1] if j else None))
    found: list[JointContext] = [((None, None), (None, None), ())]
    for meeting in meetings.values():
        for before, after, units in meeting.pairs():
            pair = (_nowhere(before), _nowhere(after), units)
            if pair[:2] != ((None, None), (None, None)):  # that one names no units
                found.append(pair)
    return tuple(sorted(found, key=_pair_order))


#: Above every root: units that lie in two trees (no group holds them all) route as a
#: matter that names no units does (no own or multi clause can match).
_ABOVE = ""


def _nowhere(context: Context) -> Context:
    return (None, None) if context[0] == _ABOVE else context


def _shape(org: Organization) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((g.id, g.parent or "") for g in org.groups))


def _pair_order(pair: JointContext) -> tuple[str, str, str, str]:
    (a, s), (b, t), _ = pair
    return (a or "", str(s or ""), b or "", str(t or ""))


#: A unit below a meeting's old and new group: its id, and its branch of each (None: it
#: is that group).
_Unit = tuple[str, str | None, str | None]


@attrs.define
class _Meeting:
    """The units that lie below ``a`` (or are ``a``) in the old tree and below ``b`` in
    the new one: each with the branch of ``a`` and of ``b`` it lies in (None: it is
    ``a``, or ``b``), in the order they were met."""

    a: str
    b: str
    units: list[_Unit] = attrs.Factory(list)

    def pairs(self) -> Iterator[JointContext]:
        a, b, units = self.a, self.b, self.units
        at_a = next((u for u in units if u[0] == a), None)
        at_b = next((u for u in units if u[0] == b), None)
        if at_a is not None and at_b is not None:  # a above b before, b above a after
            yield (a, Span.OWN), (b, Span.OWN), tuple(sorted({a, b}))
        olds = _spread(units, 1)
        news = _spread(units, 2)
        if len(olds) >= 2 and len(news) >= 2:
            yield (a, Span.MULTI), (b, Span.MULTI), _covering([], units, (1, 2))
        if at_a is not None:  # a, and units in one of its old branches: in two new ones
            for inside in _by_branch(units, 1).values():
                if len(_spread([at_a, *inside], 2)) >= 2:
                    yield (a, Span.OWN), (b, Span.MULTI), _covering([at_a], inside, (2,))
                    break
        if at_b is not None:
            for inside in _by_branch(units, 2).values():
                if len(_spread([at_b, *inside], 1)) >= 2:
                    yield (a, Span.MULTI), (b, Span.OWN), _covering([at_b], inside, (1,))
                    break


def _by_branch(units: list[_Unit], side: int) -> dict[str, list[_Unit]]:
    out: dict[str, list[_Unit]] = {}
    for unit in units:
        branch = unit[side]
        if branch is not None:
            out.setdefault(branch, []).append(unit)
    return out


def _spread(units: list[_Unit], side: int) -> dict[str, str]:
    """The branches (old: ``side`` 1, new: 2) the units lie in, each with its first unit."""
    out: dict[str, str] = {}
    for unit in units:
        branch = unit[side]
        if branch is not None and branch not in out:
            out[branch] = unit[0]
    return out


def _covering(
    start: list[_Unit],
    units: list[_Unit],
    sides: tuple[int, ...],
) -> tuple[str, ...]:
    """``start`` and the first of ``units`` that make them lie in two branches on each
    of ``sides`` (1: the old tree's, 2: the new one's)."""
    chosen = list(start)
    for side in sides:
        for unit in units:
            reached = _spread(chosen, side)
            if len(reached) >= 2:
                break
            if unit[side] is not None and unit[side] not in reached:
                chosen.append(unit)
    return tuple(sorted({u[0] for u in chosen}))


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


def _amounts(org: Organization) -> tuple[Any, ...]:
    """What decides every outcome beside the clauses and the tree."""
    return (org.resolution, tuple(sorted((b.year, b.amount) for b in org.base_amounts)))


def _moved(old: Organization, new: Organization) -> frozenset[str]:
    """The groups of one version only, and those whose chain of parents differs (not
    their order in the file)."""
    ids = {g.id for g in old.groups} ^ {g.id for g in new.groups}
    for group in old.groups:
        if new.has_group(group.id) and list(old.ancestors(group.id)) != list(
            new.ancestors(group.id)
        ):
            ids.add(group.id)
    return frozenset(ids)


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
@attrs.define
class _Side:
    """One version's cells of one context, indexed for lookups."""

    org: Organization
    years: list[int | None]
    none: dict[tuple[int | None, frozenset[str]], Cell]
    lows: dict[tuple[int | None, frozenset[str]], tuple[list[Decimal], list[Cell]]]
    mentioned: frozenset[str]

    @classmethod
    def of(cls, org: Organization, found: Sequence[Cell]) -> _Side:
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


def _decided(
    org: Organization, cell: Cell, rename: dict[str, str], memo: dict[Any, Decided], side: int
) -> Decided:
    """How ``cell`` (of its class's first context) is decided in a context whose groups
    are its groups renamed by ``rename``."""
    home = rename.get(cell.home, cell.home) if cell.home is not None else None
    clause = cell.clause
    if clause is not None and clause.group in rename:
        clause = ClauseRef(rename[clause.group], clause.kind, clause.clause)
    homes = tuple(rename.get(h, h) for h in cell.homes)
    key = (side, home, clause, homes)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _decide(org, home, clause, homes)
    return found


def _decide(
    org: Organization, home: str | None, clause: ClauseRef | None, homes: tuple[str, ...]
) -> Decided:
    order = _positions(org)
    homes = tuple(sorted(homes, key=order.__getitem__))
    if home is None:
        status = "ambiguous" if len(homes) > 1 else "gap"
        return Decided(status, None, None, None, homes, None)
    role = None
    if clause is not None:
        group = org.group(clause.group)
        role = next(c.decided_by for c in group.mandate.handles if c.id == clause.clause)
    return Decided("home", home, role, holder(org, home, role), homes, clause)


def _compare(
    sides: tuple[tuple[_Side, dict[str, str]], tuple[_Side, dict[str, str]]],
    key: tuple[str, Context, Context, tuple[str, ...]],
    known: frozenset[str],
    memo: dict[Any, Decided],
) -> tuple[int, list[OutcomeChange]]:
    """The refined cells of one category in one pair of unit contexts (each version's
    cells, and the renaming of their groups for this context); the flags are those
    ``known`` to both versions (a matter with another flag cannot be routed in the
    version that lacks it: that flag is a structural change)."""
    category, (where, span), (where_after, span_after), units = key
    (a, rename_a), (b, rename_b) = sides
    old, new = a.org, b.org
    if a.years == [None] and b.years == [None]:
        years: list[int | None] = [None]
    else:
        years = [*sorted({y for y in (*a.years, *b.years) if y is not None})]
    mentioned = (a.mentioned | b.mentioned) & known
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
                was = _decided(old, a.cell(year, flags, amount.low), rename_a, memo, 0)
                now = _decided(new, b.cell(year, flags, amount.low), rename_b, memo, 1)
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
                    category, where, span, where_after, span_after, units, year, (amount,),
                    flags, mentioned, was, now, witness,
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

    defaults = {f.name: f.default for f in attrs.fields(ScopeClause)}  # the file omits them

    def text(data: dict[str, Any] | None) -> str | None:
        if data is None:
            return None
        return ", ".join(f"{k} = {_toml_value(data.get(k, defaults[k]))}" for k in keys)

    return text(a), text(b)


def _toml_value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | frozenset):
        return "[" + ", ".join(_toml_value(v) for v in sorted(value)) + "]"
    if isinstance(value, bool):
        return str(value).lower()
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
