"""Which group a matter belongs in, who decides it, and why.

A clause **matches** a matter when the category is listed (or the clause lists none),
the amount lies in ``[amount_min, amount_max)`` (converted from base amounts with the
organisation's base amount for the matter's year), the required flags are present, the
forbidden ones absent, and the span fits:

- ``any``: the clause is functional; the matter's units do not matter;
- ``own``: the matter names units, all inside the group's subtree and all at the group's
  own level or inside one branch below it;
- ``multi``: the matter's units lie inside the group's subtree and touch two or more of
  its child branches.

A group is a **home** of a matter when one of its ``handles`` clauses matches (the first
one in order is the *deciding* clause) and none of its ``excludes`` clauses does. With
``resolution = "lowest"`` the home that has no other home below it wins; two such homes in
different branches, or (``strict``) any two homes, make the matter ``ambiguous``.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs
from attrs import frozen

from mgovern.exceptions import UnknownReferenceError
from mgovern.history import in_force
from mgovern.model import (
    GROUP_DECIDES,
    AmountUnit,
    Matter,
    Organization,
    Resolution,
    ScopeClause,
    Span,
)

if TYPE_CHECKING:
    from mgovern.history import History

__all__ = [
    "ClauseRef",
    "Outcome",
    "Routing",
    "clause_matches",
    "homes",
    "route",
    "span_of",
    "validate_matter",
]


class Outcome(enum.StrEnum):
    HERE = "here"
    DELEGATE = "delegate"
    ESCALATE = "escalate"
    REFER = "refer"
    GAP = "gap"
    AMBIGUOUS = "ambiguous"


@frozen(order=True)
class ClauseRef:
    """A clause of a group's mandate: ``mv/handles/forsaljning-liten`` reads as its path."""

    group: str
    kind: str  # "handles" or "excludes"
    clause: str

    def __str__(self) -> str:
        return f"{self.group}/{self.kind}/{self.clause}"


@frozen
class Candidate:
    """A group whose mandate speaks to the matter, and what it said."""

    group: str
    deciding: ClauseRef | None  # the first handles clause that matched
    matched: tuple[ClauseRef, ...]  # every handles clause that matched
    excluded_by: tuple[ClauseRef, ...]  # the excludes clauses that matched

    @property
    def is_home(self) -> bool:
        return self.deciding is not None and not self.excluded_by


@frozen
class Routing:
    """Where a matter belongs, relative to the group it was raised in.

    ``reasons`` lists the clauses that fired: the deciding clause first, then other
    homes' clauses (overlaps) and the exclusions that removed a candidate.
    ``str(routing)`` is the explanation in the organisation's locale.
    """

    matter: Matter
    raised_in: str
    outcome: Outcome
    home: str | None
    decided_by: str | None
    decision_maker: str | None  # the person holding ``decided_by`` in the home, if one does
    clause: ClauseRef | None
    path: tuple[str, ...]
    homes: tuple[str, ...]
    reasons: tuple[ClauseRef, ...]
    fallback: bool  # decided by a fallback clause: no regular clause covers the matter
    _org: Organization = attrs.field(eq=False, repr=False, alias="org")
    #: ``decided_by`` is an office nobody in the home holds that day (see :func:`vacant`).
    vacant: bool = attrs.field(default=False, kw_only=True)

    @functools.cached_property
    def explanation(self) -> str:
        """The routing in sentences, in the organisation's language (built on first use)."""
        from mgovern.rules.explain import explain

        return explain(self._org, self)

    def __str__(self) -> str:
        return self.explanation


# --- matching ---------------------------------------------------------------------------
def _currency(
    org: Organization, value: Decimal | None, unit: AmountUnit, year: int | None
) -> Decimal | None:
    if value is None or unit is AmountUnit.CURRENCY:
        return value
    return value * org.base_amount(year)


def _amount_fits(
    org: Organization, lo: Decimal | None, hi: Decimal | None, unit: AmountUnit, matter: Matter
) -> bool:
    if lo is None and hi is None:
        return True
    if matter.amount is None:
        return False
    low = _currency(org, lo, unit, matter.year)
    high = _currency(org, hi, unit, matter.year)
    return (low is None or matter.amount >= low) and (high is None or matter.amount < high)


def _chain(org: Organization, unit: str) -> list[str]:
    return [unit, *org.ancestors(unit)]


def span_of(org: Organization, group_id: str, units: Sequence[str]) -> Span | None:
    """How ``units`` sit relative to the group: ``own``, ``multi``, or None when the matter
    names no units or some unit lies outside the group's subtree."""
    if not units:
        return None
    branches: set[str] = set()
    for unit in units:
        chain = _chain(org, unit)
        if group_id not in chain:
            return None
        position = chain.index(group_id)
        if position > 0:
            branches.add(chain[position - 1])
    return Span.MULTI if len(branches) >= 2 else Span.OWN


