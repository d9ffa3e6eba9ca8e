"""Exact coverage analysis: every possible matter has exactly one home, or a witness says
where it does not.

The matter space is partitioned into cells that no rule can tell apart, and every cell
is decided (no sampling):

- each **category**;
- each **unit context**: no units; and for every group L, "units at L or in one branch
  below it" and (with two or more children) "units in two of L's branches". Contexts
  under which the same clauses are active are merged, keeping one witness;
- each **year class**, when a clause counts in base amounts (one per listed year);
- each **amount interval** cut at every bound of the active clauses, plus "no amount"
  (a clause bound is half-open ``[min, max)``, so an interval's lower end stands for it);
- each **combination of the flags** the active clauses mention.

A cell is represented by a concrete :class:`~mgovern.model.Matter`, routed with the
same functions :func:`mgovern.route` uses; every finding carries that witness.

Why one module of 962 lines: the exact partition and its evaluation in worker processes are
one algorithm; the findings and their witnesses are its result types.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from attrs import frozen

from mgovern._util.processes import WorkerError, default_processes, pool
from mgovern.history import History, in_force
from mgovern.model import AmountUnit, Matter, Organization, ScopeClause, Span
from mgovern.rules.scope import Candidate, ClauseRef, _scope_index, candidate, resolve

__all__ = [
    "FAN_OUT_FROM",
    "AmountRange",
    "Cell",
    "CellClass",
    "DeadClause",
    "Gap",
    "Overlap",
    "Progress",
    "Report",
    "cell_classes",
    "cells",
    "check",
    "fan_out",
    "renamed",
    "workers",
]

_T = TypeVar("_T")
_R = TypeVar("_R")


@frozen
class AmountRange:
    """``[low, high)`` in currency (None: unbounded); ``low`` None and ``high`` None with
    ``none=True`` means "no amount given"."""

    low: Decimal | None
    high: Decimal | None
    none: bool = False

    def __str__(self) -> str:
        if self.none:
            return "no amount"
        low = f"{self.low:f}" if self.low is not None else "0"
        high = f"{self.high:f}" if self.high is not None else "∞"
        return f"[{low}, {high})"


@frozen
class Gap:
    """Matters no group's mandate takes."""

    category: str
    units: tuple[str, ...]
    flags: frozenset[str]
    year: int | None
    amounts: tuple[AmountRange, ...]
    witness: Matter
    excluded_by: tuple[ClauseRef, ...]  # clauses that removed a would-be home
    caught_by: ClauseRef | None  # the fallback clause that takes these matters, if one does


@frozen
class Overlap:
    """Matters with several homes; ``resolved`` when the organisation's resolution picks
    one (``lowest`` on one chain) and the matter is ``ambiguous`` otherwise."""

    category: str
    homes: tuple[str, ...]
    winner: str | None
    clauses: tuple[ClauseRef, ...]
    witness: Matter
    cells: int

    @property
    def resolved(self) -> bool:
        return self.winner is not None


@frozen
class DeadClause:
    """A clause that never decides any matter; the witness (if any) is a matter it
    matches that another clause decides."""

    clause: ClauseRef
    witness: Matter | None
    decided_instead_by: ClauseRef | None


@frozen
class Report:
    """What :func:`check` found. ``gaps`` are matters with **no home** (the organisation
    must fix them); ``fallback_only`` are matters that only a fallback (catch-all) clause
    takes — they have a home, but perhaps not the one meant. ``str(report)`` is a short
    summary a person can read."""

    gaps: tuple[Gap, ...]
    fallback_only: tuple[Gap, ...]
    overlaps: tuple[Overlap, ...]
    dead_clauses: tuple[DeadClause, ...]
    cells: int

    @property
    def ambiguous(self) -> tuple[Overlap, ...]:
        return tuple(o for o in self.overlaps if not o.resolved)

    @property
    def open_gaps(self) -> tuple[Gap, ...]:
        """The same as :attr:`gaps` (kept for code written against mgovern 0.1)."""
        return self.gaps

    @property
    def ok(self) -> bool:
        """No gap and no unresolved overlap: every matter has exactly one home."""
        return not self.gaps and not self.ambiguous

    def __str__(self) -> str:
        resolved = len(self.overlaps) - len(self.ambiguous)
        lines = [
            f"{'ok' if self.ok else 'NOT ok'}: {self.cells} cells of the matter space decided",
            f"gaps (no home): {len(self.gaps)}",
            f"ambiguous (several homes): {len(self.ambiguous)}",
            f"overlaps resolved by the lowest group: {resolved}",
            f"taken only by a fallback clause: {len(self.fallback_only)}",
            f"dead clauses: {len(self.dead_clauses)}",
        ]
        for gap in self.gaps[:5]:
            lines.append(f"  GAP {gap.category} {', '.join(map(str, gap.amounts))}")
        for overlap in self.ambiguous[:5]:
            lines.append(f"  AMBIGUOUS {overlap.category} homes {', '.join(overlap.homes)}")
        for dead in self.dead_clauses[:5]:
            lines.append(f"  DEAD {dead.clause}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Report(ok={self.ok}, cells={self.cells}, gaps={len(self.gaps)}, "
            f"fallback_only={len(self.fallback_only)}, overlaps={len(self.overlaps)}, "
            f"ambiguous={len(self.ambiguous)}, dead_clauses={len(self.dead_clauses)})"
        )


