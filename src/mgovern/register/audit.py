"""The audit: was each decision taken by whom the rules in force that day say?

Municipal auditors (*revisorer*) examine whether decisions were taken under the
delegation order (*delegationsordning*) that was supposed to allow them. mgovern can,
because its mandates are rules: every decision's matter is routed with
:func:`mgovern.rules.scope.route`, as of the decision's date, and the routing's outcome is
compared with what the decision records. Nothing is compared as text: the home group,
the deciding role and the chair all come from the routing and the organisation.

Findings:

``outside-mandate``
    decided by a role the rules do not give this matter (*beslut utanför delegation*);
    the finding names the role and the person who should have decided.
``other-forum``
    prepared in another group than the matter's home (*fel beredningsforum*).
``urgent-not-allowed``
    an urgent decision (*brådskande ordförandebeslut*, kommunallagen 6 kap. 39 §) that
    the rules do not allow. mgovern's definition: an urgent decision stands in for the
    body whose matter it is, so the matter's home must be a group that decides as a body
    (``decided_by = "group"``, as the board does), and the person who decided must be
    that group's chair (for board matters: the board's chair). A matter the rules
    delegate to an official needs no urgent decision: its delegate decides.
``no-rule``
    no rule covers the matter (a gap), or, under ``resolution = "strict"``, several do.

"As of its date": the rules and role holders are those in force on ``on`` (default: the
decision's date), and an amount in base units is counted with that year's base amount.
``org`` may be a :class:`~mgovern.history.History`; :func:`rules_in_force` picks its
revision and appointments of that day (a plain organisation is in force on every day).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs
from attrs import frozen

from mgovern.exceptions import ConfigError, UnknownReferenceError, quote
from mgovern.history import History, in_force
from mgovern.i18n import gettext_for
from mgovern.model import GROUP_DECIDES, Organization
from mgovern.register.records import Decision
from mgovern.rules.scope import Outcome, Routing, route

__all__ = [
    "Finding",
    "FindingKind",
    "audit",
    "audit_decision",
    "by_decision",
    "kind_label",
    "rules_in_force",
]


class FindingKind(enum.StrEnum):
    OUTSIDE_MANDATE = "outside-mandate"
    OTHER_FORUM = "other-forum"
    URGENT_NOT_ALLOWED = "urgent-not-allowed"
    NO_RULE = "no-rule"


@frozen
class Finding:
    """One thing wrong with one decision, with the routing that shows it.

    ``should_decide`` is the role the rules give the matter (``group``: its home group
    as a body) and ``should_decide_person`` the name of the person holding it there.
    """

    decision: Decision
    kind: FindingKind
    message: str
    routing: Routing
    should_decide: str | None = None
    should_decide_person: str | None = None

    @property
    def explanation(self) -> str:
        """The routing's explanation, in the organisation's language."""
        return self.routing.explanation


def kind_label(kind: FindingKind, org: Organization) -> str:
    """What a finding's kind is called in the organisation's language."""
    _ = gettext_for(org)
    labels = {
        FindingKind.OUTSIDE_MANDATE: _("outside mandate"),
        FindingKind.OTHER_FORUM: _("prepared in another forum"),
        FindingKind.URGENT_NOT_ALLOWED: _("urgent decision the rules do not allow"),
        FindingKind.NO_RULE: _("no rule"),
    }
    return labels[kind]


def by_decision(findings: Iterable[Finding]) -> tuple[tuple[Finding, ...], ...]:
    """The findings one per decision: each decision's findings together (all its kinds),
    in the order of the decisions. They share the decision's routing, so a report states
    its explanation once."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.decision.id, []).append(finding)
    return tuple(tuple(group) for group in grouped.values())


def rules_in_force(org: Organization | History, on: dt.date) -> Organization:
    """The organisation as it stood on ``on``: a history's revision and appointments of
    that day (a plain organisation is a history with one version, in force every day)."""
    return in_force(org, on)


def audit(org: Organization | History, decisions: Iterable[Decision]) -> tuple[Finding, ...]:
    """Every finding for ``decisions``, each judged by the rules in force on its date,
    in the order of the decisions.

    :raises ConfigError: a decision names a category (or forum, unit, flag) the rules of
        its day do not have; the error's path names the decision.
    """
    return tuple(f for d in decisions for f in audit_decision(org, d))