class _Unset(enum.Enum):
    UNSET = enum.auto()


def clause_matches(
    org: Organization,
    group_id: str,
    clause: ScopeClause,
    matter: Matter,
    span: Span | _Unset | None = _Unset.UNSET,
) -> bool:
    """Whether one clause of ``group_id``'s mandate matches the matter.

    ``span`` (how the matter's units sit relative to the group) is computed when not given;
    the coverage analysis passes it in because it enumerates unit contexts itself.
    """
    if clause.categories and matter.category not in clause.categories:
        return False
    if not clause.flags_required <= matter.flags or clause.flags_forbidden & matter.flags:
        return False
    if not _amount_fits(org, clause.amount_min, clause.amount_max, clause.amount_unit, matter):
        return False
    if clause.span is Span.ANY:
        return True
    if span is _Unset.UNSET:
        span = span_of(org, group_id, matter.units)
    return clause.span is span


@frozen
class _Rules:
    """One group's clauses that can apply to one category."""

    handles: tuple[ScopeClause, ...]
    fallback: tuple[ScopeClause, ...]
    excludes: tuple[ScopeClause, ...]


@frozen
class _CategoryIndex:
    functional: frozenset[str]  # groups with a span-"any" handles clause for the category
    scoped: frozenset[str]  # groups with an own/multi handles clause for the category
    groups: frozenset[str]  # every group with a handles clause for the category


_Positioned = list[tuple[int, ScopeClause]]


@attrs.define
class _ScopeIndex:
    """Which groups can take each category, and (built as asked) their clauses for it."""

    categories: dict[str, _CategoryIndex]
    specific: dict[str, dict[str, tuple[_Positioned, _Positioned]]]
    general: dict[str, tuple[_Positioned, _Positioned]]
    rules: dict[tuple[str, str], _Rules] = attrs.Factory(dict)

    def rules_for(self, group_id: str, category: str) -> _Rules | None:
        key = (group_id, category)
        found = self.rules.get(key)
        if found is None:
            own = self.specific.get(group_id, {}).get(category, ([], []))
            everywhere = self.general.get(group_id, ([], []))
            # back into the mandate's order: the first matching handles clause decides
            handles = [c for _, c in sorted((*own[0], *everywhere[0]), key=lambda pc: pc[0])]
            if not handles:
                return None
            excludes = [c for _, c in sorted((*own[1], *everywhere[1]), key=lambda pc: pc[0])]
            found = _Rules(
                tuple(c for c in handles if not c.fallback),
                tuple(c for c in handles if c.fallback),
                tuple(excludes),
            )
            self.rules[key] = found
        return found


def _scope_index(org: Organization) -> _ScopeIndex:
    """Built once per organisation: each clause is looked at once (no categories x groups)."""
    cached: _ScopeIndex | None = org._memo.get("scope.index")
    if cached is not None:
        return cached
    specific: dict[str, dict[str, tuple[_Positioned, _Positioned]]] = {}
    general: dict[str, tuple[_Positioned, _Positioned]] = {}
    functional: dict[str, set[str]] = {c.id: set() for c in org.categories}
    scoped: dict[str, set[str]] = {c.id: set() for c in org.categories}
    members: dict[str, set[str]] = {c.id: set() for c in org.categories}
    general_functional: set[str] = set()
    general_scoped: set[str] = set()
    for group in org.groups:
        mine: dict[str, tuple[_Positioned, _Positioned]] = {}
        everywhere: tuple[_Positioned, _Positioned] = ([], [])
        for position, source in enumerate((group.mandate.handles, group.mandate.excludes)):
            for order, clause in enumerate(source):
                if not clause.categories:
                    everywhere[position].append((order, clause))
                    if position == 0:
                        (general_functional if clause.span is Span.ANY else general_scoped).add(
                            group.id
                        )
                    continue
                for category in clause.categories:
                    mine.setdefault(category, ([], []))[position].append((order, clause))
                    if position == 0:
                        members[category].add(group.id)
                        (functional if clause.span is Span.ANY else scoped)[category].add(group.id)
        if mine:
            specific[group.id] = mine
        if everywhere[0] or everywhere[1]:
            general[group.id] = everywhere
    with_general = general_functional | general_scoped
    categories = {
        c.id: _CategoryIndex(
            frozenset(functional[c.id] | general_functional),
            frozenset(scoped[c.id] | general_scoped),
            frozenset(members[c.id] | with_general),
        )
        for c in org.categories
    }
    index = _ScopeIndex(categories, specific, general)
    org._memo["scope.index"] = index
    return index


