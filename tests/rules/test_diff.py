"""mgovern.diff (mgovern.rules.compare): the exact difference of two versions, and histories."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import mgovern
from mgovern import model
from mgovern.cli import build_cli
from mgovern.history import History, load_history, merge
from mgovern.register.audit import FindingKind, audit_decision
from mgovern.register.records import Decision
from mgovern.rules.compare import Decided, Diff, OutcomeChange, diff, holder, joint_contexts
from mgovern.rules.coverage import cells, check
from mgovern.rules.scope import Outcome, route, span_of
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
    patch = {"groups": [{"id": "a", "c": [{"id": "k", "remove": True}, {"id": "n", "add": True}]}]}
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
            assert c.amounts == (mgovern.rules.coverage.AmountRange(100 * pbb, 150 * pbb),)
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


# --- groups that move (issue 21, C) ------------------------------------------------------
def _meets(org: model.Organization, units: tuple[str, ...]) -> tuple[str | None, str | None]:
    """Where ``units`` meet and how, from the parent links alone (the oracle, written
    from the rule in docs/scope.md, not with mgovern.rules.scope): the lowest group holding
    every unit, "own" when the units are that group or lie in one branch below it,
    "multi" when they lie in two or more; (None, None) when no group holds them all
    (none named, or in two trees), which no own or multi clause can match."""
    parent = {g.id: g.parent for g in org.groups}

    def up(unit: str | None) -> list[str]:
        chain = []
        while unit is not None:
            chain.append(unit)
            unit = parent[unit]
        return chain

    chains = [up(u) for u in units]
    common = [g for g in chains[0] if all(g in c for c in chains)] if chains else []
    if not common:
        return None, None
    low = common[0]
    branches = {c[c.index(low) - 1] for c in chains if c[0] != low}
    return low, "multi" if len(branches) >= 2 else "own"


def _span_text(span: model.Span | None) -> str | None:
    return str(span) if span is not None else None


def _in_change(
    c: OutcomeChange, old: model.Organization, new: model.Organization, matter: model.Matter
) -> bool:
    """Whether ``c`` describes ``matter``, its unit contexts found by :func:`_meets`."""
    if _meets(old, matter.units) != (c.where, _span_text(c.span)):
        return False
    if _meets(new, matter.units) != (c.where_after, _span_text(c.span_after)):
        return False
    if c.category != matter.category or (c.year is not None and c.year != matter.year):
        return False
    if matter.flags & c.mentioned != c.flags:
        return False
    for r in c.amounts:
        if r.none and matter.amount is None:
            return True
        if r.none or matter.amount is None or r.low is None:
            continue
        if matter.amount >= r.low and (r.high is None or matter.amount < r.high):
            return True
    return False


def _without(org: model.Organization, gid: str) -> model.Organization:
    """``org`` without group ``gid``; its children go to its parent."""
    gone = org.group(gid)
    groups = tuple(
        attrs.evolve(g, parent=gone.parent) if g.parent == gid else g
        for g in org.groups
        if g.id != gid
    )
    return attrs.evolve(org, groups=groups)


@st.composite
def _regrouped(draw: st.DrawFn) -> tuple[model.Organization, model.Organization]:
    """An organisation and a revision that moves its groups, once or twice: one
    re-parented (under a group outside its subtree, or made a root), the first or second
    child of a group deleted (its children taken over by its parent), the groups
    reordered in the file, or a flag added that a clause requires or forbids; with or
    without one of :func:`_revised`'s edits to the rules or people beside it."""
    old, edited = draw(_revised())
    new = draw(st.sampled_from([old, edited]))
    for _ in range(draw(st.integers(1, 2))):
        new = draw(_regroup_once(new))
    return old, new


@st.composite
def _regroup_once(draw: st.DrawFn, new: model.Organization) -> model.Organization:
    how = draw(st.sampled_from(["reparent", "delete-first", "delete-second", "reorder", "flag"]))
    if how == "reparent":
        gid = draw(st.sampled_from([g.id for g in new.groups]))
        below = {gid, *new.subtree(gid)}
        parent = draw(st.sampled_from([None, *(g.id for g in new.groups if g.id not in below)]))
        return _regroup(new, gid, parent=parent)
    if how.startswith("delete"):
        nth = 0 if how == "delete-first" else 1
        parents = [g.id for g in new.groups if len(new.children(g.id)) > nth]
        if not parents:
            return new
        return _without(new, new.children(draw(st.sampled_from(parents)))[nth])
    if how == "reorder":
        return attrs.evolve(new, groups=tuple(draw(st.permutations(new.groups))))
    flag = f"fnew{len(new.flags)}"
    flagged = attrs.evolve(new, flags=(*new.flags, model.Flag(flag, "New")))
    clauses = [(g.id, c.id) for g in new.groups for c in g.mandate.handles]
    if not clauses:
        return flagged
    gid, clause_id = draw(st.sampled_from(clauses))
    clause = new.group(gid).mandate.handles
    which = draw(st.sampled_from(["flags_required", "flags_forbidden"]))
    before = getattr(next(c for c in clause if c.id == clause_id), which)
    return _handles(flagged, gid, clause_id, **{which: before | {flag}})