# --- unit contexts ----------------------------------------------------------------------
@frozen
class _Context:
    units: tuple[str, ...]
    chain: tuple[str, ...]  # the groups holding every unit, lowest first
    spans: dict[str, Span]  # group -> span of the units there (absent: units not inside)


def _contexts(org: Organization) -> Iterator[_Context]:
    yield _Context((), (), {})
    for group in org.groups:
        chain = (group.id, *org.ancestors(group.id))
        yield _Context((group.id,), chain, dict.fromkeys(chain, Span.OWN))
        children = org.children(group.id)
        if len(children) >= 2:
            spans = dict.fromkeys(chain, Span.OWN)
            spans[group.id] = Span.MULTI
            yield _Context(children[:2], chain, spans)


def _where_span(context: _Context) -> tuple[str | None, Span | None]:
    """Where the context's units meet, and their span there (None, None: no units)."""
    where = context.chain[0] if context.chain else None
    return where, context.spans.get(where) if where is not None else None


def _contexts_of(org: Organization) -> list[_Context]:
    found: list[_Context] | None = org._memo.get("coverage.contexts")
    if found is None:
        found = org._memo["coverage.contexts"] = list(_contexts(org))
    return found


def _active(clause: ScopeClause, span: Span | None) -> bool:
    return clause.span is Span.ANY or clause.span is span


# --- the analysis -----------------------------------------------------------------------
def _bounds(org: Organization, clause: ScopeClause, year: int | None) -> list[Decimal]:
    factor = org.base_amount(year) if clause.amount_unit is AmountUnit.BASE else Decimal(1)
    return [b * factor for b in (clause.amount_min, clause.amount_max) if b is not None]


def _flag_sets(flags: set[str]) -> Iterator[frozenset[str]]:
    ordered = sorted(flags)
    for size in range(len(ordered) + 1):
        for combo in itertools.combinations(ordered, size):
            yield frozenset(combo)


_GapKey = tuple[str, tuple[str, ...], frozenset[str], "int | None", "ClauseRef | None"]
_OverlapKey = tuple[str, tuple[str, ...], "str | None", tuple[ClauseRef, ...]]


@attrs.define
class _GapCells:
    witness: Matter
    ranges: list[AmountRange] = attrs.Factory(list)
    excluded: set[ClauseRef] = attrs.Factory(set)


@attrs.define
class _OverlapCells:
    witness: Matter
    count: int = 0


@attrs.define
class _Accumulator:
    """What the cells of one class of unit contexts (or of the whole space) produced."""

    gaps: dict[_GapKey, _GapCells] = attrs.Factory(dict)
    overlaps: dict[_OverlapKey, _OverlapCells] = attrs.Factory(dict)
    deciding: set[ClauseRef] = attrs.Factory(set)
    excluding: set[ClauseRef] = attrs.Factory(set)
    matched_elsewhere: dict[ClauseRef, tuple[Matter, ClauseRef | None]] = attrs.Factory(dict)
    # a carried witness's own units, put in only if the clause turns out dead (most don't)
    witness_units: dict[ClauseRef, tuple[str, ...]] = attrs.Factory(dict)


def _role(org: Organization, context: _Context, group_id: str) -> tuple[object, ...]:
    """A group's place relative to a unit context: its distance up the chain, or (off the
    chain) its identity and which chain positions are its ancestors."""
    if group_id in context.spans:
        return ("chain", context.chain.index(group_id))
    above = set(org.ancestors(group_id))
    return ("fixed", group_id, tuple(i for i, g in enumerate(context.chain) if g in above))


