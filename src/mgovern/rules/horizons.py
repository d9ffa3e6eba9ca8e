"""Strategic or operative: what keeps a management group from becoming too operative."""

from __future__ import annotations

from attrs import frozen

from mgovern.model import AmountUnit, Horizon, Matter, Organization, StrategicCriterion

__all__ = ["HorizonResult", "criterion_holds", "horizon"]


@frozen
class HorizonResult:
    """The horizon, and the criterion that made the matter strategic (None: operative)."""

    horizon: Horizon
    criterion: str | None

    def __str__(self) -> str:
        return self.horizon.value + (f" ({self.criterion})" if self.criterion else "")


def criterion_holds(org: Organization, criterion: StrategicCriterion, matter: Matter) -> bool:
    """Every condition the criterion gives must hold; an absent condition holds."""
    if criterion.categories and matter.category not in criterion.categories:
        return False
    if criterion.flags_any and not criterion.flags_any & matter.flags:
        return False
    if criterion.amount_min is not None:
        if matter.amount is None:
            return False
        threshold = criterion.amount_min
        if criterion.amount_unit is AmountUnit.BASE:
            threshold *= org.base_amount(matter.year)
        if matter.amount < threshold:
            return False
    return len(matter.units) >= criterion.min_units


def horizon(org: Organization, matter: Matter) -> HorizonResult:
    """``strategic`` with the first criterion that holds, else ``operative``."""
    for criterion in org.strategic:
        if criterion_holds(org, criterion, matter):
            return HorizonResult(Horizon.STRATEGIC, criterion.id)
    return HorizonResult(Horizon.OPERATIVE, None)
