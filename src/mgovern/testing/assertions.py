"""Assertions for users' own tests of their organisation's rules."""

from __future__ import annotations

from mgovern.coverage import check
from mgovern.model import Matter, Organization
from mgovern.scope import Outcome, route

__all__ = ["assert_every_matter_has_one_home", "assert_routes_to"]


def assert_every_matter_has_one_home(org: Organization, *, allow_fallback: bool = True) -> None:
    """Fail with the first gap's or ambiguity's explanation, if the analysis finds any.

    With ``allow_fallback=False`` a matter that only a fallback (catch-all) clause takes
    counts as a gap too.
    """
    report = check(org)
    gaps = report.gaps if not allow_fallback else report.open_gaps
    problems = [(gap.witness, "gap") for gap in gaps] + [
        (overlap.witness, "ambiguous") for overlap in report.ambiguous
    ]
    if problems:
        witness, kind = problems[0]
        raised_in = org.groups[0].id
        explanation = str(route(org, witness, raised_in=raised_in))
        raise AssertionError(
            f"{len(gaps)} gap(s) and {len(report.ambiguous)} ambiguous overlap(s); "
            f"first {kind}: {witness}\n{explanation}"
        )


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