#: From this much work on (groups × categories) :func:`check` and :func:`mgovern.diff`
#: may fan out to several processes. Measured on the synthetic organisations on two
#: cores: with the second core free, two processes take about 0.6 of the time from 50
#: groups × 43 categories on (starting them costs some 30 ms), but with the core busy
#: they gain little or lose a little; from 8,000 pairs (~190 × 43) check takes a second
#: or more, where the gain is worth that risk (docs/scope.md).
FAN_OUT_FROM = 8_000

#: ``(label, done, total)``: told how far a long run has come (e.g. categories decided).
Progress = Callable[[str, int, int], None]


def workers(jobs: int | None, parts: int, size: int) -> int:
    """How many processes to share ``parts`` independent parts among, whose work is
    ``size`` (group × category pairs to decide): 1 (no process started) when ``jobs`` is
    1, there is one part, or the work is too small to gain (:data:`FAN_OUT_FROM`); else
    ``jobs``, at most one per part. ``jobs=None``: this one and one more for each CPU
    that the load average shows idle (up to the CPUs this process may use): on a machine
    whose cores are busy, more processes only share the same cores, and lose."""
    if jobs == 1 or parts < 2 or size < FAN_OUT_FROM:
        return 1
    if jobs is None:
        jobs = default_processes()
    return max(1, min(jobs, parts))


def fan_out(
    work: Callable[[_T], _R],
    parts: Sequence[_T],
    *,
    here: Callable[[_T], _R],
    processes: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    progress: Progress | None = None,
    label: str = "",
) -> list[_R]:
    """``[here(p) for p in parts]``, shared among this process and ``processes - 1``
    workers (each set up once by ``initializer(*initargs)``, then ``work(p)`` computes
    what ``here(p)`` does): the workers take the parts from the front, this process from
    the back, until they meet. The results come in the order of ``parts``, whoever
    computed them; ``progress`` is told (in this thread) how many parts are done. A
    worker that dies (killed, out of memory) is a :class:`~mgovern._util.processes.WorkerError`.
    """
    from concurrent.futures import wait

    results: dict[int, _R] = {}
    try:
        with pool(processes - 1, initializer=initializer, initargs=initargs) as workers:
            futures = [workers.submit(work, part) for part in parts]

            def tell() -> None:
                if progress is not None:
                    done = len(results) + sum(1 for f in futures if f.done() and not f.cancelled())
                    progress(label, done, len(parts))

            try:
                for i in reversed(range(len(parts))):
                    if not futures[i].cancel():
                        break  # a worker has it, and every part before it
                    results[i] = here(parts[i])
                    tell()
                pending = {f for f in futures if not f.cancelled()}
                while pending:
                    _, pending = wait(pending, return_when="FIRST_COMPLETED")
                    tell()
                for i, future in enumerate(futures):
                    if not future.cancelled():
                        results[i] = future.result()
            except BaseException:
                for future in futures:  # a failure (or Ctrl-C) leaves no queued work
                    future.cancel()
                raise
    except BrokenProcessPool:
        raise WorkerError from None
    return [results[i] for i in range(len(parts))]


def check(
    org: Organization | History,
    *,
    on: dt.date | None = None,
    jobs: int | None = 1,
    progress: Progress | None = None,
) -> Report:
    """Decide every cell of the matter space; report gaps, overlaps and dead clauses.

    ``org`` may be a :class:`~mgovern.history.History`: its rules in force ``on`` that
    day (default today) are checked.

    Unit contexts whose active groups have the same clauses in the same places relative to
    each other (e.g. sibling units under one delegation order) are decided once and the
    findings carried over to each of them, with their own groups and witnesses.

    Each category is decided on its own; with ``jobs`` other than 1 (None: as many as
    there are CPUs) the categories are shared out among that many processes when the
    organisation is large enough to gain (:func:`workers`), and put back together in
    their order: the report is the same, only sooner. ``progress`` is told how many
    categories are decided.
    """
    org = in_force(org, on)
    categories = [c.id for c in org.categories]
    processes = workers(jobs, len(categories), len(org.groups) * len(categories))
    refs: dict[tuple[str, str, str], ClauseRef] = {}
    if processes > 1:
        _contexts_of(org), _scope_index(org)  # built once, before a fork shares them
        sent = fan_out(
            _check_category,
            categories,
            here=lambda category: _category_part(org, category, refs),
            processes=processes,
            initializer=_set_checked,
            initargs=(org,),
            progress=progress,
            label="checking categories",
        )
        parts = [one if isinstance(one, _Part) else _received(one, refs) for one in sent]
    else:
        parts = []
        for category in categories:
            parts.append(_category_part(org, category, refs))
            if progress is not None:
                progress("checking categories", len(parts), len(categories))
    deciding: set[ClauseRef] = set()
    excluding: set[ClauseRef] = set()
    matched_elsewhere: dict[ClauseRef, tuple[Matter, ClauseRef | None]] = {}
    for part in parts:
        deciding |= part.deciding
        excluding |= part.excluding
        for ref, found in part.matched_elsewhere.items():
            matched_elsewhere.setdefault(ref, found)
    every_gap = [g for part in parts for g in part.gaps]
    return Report(
        gaps=tuple(g for g in every_gap if g.caught_by is None),
        fallback_only=tuple(g for g in every_gap if g.caught_by is not None),
        overlaps=tuple(o for part in parts for o in part.overlaps),
        dead_clauses=tuple(_dead(org, deciding, excluding, matched_elsewhere)),
        cells=sum(part.cells for part in parts),
    )


