"""Explanations a person can read, in the organisation's locale (Swedish or English)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mgovern.i18n import pgettext_for
from mgovern.model import (
    GROUP_DECIDES,
    AmountUnit,
    Matter,
    Organization,
    ScopeClause,
    language,
)

if TYPE_CHECKING:
    from mgovern.rules.scope import ClauseRef, Routing

__all__ = ["describe_clause", "describe_matter", "explain", "format_amount"]


@functools.cache
def _text_for(language: str) -> dict[str, Any]:
    """This module's words in ``language`` (the catalogue: mgovern.i18n)."""
    pgettext = pgettext_for(language)
    return {
        "matter": pgettext("explain", "The matter"),
        "no_amount": pgettext("explain", "no amount"),
        "units": pgettext("explain", "concerns"),
        "flags": pgettext("explain", "flags"),
        "here": pgettext("explain", "belongs here, in {home}"),
        "delegate": pgettext("explain", "is delegated down to {home}"),
        "escalate": pgettext("explain", "is escalated up to {home}"),
        "refer": pgettext("explain", "is referred to {home} in another branch"),
        "gap": pgettext("explain", "has no home: no group's mandate covers it"),
        "ambiguous": pgettext("explain", "has several homes that no rule tells apart: {homes}"),
        "raised": pgettext("explain", "Raised in {group}."),
        "clause": pgettext("explain", "Deciding clause: {ref} ({desc})."),
        "decides_role": pgettext(
            "explain", "Decided by {role}{person}, prepared and consulted in the group."
        ),
        "decides_group": pgettext("explain", "The group decides as a body."),
        "vacant": pgettext("explain", "vacant: no one in the group holds the role"),
        "path": pgettext("explain", "Path: {path}."),
        "others": pgettext("explain", "Also covered by {refs}; the lowest group wins."),
        "excluded": pgettext("explain", "Excluded by {refs}."),
        "fix_gap": pgettext("explain", "Add a handles clause that covers it."),
        "fix_ambiguous": pgettext("explain", "Narrow the clauses so that one group covers it."),
        "all_categories": pgettext("explain", "all categories"),
        "range": pgettext("explain", "amount"),
        "span": {
            "own": pgettext("explain", "own level or one branch"),
            "multi": pgettext("explain", "several branches"),
            "any": pgettext("explain", "any unit"),
        },
        "needs": pgettext("explain", "requires"),
        "not": pgettext("explain", "not"),
    }


def _text(org: Organization) -> Mapping[str, Any]:
    return _text_for(org.language)


def format_amount(amount: Decimal, currency: str, locale: str) -> str:
    """``3200000`` → ``3 200 000 SEK`` (sv) or ``3,200,000 SEK`` (en); exact, no float."""
    sign = "-" if amount < 0 else ""
    whole, _, frac = f"{abs(amount):f}".partition(".")
    sep, dec = ("\u00a0", ",") if language(locale) == "sv" else (",", ".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + sep.join(groups)
    frac = frac.rstrip("0")
    if frac:
        text += dec + frac
    return f"{text} {currency}"


def _name(org: Organization, group_id: str) -> str:
    return f"{org.group(group_id).name} [{group_id}]"


def describe_matter(org: Organization, matter: Matter) -> str:
    t = _text(org)
    parts = [org.category(matter.category).name]
    parts.append(
        format_amount(matter.amount, org.currency, org.locale)
        if matter.amount is not None
        else str(t["no_amount"])
    )
    if matter.units:
        parts.append(f"{t['units']} " + ", ".join(org.group(u).name for u in matter.units))
    if matter.flags:
        parts.append(f"{t['flags']}: " + ", ".join(sorted(matter.flags)))
    return ", ".join(parts)


def describe_clause(org: Organization, clause: ScopeClause) -> str:
    t = _text(org)
    parts = [
        ", ".join(org.category(c).name for c in sorted(clause.categories))
        if clause.categories
        else str(t["all_categories"])
    ]
    if clause.has_amount_range:

        def show(value: Decimal | None) -> str:
            if value is None:
                return "∞" if value is clause.amount_max else "0"
            if clause.amount_unit is AmountUnit.BASE:
                return f"{value:f} {org.base_amount_name}"
            return format_amount(value, org.currency, org.locale)

        parts.append(f"{t['range']} [{show(clause.amount_min)}, {show(clause.amount_max)})")
    spans = t["span"]
    assert isinstance(spans, dict)
    parts.append(spans[clause.span.value])
    if clause.flags_required:
        parts.append(f"{t['needs']} " + ", ".join(sorted(clause.flags_required)))
    if clause.flags_forbidden:
        parts.append(f"{t['not']} " + ", ".join(sorted(clause.flags_forbidden)))
    return "; ".join(parts)


def _clause(org: Organization, ref: ClauseRef) -> ScopeClause:
    mandate = org.group(ref.group).mandate
    clauses = mandate.handles if ref.kind == "handles" else mandate.excludes
    return next(c for c in clauses if c.id == ref.clause)


def explain(org: Organization, routing: Routing) -> str:
    """The routing in sentences, e.g. for ``mgovern route`` and agendas."""
    t = _text(org)
    home = _name(org, routing.home) if routing.home else ""
    verdict = str(t[routing.outcome.value]).format(
        home=home, homes=", ".join(_name(org, g) for g in routing.homes)
    )
    lines = [
        f"{t['matter']} ({describe_matter(org, routing.matter)}) {verdict}.",
        str(t["raised"]).format(group=_name(org, routing.raised_in)),
    ]
    if routing.clause is not None:
        clause = _clause(org, routing.clause)
        lines.append(
            str(t["clause"]).format(ref=routing.clause, desc=describe_clause(org, clause))
            + (f" {clause.note}" if clause.note else "")
        )
        if routing.decided_by in (None, GROUP_DECIDES):
            lines.append(str(t["decides_group"]))
        else:
            role = next(
                (r.name for r in org.roles if r.id == routing.decided_by), routing.decided_by
            )
            person = f" ({routing.decision_maker})" if routing.decision_maker else ""
            if routing.vacant:
                person = f" ({t['vacant']})"
            lines.append(str(t["decides_role"]).format(role=role, person=person))
    if len(routing.path) > 1:
        lines.append(str(t["path"]).format(path=" → ".join(routing.path)))
    others = [r for r in routing.reasons if r.kind == "handles" and r != routing.clause]
    if others and routing.home is not None:
        lines.append(str(t["others"]).format(refs=", ".join(map(str, others))))
    excluded = [r for r in routing.reasons if r.kind == "excludes"]
    if excluded:
        lines.append(str(t["excluded"]).format(refs=", ".join(map(str, excluded))))
    if routing.outcome.value == "gap":
        lines.append(str(t["fix_gap"]))
    elif routing.outcome.value == "ambiguous":
        clauses = [r for r in routing.reasons if r.kind == "handles"]
        lines.append(str(t["others"]).split(";")[0].format(refs=", ".join(map(str, clauses))) + ".")
        lines.append(str(t["fix_ambiguous"]))
    return "\n".join(lines)
