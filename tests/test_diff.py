"""mgovern.diff (mgovern.compare): the exact difference of two versions, and histories."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import resources
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import mgovern
from mgovern import model
from mgovern.audit import FindingKind, audit_decision
from mgovern.cli import build_cli
from mgovern.compare import Decided, Diff, OutcomeChange, diff, holder
from mgovern.coverage import cells, check
from mgovern.decisions import Decision
from mgovern.history import History, load_history, merge
from mgovern.scope import Outcome, route, span_of
from mgovern.testing import matters, organizations
from mgovern.testing.strategies import THRESHOLDS

HISTORY = Path(str(resources.files("mgovern.examples"))) / "exploateringskontoret-historik.toml"
BEFORE, AFTER = dt.date(2026, 4, 30), dt.date(2026, 5, 1)


@pytest.fixture(scope="module")
def history() -> History:
    return load_history(HISTORY)


# --- the example's history ---------------------------------------------------------------
def test_route_before_and_after_the_2026_revision(history: History) -> None:
    sale = model.Matter("fastighetsforsaljning", amount=Decimal(7_000_000), year=2026)
    before = route(history, sale, raised_in="klg", on=dt.date(2026, 3, 15))
    after = route(history, sale, raised_in="klg", on=dt.date(2026, 6, 1))
    assert (before.home, before.decided_by) == ("klg", "direktor")
    assert (after.home, after.decided_by) == ("mv", "avdelningschef")
    recruit = model.Matter("chefsrekrytering", units=("gi",))
    assert route(history, recruit, raised_in="klg", on=BEFORE).home == "klg"
    assert route(history, recruit, raised_in="klg", on=AFTER).home == "gi"


def test_decision_maker_as_of_the_day(history: History) -> None:
    sale = model.Matter("fastighetsforsaljning", amount=Decimal(1_000_000), year=2026)
    august = route(history, sale, raised_in="mv", on=dt.date(2026, 8, 31))
    september = route(history, sale, raised_in="mv", on=dt.date(2026, 9, 1))
    assert august.decision_maker == "Henrik Blom"
    assert september.decision_maker == "Sara Lind"
    assert history.as_of(dt.date(2026, 9, 1)).group("mv").chair == "sara-lind"
    assert "henrik-blom" not in history.as_of(dt.date(2026, 9, 1)).group("klg").participants


def test_a_vacant_role_has_no_decision_maker(history: History) -> None:
    gap = attrs.evolve(history, appointments=history.appointments[:2])  # nobody after August
    sale = model.Matter("fastighetsforsaljning", amount=Decimal(1_000_000), year=2026)
    routing = route(gap, sale, raised_in="mv", on=dt.date(2026, 10, 1))
    assert routing.home == "mv"
    assert routing.decision_maker is None
    changes = diff(gap.as_of(dt.date(2026, 8, 31)), gap.as_of(dt.date(2026, 10, 1))).changes
    assert changes
    assert all(c.new.vacant for c in changes)


def test_the_audit_judges_a_march_decision_by_the_march_rules(history: History) -> None:
    sale = model.Matter("fastighetsforsaljning", amount=Decimal(7_000_000), year=2026)
    march = Decision("EXPN-2026-00042", dt.date(2026, 3, 10), "avdelningschef", sale)
    june = attrs.evolve(march, id="EXPN-2026-00099", date=dt.date(2026, 6, 10))
    (finding,) = audit_decision(history, march)
    assert finding.kind is FindingKind.OUTSIDE_MANDATE
    assert finding.routing.home == "klg"
    assert audit_decision(history, june) == ()


def test_check_as_of_a_day(history: History) -> None:
    assert check(history, on=BEFORE).ok
    assert check(history, on=AFTER).ok


def test_a_plain_file_is_a_history_with_one_version(tmp_path: Path) -> None:
    org = mgovern.example()
    plain = tmp_path / "org.toml"
    plain.write_text(mgovern.dumps(org), encoding="utf-8")
    one = load_history(plain)
    assert len(one.revisions) == 1
    assert one.as_of(dt.date(1999, 1, 1)) == org
    assert mgovern.load(plain) == org


def test_merge_by_id_removes_and_adds() -> None:
    base = {"groups": [{"id": "a", "x": 1, "c": [{"id": "k", "v": 1}]}, {"id": "b"}]}
    patch = {"groups": [{"id": "a", "c": [{"id": "k", "remove": True}, {"id": "n"}]}]}
    assert merge(base, patch) == {"groups": [{"id": "a", "x": 1, "c": [{"id": "n"}]}, {"id": "b"}]}


def test_the_2026_revision_changes_exactly_what_it_says(history: History) -> None:
    d = diff(history.as_of(BEFORE), history.as_of(AFTER))
    moved = {(c.category, c.new.home) for c in d.changes}
    divisions = {"adm", "mv", "pu", "gi", "gy", "nds", "slu", "sok"}
    assert moved == {("chefsrekrytering", g) for g in divisions} | {("fastighetsforsaljning", "mv")}
    assert all(c.old.home == "klg" for c in d.changes)
    for c in d.changes:
        if c.category == "fastighetsforsaljning":
            assert c.year is not None
            pbb = history.as_of(AFTER).base_amount(c.year)
            assert c.amounts == (mgovern.coverage.AmountRange(100 * pbb, 150 * pbb),)
    _confirmed(d)


# --- the CLI -----------------------------------------------------------------------------
def test_cli_diff_exit_codes_and_formats(tmp_path: Path) -> None:
    runner = CliRunner()
    cli = build_cli()
    result = runner.invoke(cli, ["diff", str(HISTORY)])
    assert result.exit_code == 1, result.output
    assert "100–150 prisbasbelopp" in result.output
    same = runner.invoke(
        cli,
        ["diff", str(HISTORY), str(HISTORY), "--old-on", "2026-06-01", "--new-on", "2026-06-01"],
    )
    assert same.exit_code == 0, same.output
    md = runner.invoke(cli, ["diff", str(HISTORY), "--markdown"])
    assert md.output.startswith("# ")
    assert "| Kategori |" in md.output
    js = runner.invoke(cli, ["diff", str(HISTORY), "--json"])
    assert js.exit_code == 1
    assert '"changed": true' in js.output
    bad = runner.invoke(
        cli, ["diff", str(HISTORY), "--old-on", "2026-05-01", "--new-on", "2026-01-01"]
    )
    assert bad.exit_code == 2


def test_cli_org_option_takes_a_history() -> None:
    runner = CliRunner()
    args = ["route", "--org", str(HISTORY), "--raised-in", "klg"]
    args += ["--category", "chefsrekrytering", "--unit", "mv"]
    result = runner.invoke(build_cli(), args, env={"SOURCE_DATE_EPOCH": "1780272000"})
    assert "hemvist:     mv" in result.output, result.output


# --- properties --------------------------------------------------------------------------
def _decided(org: model.Organization, matter: model.Matter) -> Decided:
    r = route(org, matter, raised_in=org.groups[0].id)
    if r.outcome is Outcome.GAP:
        return Decided("gap", None, None, None, (), None)
    if r.outcome is Outcome.AMBIGUOUS:
        return Decided("ambiguous", None, None, None, r.homes, None)
    assert r.home is not None
    return Decided("home", r.home, r.decided_by, holder(org, r.home, r.decided_by), r.homes, None)


def _confirmed(d: Diff) -> None:
    """Every change's witness is decided as ``old`` before and as ``new`` after."""
    for c in d.changes:
        assert _decided(d.old, c.witness) == c.old, c
        assert _decided(d.new, c.witness) == c.new, c
        assert c.old != c.new