@frozen
class _Part:
    """What one category's cells produced, in the order the cells were decided (what
    the report needs of it, small enough to send back from a worker process)."""

    gaps: tuple[Gap, ...]
    overlaps: tuple[Overlap, ...]
    deciding: frozenset[ClauseRef]
    excluding: frozenset[ClauseRef]
    # a matched clause's first witness, where this category does not show it deciding
    matched_elsewhere: dict[ClauseRef, tuple[Matter, ClauseRef | None]]
    cells: int


# the organisation a worker process checks, and its renamed clauses
_CHECKED: tuple[Organization, dict[tuple[str, str, str], ClauseRef]] | None = None


def _set_checked(org: Organization) -> None:
    global _CHECKED
    _CHECKED = (org, {})


def _check_category(category: str) -> _Part | _Sent:
    assert _CHECKED is not None
    return _send(_category_part(_CHECKED[0], category, _CHECKED[1]))


_Key = tuple[str, str, str]  # a ClauseRef as plain data
#: A part as a worker sends it back: its clause refs as plain tuples, which pickle and
#: unpickle in C (most of a part's objects are refs, and the receiver has them already).
_Sent = tuple[
    tuple[tuple[Any, ...], ...],  # gaps
    tuple[tuple[Any, ...], ...],  # overlaps
    tuple[_Key, ...],  # deciding
    tuple[_Key, ...],  # excluding
    tuple[tuple[_Key, Matter, "_Key | None"], ...],  # matched elsewhere
    int,  # cells
]


def _key(ref: ClauseRef) -> _Key:
    return (ref.group, ref.kind, ref.clause)


def _send(part: _Part) -> _Sent:
    return (
        tuple(
            (
                *(g.category, g.units, g.flags, g.year, g.amounts, g.witness),
                tuple(map(_key, g.excluded_by)),
                _key(g.caught_by) if g.caught_by is not None else None,
            )
            for g in part.gaps
        ),
        tuple(
            (o.category, o.homes, o.winner, tuple(map(_key, o.clauses)), o.witness, o.cells)
            for o in part.overlaps
        ),
        tuple(map(_key, part.deciding)),
        tuple(map(_key, part.excluding)),
        tuple(
            (_key(ref), witness, _key(instead) if instead is not None else None)
            for ref, (witness, instead) in part.matched_elsewhere.items()
        ),
        part.cells,
    )


def _received(sent: _Sent, refs: dict[_Key, ClauseRef]) -> _Part:
    """A part as it was before :func:`_send`, its refs those of ``refs``."""

    def ref(key: _Key) -> ClauseRef:
        found = refs.get(key)
        if found is None:
            found = refs[key] = ClauseRef(*key)
        return found

    gaps, overlaps, deciding, excluding, matched, cells = sent
    return _Part(
        gaps=tuple(
            Gap(c, u, f, y, a, w, tuple(map(ref, x)), ref(by) if by is not None else None)
            for c, u, f, y, a, w, x, by in gaps
        ),
        overlaps=tuple(
            Overlap(c, h, w, tuple(map(ref, cl)), m, n) for c, h, w, cl, m, n in overlaps
        ),
        deciding=frozenset(map(ref, deciding)),
        excluding=frozenset(map(ref, excluding)),
        matched_elsewhere={ref(k): (w, ref(i) if i is not None else None) for k, w, i in matched},
        cells=cells,
    )