def _rules(org: Organization, group_id: str, category: str) -> _Rules | None:
    return _scope_index(org).rules_for(group_id, category)


def candidate(
    org: Organization,
    group_id: str,
    matter: Matter,
    span: Span | _Unset | None = _Unset.UNSET,
    *,
    fallback: bool = False,
) -> Candidate | None:
    """What the group's mandate says about the matter (None: no handles clause matches).

    Only regular clauses count, or with ``fallback=True`` only fallback clauses.
    """
    org.group(group_id)
    rules = _rules(org, group_id, matter.category)
    if rules is None:
        return None
    handles = rules.fallback if fallback else rules.handles
    if span is _Unset.UNSET and any(c.span is not Span.ANY for c in (*handles, *rules.excludes)):
        span = span_of(org, group_id, matter.units)
    matched = tuple(
        ClauseRef(group_id, "handles", c.id)
        for c in handles
        if clause_matches(org, group_id, c, matter, span)
    )
    if not matched:
        return None
    excluded = tuple(
        ClauseRef(group_id, "excludes", c.id)
        for c in rules.excludes
        if clause_matches(org, group_id, c, matter, span)
    )
    return Candidate(group_id, matched[0], matched, excluded)


def _common_ancestors(org: Organization, units: Sequence[str]) -> set[str]:
    """Groups whose subtree holds every unit (the chain from the units' meeting point up)."""
    common: set[str] | None = None
    for unit in units:
        chain = {unit, *org.ancestors(unit)}
        common = chain if common is None else common & chain
    return common or set()


def candidates(org: Organization, matter: Matter, *, fallback: bool = False) -> list[Candidate]:
    """Every group with a matching ``handles`` clause, in the organisation's group order.

    Only groups that can match are tried: those with a functional clause for the category,
    and those with a unit-scoped clause whose subtree holds every unit of the matter.
    """
    index = _scope_index(org).categories.get(matter.category)
    if index is None:
        return []
    groups = set(index.functional)
    if matter.units and index.scoped:
        groups |= index.scoped & _common_ancestors(org, matter.units)
    position = _positions(org)
    found = []
    for group_id in sorted(groups, key=position.__getitem__):
        found_here = candidate(org, group_id, matter, fallback=fallback)
        if found_here is not None:
            found.append(found_here)
    return found


def _positions(org: Organization) -> dict[str, int]:
    cached: dict[str, int] | None = org._memo.get("scope.positions")
    if cached is None:
        cached = {g.id: i for i, g in enumerate(org.groups)}
        org._memo["scope.positions"] = cached
    return cached


def groups_for(org: Organization, category: str) -> tuple[str, ...]:
    """Groups with a handles clause that can apply to ``category``, in group order."""
    index = _scope_index(org).categories.get(category)
    if index is None:
        return ()
    position = _positions(org)
    return tuple(sorted(index.groups, key=position.__getitem__))


def lowest(org: Organization, group_ids: Iterable[str]) -> list[str]:
    """The homes with no other home below them."""
    ids = list(group_ids)
    above: set[str] = set()
    for gid in ids:
        above.update(org.ancestors(gid))
    return [gid for gid in ids if gid not in above]


def resolve(org: Organization, home_ids: Sequence[str]) -> str | None:
    """The one home that wins under the organisation's resolution (None: gap or ambiguous)."""
    if not home_ids or (org.resolution is Resolution.STRICT and len(home_ids) > 1):
        return None
    winners = lowest(org, home_ids)
    return winners[0] if len(winners) == 1 else None


def homes(org: Organization, matter: Matter) -> tuple[list[str], list[Candidate]]:
    """The matter's homes (before resolution) and every candidate considered; fallback
    clauses are consulted only when no regular clause gives a home."""
    found = candidates(org, matter)
    home_ids = [c.group for c in found if c.is_home]
    if not home_ids:
        caught = candidates(org, matter, fallback=True)
        if any(c.is_home for c in caught):
            return [c.group for c in caught if c.is_home], found + caught
    return home_ids, found


# --- validation -------------------------------------------------------------------------
def validate_matter(org: Organization, matter: Matter) -> None:
    """Raise UnknownReferenceError for a category, unit or flag the organisation lacks."""
    org.category(matter.category)
    for unit in matter.units:
        org.group(unit)
    known_flags = {f.id for f in org.flags}
    unknown = sorted(matter.flags - known_flags)
    if unknown:
        raise UnknownReferenceError(
            f"unknown flag {unknown[0]!r}; known flags: {', '.join(sorted(known_flags)) or 'none'}"
        )