def _contains(c: OutcomeChange, org: model.Organization, matter: model.Matter) -> bool:
    common: list[str] | None = None
    for unit in matter.units:
        chain = [unit, *org.ancestors(unit)]
        common = chain if common is None else [g for g in common if g in chain]
    where = common[0] if common else None
    span = span_of(org, where, matter.units) if where is not None else None
    if (c.category, c.where, c.span) != (matter.category, where, span):
        return False
    if c.year is not None and c.year != matter.year:
        return False
    if matter.flags & c.mentioned != c.flags:
        return False
    for r in c.amounts:
        if matter.amount is None:
            if r.none:
                return True
        elif (
            not r.none
            and r.low is not None
            and matter.amount >= r.low
            and (r.high is None or matter.amount < r.high)
        ):
            return True
    return False


@st.composite
def _revised(draw: st.DrawFn) -> tuple[model.Organization, model.Organization]:
    """An organisation and a revision of it: a threshold moved, a clause removed, a flag
    added to a clause, or a decision-maker changed."""
    org = draw(organizations(max_groups=6, max_flags=3, with_cycles=False, edges=False))
    where = [
        (gi, which, ci)
        for gi, g in enumerate(org.groups)
        for which in ("handles", "excludes")
        for ci in range(len(getattr(g.mandate, which)))
    ]
    how = draw(st.sampled_from(["threshold", "remove", "flag", "people"]))
    if how == "people" or not where:
        people = list(org.people)
        if not people or not org.roles:
            return org, org
        i = draw(st.integers(0, len(people) - 1))
        roles = draw(st.frozensets(st.sampled_from([r.id for r in org.roles])))
        people[i] = attrs.evolve(people[i], roles=tuple(sorted(roles)))
        return org, attrs.evolve(org, people=tuple(people))
    gi, which, ci = draw(st.sampled_from(where))
    group = org.groups[gi]
    clauses = list(getattr(group.mandate, which))
    clause = clauses[ci]
    if how == "remove":
        del clauses[ci]
    elif how == "threshold":
        lo = draw(st.none() | st.sampled_from(THRESHOLDS))
        above = [t for t in THRESHOLDS if lo is None or t > lo]
        hi = draw(st.none() | st.sampled_from(above)) if above else None
        if draw(st.booleans()):
            high = clause.amount_max
            if high is not None and lo is not None and lo >= high:
                high = None
            clauses[ci] = attrs.evolve(clause, amount_min=lo, amount_max=high)
        else:
            ok = hi is None or clause.amount_min is None or hi > clause.amount_min
            clauses[ci] = attrs.evolve(clause, amount_max=hi if ok else None)
    else:
        used = clause.flags_required | clause.flags_forbidden
        free = [f.id for f in org.flags if f.id not in used]
        if not free:
            return org, org
        flag = draw(st.sampled_from(free))
        if draw(st.booleans()):
            clauses[ci] = attrs.evolve(clause, flags_required=clause.flags_required | {flag})
        else:
            clauses[ci] = attrs.evolve(clause, flags_forbidden=clause.flags_forbidden | {flag})
    mandate = attrs.evolve(group.mandate, **{which: tuple(clauses)})
    groups = list(org.groups)
    groups[gi] = attrs.evolve(group, mandate=mandate)
    return org, attrs.evolve(org, groups=tuple(groups))