def _category_part(
    org: Organization, category: str, refs: dict[tuple[str, str, str], ClauseRef]
) -> _Part:
    """Decide every cell of one category (``refs`` as for :func:`_carry`)."""
    total = _Accumulator()
    cells = 0
    contexts = _contexts_of(org)
    years_listed = sorted((b.year for b in org.base_amounts), reverse=True)

    index = _scope_index(org)
    position = {g.id: i for i, g in enumerate(org.groups)}
    takers = index.categories[category]
    functional = sorted(takers.functional, key=position.__getitem__)
    # Off the chain a group's units-scoped clauses never apply: only its functional ones.
    off_chain: dict[str, list[ScopeClause]] = {}
    for gid in functional:
        found = index.rules_for(gid, category)
        assert found is not None
        off_chain[gid] = [
            c for c in (*found.handles, *found.fallback, *found.excludes) if _active(c, None)
        ]
    classes: dict[tuple[object, ...], list[tuple[_Context, dict[str, str]]]] = {}
    representatives: dict[tuple[object, ...], list[tuple[str, Span | None, list[ScopeClause]]]]
    representatives = {}
    for context in contexts:
        active: list[tuple[str, Span | None, list[ScopeClause]]] = []
        for gid in context.chain:
            if gid not in takers.groups:
                continue
            span = context.spans[gid]
            group_rules = index.rules_for(gid, category)
            assert group_rules is not None
            clauses = [
                c
                for c in (*group_rules.handles, *group_rules.fallback, *group_rules.excludes)
                if _active(c, span)
            ]
            if any(
                c.span is Span.ANY or c.span is span
                for c in (*group_rules.handles, *group_rules.fallback)
            ):
                active.append((gid, span, clauses))
        active.extend((gid, None, off_chain[gid]) for gid in functional if gid not in context.spans)
        roles = [_role(org, context, gid) for gid, _, _ in active]
        key = tuple(
            (role, span, tuple(clauses))
            for role, (_, span, clauses) in zip(roles, active, strict=True)
        )
        members = classes.setdefault(key, [])
        if not members:
            representatives[key] = active
        members.append(
            (context, {str(r): gid for r, (gid, _, _) in zip(roles, active, strict=True)})
        )
    for class_key, class_members in classes.items():
        local = _Accumulator()
        rep_context, rep_roles = class_members[0]
        decided = _decide(
            org, category, rep_context, representatives[class_key], years_listed, local
        )
        cells += decided * len(class_members)  # cells covered, each class decided once
        for member, member_roles in class_members:
            rename = {rep_roles[role]: gid for role, gid in member_roles.items()}
            _carry(local, total, rename, rep_context.units, member.units, refs)
    return _Part(
        gaps=tuple(_gap(key, value) for key, value in total.gaps.items()),
        overlaps=tuple(
            Overlap(key[0], key[1], key[2], key[3], value.witness, value.count)
            for key, value in total.overlaps.items()
        ),
        deciding=frozenset(total.deciding),
        excluding=frozenset(total.excluding),
        matched_elsewhere={
            ref: (_with_units(witness, total.witness_units.get(ref)), instead)
            for ref, (witness, instead) in total.matched_elsewhere.items()
            if ref not in total.deciding
        },
        cells=cells,
    )


def _decide(
    org: Organization,
    category: str,
    context: _Context,
    active: list[tuple[str, Span | None, list[ScopeClause]]],
    years_listed: list[int],
    into: _Accumulator,
) -> int:
    """Decide every cell of one unit context; the number of cells."""
    cells = 0
    all_clauses = [c for _, _, cl in active for c in cl]
    flags = {f for c in all_clauses for f in (*c.flags_required, *c.flags_forbidden)}
    uses_base = any(c.amount_unit is AmountUnit.BASE and c.has_amount_range for c in all_clauses)
    years: list[int | None] = list(years_listed) if uses_base else [None]
    for year in years:
        points = sorted({Decimal(0)} | {b for c in all_clauses for b in _bounds(org, c, year)})
        amounts: list[tuple[Decimal | None, Decimal | None, bool]] = [(None, None, True)]
        amounts += [
            (p, points[i + 1] if i + 1 < len(points) else None, False) for i, p in enumerate(points)
        ]
        for flag_set in _flag_sets(flags):
            for low, high, no_amount in amounts:
                cells += 1
                matter = Matter(
                    category,
                    amount=None if no_amount else low,
                    units=context.units,
                    flags=flag_set,
                    year=year,
                )
                found = [
                    cand
                    for gid, span, _ in active
                    if (cand := candidate(org, gid, matter, span)) is not None
                ]
                caught = []
                if not any(c.is_home for c in found):
                    caught = [
                        cand
                        for gid, span, _ in active
                        if (cand := candidate(org, gid, matter, span, fallback=True)) is not None
                    ]
                _record(org, matter, found, caught, AmountRange(low, high, no_amount), into)
    return cells


def _with_units(witness: Matter, units: tuple[str, ...] | None) -> Matter:
    return witness if units is None else attrs.evolve(witness, units=units)


