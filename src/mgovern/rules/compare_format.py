"""A :class:`~mgovern.rules.compare.Diff` for people (text, Markdown) and programs (JSON).

Outcome changes are merged into readable lines: one line per category, change and amount
set, naming the unit contexts it holds in (or "any units" when it holds in every one)
and the amounts in base amounts when they are the same number of base amounts in every
year class. The JSON keeps every change apart, each with its witness.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from mgovern.config import matter_json
from mgovern.i18n import pgettext_for
from mgovern.model import GROUP_DECIDES, Organization, Span
from mgovern.rules.compare import Decided, Diff, OutcomeChange, StructuralChange
from mgovern.rules.coverage import AmountRange
from mgovern.rules.explain import format_amount

__all__ = ["diff_json", "diff_lines", "diff_markdown"]


@functools.cache
def _text_for(language: str) -> dict[str, Any]:
    """This module's words in ``language`` (the catalogue: mgovern.i18n)."""
    pgettext = pgettext_for(language)
    return {
        "title": pgettext("compare_format", "{old} → {new}"),
        "none": pgettext(
            "compare_format", "No matter changes its home, decision-maker or outcome."
        ),
        "count": pgettext("compare_format", "{n} changes in outcome ({cells} cells compared):"),
        "any_units": pgettext("compare_format", "any units"),
        "no_units": pgettext("compare_format", "no units"),
        "own": pgettext("compare_format", "units in {g}"),
        "multi": pgettext("compare_format", "several branches under {g}"),
        "now": pgettext("compare_format", "{before} (now: {after})"),
        "any_amount": pgettext("compare_format", "any amount"),
        "with_amount": pgettext("compare_format", "with an amount"),
        "no_amount": pgettext("compare_format", "no amount"),
        "from": pgettext("compare_format", "from {a}"),
        "under": pgettext("compare_format", "under {a}"),
        "with": pgettext("compare_format", "with flags {f}"),
        "without": pgettext("compare_format", "without flags {f}"),
        "gap": pgettext("compare_format", "no home"),
        "ambiguous": pgettext("compare_format", "several homes ({h})"),
        "group": pgettext("compare_format", "the group"),
        "vacant": pgettext("compare_format", "vacant"),
        "structure": pgettext("compare_format", "Other changes:"),
        "category": pgettext("compare_format", "Category"),
        "amount": pgettext("compare_format", "Amount"),
        "units": pgettext("compare_format", "Concerns"),
        "before": pgettext("compare_format", "Before"),
        "after": pgettext("compare_format", "After"),
        "kinds": {
            "category": pgettext("compare_format", "category"),
            "flag": pgettext("compare_format", "flag"),
            "group": pgettext("compare_format", "group"),
            "parent": pgettext("compare_format", "parent group"),
            "chair": pgettext("compare_format", "chair"),
            "secretary": pgettext("compare_format", "secretary"),
            "member": pgettext("compare_format", "participant"),
            "clause": pgettext("compare_format", "clause"),
            "cycle": pgettext("compare_format", "meeting cycle"),
            "meeting": pgettext("compare_format", "meeting"),
        },
        "added": pgettext("compare_format", "added"),
        "removed": pgettext("compare_format", "removed"),
        "changed": pgettext("compare_format", "changed"),
    }


def _t(org: Organization) -> dict[str, Any]:
    return _text_for(org.language)


# --- merged lines ------------------------------------------------------------------------
def _range(org: Organization, low: Decimal | None, high: Decimal | None, unit: str) -> str:
    t = _t(org)

    def show(value: Decimal) -> str:
        if unit == "currency":
            return format_amount(value, org.currency, org.locale)
        return f"{format_amount(value, '', org.locale).strip()} {org.base_amount_name}"

    if not low and high is None:
        return str(t["with_amount"])
    if not low:
        assert high is not None
        return str(t["under"].format(a=show(high)))
    if high is None:
        return str(t["from"].format(a=show(low)))
    text = show(high)
    return f"{format_amount(low, '', org.locale).strip()}–{text}"


def _amounts(org: Organization, by_year: dict[int | None, list[AmountRange]]) -> str:
    shapes = {
        year: (any(r.none for r in ranges), tuple((r.low, r.high) for r in ranges if not r.none))
        for year, ranges in by_year.items()
    }
    listed = {b.year for b in org.base_amounts}
    if None not in shapes and set(shapes) == listed:
        scaled = {
            year: (
                none,
                tuple(
                    (
                        lo / org.base_amount(year) if lo else lo,
                        hi / org.base_amount(year) if hi is not None else None,
                    )
                    for lo, hi in spans
                ),
            )
            for year, (none, spans) in shapes.items()
        }
        if len(set(scaled.values())) == 1:
            return _describe(org, *next(iter(scaled.values())), "base")
    if len(set(shapes.values())) == 1:
        return _describe(org, *next(iter(shapes.values())), "currency")
    return "; ".join(
        f"{year}: {_describe(org, *shapes[year], 'currency')}"
        for year in sorted(shapes, key=lambda y: y or 0)
    )


