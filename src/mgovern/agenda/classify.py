"""What an agenda item is about, read from its title: category, amount, kind.

The built-in classifier (a default plugin, see :mod:`mgovern.builtins`) scores each
category by the keywords of the organisation's vocabulary found in the title, reads an
amount written the way people write them ("3,2 mnkr", "450 tkr", "12 000 kr",
"2 MSEK", "40 pbb") and a kind from telling words ("Information om", "Uppföljning",
"Beslut om"). It is deliberately simple and replaceable through the
``mgovern_classify_item`` hook.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from attrs import frozen

from mgovern.model import AgendaItem, Kind, Organization

__all__ = ["Classification", "keyword_classification", "parse_amount"]


@frozen
class Classification:
    """A classifier's suggestion, with the evidence a person can check."""

    category: str | None = None
    amount: Decimal | None = None
    kind: Kind | None = None
    evidence: tuple[str, ...] = ()  # e.g. the keywords and the amount text that matched


_MULTIPLIERS = {
    "mdkr": Decimal(10) ** 9,
    "miljarder": Decimal(10) ** 9,
    "mdr": Decimal(10) ** 9,
    "mnkr": Decimal(10) ** 6,
    "mkr": Decimal(10) ** 6,
    "msek": Decimal(10) ** 6,
    "miljoner": Decimal(10) ** 6,
    "miljon": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "tkr": Decimal(10) ** 3,
    "ksek": Decimal(10) ** 3,
    "tusen": Decimal(10) ** 3,
    "kr": Decimal(1),
    "sek": Decimal(1),
    "kronor": Decimal(1),
}
_BASE_UNITS = ("prisbasbelopp", "pbb")
_AMOUNT = re.compile(
    r"(?<![\w.,])(?P<number>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](?P<decimals>\d+))?"
    r"\s*(?P<unit>"
    + "|".join(sorted([*_MULTIPLIERS, *_BASE_UNITS], key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
_KINDS: tuple[tuple[Kind, tuple[str, ...]], ...] = (
    (
        Kind.INFORMATION,
        ("information om", "information:", "info om", "informationsärende", "för kännedom"),
    ),
    (
        Kind.FOLLOW_UP,
        (
            "uppföljning",
            "återrapport",
            "lägesrapport",
            "lägesbild",
            "delårsrapport",
            "tertialrapport",
            "follow-up",
            "report back",
        ),
    ),
    (
        Kind.DISCUSSION,
        ("diskussion", "beredning", "dialog om", "workshop", "inriktningsdiskussion", "discussion"),
    ),
    (Kind.DECISION, ("beslut", "godkännande", "fastställande", "yttrande", "decision", "approve")),
)


def parse_amount(
    org: Organization, text: str, year: int | None = None
) -> tuple[Decimal, str] | None:
    """The first amount written in ``text``, exactly, in the organisation's currency."""
    match = _AMOUNT.search(text)
    if match is None:
        return None
    digits = re.sub(r"[ \u00a0\u202f]", "", match["number"])
    try:
        value = Decimal(digits + (f".{match['decimals']}" if match["decimals"] else ""))
    except InvalidOperation:
        return None
    unit = match["unit"].lower()
    if unit in _BASE_UNITS:
        if not org.base_amounts:
            return None
        value *= org.base_amount(year)
    else:
        value *= _MULTIPLIERS[unit]
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return value, match.group(0)


def _kind(title: str) -> tuple[Kind, str] | None:
    lowered = title.casefold()
    for kind, words in _KINDS:
        for word in words:
            if word in lowered:
                return kind, word
    return None


def keyword_classification(org: Organization, item: AgendaItem) -> Classification | None:
    """Score categories by keywords in the title; read amount and kind from it."""
    title = item.title.casefold()
    best: tuple[int, int, str, tuple[str, ...]] | None = None
    for position, category in enumerate(org.categories):
        words = [k.casefold() for k in category.keywords if k.strip()]
        found = tuple(w for w in words if w in title)
        if category.name.casefold() in title and category.name.casefold() not in found:
            found += (category.name.casefold(),)
        if found and (best is None or (len(found), -position) > (best[0], best[1])):
            best = (len(found), -position, category.id, found)
    amount = parse_amount(org, item.title, item.year)
    kind = _kind(item.title)
    if best is None and amount is None and kind is None:
        return None
    evidence: tuple[str, ...] = best[3] if best else ()
    if amount is not None:
        evidence += (amount[1],)
    if kind is not None:
        evidence += (kind[1],)
    return Classification(
        category=best[2] if best else None,
        amount=amount[0] if amount else None,
        kind=kind[0] if kind else None,
        evidence=evidence,
    )