def _carry(
    local: _Accumulator,
    total: _Accumulator,
    rename: dict[str, str],
    rep_units: tuple[str, ...],
    units: tuple[str, ...],
    refs: dict[tuple[str, str, str], ClauseRef],
) -> None:
    """Carry one context class's findings over to one of its contexts. ``refs``: each
    renamed clause once (shared by every category, so their sets hold no copies)."""

    def ref(clause: ClauseRef | None) -> ClauseRef | None:
        if clause is None:
            return None
        key = (rename.get(clause.group, clause.group), clause.kind, clause.clause)
        found = refs.get(key)
        if found is None:
            found = refs[key] = ClauseRef(*key)
        return found

    def matter(witness: Matter) -> Matter:
        return witness if units == rep_units else attrs.evolve(witness, units=units)

    for gap_of, gap in local.gaps.items():
        category, _, flags, year, caught_by = gap_of
        gap_key: _GapKey = (category, units, flags, year, ref(caught_by))
        into = total.gaps.setdefault(gap_key, _GapCells(matter(gap.witness)))
        into.ranges.extend(gap.ranges)
        into.excluded.update(r for c in gap.excluded if (r := ref(c)) is not None)
    for overlap_of, overlap in local.overlaps.items():
        category, homes, winner, clauses = overlap_of
        overlap_key: _OverlapKey = (
            category,
            tuple(sorted(rename.get(h, h) for h in homes)),
            rename.get(winner, winner) if winner is not None else None,
            tuple(sorted(r for c in clauses if (r := ref(c)) is not None)),
        )
        cells = total.overlaps.setdefault(overlap_key, _OverlapCells(matter(overlap.witness)))
        cells.count += overlap.count
    total.deciding.update(r for c in local.deciding if (r := ref(c)) is not None)
    total.excluding.update(r for c in local.excluding if (r := ref(c)) is not None)
    for clause, (witness, instead) in local.matched_elsewhere.items():
        renamed = ref(clause)
        if renamed is not None and renamed not in total.matched_elsewhere:
            total.matched_elsewhere[renamed] = (witness, ref(instead))
            if units != rep_units:
                total.witness_units[renamed] = units


def _record(
    org: Organization,
    matter: Matter,
    found: list[Candidate],
    caught: list[Candidate],
    amount: AmountRange,
    into: _Accumulator,
) -> None:
    home_ids = [c.group for c in found if c.is_home]
    for cand in found:
        into.excluding.update(cand.excluded_by)
    winner = resolve(org, home_ids)
    by_group = {c.group: c for c in found}
    decided = by_group[winner].deciding if winner is not None else None
    if decided is not None:
        into.deciding.add(decided)
    for cand in found:
        for ref in cand.matched:
            if ref != decided and ref not in into.matched_elsewhere:
                into.matched_elsewhere[ref] = (matter, decided)
    if not home_ids:
        catcher = resolve(org, [c.group for c in caught if c.is_home])
        caught_by = next((c.deciding for c in caught if c.group == catcher), None)
        if caught_by is not None:
            into.deciding.add(caught_by)
        into.excluding.update(ref for c in caught for ref in c.excluded_by)
        key: _GapKey = (matter.category, matter.units, matter.flags, matter.year, caught_by)
        gap = into.gaps.setdefault(key, _GapCells(matter))
        gap.ranges.append(amount)
        gap.excluded.update(ref for c in found for ref in c.excluded_by)
    elif len(home_ids) > 1:
        homes = tuple(sorted(home_ids))
        clauses = tuple(sorted(r for g in home_ids if (r := by_group[g].deciding) is not None))
        overlap_key: _OverlapKey = (matter.category, homes, winner, clauses)
        into.overlaps.setdefault(overlap_key, _OverlapCells(matter)).count += 1


def _merge(ranges: list[AmountRange]) -> tuple[AmountRange, ...]:
    merged: list[AmountRange] = []
    for r in ranges:
        if merged and not r.none and not merged[-1].none and merged[-1].high == r.low:
            merged[-1] = AmountRange(merged[-1].low, r.high)
        else:
            merged.append(r)
    return tuple(merged)


def _gap(key: _GapKey, cells: _GapCells) -> Gap:
    category, units, flags, year, caught_by = key
    return Gap(
        category=category,
        units=units,
        flags=flags,
        year=year,
        amounts=_merge(cells.ranges),
        witness=cells.witness,
        excluded_by=tuple(sorted(cells.excluded)),
        caught_by=caught_by,
    )