def _describe(
    org: Organization,
    none: bool,
    spans: tuple[tuple[Decimal | None, Decimal | None], ...],
    unit: str,
) -> str:
    t = _t(org)
    if none and spans == ((Decimal(0), None),):
        return str(t["any_amount"])
    parts = [_range(org, lo, hi, unit) for lo, hi in spans]
    if none:
        parts.insert(0, t["no_amount"])
    return ", ".join(parts)


def _where(org: Organization, where: str | None, span: Span | None) -> str:
    t = _t(org)
    if where is None:
        return str(t["no_units"])
    return str(t["multi" if span is Span.MULTI else "own"].format(g=_group(org, where)))


def _context(d: Diff, context: _Context) -> str:
    """Where the units meet before, and after when a group moved."""
    where, span, where_after, span_after, _ = context
    before = _where(d.old, where, span)
    if (where, span) == (where_after, span_after):
        return before
    return str(_t(d.new)["now"].format(before=before, after=_where(d.new, where_after, span_after)))


def _flags(org: Organization, sets: set[frozenset[str]], mentioned: frozenset[str]) -> list[str]:
    """The flag sets as few phrases, each "with a, b; without c" over the mentioned flags."""
    t = _t(org)

    def phrase(fixed: dict[str, bool]) -> str:
        on = sorted(f for f, v in fixed.items() if v)
        off = sorted(f for f, v in fixed.items() if not v)
        words = [t["with"].format(f=", ".join(on))] if on else []
        words += [t["without"].format(f=", ".join(off))] if off else []
        return "; ".join(words)

    remaining = set(sets)
    out: list[str] = []
    while remaining:
        first = min(remaining, key=lambda s: (len(s), sorted(s)))
        fixed = {f: f in first for f in mentioned}
        for f in sorted(mentioned):  # free a flag when both values are present
            trial = {k: v for k, v in fixed.items() if k != f}
            if _cube(trial, mentioned) <= remaining:
                fixed = trial
        remaining -= _cube(fixed, mentioned)
        out.append(phrase(fixed))
    return out


def _cube(fixed: dict[str, bool], mentioned: frozenset[str]) -> set[frozenset[str]]:
    free = sorted(mentioned - fixed.keys())
    base = {f for f, on in fixed.items() if on}
    cube: set[frozenset[str]] = set()
    for mask in range(1 << len(free)):
        cube.add(frozenset(base | {f for i, f in enumerate(free) if mask >> i & 1}))
    return cube


def _side(org: Organization, side: Decided, other: Decided) -> str:
    t = _t(org)
    if side.status == "gap":
        return str(t["gap"])
    if side.status == "ambiguous":
        return str(t["ambiguous"].format(h=", ".join(_group(org, h) for h in side.homes)))
    assert side.home is not None
    parts = [_group(org, side.home)]
    if side.decided_by != other.decided_by or side.home != other.home:
        parts.append(_role(org, side.decided_by))
    if side.decision_maker != other.decision_maker or side.vacant != other.vacant:
        if side.vacant:
            parts.append(t["vacant"])
        elif side.decision_maker is not None:
            parts.append(_person(org, side.decision_maker))
    if len(parts) == 1 and side.home == other.home:
        parts.append(_role(org, side.decided_by))
    return f"{parts[0]} ({', '.join(parts[1:])})" if len(parts) > 1 else parts[0]


def _group(org: Organization, gid: str) -> str:
    return org.group(gid).name if org.has_group(gid) else gid


def _role(org: Organization, role: str | None) -> str:
    if role is None or role == GROUP_DECIDES:
        return str(_t(org)["group"])
    return next((r.name for r in org.roles if r.id == role), role)


def _person(org: Organization, pid: str) -> str:
    return next((p.name for p in org.people if p.id == pid), pid)


Row = tuple[str, str, str, str, str]
_Context = tuple[str | None, Span | None, str | None, Span | None, tuple[str, ...]]