def _unit_sets(old: model.Organization, new: model.Organization) -> list[tuple[str, ...]]:
    """Every set of units that are groups of both versions."""
    ids = sorted({g.id for g in old.groups} & {g.id for g in new.groups})
    return [c for n in range(len(ids) + 1) for c in itertools.combinations(ids, n)]


@settings(max_examples=150, deadline=None)
@given(_regrouped())
def test_the_compared_unit_contexts_are_every_pair_some_units_fall_in(
    pair: tuple[model.Organization, model.Organization],
) -> None:
    old, new = pair
    found = joint_contexts(old, new)
    pairs = {((a, _span_text(s)), (b, _span_text(t))) for (a, s), (b, t), _ in found}
    assert len(pairs) == len(found)
    brute = {(_meets(old, units), _meets(new, units)) for units in _unit_sets(old, new)}
    assert pairs == brute
    for (a, s), (b, t), units in found:
        assert len(units) <= 4
        assert (_meets(old, units), _meets(new, units)) == ((a, _span_text(s)), (b, _span_text(t)))


@settings(max_examples=60, deadline=None)
@given(_regrouped())
def test_moved_groups_every_change_is_confirmed_by_routing_its_witness(
    pair: tuple[model.Organization, model.Organization],
) -> None:
    """Soundness: each witness routes as the change says in both versions (``route``
    refuses a flag or unit the version lacks), and its units meet where it says."""
    old, new = pair
    d = diff(old, new)
    _confirmed(d)
    both = {f.id for f in old.flags} & {f.id for f in new.flags}
    for c in d.changes:
        assert _in_change(c, old, new, c.witness), c
        assert c.mentioned <= both, c  # a flag of one version is a structural change


@settings(max_examples=60, deadline=None)
@given(_regrouped(), st.data())
def test_moved_groups_every_matter_routed_differently_lies_in_a_reported_change(
    pair: tuple[model.Organization, model.Organization], data: st.DataObject
) -> None:
    """Completeness: matters of every set of units (groups of both versions), with drawn
    categories, amounts, years and flags (those of both versions), routed in both by
    ``route``; each decided differently lies in a reported change."""
    old, new = pair
    d = diff(old, new)
    flags = sorted({f.id for f in old.flags} & {f.id for f in new.flags})
    listed = sorted(b.year for b in old.base_amounts)
    for _ in range(6):
        drawn = data.draw(matters(old))
        matter = attrs.evolve(drawn, flags=frozenset(f for f in drawn.flags if f in flags))
        if listed:
            matter = attrs.evolve(matter, year=matter.year if matter.year in listed else listed[-1])
        for units in _unit_sets(old, new):
            one = attrs.evolve(matter, units=units)
            if _decided(old, one) != _decided(new, one):
                assert any(_in_change(c, old, new, one) for c in d.changes), one


@settings(max_examples=40, deadline=None)
@given(_regrouped())
def test_moved_groups_diff_both_ways_are_mirror_images(
    pair: tuple[model.Organization, model.Organization],
) -> None:
    old, new = pair
    assert not diff(new, new).changed
    forward, backward = diff(old, new), diff(new, old)
    assert backward.changes == forward.mirrored().changes
    assert set(backward.structure) == set(forward.mirrored().structure)
    assert (backward.cells, backward.contexts) == (forward.cells, forward.contexts)


@settings(max_examples=40, deadline=None)
@given(organizations(max_groups=6, max_flags=3, with_cycles=False, edges=False), st.data())
def test_the_order_of_the_groups_changes_nothing(
    org: model.Organization, data: st.DataObject
) -> None:
    reordered = attrs.evolve(org, groups=tuple(data.draw(st.permutations(org.groups))))
    d = diff(org, reordered)
    assert (d.changes, d.structure, d.cells) == ((), (), 0)


# --- the command line, for groups that move and flags of one version ---------------------
def _write(tmp_path: Path, name: str, org: model.Organization) -> Path:
    path = tmp_path / name
    path.write_text(mgovern.dumps(org), encoding="utf-8")
    return path


