"""Hypothesis strategies for mgovern's model, for your own property tests.

``organizations()`` draws valid, varied organisations that reach the hard cases: deep
and wide trees, several roots, thresholds that overlap and nest, ``excludes`` clauses,
required and forbidden flags, base-amount units and both resolutions.
``matters(org)`` draws matters that the organisation's rules can tell apart: amounts on
and around every threshold, units in one or several branches, every flag combination.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as missing:  # pragma: no cover - depends on the environment
    raise ModuleNotFoundError(
        "mgovern's Hypothesis strategies (organizations, matters, agenda_items, texts) "
        "need Hypothesis: pip install hypothesis (or pip install 'mgovern[test]')",
        name=missing.name,
    ) from missing

from mgovern import model

__all__ = ["THRESHOLDS", "agenda_items", "matters", "organizations", "texts"]

#: A small pool of amounts so that generated clauses share, nest and overlap thresholds.
THRESHOLDS: tuple[Decimal, ...] = tuple(
    Decimal(v) for v in ("0", "1", "10", "100", "250.5", "1000", "5000000")
)

texts = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]),
    max_size=30,
)
"""Any text, including newlines, quotes, ``;``, ``,`` and ``:`` (hostile names)."""

_ZONES = ("Europe/Stockholm", "Europe/Helsinki", "UTC", "America/New_York", "Australia/Sydney")
_RULES = (
    "every week on tuesday",
    "every 2 weeks on monday",
    "2nd tuesday of the month",
    "last thursday of the month",
)


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


@st.composite
def _clause(
    draw: st.DrawFn,
    ident: str,
    categories: list[str],
    flags: list[str],
    roles: list[str],
    has_base: bool,
) -> model.ScopeClause:
    cats = draw(st.frozensets(st.sampled_from(categories), max_size=len(categories)))
    lo = draw(st.none() | st.sampled_from(THRESHOLDS))
    above = [t for t in THRESHOLDS if lo is None or t > lo]
    hi = draw(st.none() | st.sampled_from(above)) if above else None
    required = draw(st.frozensets(st.sampled_from(flags), max_size=2)) if flags else frozenset()
    forbidden = (
        draw(st.frozensets(st.sampled_from([f for f in flags if f not in required]), max_size=2))
        if len(flags) > len(required)
        else frozenset()
    )
    unit = model.AmountUnit.CURRENCY
    if has_base and (lo is not None or hi is not None) and draw(st.booleans()):
        unit = model.AmountUnit.BASE
    return model.ScopeClause(
        ident,
        categories=cats,
        amount_min=lo,
        amount_max=hi,
        amount_unit=unit,
        span=draw(st.sampled_from(model.Span)),
        flags_required=required,
        flags_forbidden=forbidden,
        decided_by=draw(st.sampled_from([model.GROUP_DECIDES, *roles])),
        note=draw(st.sampled_from(["", "x"])),
    )


@st.composite
def _cycle(draw: st.DrawFn, ident: str, anchors: list[str]) -> model.Cycle:
    form = draw(
        st.sampled_from(["rule", "rrule", "dates", "anchor"] if anchors else ["rule", "dates"])
    )
    kwargs: dict[str, Any] = {}
    if form == "rule":
        kwargs["rule"] = draw(st.sampled_from(_RULES))
    elif form == "rrule":
        kwargs["rrule"] = "FREQ=WEEKLY;BYDAY=WE"
    elif form == "dates":
        kwargs["dates"] = tuple(
            sorted(
                draw(
                    st.sets(
                        st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)), min_size=1, max_size=4
                    )
                )
            )
        )
    else:
        kwargs["anchor"] = model.Anchor(
            draw(st.sampled_from(anchors)),
            days_before=draw(st.integers(0, 30)),
            weekday=draw(st.none() | st.sampled_from(["monday", "tuesday"])),
        )
    return model.Cycle(
        ident,
        draw(texts),
        kind=draw(st.sampled_from(model.CycleKind)),
        time=dt.time(draw(st.integers(7, 17)), draw(st.sampled_from([0, 15, 30, 45]))),
        duration=draw(st.integers(15, 240)),
        skip_months=draw(st.frozensets(st.integers(1, 12), max_size=2)),
        closed_days=draw(st.sampled_from(model.ClosedDayPolicy)),
        agenda_deadline=draw(st.none() | st.builds(model.Deadline, st.integers(0, 14))),
        accepts_horizons=draw(st.frozensets(st.sampled_from(model.Horizon))),
        **kwargs,
    )


@st.composite
def organizations(
    draw: st.DrawFn,
    *,
    max_groups: int = 10,
    max_categories: int = 4,
    max_flags: int = 3,
    with_cycles: bool = True,
) -> model.Organization:
    """Valid organisations, from one group to a deep or wide tree of ``max_groups``."""
    categories = _ids("c", draw(st.integers(1, max_categories)))
    flags = _ids("f", draw(st.integers(0, max_flags)))
    roles = _ids("r", draw(st.integers(0, 3)))
    people = _ids("p", draw(st.integers(1, 6)))
    n_groups = draw(st.integers(1, max_groups))
    shape = draw(st.sampled_from(["random", "chain", "star"]))
    parents: list[int | None] = [None]
    for i in range(1, n_groups):
        if shape == "chain":
            parents.append(i - 1)
        elif shape == "star":
            parents.append(0)
        else:
            parents.append(draw(st.none() | st.integers(0, i - 1)) if i > 0 else None)
    years = draw(st.lists(st.integers(2020, 2030), unique=True, max_size=3))
    base_amounts = tuple(
        model.BaseAmount(
            y, draw(st.sampled_from([Decimal("52500"), Decimal("59200"), Decimal("0.5")]))
        )
        for y in years
    )
    has_base = bool(base_amounts)
    group_ids = _ids("g", n_groups)
    cycle_refs: list[str] = []
    groups = []
    for i, gid in enumerate(group_ids):
        handles = tuple(
            draw(_clause(f"h{j}", categories, flags, roles, has_base))
            for j in range(draw(st.integers(0, 3)))
        )
        excludes = tuple(
            draw(_clause(f"x{j}", categories, flags, roles, has_base))
            for j in range(draw(st.integers(0, 1)))
        )
        cycles = []
        if with_cycles:
            for j in range(draw(st.integers(0, 2))):
                cycle = draw(
                    _cycle(f"k{j}", [r for r in cycle_refs if not r.startswith(f"{gid}.")])
                )
                cycles.append(cycle)
            cycle_refs.extend(f"{gid}.{c.id}" for c in cycles if c.anchor is None)
        parent = parents[i]
        groups.append(
            model.Group(
                gid,
                draw(texts),
                parent=group_ids[parent] if parent is not None else None,
                chair=draw(st.none() | st.sampled_from(people)),
                members=tuple(draw(st.lists(st.sampled_from(people), unique=True, max_size=4))),
                mandate=model.Mandate(
                    purpose=draw(texts),
                    responsibilities=tuple(draw(st.lists(texts, max_size=2))),
                    handles=handles,
                    excludes=excludes,
                ),
                cycles=tuple(cycles),
                limits=model.Limits(
                    max_operative_percent=draw(st.none() | st.integers(0, 100)),
                ),
            )
        )
    order = draw(st.permutations(range(n_groups)))
    return model.Organization(
        "org",
        draw(texts),
        timezone=draw(st.sampled_from(_ZONES)),
        locale=draw(st.sampled_from(["sv", "en"])),
        resolution=draw(st.sampled_from(model.Resolution)),
        base_amounts=base_amounts,
        categories=tuple(
            model.Category(c, draw(texts), keywords=tuple(draw(st.lists(texts, max_size=2))))
            for c in categories
        ),
        flags=tuple(model.Flag(f, draw(texts)) for f in flags),
        roles=tuple(model.Role(r, draw(texts)) for r in roles),
        people=tuple(
            model.Person(
                p,
                draw(texts),
                email=f"{p}@example.se",
                roles=tuple(draw(st.lists(st.sampled_from(roles), unique=True, max_size=2)))
                if roles
                else (),
            )
            for p in people
        ),
        groups=tuple(groups[i] for i in order),
        strategic=tuple(
            model.StrategicCriterion(
                f"s{j}",
                draw(texts),
                categories=draw(st.frozensets(st.sampled_from(categories), max_size=2)),
                flags_any=draw(st.frozensets(st.sampled_from(flags), max_size=2))
                if flags
                else frozenset(),
                amount_min=draw(st.none() | st.sampled_from(THRESHOLDS)),
                min_units=draw(st.integers(0, 2)),
            )
            for j in range(draw(st.integers(0, 2)))
        ),
        blackouts=tuple(
            draw(
                st.lists(
                    st.sampled_from(
                        [
                            model.Blackout("Juli", model.MonthDay(7, 1), model.MonthDay(7, 31)),
                            model.Blackout("Nyår", model.MonthDay(12, 27), model.MonthDay(1, 2)),
                            model.Blackout("Once", dt.date(2026, 5, 4), dt.date(2026, 5, 8)),
                        ]
                    ),
                    unique=True,
                    max_size=2,
                )
            )
        ),
    )


def _amounts(org: model.Organization) -> st.SearchStrategy[Decimal | None]:
    """Amounts on, just below and just above every threshold (in currency)."""
    points: set[Decimal] = {Decimal(0)}
    factors = {b.amount for b in org.base_amounts}
    for group in org.groups:
        for clause in (*group.mandate.handles, *group.mandate.excludes):
            for bound in (clause.amount_min, clause.amount_max):
                if bound is None:
                    continue
                scaled = (
                    {bound * f for f in factors}
                    if clause.amount_unit is model.AmountUnit.BASE
                    else {bound}
                )
                for value in scaled:
                    points.update({value, value + Decimal("0.01")})
                    if value >= Decimal("0.01"):
                        points.add(value - Decimal("0.01"))
    return (
        st.none()
        | st.sampled_from(sorted(points))
        | st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
    )


@st.composite
def matters(draw: st.DrawFn, org: model.Organization) -> model.Matter:
    """Matters of ``org``'s vocabulary that reach every rule's edges."""
    group_ids = [g.id for g in org.groups]
    years = [b.year for b in org.base_amounts]
    return model.Matter(
        draw(st.sampled_from([c.id for c in org.categories])),
        amount=draw(_amounts(org)),
        units=tuple(draw(st.lists(st.sampled_from(group_ids), unique=True, max_size=3))),
        flags=draw(st.frozensets(st.sampled_from([f.id for f in org.flags])))
        if org.flags
        else frozenset(),
        kind=draw(st.sampled_from(model.Kind)),
        year=draw(st.none() | st.sampled_from(years)) if years else None,
    )


@st.composite
def agenda_items(
    draw: st.DrawFn,
    org: model.Organization,
    *,
    raised_in: str | None = None,
    submitted_between: tuple[dt.datetime, dt.datetime] | None = None,
    min_size: int = 0,
    max_size: int = 25,
) -> tuple[model.AgendaItem, ...]:
    """Submitted items with unique ids: some with a title only (for the classifier), some
    misplaced (raised where they do not belong), some late, some urgent, some too long."""
    count = draw(st.integers(min_size, max_size))
    groups = [g.id for g in org.groups]
    categories = list(org.categories)
    zone = org.zone
    low, high = submitted_between or (
        dt.datetime(2026, 2, 1, tzinfo=zone),
        dt.datetime(2026, 4, 30, tzinfo=zone),
    )
    items = []
    for index in range(count):
        category = draw(st.sampled_from(categories))
        title_only = draw(st.booleans())
        keyword = draw(st.sampled_from(category.keywords)) if category.keywords else category.name
        amount = draw(_amounts(org))
        title = f"{keyword.capitalize()} {draw(texts)}".strip()
        if title_only and amount is not None and draw(st.booleans()):
            title += f", {amount:f} kr"
        submitted = draw(
            st.none()
            | st.datetimes(
                low.replace(tzinfo=None), high.replace(tzinfo=None), timezones=st.just(zone)
            )
        )
        items.append(
            model.AgendaItem(
                f"i{index}",
                title,
                raised_in or draw(st.sampled_from(groups)),
                kind=None if title_only else draw(st.sampled_from(model.Kind)),
                category=None if title_only else category.id,
                amount=None if title_only else amount,
                units=tuple(draw(st.lists(st.sampled_from(groups), unique=True, max_size=2))),
                flags=draw(st.frozensets(st.sampled_from([f.id for f in org.flags])))
                if org.flags
                else frozenset(),
                minutes=draw(st.none() | st.integers(1, 120)),
                submitted=submitted,
                urgent=draw(st.booleans()),
                presenter=draw(st.sampled_from(["", "Anna Berg"])),
            )
        )
    return tuple(items)
