"""Routing: properties over generated organisations, and the example's real routings."""

from __future__ import annotations

import itertools
from decimal import Decimal

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import mgovern
from mgovern import model
from mgovern.rules.horizons import horizon
from mgovern.rules.scope import Outcome, homes, route
from mgovern.testing import matters, organizations


@st.composite
def org_and_matter(draw: st.DrawFn) -> tuple[model.Organization, model.Matter, str]:
    org = draw(organizations(with_cycles=False))
    matter = draw(matters(org))
    raised_in = draw(st.sampled_from([g.id for g in org.groups]))
    return org, matter, raised_in


@given(org_and_matter())
def test_routing_is_total_and_deterministic(
    case: tuple[model.Organization, model.Matter, str],
) -> None:
    org, matter, raised_in = case
    first = route(org, matter, raised_in=raised_in)
    again = route(org, matter, raised_in=raised_in)
    assert first == again
    assert str(first) == str(again)
    assert first.outcome in set(Outcome)
    if first.outcome in (Outcome.GAP, Outcome.AMBIGUOUS):
        assert first.home is None
        assert first.path == ()
        assert (first.outcome is Outcome.GAP) == (first.homes == ())
    else:
        assert first.home in first.homes
        assert first.clause is not None
        assert first.clause.group == first.home
        assert first.reasons[0] == first.clause


@given(org_and_matter())
def test_paths_are_tree_paths(case: tuple[model.Organization, model.Matter, str]) -> None:
    org, matter, raised_in = case
    routing = route(org, matter, raised_in=raised_in)
    assume(routing.home is not None)
    path = routing.path
    if routing.outcome is Outcome.REFER and not path:
        # different roots: no path joins them
        assert set(org.ancestors(raised_in)).isdisjoint(
            {routing.home, *org.ancestors(routing.home)}
        )
        return
    assert path[0] == raised_in
    assert path[-1] == routing.home
    assert len(set(path)) == len(path)
    for a, b in itertools.pairwise(path):
        assert org.group(a).parent == b or org.group(b).parent == a
    ancestors = list(org.ancestors(raised_in))
    if routing.outcome is Outcome.HERE:
        assert path == (raised_in,)
    elif routing.outcome is Outcome.ESCALATE:
        assert list(path[1:]) == ancestors[: len(path) - 1]
    elif routing.outcome is Outcome.DELEGATE:
        assert all(org.group(b).parent == a for a, b in itertools.pairwise(path))
    else:
        assert routing.home not in ancestors
        assert raised_in not in list(org.ancestors(routing.home))


@given(org_and_matter(), st.data())
def test_an_excludes_clause_never_adds_a_home(
    case: tuple[model.Organization, model.Matter, str], data: st.DataObject
) -> None:
    org, matter, raised_in = case
    target = data.draw(st.sampled_from(org.groups))
    extra = model.ScopeClause(
        "added-exclusion",
        categories=data.draw(st.frozensets(st.sampled_from([c.id for c in org.categories]))),
        amount_min=data.draw(st.none() | st.sampled_from([Decimal(0), Decimal(10), Decimal(100)])),
        span=data.draw(st.sampled_from(model.Span)),
    )
    changed = attrs.evolve(
        target, mandate=attrs.evolve(target.mandate, excludes=(*target.mandate.excludes, extra))
    )
    org2 = attrs.evolve(org, groups=tuple(changed if g.id == target.id else g for g in org.groups))
    before, _ = homes(org, matter)
    after, _ = homes(org2, matter)
    assert set(after) <= set(before)
    routed = route(org2, matter, raised_in=raised_in)
    if routed.home is not None:
        assert routed.home in before


@st.composite
def nested_organizations(draw: st.DrawFn) -> model.Organization:
    """Organisations whose thresholds are nested: along every ancestor/descendant pair, the
    descendant's amount ranges lie wholly below the ancestor's (a delegation ladder), all
    clauses functional (span any), no flags, no excludes, resolution lowest."""
    base = draw(organizations(with_cycles=False))
    ladder = [Decimal(10) ** k for k in range(12)]
    max_depth = max(base.depth(g.id) for g in base.groups)
    groups = []
    for group in base.groups:
        level = max_depth - base.depth(group.id)  # deeper groups: lower rungs
        clauses = []
        if draw(st.booleans()):
            clauses.append(
                model.ScopeClause(
                    "rung",
                    categories=draw(
                        st.frozensets(st.sampled_from([c.id for c in base.categories]))
                    ),
                    amount_min=ladder[level] if level > 0 else None,
                    amount_max=ladder[level + 1] if level < max_depth else None,
                )
            )
        groups.append(attrs.evolve(group, mandate=model.Mandate(handles=tuple(clauses))))
    return attrs.evolve(
        base, groups=tuple(groups), resolution=model.Resolution.LOWEST, strategic=()
    )