def _dead(
    org: Organization,
    deciding: set[ClauseRef],
    excluding: set[ClauseRef],
    matched_elsewhere: dict[ClauseRef, tuple[Matter, ClauseRef | None]],
) -> Iterator[DeadClause]:
    for group in org.groups:
        for clause in group.mandate.handles:
            ref = ClauseRef(group.id, "handles", clause.id)
            if ref not in deciding:
                witness, instead = matched_elsewhere.get(ref, (None, None))
                yield DeadClause(ref, witness, instead)
        for clause in group.mandate.excludes:
            ref = ClauseRef(group.id, "excludes", clause.id)
            if ref not in excluding:
                yield DeadClause(ref, None, None)


# --- every cell, decided (for publishing the partition, e.g. as a lookup table) ----------
@frozen
class Cell:
    """One cell of :func:`check`'s partition and how it is decided.

    Every matter of ``category`` whose units meet at ``where`` with ``span`` there (no
    units: both None), whose amount lies in ``amounts``, whose base-amount year class is
    ``year`` (None: no clause counts in base amounts) and whose flags, cut down to
    ``mentioned``, are ``flags`` routes like ``witness``: to ``home`` (None: a gap, or
    ambiguous when ``homes`` has several) by ``clause``, whoever raised it.
    """

    category: str
    where: str | None
    span: Span | None
    year: int | None
    amounts: AmountRange
    flags: frozenset[str]
    mentioned: frozenset[str]
    witness: Matter
    homes: tuple[str, ...]
    home: str | None
    clause: ClauseRef | None
    excluded_by: tuple[ClauseRef, ...]
    reasons: tuple[ClauseRef, ...]  # as :attr:`mgovern.Routing.reasons` says them


#: Where a class's cells apply: ``(where, span, units, rename)``, see :class:`CellClass`.
CellContext = tuple[str | None, Span | None, tuple[str, ...], tuple[tuple[str, str], ...]]


@frozen
class CellClass:
    """Unit contexts that one category's rules cannot tell apart but by their groups.

    ``cells`` are decided for the first of ``contexts``; each context is ``(where, span,
    units, rename)``, and renaming the groups of those cells by ``rename`` (pairs of the
    first context's group and this context's) gives that context's cells
    (:func:`renamed`).
    """

    category: str
    cells: tuple[Cell, ...]
    contexts: tuple[CellContext, ...]


def cell_classes(
    org: Organization,
    *,
    years: tuple[int, ...] | None = None,
    categories: frozenset[str] | None = None,
    where: Collection[tuple[str | None, Span | None]] | None = None,
) -> Iterator[CellClass]:
    """:func:`check`'s partition, decided once per class of unit contexts (as ``check``
    decides it). ``years``: only these year classes (listed base-amount years);
    ``categories``: only these categories (default all); ``where``: only the unit
    contexts whose ``(where, span)`` is among these (default all)."""
    index = _scope_index(org)
    position = {g.id: i for i, g in enumerate(org.groups)}
    listed = sorted((b.year for b in org.base_amounts), reverse=True)
    wanted = [y for y in listed if years is None or y in years]
    contexts = _contexts_of(org)
    if where is not None:
        contexts = [c for c in contexts if _where_span(c) in where]
    for category in org.categories:
        if categories is not None and category.id not in categories:
            continue
        takers = index.categories[category.id]
        functional = sorted(takers.functional, key=position.__getitem__)
        classes: dict[tuple[object, ...], list[tuple[_Context, dict[str, str]]]] = {}
        representatives: dict[tuple[object, ...], list[tuple[str, Span | None, list[ScopeClause]]]]
        representatives = {}
        for context in contexts:
            active: list[tuple[str, Span | None, list[ScopeClause]]] = []
            for gid in (*context.chain, *(g for g in functional if g not in context.spans)):
                rules = index.rules_for(gid, category.id)
                if rules is None:
                    continue
                span = context.spans.get(gid)
                both = (*rules.handles, *rules.fallback)
                if any(_active(c, span) for c in both):
                    active.append(
                        (gid, span, [c for c in (*both, *rules.excludes) if _active(c, span)])
                    )
            roles = [_role(org, context, gid) for gid, _, _ in active]
            key: tuple[object, ...] = tuple(
                (role, span, tuple(cl)) for role, (_, span, cl) in zip(roles, active, strict=True)
            )
            members = classes.setdefault(key, [])
            if not members:
                representatives[key] = active
            members.append(
                (context, {str(r): gid for r, (gid, _, _) in zip(roles, active, strict=True)})
            )
        for key, members in classes.items():
            first, first_roles = members[0]
            decided = tuple(_cells_of(org, category.id, first, representatives[key], wanted))
            described = []
            for context, member_roles in members:
                rename = tuple(sorted((first_roles[r], g) for r, g in member_roles.items()))
                described.append((*_where_span(context), context.units, rename))
            yield CellClass(category.id, decided, tuple(described))


