"""coverage.cells: every decided cell of check's partition agrees with route."""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

import mgovern
from mgovern import model
from mgovern.rules.coverage import Cell, cells, check
from mgovern.rules.scope import route, span_of
from mgovern.testing import matters, organizations


def _agrees(org: model.Organization, raised_in: str) -> int:
    count = 0
    for cell in cells(org):
        routing = route(org, cell.witness, raised_in=raised_in)
        assert routing.home == cell.home, cell
        assert routing.clause == cell.clause, cell
        assert routing.homes == cell.homes, cell
        assert tuple(r for r in routing.reasons if r.kind == "excludes") == cell.excluded_by
        assert routing.reasons == cell.reasons, cell
        if cell.where is not None:
            assert cell.span is span_of(org, cell.where, cell.witness.units)
        count += 1
    return count


def test_every_cell_of_the_example_routes_like_its_witness() -> None:
    org = mgovern.example()
    assert _agrees(org, "klg") == check(org).cells == 25344


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_every_cell_routes_like_its_witness_in_generated_organisations(data: st.DataObject) -> None:
    org = data.draw(organizations())
    assert _agrees(org, org.groups[0].id) == check(org).cells


@functools.cache
def _example_cells() -> tuple[Cell, ...]:
    return tuple(cells(mgovern.example()))


def _lookup(org: model.Organization, matter: model.Matter) -> Cell:
    """The cell a matter falls in, found the way a published table would be read."""
    common = None
    for unit in matter.units:
        chain = [unit, *org.ancestors(unit)]
        common = chain if common is None else [g for g in common if g in chain]
    where = common[0] if common else None
    span = span_of(org, where, matter.units) if where is not None else None
    for cell in _example_cells():
        if cell.category != matter.category or cell.where != where or cell.span is not span:
            continue
        if cell.year is not None and cell.year != matter.year:
            continue
        if cell.flags != matter.flags & cell.mentioned:
            continue
        low, high, none = cell.amounts.low, cell.amounts.high, cell.amounts.none
        if matter.amount is None:
            if none:
                return cell
        elif not none and matter.amount >= low and (high is None or matter.amount < high):
            return cell
    raise AssertionError(f"no cell for {matter}")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_matter_routes_like_the_cell_it_falls_in(data: st.DataObject) -> None:
    org = mgovern.example()
    matter = data.draw(matters(org))
    years = sorted(b.year for b in org.base_amounts)
    matter = model.Matter(
        matter.category,
        amount=matter.amount,
        units=matter.units,
        flags=matter.flags,
        year=matter.year if matter.year in years else years[-1],
    )
    cell = _lookup(org, matter)
    routing = route(org, matter, raised_in="klg")
    assert (routing.home, routing.clause) == (cell.home, cell.clause)