def _regroup(org: model.Organization, gid: str, **changes: Any) -> model.Organization:
    groups = tuple(attrs.evolve(g, **changes) if g.id == gid else g for g in org.groups)
    return attrs.evolve(org, groups=groups)


def _handles(
    org: model.Organization, gid: str, clause_id: str, **changes: Any
) -> model.Organization:
    """``org`` with ``gid``'s handles clause ``clause_id`` changed."""
    mandate = org.group(gid).mandate
    handles = tuple(attrs.evolve(c, **changes) if c.id == clause_id else c for c in mandate.handles)
    return _regroup(org, gid, mandate=attrs.evolve(mandate, handles=handles))


def _diff_json(old: Path, new: Path) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(build_cli(), ["diff", str(old), str(new), "--json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def _routed_by_the_cli(path: Path, change: dict[str, Any], side: str) -> None:
    """``mgovern route`` decides the change's witness in ``path`` as its ``side`` says."""
    w = change["witness"]
    args = ["route", "--org", str(path), "--raised-in", "klg", "--category", w["category"]]
    args += [a for u in w["units"] for a in ("--unit", u)]
    args += [a for f in w["flags"] for a in ("--flag", f)]
    args += ["--amount", w["amount"]] if w["amount"] is not None else []
    args += ["--year", str(w["year"])] if w["year"] is not None else []
    result = CliRunner().invoke(build_cli(), [*args, "--json"])
    assert result.exit_code in (0, 1), (path.name, change, result.output)  # 2: refused
    routed = json.loads(result.output)
    expected = change[side]
    assert routed["home"] == expected["home"], (path.name, change, routed)
    assert routed["decided_by"] == expected["decided_by"], (path.name, change, routed)


def test_cli_diff_reports_the_matters_a_moved_group_takes_along(tmp_path: Path) -> None:
    """Issue 21 (7): sok moved from klg to mv; personal matters of mv and sok went to
    klg (several of its branches) and go to mv now (its own level and one branch)."""
    org = mgovern.example()
    old = _write(tmp_path, "old.toml", org)
    new = _write(tmp_path, "new.toml", _regroup(org, "sok", parent="mv"))
    text = CliRunner().invoke(build_cli(), ["diff", str(old), str(new)])
    assert text.exit_code == 1, text.output
    assert "överordnad grupp sok: klg → mv" in text.output
    assert (
        "Personalärenden, oavsett belopp, utan flaggor avvikelse, namndarende, principiell, "
        "strategisk-risk, flera grenar under Kontorsledningsgruppen (nu: enheter i Mark och "
        "värdering): Kontorsledningsgruppen (Exploateringsdirektör, Magnus Forsberg) → Mark "
        "och värdering (Avdelningschef, Henrik Blom)"
    ) in text.output
    code, found = _diff_json(old, new)
    assert code == 1
    assert found["changed"]
    personal = [
        c for c in found["changes"] if c["category"] == "personal" and c["units"] == ["mv", "sok"]
    ]
    assert personal
    assert {(c["where"], c["span"], c["where_after"], c["span_after"]) for c in personal} == {
        ("klg", "multi", "mv", "own")
    }
    assert {(c["old"]["home"], c["new"]["home"]) for c in personal} == {("klg", "mv")}
    for change in found["changes"]:
        _routed_by_the_cli(old, change, "old")
        _routed_by_the_cli(new, change, "new")


def test_cli_diff_of_groups_reordered_in_the_file_says_nothing_changes(tmp_path: Path) -> None:
    """Issue 21 (8): the order of the groups decides nothing; with a change to the
    clause for matters in several branches, that change is reported still."""
    org = mgovern.example()
    old = _write(tmp_path, "old.toml", org)
    reordered = attrs.evolve(org, groups=tuple(reversed(org.groups)))
    same = CliRunner().invoke(
        build_cli(), ["diff", str(old), str(_write(tmp_path, "r.toml", reordered))]
    )
    assert same.exit_code == 0, same.output
    assert same.output.splitlines() == [
        "old.toml → r.toml",
        "Inga ärenden byter hemvist, beslutsfattare eller utfall.",
    ]
    across = _handles(reordered, "klg", "tvargaende", decided_by=model.GROUP_DECIDES)
    new = _write(tmp_path, "new.toml", across)
    text = CliRunner().invoke(build_cli(), ["diff", str(old), str(new)])
    assert text.exit_code == 1, text.output
    assert (
        "flera grenar under Kontorsledningsgruppen: Kontorsledningsgruppen "
        "(Exploateringsdirektör, Magnus Forsberg) → Kontorsledningsgruppen (gruppen" in text.output
    )
    clause = 'regel klg/handles/tvargaende: decided_by = "direktor" → decided_by = "group"'
    assert clause in text.output
    _, found = _diff_json(old, new)
    assert found["changes"]
    assert {
        (c["where"], c["span"], c["where_after"], c["span_after"]) for c in found["changes"]
    } == {("klg", "multi", "klg", "multi")}
    for change in found["changes"]:
        _routed_by_the_cli(old, change, "old")
        _routed_by_the_cli(new, change, "new")


def _board() -> model.Organization:
    """A board over three offices a, b and c (in that order); matters of two offices go
    to the board's chair, each office's own to the office."""
    office = model.ScopeClause("own", span=model.Span.OWN, decided_by="chef")
    across = model.ScopeClause("across", span=model.Span.MULTI, decided_by="chef")
    return model.Organization(
        "x",
        "X",
        locale="en",
        categories=(model.Category("a", "Matters"),),
        roles=(model.Role("chef", "Head"),),
        people=(model.Person("p", "Pat", roles=("chef",)), model.Person("q", "Quinn")),
        groups=(
            model.Group("klg", "Board", chair="p", mandate=model.Mandate(handles=(across,))),
            *(
                model.Group(
                    g, g.upper(), parent="klg", chair="p", mandate=model.Mandate(handles=(office,))
                )
                for g in ("a", "b", "c")
            ),
        ),
    )


@pytest.mark.parametrize("deleted", ["a", "b"])
def test_cli_diff_after_deleting_a_first_or_second_child(tmp_path: Path, deleted: str) -> None:
    """Issue 21 (8): with the first (or second) office deleted, matters of the two
    offices left are still compared: the board now decides them as a body."""
    org = _board()
    new_org = _handles(_without(org, deleted), "klg", "across", decided_by=model.GROUP_DECIDES)
    old, new = _write(tmp_path, "old.toml", org), _write(tmp_path, "new.toml", new_org)
    text = CliRunner().invoke(build_cli(), ["diff", str(old), str(new)])
    assert text.exit_code == 1, text.output
    assert (
        "Matters, any amount, several branches under Board: Board (Head, Pat) → Board (the group)"
        in text.output
    )
    assert f"group {deleted}: removed ({deleted.upper()})" in text.output
    _, found = _diff_json(old, new)
    left = [g for g in ("a", "b", "c") if g != deleted]
    assert {tuple(c["units"]) for c in found["changes"]} == {tuple(left)}
    for change in found["changes"]:
        _routed_by_the_cli(old, change, "old")
        _routed_by_the_cli(new, change, "new")


def test_cli_diff_draws_no_witness_with_a_flag_of_one_version(tmp_path: Path) -> None:
    """Issue 21 (9): the new version adds the flag brads (urgent personal matters go to
    klg's director) and hands the divisions' personal matters to a unit head. The flag is
    a structural change; no witness carries it, so `route` takes every witness in both."""
    org = mgovern.example()
    urgent = model.ScopeClause(
        "brads", categories=frozenset({"personal"}), flags_required=frozenset({"brads"}),
        decided_by="direktor",
    )  # fmt: skip
    klg = org.group("klg").mandate
    new_org = attrs.evolve(org, flags=(*org.flags, model.Flag("brads", "Brådskande")))
    new_org = _regroup(new_org, "klg", mandate=attrs.evolve(klg, handles=(urgent, *klg.handles)))
    new_org = _handles(new_org, "mv", "avdelningens-fragor", decided_by="enhetschef")
    old, new = _write(tmp_path, "old.toml", org), _write(tmp_path, "new.toml", new_org)
    text = CliRunner().invoke(build_cli(), ["diff", str(old), str(new)])
    assert text.exit_code == 1, text.output
    assert "flagga brads: tillkommer (Brådskande)" in text.output
    assert "brads" not in "".join(
        line for line in text.output.splitlines() if "→" in line and "regel" not in line
    )
    code, found = _diff_json(old, new)
    assert code == 1
    assert found["changes"]
    assert {"kind": "flag", "subject": "brads", "old": None, "new": "Brådskande"} in found[
        "structure"
    ]
    for change in found["changes"]:
        assert "brads" not in change["mentioned"]
        assert "brads" not in change["witness"]["flags"]
        _routed_by_the_cli(old, change, "old")
        _routed_by_the_cli(new, change, "new")
    backward = CliRunner().invoke(build_cli(), ["diff", str(new), str(old), "--json"])
    assert "brads" not in json.dumps(json.loads(backward.output)["changes"])