def _rows(d: Diff) -> list[Row]:
    """(category, amounts, units, before, after) for each merged line: the changes of a
    category with the same outcomes, amounts and flags, over the contexts they hold in."""
    old, new = d.old, d.new
    per: dict[tuple[Any, ...], dict[int | None, list[AmountRange]]] = {}
    for c in d.changes:
        context = (c.where, c.span, c.where_after, c.span_after, c.units)
        key = (c.category, context, c.old, c.new, c.flags, c.mentioned)
        per.setdefault(key, {}).setdefault(c.year, []).extend(c.amounts)
    contexts: dict[tuple[Any, ...], list[_Context]] = {}
    for (category, context, was, now, flags, mentioned), years in per.items():
        line = (category, was, now, flags, mentioned, _amounts(new, years))
        contexts.setdefault(line, []).append(context)
    flag_sets: dict[tuple[Any, ...], set[frozenset[str]]] = {}
    for (category, was, now, flags, mentioned, amount), where in contexts.items():
        flag_sets.setdefault((category, was, now, mentioned, amount, tuple(where)), set()).add(
            flags
        )
    total = d.contexts
    names = {c.id: c.name for c in new.categories}
    out: list[Row] = []
    for (category, was, now, mentioned, amount, where), sets in flag_sets.items():
        if len(where) == total:
            units = str(_t(new)["any_units"])
        else:
            units = "; ".join(_context(d, context) for context in where)
        for phrase in _flags(new, sets, mentioned):
            label = f"{amount}, {phrase}" if phrase else amount
            out.append(
                (
                    names.get(category, category),
                    label,
                    units,
                    _side(old, was, now),
                    _side(new, now, was),
                )
            )
    return out


def _structure_lines(d: Diff) -> list[str]:
    t = _t(d.new)
    lines = []
    for s in d.structure:
        kind = t["kinds"].get(s.kind, s.kind)
        if s.old is None:
            lines.append(f"{kind} {s.subject}: {t['added']}{_value(s.new, s)}")
        elif s.new is None:
            lines.append(f"{kind} {s.subject}: {t['removed']}{_value(s.old, s)}")
        elif s.old == s.new:
            lines.append(f"{kind} {s.subject} ({s.old}): {t['changed']}")
        else:
            lines.append(f"{kind} {s.subject}: {s.old} → {s.new}")
    return lines


def _value(value: str | None, s: StructuralChange) -> str:
    return "" if value is None or value == s.subject.split("/")[-1] else f" ({value})"


def diff_lines(d: Diff, *, old_label: str, new_label: str) -> list[str]:
    """The difference as text lines, in the organisation's language."""
    t = _t(d.new)
    lines = [t["title"].format(old=old_label, new=new_label)]
    rows = _rows(d)
    if not rows:
        lines.append(t["none"])
    else:
        lines.append(t["count"].format(n=len(rows), cells=d.cells))
        for cat, amount, units, before, after in rows:
            lines.append(f"  {cat}, {amount}, {units}: {before} → {after}")
    if d.structure:
        lines.append(t["structure"])
        lines.extend(f"  {line}" for line in _structure_lines(d))
    return lines


def diff_markdown(d: Diff, *, old_label: str, new_label: str) -> str:
    """The difference as Markdown for the board's papers."""
    t = _t(d.new)
    out = [f"# {t['title'].format(old=old_label, new=new_label)}", ""]
    rows = _rows(d)
    if not rows:
        out += [t["none"], ""]
    else:
        out.append(
            f"| {t['category']} | {t['amount']} | {t['units']} | {t['before']} | {t['after']} |"
        )
        out.append("|---|---|---|---|---|")
        for row in rows:
            out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
        out.append("")
    if d.structure:
        out += [f"## {t['structure'].rstrip(':')}", ""]
        out += [f"- {line}" for line in _structure_lines(d)]
        out.append("")
    return "\n".join(out)


def _decided_json(side: Decided) -> dict[str, Any]:
    return {
        "status": side.status,
        "home": side.home,
        "homes": list(side.homes),
        "decided_by": side.decided_by,
        "decision_maker": side.decision_maker,
        "vacant": side.vacant,
        "clause": str(side.clause) if side.clause else None,
    }


def diff_json(d: Diff, *, old_label: str, new_label: str) -> dict[str, Any]:
    """Every change apart, each with its witness matter."""
    return {
        "old": old_label,
        "new": new_label,
        "changed": d.changed,
        "cells": d.cells,
        "changes": [_change_json(c, matter_json) for c in d.changes],
        "structure": [
            {"kind": s.kind, "subject": s.subject, "old": s.old, "new": s.new} for s in d.structure
        ],
    }


def _change_json(c: OutcomeChange, matter_json: Any) -> dict[str, Any]:
    return {
        "category": c.category,
        "where": c.where,
        "span": str(c.span) if c.span else None,
        "where_after": c.where_after,
        "span_after": str(c.span_after) if c.span_after else None,
        "units": list(c.units),
        "year": c.year,
        "amounts": [_range_json(r) for r in c.amounts],
        "flags": sorted(c.flags),
        "mentioned": sorted(c.mentioned),
        "old": _decided_json(c.old),
        "new": _decided_json(c.new),
        "witness": matter_json(c.witness),
    }


def _range_json(r: AmountRange) -> dict[str, Any]:
    if r.none:
        return {"none": True}
    return {
        "from": f"{r.low:f}" if r.low is not None else None,
        "below": f"{r.high:f}" if r.high is not None else None,
    }
