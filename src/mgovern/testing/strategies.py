"""Hypothesis strategies for mgovern's model, for your own property tests.

``organizations()`` draws valid, varied organisations that reach the hard cases: deep
and wide trees, several roots, thresholds that overlap and nest, ``excludes`` clauses,
required and forbidden flags, base-amount units and both resolutions.
``matters(org)`` draws matters that the organisation's rules can tell apart: amounts on
and around every threshold, units in one or several branches, every flag combination.
``agenda_items(org)``, ``meetings(org)`` and ``planning_problems(org)`` draw what the
agenda planner is given: items (misplaced, late, urgent, too long, title only — each a
knob), real meetings of the organisation's cycles, and whole problems for one call of
:func:`mgovern.agenda.planner.plan` that reach the cases where planners go wrong (docs/testing.md,
"Property tests of your agenda rules").

Why one module of 768 lines: the Hypothesis strategies stay together, as attrs keeps its
``tests/strategies.py``, so that a user finds every one of them in one place.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as missing:  # pragma: no cover - depends on the environment
    raise ModuleNotFoundError(
        "mgovern's Hypothesis strategies (organizations, matters, agenda_items, texts) "
        "need Hypothesis: pip install hypothesis (or pip install 'mgovern[test]')",
        name=missing.name,
    ) from missing

from mgovern import model
from mgovern.testing.planning import PlanningProblem

if TYPE_CHECKING:
    from mgovern.calendars.cycles import Occurrence

__all__ = [
    "EDGE_TIMES",
    "REGIONS",
    "RRULES",
    "RULES",
    "THRESHOLDS",
    "ZONES",
    "agenda_items",
    "matters",
    "meetings",
    "organizations",
    "planning_problems",
    "texts",
    "windows",
]

#: A small pool of amounts so that generated clauses share, nest and overlap thresholds.
THRESHOLDS: tuple[Decimal, ...] = tuple(
    Decimal(v) for v in ("0", "1", "10", "100", "250.5", "1000", "5000000")
)

texts = st.text(
    alphabet=st.characters(
        exclude_categories=["Cs", "Cc"],
        exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029",
    ),
    max_size=30,
)
"""Any one-line text an organisation accepts, including quotes, ``;``, ``,``, ``:``, ``\\``
and any script (hostile names): no control or direction characters, which loading
refuses (see :func:`mgovern.bounds.check_text`)."""

#: Everyday zones, zones without DST, and zones whose VTIMEZONE needs the explicit form
#: (changes at 24:00 or later, or rule changes in the window): Jerusalem, Cairo,
#: Santiago, Nuuk, Casablanca (Ramadan), Mexico City, Moscow; plus half-hour DST (Lord
#: Howe), negative DST (Dublin) and the southern hemisphere.
ZONES: tuple[str, ...] = (
    "Europe/Stockholm",
    "Europe/Helsinki",
    "UTC",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Jerusalem",
    "Africa/Cairo",
    "America/Santiago",
    "America/Nuuk",
    "Africa/Casablanca",
    "America/Mexico_City",
    "Europe/Moscow",
    "America/Vancouver",
    "Australia/Lord_Howe",
    "Europe/Dublin",
    "Asia/Kolkata",
)
_ZONES = ZONES[:5]  # the zones drawn before the strategies reached the edges
#: Every friendly form: several weekdays, every N weeks or months, 5th and second-last
#: weekdays, and Sundays (the day most DST changes happen).
RULES: tuple[str, ...] = (
    "every week on tuesday",
    "every 2 weeks on monday",
    "every week on monday and thursday",
    "every week on monday, wednesday and friday",
    "every 3 weeks on sunday",
    "2nd tuesday of the month",
    "last thursday of the month",
    "5th tuesday of the month",
    "second-last friday of the month",
    "last sunday of the month",
    "1st wednesday of every 3 months",
    "1st sunday of every 2 months",
)
_RULES = RULES[:4]
#: Raw rules no friendly form gives: several weekdays, every N months, BYSETPOS, negative
#: and fifth weekdays, yearly rules on the DST Sundays, day counts.
RRULES: tuple[str, ...] = (
    "FREQ=WEEKLY;BYDAY=WE",
    "FREQ=WEEKLY;BYDAY=MO,WE,FR",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO",
    "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15",
    "FREQ=MONTHLY;BYDAY=-2FR",
    "FREQ=MONTHLY;BYDAY=5TH",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=MONTHLY;BYDAY=2SU",
    "FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU",
    "FREQ=YEARLY;BYMONTH=4,9,11;BYDAY=1SU",
    "FREQ=DAILY;INTERVAL=9",
)
#: Office hours, as the strategies drew before.
_OFFICE_TIMES = st.builds(dt.time, st.integers(7, 17), st.sampled_from([0, 15, 30, 45]))
#: Times near midnight and in the DST gaps and folds of the zones above (00:00 and
#: 24:00 changes in Santiago and Cairo, 01:00 in Europe, 02:00 in America, 02:30 ...).
EDGE_TIMES: tuple[dt.time, ...] = tuple(
    dt.time(h, m)
    for h, m in (
        (0, 0), (0, 15), (0, 30), (0, 59), (1, 0), (1, 30), (2, 0), (2, 30), (2, 59),
        (3, 0), (3, 30), (22, 30), (23, 0), (23, 30), (23, 45), (23, 59),
    )
)  # fmt: skip
#: Holiday regions the mgovern-holidays plugin knows (moves need closed days).
REGIONS: tuple[tuple[str, ...], ...] = (("SE",), ("DE-BY",), ("US",), ("SE", "NO"))


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


def _dst_edges(zone: str, years: tuple[int, int]) -> tuple[list[dt.date], list[dt.time]]:
    """The local days on which ``zone`` changes its offset in ``years``, and the local
    times of day in the middle of its gaps and folds."""
    from mgovern import timezones

    low = dt.datetime(years[0], 1, 1, tzinfo=dt.UTC)
    high = dt.datetime(years[1], 12, 31, tzinfo=dt.UTC)
    changes = [t for t in timezones.transitions(zone, low, high) if t.before != t.after]
    days = {(t.at + t.before).date() for t in changes}
    times = {
        (t.at + min(t.before, t.after) + abs(t.after - t.before) / 2).time().replace(second=0)
        for t in changes
    }
    return sorted(days), sorted(times)


@st.composite
def _cycle(
    draw: st.DrawFn,
    ident: str,
    anchors: list[str],
    *,
    wide: bool = False,
    years: tuple[int, int] = (2026, 2027),
    edge_days: tuple[dt.date, ...] = (),
    edge_times: bool = False,
    zone_times: tuple[dt.time, ...] = (),
) -> model.Cycle:
    form = draw(
        st.sampled_from(["rule", "rrule", "dates", "anchor"] if anchors else ["rule", "dates"])
    )
    low, high = dt.date(years[0], 1, 1), dt.date(years[1], 12, 31)
    first = last = None
    if wide:
        first = draw(st.none() | st.dates(low, high - dt.timedelta(days=400)))
        # without first, a rule counts from 2000-01-03 on: its last date comes after that
        earliest = max(first or low, dt.date(2000, 1, 3)) + dt.timedelta(days=400)
        last = draw(st.none() | st.dates(earliest, high) if earliest <= high else st.none())
    kwargs: dict[str, Any] = {}
    if form == "rule":
        kwargs["rule"] = draw(st.sampled_from(RULES if wide else _RULES))
    elif form == "rrule":
        kwargs["rrule"] = draw(st.sampled_from(RRULES)) if wide else "FREQ=WEEKLY;BYDAY=WE"
        if wide and not kwargs["rrule"].startswith("FREQ=DAILY"):
            limit = draw(st.sampled_from(["", "count", "until"]))
            if limit == "count":
                kwargs["rrule"] += f";COUNT={draw(st.integers(5, 200))}"
            elif limit == "until":  # in UTC, as RFC 5545 wants beside a zoned DTSTART
                start = first or dt.date(max(years[0], 2000), 1, 3)
                until = start + dt.timedelta(days=draw(st.integers(400, 1500)))
                kwargs["rrule"] += f";UNTIL={until:%Y%m%d}T{draw(st.integers(0, 23)):02d}0000Z"
    elif form == "dates":
        days = st.dates(first or low, last or high)
        usable = [d for d in edge_days if (first or low) <= d <= (last or high)]
        if usable:
            days = days | st.sampled_from(usable)
        kwargs["dates"] = tuple(sorted(draw(st.sets(days, min_size=1, max_size=6 if wide else 4))))
    else:
        kwargs["anchor"] = model.Anchor(
            draw(st.sampled_from(anchors)),
            days_before=draw(st.integers(0, 30)),
            weekday=draw(st.none() | st.sampled_from(["monday", "tuesday", "sunday"])),
        )
    times = _OFFICE_TIMES
    if edge_times:
        times = times | st.sampled_from(EDGE_TIMES)
        if zone_times:  # in the middle of this zone's own gaps and folds
            times = times | st.sampled_from(zone_times)
    time = draw(times)
    durations = st.integers(15, 240)
    if wide:
        durations = durations | st.sampled_from([1, 59, 61, 90, 600, 1620])
    blackouts: tuple[model.Blackout, ...] = ()
    if wide:
        blackouts = tuple(
            draw(
                st.lists(
                    st.sampled_from(
                        [
                            model.Blackout("Budget", model.MonthDay(10, 5), model.MonthDay(10, 16)),
                            model.Blackout("Vår", model.MonthDay(3, 20), model.MonthDay(4, 5)),
                            model.Blackout(
                                "Once", low + dt.timedelta(days=100), low + dt.timedelta(days=130)
                            ),
                        ]
                    ),
                    unique=True,
                    max_size=2,
                )
            )
        )
    return model.Cycle(
        ident,
        draw(texts),
        kind=draw(st.sampled_from(model.CycleKind)),
        time=time,
        duration=draw(durations),
        skip_months=draw(st.frozensets(st.integers(1, 12), max_size=2)),
        closed_days=draw(st.sampled_from(model.ClosedDayPolicy)),
        agenda_deadline=draw(st.none() | st.builds(model.Deadline, st.integers(0, 14))),
        accepts_horizons=draw(st.frozensets(st.sampled_from(model.Horizon))),
        first=first,
        last=last,
        blackouts=blackouts,
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
    edges: bool = True,
    zones: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    edge_times: bool | None = None,
    regions: Sequence[tuple[str, ...]] | None = None,
) -> model.Organization:
    """Valid organisations, from one group to a deep or wide tree of ``max_groups``.

    Their meeting cycles reach the calendar's edges (``edges=True``): every recurrence
    form (several weekdays, every N weeks or months, 5th and second-last weekdays, raw
    rules with COUNT or an UNTIL in UTC, dates on DST-change days, anchors), ``first``
    and ``last`` dates, per-cycle blackouts, times near midnight and in DST gaps and
    folds, long meetings across a change, holiday regions (so meetings move) and zones
    whose VTIMEZONE needs the explicit form, in the years ``years`` (1998-2040).
    Narrow them with ``zones`` (e.g. ``["Europe/Stockholm"]``), ``years``,
    ``edge_times=False`` (office hours only), ``regions=()`` (no holidays), or all at
    once with ``edges=False`` (the narrower drawing of earlier versions).
    """
    zone = draw(st.sampled_from(tuple(zones) if zones else ZONES if edges else _ZONES))
    years = years or ((1998, 2040) if edges else (2026, 2027))
    edge_times = edges if edge_times is None else edge_times
    regions = (REGIONS if edges else ()) if regions is None else tuple(regions)
    edge_days: tuple[dt.date, ...] = ()
    zone_times: tuple[dt.time, ...] = ()
    if edges and with_cycles:
        days, clock = _dst_edges(zone, years)
        edge_days, zone_times = tuple(days), tuple(clock) if edge_times else ()
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
    base_years = draw(st.lists(st.integers(2020, 2030), unique=True, max_size=3))
    base_amounts = tuple(
        model.BaseAmount(
            y, draw(st.sampled_from([Decimal("52500"), Decimal("59200"), Decimal("0.5")]))
        )
        for y in base_years
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
                    _cycle(
                        f"k{j}",
                        [r for r in cycle_refs if not r.startswith(f"{gid}.")],
                        wide=edges,
                        years=years,
                        edge_days=edge_days,
                        edge_times=edge_times,
                        zone_times=zone_times,
                    )
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
        timezone=zone,
        closed_days=model.ClosedDays(regions=draw(st.sampled_from(((), *regions))))
        if regions
        else model.ClosedDays(),
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


@st.composite
def windows(draw: st.DrawFn, org: model.Organization, *, years: int = 2) -> tuple[dt.date, dt.date]:
    """A calendar window of ``years`` whole years around the organisation's meetings: a
    year of some cycle's first or last date or explicit dates, or a DST-change year of
    2026-2027 when the cycles give none."""
    found = {
        day.year
        for group in org.groups
        for cycle in group.cycles
        for day in (cycle.first, cycle.last, *cycle.dates)
        if day is not None
    }
    year = draw(st.sampled_from(sorted(found | {2026, 2027})))
    start = dt.date(year - draw(st.integers(0, years - 1)), 1, 1)
    return start, dt.date(start.year + years - 1, 12, 31)


def _thresholds(org: model.Organization) -> set[Decimal]:
    """Every bound of every clause, in currency (a bound in base amounts times each listed
    year's base amount)."""
    factors = {b.amount for b in org.base_amounts}
    found: set[Decimal] = set()
    for group in org.groups:
        for clause in (*group.mandate.handles, *group.mandate.excludes):
            for bound in (clause.amount_min, clause.amount_max):
                if bound is None:
                    continue
                if clause.amount_unit is model.AmountUnit.BASE:
                    found.update(bound * f for f in factors)
                else:
                    found.add(bound)
    return found


def _amounts(org: model.Organization) -> st.SearchStrategy[Decimal | None]:
    """Amounts on, just below and just above every threshold (in currency)."""
    points: set[Decimal] = {Decimal(0)}
    for value in _thresholds(org):
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


def _item_amounts(org: model.Organization) -> st.SearchStrategy[Decimal | None]:
    """Amounts on and around every threshold (:func:`_amounts`), and inside every band
    between two thresholds: a rule about "purchases between 5 and 50 base amounts" is
    reached by items, not only by its edges."""
    points = sorted({Decimal(0)} | _thresholds(org))
    inside = [((a + b) / 2).quantize(Decimal("0.01")) for a, b in itertools.pairwise(points)]
    above = [points[-1] * 2 + 1]
    return _amounts(org) | st.sampled_from([*inside, *above])


def _choose(draw: st.DrawFn, knob: bool | None) -> bool:
    """A knob: True (every item), False (none) or None (Hypothesis decides per item)."""
    return draw(st.booleans()) if knob is None else knob


def _home(org: model.Organization, matter: model.Matter) -> str | None:
    """The matter's home group (None: a gap or several homes)."""
    from mgovern.rules.scope import route

    return route(org, matter, raised_in=org.groups[0].id).home


@st.composite
def agenda_items(
    draw: st.DrawFn,
    org: model.Organization,
    *,
    raised_in: str | None = None,
    submitted_between: tuple[dt.datetime, dt.datetime] | None = None,
    min_size: int = 0,
    max_size: int = 25,
    categories: Sequence[str] | None = None,
    meetings: Sequence[Occurrence] = (),
    misplaced: bool | None = None,
    late: bool | None = None,
    urgent: bool | None = None,
    too_long: bool | None = None,
    title_only: bool | None = None,
) -> tuple[model.AgendaItem, ...]:
    """Submitted items with unique ids (``i0``, ``i1``, ...).

    Each knob is ``True`` (every item), ``False`` (no item) or ``None`` (drawn item by
    item, so that a test sees both and shrinks to the one that matters):

    - ``misplaced``: raised in a group other than the drawn matter's home (an item that
      must be forwarded); ``False`` raises it in its home where it has one.
    - ``late``: meant for one of ``meetings`` (by its date and series) and submitted
      after that meeting's agenda deadline; ``False``: submitted on time, sometimes at the
      deadline's very minute. Without ``meetings`` no item names a meeting.
    - ``urgent``: marked urgent (taken after the deadline, and first).
    - ``too_long``: asks for more minutes than any meeting of the organisation has.
    - ``title_only``: only a title (with the category's keyword and sometimes the
      amount); the classifier supplies the rest.

    ``raised_in`` fixes the group (``misplaced`` is then ignored; half the items concern
    that group alone, the rest any units); ``categories`` limits
    the categories drawn (ids); amounts lie on, just below and just above every threshold
    of the rules. ``submitted_between`` bounds the submission times of items that do not
    name a meeting (default February to April 2026); some have none.
    """
    count = draw(st.integers(min_size, max_size))
    groups = [g.id for g in org.groups]
    pool = [c for c in org.categories if categories is None or c.id in categories]
    if not pool:
        raise ValueError(f"no category of {org.id!r} among {list(categories or ())}")
    flags = [f.id for f in org.flags]
    zone = org.zone
    low, high = submitted_between or (
        dt.datetime(2026, 2, 1, tzinfo=zone),
        dt.datetime(2026, 4, 30, tzinfo=zone),
    )
    longest = max((c.duration for g in org.groups for c in g.cycles), default=60)
    targets = [m for m in meetings if m.agenda_deadline is not None]
    items = []
    for index in range(count):
        category = draw(st.sampled_from(pool))
        only_title = _choose(draw, title_only)
        keyword = draw(st.sampled_from(category.keywords)) if category.keywords else category.name
        amount = draw(_item_amounts(org))
        title = f"{keyword.capitalize()} {draw(texts)}".strip()
        if only_title and amount is not None and draw(st.booleans()):
            title += f", {amount:f} kr"
        kind = draw(st.sampled_from(model.Kind))
        drawn_units = st.lists(st.sampled_from(groups), unique=True, max_size=2).map(tuple)
        # an item raised in a group mostly concerns that group alone
        units: tuple[str, ...] = draw(
            st.just((raised_in,)) | drawn_units if raised_in is not None else drawn_units
        )
        chosen_flags = draw(st.frozensets(st.sampled_from(flags))) if flags else frozenset()
        group = raised_in
        if group is None:
            matter = model.Matter(category.id, amount=amount, units=units, flags=chosen_flags)
            home = _home(org, matter)
            away = [g for g in groups if g != home]
            wrong = _choose(draw, misplaced)
            # half the items go to a group one of ``meetings`` belongs to, where the knob
            # allows it, so that the meetings aimed at get several items
            aimed = {m.group for m in targets}
            if misplaced is not None and home is not None:
                aimed &= set(away) if wrong else {home}
            to_aimed: bool = draw(st.booleans()) if aimed else False
            if to_aimed:
                group = draw(st.sampled_from(sorted(aimed)))
            elif home is not None and not wrong:
                group = home
            elif home is not None and away:
                group = draw(st.sampled_from(away))
            else:
                group = draw(st.sampled_from(groups))
        meeting: Occurrence | None = None
        own = [m for m in targets if m.group == group]
        is_late = _choose(draw, late) if own else False
        if own and (is_late or draw(st.booleans())):
            meeting = draw(st.sampled_from(own))
        if meeting is not None and meeting.agenda_deadline is not None:
            deadline = meeting.agenda_deadline
            if is_late:
                after = dt.timedelta(minutes=draw(st.integers(1, 24 * 60)))
                submitted: dt.datetime | None = min(deadline + after, meeting.start)
                if submitted == deadline:  # a deadline at the start: late by a minute
                    submitted = deadline + dt.timedelta(minutes=1)
            elif draw(st.booleans()):
                submitted = deadline  # at the deadline's very minute: on time
            else:
                submitted = deadline - dt.timedelta(minutes=draw(st.integers(1, 14 * 24 * 60)))
        else:
            submitted = draw(
                st.none()
                | st.datetimes(
                    low.replace(tzinfo=None), high.replace(tzinfo=None), timezones=st.just(zone)
                )
            )
        if _choose(draw, too_long):
            minutes: int | None = longest + draw(st.integers(1, 60))
        else:
            minutes = draw(st.none() | st.integers(1, min(120, longest)))
        items.append(
            model.AgendaItem(
                f"i{index}",
                title,
                group,
                meeting=meeting.start.date() if meeting is not None else None,
                cycle=meeting.cycle if meeting is not None else None,
                kind=None if only_title else kind,
                category=None if only_title else category.id,
                amount=None if only_title else amount,
                units=units,
                flags=chosen_flags,
                minutes=minutes,
                submitted=submitted,
                urgent=_choose(draw, urgent),
                presenter=draw(st.sampled_from(["", "Anna Berg"])),
            )
        )
    return tuple(items)


def _occurrences(
    org: model.Organization, group: str | None, start: dt.date, end: dt.date
) -> list[Occurrence]:
    from mgovern.calendars.cycles import occurrences

    chosen = [group] if group is not None else [g.id for g in org.groups]
    return [m for g in chosen for m in occurrences(org, g, start, end)]


@st.composite
def meetings(
    draw: st.DrawFn,
    org: model.Organization,
    *,
    group: str | None = None,
    window: tuple[dt.date, dt.date] | None = None,
) -> Occurrence:
    """A real meeting of the organisation's cycles (of ``group``, or of any group), in
    ``window`` (default: a window drawn by :func:`windows`). Moved meetings, meetings on
    the edges of the window and meetings of every series are all drawn."""
    start, end = window or draw(windows(org, years=1))
    found = _occurrences(org, group, start, end)
    if not found:
        raise ValueError(f"{group or org.id!r} has no meeting in {start}..{end}")
    return draw(st.sampled_from(found))


def _closing_together(found: Sequence[Occurrence], org: model.Organization) -> list[Occurrence]:
    """Meetings of sibling groups (one parent) whose agendas close at the same moment."""
    by_moment: dict[tuple[str | None, dt.datetime], list[Occurrence]] = {}
    for m in found:
        if m.agenda_deadline is not None:
            parent = org.group(m.group).parent
            by_moment.setdefault((parent, m.agenda_deadline), []).append(m)
    return [m for same in by_moment.values() if len({m.group for m in same}) > 1 for m in same]


@st.composite
def planning_problems(
    draw: st.DrawFn,
    /,
    org: model.Organization,
    *,
    window: tuple[dt.date, dt.date] | None = None,
    weeks: int = 6,
    max_items: int = 25,
    **knobs: Any,
) -> PlanningProblem:
    """A whole problem for one call of :func:`mgovern.agenda.planner.plan`: a window of ``weeks``
    (inside ``window`` if given, else in 2026) and up to ``max_items`` items submitted to
    the meetings in it, drawn by :func:`agenda_items` with ``knobs`` (``misplaced``,
    ``late``, ``urgent``, ``too_long``, ``title_only``, ``categories``, ``raised_in``).

    The items are aimed at a handful of the window's meetings, so that several items
    compete for one meeting; half the time that handful is meetings of sibling groups
    whose agendas close at the same moment (where planners that fill one meeting at a
    time drop items); items on time are often submitted at the deadline's very minute.
    """
    first, last = window or (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    span = dt.timedelta(weeks=weeks)
    latest = max(first, last - span)
    offset = draw(st.integers(0, (latest - first).days))
    start = first + dt.timedelta(days=offset)
    end = min(last, start + span)
    found = _occurrences(org, knobs.get("raised_in"), start, end)
    together = _closing_together(found, org)
    closing_together = bool(together) and draw(st.booleans())
    pool = together if closing_together else found
    aimed: list[Occurrence] = (
        draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True)) if pool else []
    )
    zone = org.zone
    items = draw(
        agenda_items(
            org,
            meetings=aimed,
            max_size=max_items,
            submitted_between=(
                dt.datetime.combine(start - dt.timedelta(days=14), dt.time(8), tzinfo=zone),
                dt.datetime.combine(end, dt.time(17), tzinfo=zone),
            ),
            **knobs,
        )
    )
    return PlanningProblem(org, items, start, end)