def audit_decision(
    org: Organization | History, decision: Decision, *, on: dt.date | None = None
) -> tuple[Finding, ...]:
    """The findings for one decision, judged by the rules in force on ``on`` (default:
    the decision's date)."""
    on = on or decision.date
    rules = rules_in_force(org, on)
    matter = decision.matter
    if matter.year is None:  # amounts in base units count with that year's base amount
        matter = attrs.evolve(matter, year=on.year)
    _ = gettext_for(rules)
    if matter.category not in {c.id for c in rules.categories}:
        raise ConfigError(
            f"its category {quote(matter.category)} is not in the organisation's rules of "
            f"{on}: add the category to the organisation, or correct the decision",
            path=f"decision {decision.id}",
        )
    try:
        routing = route(rules, matter, raised_in=decision.forum or rules.roots[0].id)
        if decision.forum is None and routing.home is not None:  # explained from its home
            routing = route(rules, matter, raised_in=routing.home)
    except UnknownReferenceError as exc:  # a forum, unit or flag the rules do not have
        raise ConfigError(
            f"{exc} (rules of {on}): correct the decision or the organisation",
            path=f"decision {decision.id}",
        ) from None
    if routing.outcome in (Outcome.GAP, Outcome.AMBIGUOUS) or routing.home is None:
        why = (
            _("no rule covers this matter")
            if routing.outcome is Outcome.GAP
            else _("several groups' rules cover this matter: {homes}").format(
                homes=", ".join(routing.homes)
            )
        )
        return (Finding(decision, FindingKind.NO_RULE, f"{why} ({on})", routing),)

    home = rules.group(routing.home)
    should = routing.decided_by
    who = _decider(rules, should, routing.home, routing.decision_maker)
    findings: list[Finding] = []
    if decision.urgent:
        chair = home.chair
        problem = None
        if should != GROUP_DECIDES:
            problem = _(
                "the rules delegate this matter to {who}, who decides it: "
                "no urgent decision is needed or allowed"
            ).format(who=who)
        elif chair is None or decision.decision_maker != chair:
            chair_name = rules.person(chair).name if chair else _("no one")
            problem = _(
                "only the chair of {group} ({chair}) may decide it urgently "
                "for the group, not {person}"
            ).format(
                group=home.name, chair=chair_name, person=_person(rules, decision.decision_maker)
            )
        if problem is not None:
            findings.append(
                Finding(
                    decision,
                    FindingKind.URGENT_NOT_ALLOWED,
                    problem,
                    routing,
                    should,
                    routing.decision_maker,
                )
            )
    elif decision.decided_by != should:
        taken = _role(rules, decision.decided_by)
        if decision.decision_maker:
            taken += f" ({_person(rules, decision.decision_maker)})"
        findings.append(
            Finding(
                decision,
                FindingKind.OUTSIDE_MANDATE,
                _("decided by {taken}; the rules give it to {who} (clause {clause})").format(
                    taken=taken, who=who, clause=routing.clause or "-"
                ),
                routing,
                should,
                routing.decision_maker,
            )
        )
    if decision.forum is not None and decision.forum != routing.home:
        findings.append(
            Finding(
                decision,
                FindingKind.OTHER_FORUM,
                _(
                    "prepared in {forum} ({forum_id}), but the matter's home is {home} ({home_id})"
                ).format(
                    forum=rules.group(decision.forum).name,
                    forum_id=decision.forum,
                    home=home.name,
                    home_id=home.id,
                ),
                routing,
                should,
                routing.decision_maker,
            )
        )
    return tuple(findings)


def _decider(org: Organization, role: str | None, home: str, person: str | None) -> str:
    _ = gettext_for(org)
    if role is None or role == GROUP_DECIDES:
        return _("{group} as a body").format(group=org.group(home).name)
    name = next((r.name for r in org.roles if r.id == role), role)
    where = _("{role} ({role_id}) in {group}").format(
        role=name, role_id=role, group=org.group(home).name
    )
    return f"{where}, {person}" if person else where


def _role(org: Organization, role: str) -> str:
    _ = gettext_for(org)
    if role == GROUP_DECIDES:
        return _("a group as a body")
    return next((f"{r.name} ({role})" for r in org.roles if r.id == role), role)


def _person(org: Organization, person_id: str | None) -> str:
    _ = gettext_for(org)
    if person_id is None:
        return _("an unnamed person")
    try:
        return org.person(person_id).name
    except KeyError:
        return person_id