# --- routing ----------------------------------------------------------------------------
def tree_path(org: Organization, start: str, end: str) -> tuple[str, ...]:
    """The groups from ``start`` to ``end`` along the tree (empty if in different trees)."""
    up = [start, *org.ancestors(start)]
    down = [end, *org.ancestors(end)]
    common = next((g for g in up if g in set(down)), None)
    if common is None:
        return ()
    return (*up[: up.index(common) + 1], *reversed(down[: down.index(common)]))


def _outcome(org: Organization, raised_in: str, home: str) -> Outcome:
    if home == raised_in:
        return Outcome.HERE
    if raised_in in org.ancestors(home):
        return Outcome.DELEGATE
    if home in org.ancestors(raised_in):
        return Outcome.ESCALATE
    return Outcome.REFER


def _holder(org: Organization, group_id: str, role: str | None) -> str | None:
    """The person who holds ``role`` in the group: the chair first, then the others."""
    if role is None or role == GROUP_DECIDES:
        return None
    for person_id in org.group(group_id).participants:
        if role in org.person(person_id).roles:
            return org.person(person_id).name
    return None


def bodies_of_officials(org: Organization) -> tuple[ClauseRef, ...]:
    """The ``handles`` clauses decided by the group as a body in a group of officials: one
    below another group (a division or unit, or the office's management group) that has
    no meetings of kind ``board``. Under Kommunallagen officials do not decide as a body:
    one named delegate decides after consultation in the group (docs/scope.md)."""
    from mgovern.model import CycleKind

    found = []
    for group in org.groups:
        if group.parent is None or any(c.kind is CycleKind.BOARD for c in group.cycles):
            continue
        for clause in group.mandate.handles:
            if clause.decided_by == GROUP_DECIDES:
                found.append(ClauseRef(group.id, "handles", clause.id))
    return tuple(found)


def offices(org: Organization | History) -> frozenset[str]:
    """The roles that are seats people hold: in a history, a role some person holds in a
    revision or an appointment gives; in an organisation, a role some person holds. A role
    nobody holds (the example's ``kommunfullmaktige``) names a body outside the
    organisation: it is never vacant."""
    if isinstance(org, Organization):
        held: frozenset[str] | None = org._memo.get("scope.offices")
        if held is None:
            held = org._memo["scope.offices"] = frozenset(r for p in org.people for r in p.roles)
        return held
    return org.offices()


def vacant(org: Organization, group_id: str, role: str | None, seats: frozenset[str]) -> bool:
    """Whether ``role`` (an office among ``seats``, see :func:`offices`) decides in the
    group and no participant of the group holds it."""
    if role is None or role == GROUP_DECIDES or role not in seats:
        return False
    return _holder(org, group_id, role) is None


def route(
    org: Organization | History, matter: Matter, *, raised_in: str, on: dt.date | None = None
) -> Routing:
    """Route a matter raised in ``raised_in`` to its home group, with the reasons.

    ``org`` may be a :class:`~mgovern.history.History`: the rules and people in force
    ``on`` that day (default today) decide; a plain organisation is in force every day.
    """
    seats = offices(org)
    org = in_force(org, on)
    validate_matter(org, matter)
    org.group(raised_in)
    home_ids, found = homes(org, matter)
    by_group = {c.group: c for c in found}
    excluded = [ref for c in found for ref in c.excluded_by if c.deciding is not None]
    home = resolve(org, home_ids)
    if home is not None:
        outcome = _outcome(org, raised_in, home)
    else:
        outcome = Outcome.AMBIGUOUS if home_ids else Outcome.GAP

    clause_ref = by_group[home].deciding if home is not None else None
    decided_by = None
    fallback = False
    if clause_ref is not None:
        clause = next(
            c for c in org.group(clause_ref.group).mandate.handles if c.id == clause_ref.clause
        )
        decided_by, fallback = clause.decided_by, clause.fallback
    others = [by_group[g].deciding for g in home_ids if g != home]
    reasons = tuple(
        r for r in ([clause_ref] if clause_ref else []) + others + excluded if r is not None
    )
    path = tree_path(org, raised_in, home) if home is not None else ()
    return Routing(
        matter=matter,
        raised_in=raised_in,
        outcome=outcome,
        home=home,
        decided_by=decided_by,
        decision_maker=_holder(org, home, decided_by) if home else None,
        clause=clause_ref,
        path=path,
        homes=tuple(home_ids),
        reasons=reasons,
        fallback=fallback,
        org=org,
        vacant=home is not None and vacant(org, home, decided_by, seats),
    )
