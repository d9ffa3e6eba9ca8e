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
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal

from attrs import frozen

from mgovern.model import AmountUnit, Matter, Organization, ScopeClause, Span
from mgovern.scope import Candidate, ClauseRef, candidate, groups_for, resolve

__all__ = ["AmountRange", "DeadClause", "Gap", "Overlap", "Report", "check"]


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
    gaps: tuple[Gap, ...]
    overlaps: tuple[Overlap, ...]
    dead_clauses: tuple[DeadClause, ...]
    cells: int

    @property
    def ambiguous(self) -> tuple[Overlap, ...]:
        return tuple(o for o in self.overlaps if not o.resolved)

    @property
    def open_gaps(self) -> tuple[Gap, ...]:
        """Gaps no fallback clause catches: matters with no home at all."""
        return tuple(g for g in self.gaps if g.caught_by is None)

    @property
    def ok(self) -> bool:
        """No open gap and no unresolved overlap: every matter has exactly one home."""
        return not self.open_gaps and not self.ambiguous


# --- unit contexts ----------------------------------------------------------------------
@frozen
class _Context:
    units: tuple[str, ...]
    spans: dict[str, Span]  # group -> span of the units there (absent: units not inside)


def _contexts(org: Organization) -> Iterator[_Context]:
    yield _Context((), {})
    for group in org.groups:
        chain = [group.id, *org.ancestors(group.id)]
        yield _Context((group.id,), dict.fromkeys(chain, Span.OWN))
        children = org.children(group.id)
        if len(children) >= 2:
            spans = dict.fromkeys(chain, Span.OWN)
            spans[group.id] = Span.MULTI
            yield _Context(children[:2], spans)


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


def check(org: Organization) -> Report:
    """Decide every cell of the matter space; report gaps, overlaps and dead clauses."""
    gaps: dict[tuple[object, ...], list[object]] = {}
    overlaps: dict[tuple[object, ...], list[object]] = {}
    deciding: set[ClauseRef] = set()
    excluding: set[ClauseRef] = set()
    matched_elsewhere: dict[ClauseRef, tuple[Matter, ClauseRef | None]] = {}
    cells = 0
    contexts = list(_contexts(org))
    years_listed = sorted((b.year for b in org.base_amounts), reverse=True)

    for category in org.categories:
        relevant = groups_for(org, category.id)
        seen: set[tuple[object, ...]] = set()
        for context in contexts:
            active: list[tuple[str, Span | None, list[ScopeClause]]] = []
            for gid in relevant:
                span = context.spans.get(gid)
                mandate = org.group(gid).mandate
                clauses = [
                    c
                    for c in (*mandate.handles, *mandate.excludes)
                    if (not c.categories or category.id in c.categories) and _active(c, span)
                ]
                if any(c in mandate.handles for c in clauses):
                    active.append((gid, span, clauses))
            signature = tuple((gid, span, tuple(c.id for c in cl)) for gid, span, cl in active)
            if signature in seen:
                continue
            seen.add(signature)
            all_clauses = [c for _, _, cl in active for c in cl]
            flags = {f for c in all_clauses for f in (*c.flags_required, *c.flags_forbidden)}
            uses_base = any(
                c.amount_unit is AmountUnit.BASE and c.has_amount_range for c in all_clauses
            )
            years: list[int | None] = list(years_listed) if uses_base else [None]
            for year in years:
                points = sorted(
                    {Decimal(0)} | {b for c in all_clauses for b in _bounds(org, c, year)}
                )
                amounts: list[tuple[Decimal | None, Decimal | None, bool]] = [(None, None, True)]
                amounts += [
                    (p, points[i + 1] if i + 1 < len(points) else None, False)
                    for i, p in enumerate(points)
                ]
                for flag_set in _flag_sets(flags):
                    for low, high, no_amount in amounts:
                        cells += 1
                        matter = Matter(
                            category.id,
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
                                if (cand := candidate(org, gid, matter, span, fallback=True))
                                is not None
                            ]
                        _record(
                            org,
                            matter,
                            found,
                            caught,
                            AmountRange(low, high, no_amount),
                            gaps,
                            overlaps,
                            deciding,
                            excluding,
                            matched_elsewhere,
                        )

    return Report(
        gaps=tuple(_gap(key, value) for key, value in gaps.items()),
        overlaps=tuple(
            Overlap(key[0], key[1], key[2], key[3], witness, count)  # type: ignore[arg-type]
            for key, (witness, count) in overlaps.items()
        ),
        dead_clauses=tuple(_dead(org, deciding, excluding, matched_elsewhere)),
        cells=cells,
    )


def _record(
    org: Organization,
    matter: Matter,
    found: list[Candidate],
    caught: list[Candidate],
    amount: AmountRange,
    gaps: dict[tuple[object, ...], list[object]],
    overlaps: dict[tuple[object, ...], list[object]],
    deciding: set[ClauseRef],
    excluding: set[ClauseRef],
    matched_elsewhere: dict[ClauseRef, tuple[Matter, ClauseRef | None]],
) -> None:
    home_ids = [c.group for c in found if c.is_home]
    for cand in found:
        excluding.update(cand.excluded_by)
    winner = resolve(org, home_ids)
    by_group = {c.group: c for c in found}
    decided = by_group[winner].deciding if winner is not None else None
    if decided is not None:
        deciding.add(decided)
    for cand in found:
        for ref in cand.matched:
            if ref != decided and ref not in matched_elsewhere:
                matched_elsewhere[ref] = (matter, decided)
    if not home_ids:
        caught_ids = [c.group for c in caught if c.is_home]
        catcher = resolve(org, caught_ids)
        caught_by = None
        if catcher is not None:
            caught_by = next(c.deciding for c in caught if c.group == catcher)
            deciding.add(caught_by)  # type: ignore[arg-type]
        excluding.update(ref for c in caught for ref in c.excluded_by)
        key = (matter.category, matter.units, matter.flags, matter.year, caught_by)
        excluded = tuple(ref for c in found for ref in c.excluded_by)
        entry = gaps.setdefault(key, [matter, [], set()])
        entry[1].append(amount)  # type: ignore[attr-defined]
        entry[2].update(excluded)  # type: ignore[attr-defined]
    elif len(home_ids) > 1:
        homes = tuple(sorted(home_ids))
        clauses = tuple(sorted(r for g in home_ids if (r := by_group[g].deciding) is not None))
        overlap_key = (matter.category, homes, winner, clauses)
        entry = overlaps.setdefault(overlap_key, [matter, 0])
        entry[1] = entry[1] + 1  # type: ignore[operator]


def _merge(ranges: list[AmountRange]) -> tuple[AmountRange, ...]:
    merged: list[AmountRange] = []
    for r in ranges:
        if merged and not r.none and not merged[-1].none and merged[-1].high == r.low:
            merged[-1] = AmountRange(merged[-1].low, r.high)
        else:
            merged.append(r)
    return tuple(merged)


def _gap(key: tuple[object, ...], value: list[object]) -> Gap:
    category, units, flags, year, caught_by = key
    witness, ranges, excluded = value
    return Gap(
        category=category,  # type: ignore[arg-type]
        units=units,  # type: ignore[arg-type]
        flags=flags,  # type: ignore[arg-type]
        year=year,  # type: ignore[arg-type]
        amounts=_merge(ranges),  # type: ignore[arg-type]
        witness=witness,  # type: ignore[arg-type]
        excluded_by=tuple(sorted(excluded)),  # type: ignore[call-overload]
        caught_by=caught_by,  # type: ignore[arg-type]
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