@settings(max_examples=25, deadline=None)
@given(_revised())
def test_diff_of_a_version_with_itself_is_empty(pair: tuple[model.Organization, ...]) -> None:
    org = pair[0]
    d = diff(org, org)
    assert not d.changed
    assert d.changes == ()
    assert d.structure == ()


@settings(max_examples=60, deadline=None)
@given(_revised())
def test_every_change_is_confirmed_by_routing_its_witness(
    pair: tuple[model.Organization, model.Organization],
) -> None:
    _confirmed(diff(*pair))


@settings(max_examples=60, deadline=None)
@given(_revised(), st.data())
def test_every_matter_routed_differently_lies_in_a_reported_change(
    pair: tuple[model.Organization, model.Organization], data: st.DataObject
) -> None:
    old, new = pair
    d = diff(old, new)
    listed = sorted(b.year for b in old.base_amounts)
    # Hypothesis's matters, and every cell's witness of either version's own partition
    # (found without the diff's refinement)
    drawn = [data.draw(matters(old)) for _ in range(20)]
    drawn += [c.witness for org in (old, new) for c in cells(org)]
    for matter in drawn:
        if listed:
            matter = attrs.evolve(matter, year=matter.year if matter.year in listed else listed[-1])
        if _decided(old, matter) != _decided(new, matter):
            assert any(_contains(c, new, matter) for c in d.changes), matter


@settings(max_examples=40, deadline=None)
@given(_revised())
def test_diff_both_ways_are_mirror_images(
    pair: tuple[model.Organization, model.Organization],
) -> None:
    old, new = pair
    forward, backward = diff(old, new), diff(new, old)
    assert backward.changes == forward.mirrored().changes
    assert set(backward.structure) == set(forward.mirrored().structure)
    assert backward.cells == forward.cells


def test_structural_changes_list_the_meetings_a_cycle_change_moves() -> None:
    org = mgovern.example()
    klg = org.group("klg")
    later = attrs.evolve(klg.cycles[0], time=dt.time(13, 0))
    groups = tuple(
        attrs.evolve(g, cycles=(later, *g.cycles[1:])) if g.id == "klg" else g for g in org.groups
    )
    d = diff(
        org, attrs.evolve(org, groups=groups), window=(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    )
    assert not d.changed
    kinds = {(s.kind, s.subject) for s in d.structure}
    assert ("cycle", f"klg/{klg.cycles[0].id}") in kinds
    removed = [s.old for s in d.structure if s.kind == "meeting" and s.old]
    added = [s.new for s in d.structure if s.kind == "meeting" and s.new]
    assert "2026-09-01T09:00:00+02:00" in removed
    assert "2026-09-01T13:00:00+02:00" in added


def test_cli_diff_of_two_plain_files(tmp_path: Path) -> None:
    text = mgovern.dumps(mgovern.example())
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace("amount_max = 100\n", "amount_max = 120\n", 1), encoding="utf-8")
    assert text.count("amount_max = 100\n") >= 1
    result = CliRunner().invoke(build_cli(), ["diff", str(old), str(new), "--json"])
    assert result.exit_code == 1, result.output
    same = CliRunner().invoke(build_cli(), ["diff", str(old), str(old)])
    assert same.exit_code == 0, same.output
    assert "old.toml → old.toml" in same.output
