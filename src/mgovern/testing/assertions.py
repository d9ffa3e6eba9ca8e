"""Assertions for users' own tests of their organisation's rules."""

from __future__ import annotations

from mgovern.model import Matter, Organization
from mgovern.rules.coverage import check
from mgovern.rules.scope import Outcome, route

__all__ = ["assert_every_matter_has_one_home", "assert_routes_to"]


def assert_every_matter_has_one_home(org: Organization, *, allow_fallback: bool = True) -> None:
    """Fail with the first gap's or ambiguity's explanation, if the analysis finds any.

    With ``allow_fallback=False`` a matter that only a fallback (catch-all) clause takes
    counts as a gap too.
    """
    report = check(org)
    gaps = report.gaps if allow_fallback else (*report.gaps, *report.fallback_only)
    problems = [(gap.witness, "gap") for gap in gaps] + [
        (overlap.witness, "ambiguous") for overlap in report.ambiguous
    ]
    if problems:
        lines = [f"{len(gaps)} gap finding(s) and {len(report.ambiguous)} ambiguous overlap(s)"]
        for gap in gaps[:5]:
            ranges = ", ".join(str(a) for a in gap.amounts)
            caught = f"; only fallback {gap.caught_by} takes it" if gap.caught_by else ""
            lines.append(
                f"gap: {gap.category} amounts {ranges} flags {sorted(gap.flags)} "
                f"units {list(gap.units)} year {gap.year}{caught}"
            )
        for overlap in report.ambiguous[:5]:
            lines.append(
                f"ambiguous: {overlap.category} homes {list(overlap.homes)} "
                f"clauses {[str(c) for c in overlap.clauses]}"
            )
        witness, kind = problems[0]
        lines.append(f"first {kind}, routed:")
        lines.append(str(route(org, witness, raised_in=org.groups[0].id)))
        raise AssertionError("\n".join(lines))


def assert_routes_to(
    org: Organization,
    matter: Matter,
    home: str,
    *,
    raised_in: str | None = None,
    decided_by: str | None = None,
) -> None:
    """Fail unless ``matter`` belongs in ``home`` (and, if given, is decided by ``decided_by``)."""
    routing = route(org, matter, raised_in=raised_in or home)
    if routing.outcome in (Outcome.GAP, Outcome.AMBIGUOUS) or routing.home != home:
        raise AssertionError(f"expected home {home!r}, got {routing.home!r}:\n{routing}")
    if decided_by is not None and routing.decided_by != decided_by:
        raise AssertionError(
            f"expected decided_by {decided_by!r}, got {routing.decided_by!r}:\n{routing}"
        )