@given(nested_organizations(), st.data())
def test_raising_the_amount_never_moves_home_lower(
    org: model.Organization, data: st.DataObject
) -> None:
    category = data.draw(st.sampled_from([c.id for c in org.categories]))
    low, high = sorted(
        data.draw(st.lists(st.decimals(0, 10**11, places=2), min_size=2, max_size=2))
    )
    units = tuple(
        data.draw(st.lists(st.sampled_from([g.id for g in org.groups]), max_size=2, unique=True))
    )
    first = route(org, model.Matter(category, amount=low, units=units), raised_in=org.groups[0].id)
    second = route(
        org, model.Matter(category, amount=high, units=units), raised_in=org.groups[0].id
    )
    assume(first.home is not None and second.home is not None)
    assert first.home not in org.ancestors(second.home)  # second is not strictly below first


def test_precondition_matters_without_nesting() -> None:
    """Without nested thresholds, a higher amount can move a matter down: the property
    above is not vacuous."""
    org = model.Organization(
        "o",
        "O",
        categories=(model.Category("c", "C"),),
        groups=(
            model.Group(
                "top",
                "Top",
                mandate=model.Mandate(
                    handles=(model.ScopeClause("small", amount_max=Decimal(10)),)
                ),
            ),
            model.Group(
                "low",
                "Low",
                parent="top",
                mandate=model.Mandate(handles=(model.ScopeClause("big", amount_min=Decimal(10)),)),
            ),
        ),
    )
    assert route(org, model.Matter("c", amount=Decimal(1)), raised_in="top").home == "top"
    assert route(org, model.Matter("c", amount=Decimal(20)), raised_in="top").home == "low"


# --- the example organisation -----------------------------------------------------------
@pytest.fixture(scope="module")
def org() -> model.Organization:
    return mgovern.example()


def test_property_sale_of_3_msek_raised_in_klg(org: model.Organization) -> None:
    routing = route(
        org, model.Matter("fastighetsforsaljning", amount=Decimal(3_000_000)), raised_in="klg"
    )
    assert routing.outcome is Outcome.DELEGATE
    assert routing.home == "mv"
    assert routing.decided_by == "avdelningschef"
    assert routing.path == ("klg", "mv")
    text = str(routing)
    assert "delegeras nedåt" in text
    assert str(routing.clause) in text
    assert "Avdelningschef" in text


def test_escalate_and_here(org: model.Organization) -> None:
    big = model.Matter("fastighetsforsaljning", amount=Decimal(59_200) * 600)
    assert route(org, big, raised_in="mv").outcome is Outcome.ESCALATE
    assert route(org, big, raised_in="namnd").outcome is Outcome.HERE


def test_base_amount_follows_the_year(org: model.Organization) -> None:
    # 100 prisbasbelopp: 5 730 000 SEK in 2024, 5 920 000 SEK in 2026
    amount = Decimal(5_800_000)
    in_2024 = route(
        org, model.Matter("fastighetsforsaljning", amount=amount, year=2024), raised_in="klg"
    )
    in_2026 = route(
        org, model.Matter("fastighetsforsaljning", amount=amount, year=2026), raised_in="klg"
    )
    assert in_2024.home == "klg"
    assert in_2026.home == "mv"


def test_unknown_references_are_clear(org: model.Organization) -> None:
    with pytest.raises(mgovern.UnknownReferenceError, match="unknown category 'nope'"):
        route(org, model.Matter("nope"), raised_in="klg")
    with pytest.raises(mgovern.UnknownReferenceError, match="unknown group 'zz'"):
        route(org, model.Matter("budget"), raised_in="zz")
    with pytest.raises(mgovern.UnknownReferenceError, match="unknown flag 'brådskande'"):
        route(org, model.Matter("budget", flags=frozenset({"brådskande"})), raised_in="klg")


def test_horizon_names_the_criterion(org: model.Organization) -> None:
    cross = model.Matter("upphandling", amount=Decimal(10_000), units=("gi", "gy"))
    result = horizon(org, cross)
    assert result.horizon is model.Horizon.STRATEGIC
    assert result.criterion == "flera-avdelningar"
    routine = model.Matter("upphandling", amount=Decimal(10_000), units=("gi",))
    assert horizon(org, routine).horizon is model.Horizon.OPERATIVE
    assert horizon(org, routine).criterion is None