def renamed(org: Organization, cell: Cell, context: CellContext) -> Cell:
    """``cell`` (decided for its class's first context) for another ``context`` of
    :attr:`CellClass.contexts`."""
    where, span, units, pairs = context
    rename = dict(pairs)
    order = org._memo.get("coverage.order")
    if order is None:
        order = org._memo["coverage.order"] = {g.id: i for i, g in enumerate(org.groups)}

    def ref(r: ClauseRef) -> ClauseRef:
        return ClauseRef(rename.get(r.group, r.group), r.kind, r.clause)

    clause = ref(cell.clause) if cell.clause else None
    others = [ref(r) for r in cell.reasons if r.kind == "handles" and r != cell.clause]
    excluded = [ref(r) for r in cell.excluded_by]
    others.sort(key=lambda r: order[r.group])
    excluded.sort(key=lambda r: order[r.group])
    return attrs.evolve(
        cell,
        where=where,
        span=span,
        witness=attrs.evolve(cell.witness, units=units),
        homes=tuple(sorted((rename.get(h, h) for h in cell.homes), key=order.__getitem__)),
        home=rename.get(cell.home, cell.home) if cell.home else None,
        clause=clause,
        excluded_by=tuple(excluded),
        reasons=(*((clause,) if clause else ()), *others, *excluded),
    )


def cells(
    org: Organization,
    *,
    years: tuple[int, ...] | None = None,
    categories: frozenset[str] | None = None,
) -> Iterator[Cell]:
    """Every cell of the partition :func:`check` decides, one unit context at a time (none
    merged), with its witness and the routing of that witness. ``years``: only these
    year classes (listed base-amount years); default all. ``categories``: only these."""
    for found in cell_classes(org, years=years, categories=categories):
        for i, context in enumerate(found.contexts):
            for cell in found.cells:
                yield cell if i == 0 else renamed(org, cell, context)


def _cells_of(
    org: Organization,
    category: str,
    context: _Context,
    active: list[tuple[str, Span | None, list[ScopeClause]]],
    years_listed: list[int],
) -> Iterator[Cell]:
    all_clauses = [c for _, _, cl in active for c in cl]
    mentioned = frozenset(f for c in all_clauses for f in (*c.flags_required, *c.flags_forbidden))
    uses_base = any(c.amount_unit is AmountUnit.BASE and c.has_amount_range for c in all_clauses)
    years: list[int | None] = list(years_listed) if uses_base else [None]
    order = {g.id: i for i, g in enumerate(org.groups)}.__getitem__
    where = context.chain[0] if context.chain else None
    span = context.spans.get(where) if where is not None else None
    for year in years:
        points = sorted({Decimal(0)} | {b for c in all_clauses for b in _bounds(org, c, year)})
        amounts = [AmountRange(None, None, True)] + [
            AmountRange(p, points[i + 1] if i + 1 < len(points) else None)
            for i, p in enumerate(points)
        ]
        for flag_set in _flag_sets(set(mentioned)):
            for amount in amounts:
                matter = Matter(
                    category, amount=amount.low, units=context.units, flags=flag_set, year=year
                )
                found = [
                    cand
                    for gid, gspan, _ in active
                    if (cand := candidate(org, gid, matter, gspan)) is not None
                ]
                if not any(c.is_home for c in found):
                    caught = [
                        cand
                        for gid, gspan, _ in active
                        if (cand := candidate(org, gid, matter, gspan, fallback=True)) is not None
                    ]
                    if any(c.is_home for c in caught):
                        found = [*(c for c in found if not c.is_home), *caught]
                found.sort(key=lambda c: order(c.group))
                home_ids = tuple(c.group for c in found if c.is_home)
                home = resolve(org, home_ids)
                clause = next((c.deciding for c in found if c.group == home), None)
                excluded = tuple(r for c in found if c.deciding for r in c.excluded_by)
                others = tuple(
                    c.deciding for c in found if c.is_home and c.group != home and c.deciding
                )
                yield Cell(
                    category=category,
                    where=where,
                    span=span,
                    year=year,
                    amounts=amount,
                    flags=flag_set,
                    mentioned=mentioned,
                    witness=matter,
                    homes=home_ids,
                    home=home,
                    clause=clause,
                    excluded_by=excluded,
                    reasons=(*((clause,) if clause else ()), *others, *excluded),
                )
