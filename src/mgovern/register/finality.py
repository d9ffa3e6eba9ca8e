"""The legal life of minutes: approval, announcement, the appeal clock, seals, corrections.

A decision taken at a meeting becomes final through dated steps, each recorded as an
**event** of the meeting's minutes (never overwritten; the state is what the events
say):

* **approved** (*justerade*, kommunallagen 5 kap. 69 §; boards through 6 kap. 35 §): by
  whom and on which day; a few paragraphs may be approved at once (*omedelbar
  justering*) before the whole minutes are;
* **announced** (*anslag*, 8 kap. 12 §): on which day and on which notice board;
* **appealed** (*laglighetsprövning*, 13 kap. 5 §): recorded when an appeal arrives;
  mgovern does not guess one;
* **corrected** (*rättelse*): a change to approved content, with who, when, why and the
  exact difference (JO 581-2013: a correction after approval must be visible).

Each decision has its own clock (:class:`Clock`): the approval deadline counted from the
meeting, the announcement deadline from its actual approval, the last day of appeal
from its actual announcement — every last day moved by lag (1930:173)
(:func:`mgovern.legal_periods.last_day`). A paragraph approved at once runs on its own
approval and announcement; every other decision on the minutes'.

At every approval and correction the minutes' **canonical content** is sealed: the
decisions as data (normalised text and the decision fields, not the bytes of a file),
serialised as sorted JSON and hashed with SHA-256 (:func:`seal`). A Word file saved
again by another program keeps its seal; a changed character does not.

:func:`refusal` says why a new event is not allowed (one line), or None. Plain data and
functions; the register keeps the events (:meth:`~mgovern.register.store.Register`).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import unicodedata
from collections.abc import Container, Iterable, Sequence
from typing import Any

from attrs import field, frozen

from mgovern.legal_periods import last_day
from mgovern.model import LegalPeriods
from mgovern.register.records import Decision

__all__ = [
    "Clock",
    "Event",
    "Minutes",
    "MinutesFinding",
    "Step",
    "canonical",
    "clocks",
    "content_difference",
    "minutes_findings",
    "refusal",
    "seal",
]

_DAY = dt.timedelta(days=1)


class Step(enum.StrEnum):
    APPROVED = "approved"
    ANNOUNCED = "announced"
    APPEALED = "appealed"
    CORRECTED = "corrected"


@frozen
class Minutes:
    """The minutes of ``group``'s meeting on ``meeting``."""

    group: str
    meeting: dt.date

    @property
    def key(self) -> str:
        return f"{self.group} {self.meeting.isoformat()}"


@frozen
class Event:
    """One recorded step. ``paragraphs``: the decision ids it concerns (empty: the whole
    minutes). ``place``: the notice board of an announcement. ``note``: why (a
    correction), or where the approved minutes can be read (an announcement). ``seal``
    and ``content``: the canonical content after an approval or a correction;
    ``difference``: what a correction changed."""

    step: Step
    on: dt.date
    by: str
    paragraphs: tuple[str, ...] = field(default=(), kw_only=True)
    place: str = field(default="", kw_only=True)
    note: str = field(default="", kw_only=True)
    seal: str = field(default="", kw_only=True)
    content: str = field(default="", kw_only=True)
    difference: str = field(default="", kw_only=True)


@frozen
class Clock:
    """One decision's legal dates: ``approve_by`` (the approval deadline), ``approved``,
    ``announce_by`` (from the actual approval), ``announced``, ``appealable_until`` (from
    the actual announcement) and the days appeals arrived. None: not yet."""

    decision: str
    meeting: dt.date
    approve_by: dt.date
    approved: dt.date | None
    announce_by: dt.date | None
    announced: dt.date | None
    appealable_until: dt.date | None
    appealed: tuple[dt.date, ...] = ()

    def state(self, on: dt.date) -> str:
        """draft, approved, announced, final (the appeal period has ended) or appealed,
        as of ``on``."""
        if self.appealed and min(self.appealed) <= on:
            return "appealed"
        if self.appealable_until is not None and on > self.appealable_until:
            return "final"
        if self.announced is not None and self.announced <= on:
            return "announced"
        if self.approved is not None and self.approved <= on:
            return "approved"
        return "draft"


@frozen
class MinutesFinding:
    """A finding on a meeting's minutes: ``kind`` is approved-late, not-approved,
    announced-late, not-announced or changed-after-approval."""

    minutes: Minutes
    kind: str
    message: str


# --- the seal -------------------------------------------------------------------------
def _normal(text: str) -> str:
    """Text as its reader sees it: NFC, each line's spaces collapsed, no empty ends."""
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines())
    return "\n".join(line for line in lines if line)


def _decision_content(d: Decision) -> dict[str, Any]:
    m = d.matter
    return {
        "id": d.id,
        "date": d.date.isoformat(),
        "decided_by": d.decided_by,
        "decision_maker": d.decision_maker,
        "category": m.category,
        "amount": None if m.amount is None else format(m.amount.normalize(), "f"),
        "units": sorted(m.units),
        "flags": sorted(m.flags),
        "forum": d.forum,
        "item": d.item,
        "urgent": d.urgent,
        "text": _normal(d.text),
    }


def _dump(data: Iterable[dict[str, Any]]) -> str:
    ordered = sorted(data, key=lambda d: str(d["id"]))
    return json.dumps(ordered, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(decisions: Iterable[Decision]) -> str:
    """The canonical content of minutes: their decisions as sorted JSON, by id."""
    return _dump(_decision_content(d) for d in decisions)


def seal(content: str) -> str:
    """SHA-256 of canonical content, in hex."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def content_difference(before: str, after: str) -> list[dict[str, Any]]:
    """What changed between two canonical contents: per decision id, ``added``,
    ``removed`` or ``changed`` with each changed field's ``before`` and ``after``."""
    old = {d["id"]: d for d in json.loads(before or "[]")}
    new = {d["id"]: d for d in json.loads(after or "[]")}
    changes: list[dict[str, Any]] = []
    for ident in sorted(old.keys() | new.keys()):
        if ident not in new:
            changes.append({"decision": ident, "change": "removed", "before": old[ident]})
        elif ident not in old:
            changes.append({"decision": ident, "change": "added", "after": new[ident]})
        elif old[ident] != new[ident]:
            fields = {
                key: {"before": old[ident].get(key), "after": new[ident].get(key)}
                for key in sorted(old[ident].keys() | new[ident].keys())
                if old[ident].get(key) != new[ident].get(key)
            }
            changes.append({"decision": ident, "change": "changed", "fields": fields})
    return changes


# --- the rules of the steps -------------------------------------------------------------
def _approval(events: Sequence[Event], ident: str) -> Event | None:
    """The event that approved decision ``ident``: its immediate approval, else the
    minutes'."""
    for e in events:
        if e.step is Step.APPROVED and ident in e.paragraphs:
            return e
    return next((e for e in events if e.step is Step.APPROVED and not e.paragraphs), None)


def _announcement(events: Sequence[Event], approval: Event) -> Event | None:
    """The announcement of ``approval``: of its paragraphs, or of the whole minutes."""
    for e in events:
        if e.step is Step.ANNOUNCED and e.on >= approval.on:
            if approval.paragraphs and set(approval.paragraphs) <= set(e.paragraphs):
                return e
            if not approval.paragraphs and not e.paragraphs:
                return e
    return None


def refusal(
    minutes: Minutes, events: Sequence[Event], new: Event, decisions: Sequence[str]
) -> str | None:
    """Why the step ``new`` may not follow ``events`` on ``minutes`` whose decisions have
    the ids ``decisions``, in one line; None when it may."""
    what = f"the minutes of {minutes.key}"
    if not new.by.strip():
        return "say who: --by NAME"
    if new.on < minutes.meeting:
        return f"{new.on} is before the meeting ({minutes.meeting}): {what} cannot be {new.step}"
    unknown = [p for p in new.paragraphs if p not in decisions]
    if unknown:
        return (
            f"{what} have no decision {unknown[0]!r}; they have: {', '.join(decisions) or 'none'}"
        )
    whole = next((e for e in events if e.step is Step.APPROVED and not e.paragraphs), None)
    if new.step is Step.APPROVED:
        if whole is not None:
            return (
                f"{what} were approved on {whole.on} by {whole.by}; to change them: "
                "mgovern minutes correct"
            )
        for ident in new.paragraphs:
            done = _approval(events, ident)
            if done is not None:
                return f"{ident} was approved at once on {done.on}; it cannot be approved again"
        if not decisions:
            return f"{what} hold no decisions in the register: import the minutes first"
        return None
    if new.step is Step.ANNOUNCED:
        if not new.place.strip():
            return "say where the approval is announced: --where (the notice board)"
        targets = new.paragraphs or ("",)
        for ident in targets:
            approval = _approval(events, ident) if ident else whole
            if approval is None or (ident and not approval.paragraphs and not new.paragraphs):
                name = ident or what
                return (
                    f"{name} must be approved before the approval is announced: "
                    "mgovern minutes approve"
                )
            if ident and not approval.paragraphs:
                return (
                    f"{ident} was approved with the whole minutes: announce the minutes "
                    "(no --paragraph)"
                )
            if new.on < approval.on:
                return f"{new.on} is before the approval ({approval.on}): announce on or after it"
            done = _announcement(events, approval)
            if done is not None:
                return (
                    f"{ident or what} were announced on {done.on} ({done.place}); an "
                    "approval is announced once"
                )
        return None
    if new.step is Step.APPEALED:
        for ident in new.paragraphs or decisions:
            if _approval(events, ident) is None:
                return f"{ident} is not approved: an appeal is recorded against approved minutes"
        return None
    # a correction
    if not new.note.strip():
        return "say why: --reason TEXT"
    sealed = [e for e in events if e.step in (Step.APPROVED, Step.CORRECTED) and e.seal]
    if not sealed:
        return (
            f"{what} are not approved: change the draft freely, a correction is for "
            "approved minutes"
        )
    if new.on < max(e.on for e in sealed):
        return f"{new.on} is before the last approval or correction ({max(e.on for e in sealed)})"
    return None


def clocks(
    minutes: Minutes,
    events: Sequence[Event],
    decisions: Sequence[str],
    periods: LegalPeriods,
    closed: Container[dt.date],
) -> tuple[Clock, ...]:
    """Each decision's clock (see the module), in the order of ``decisions``."""
    approve_by = last_day(minutes.meeting + dt.timedelta(days=periods.approval_days), closed)
    found = []
    for ident in decisions:
        approval = _approval(events, ident)
        announce_by = announced = until = None
        if approval is not None:
            announce_by = last_day(
                approval.on + dt.timedelta(days=periods.announcement_days), closed
            )
            announcement = _announcement(events, approval)
            if announcement is not None:
                announced = announcement.on
                until = last_day(announced + dt.timedelta(days=periods.appeal_days), closed)
        appealed = tuple(
            sorted(
                e.on
                for e in events
                if e.step is Step.APPEALED and (not e.paragraphs or ident in e.paragraphs)
            )
        )
        found.append(
            Clock(
                ident,
                minutes.meeting,
                approve_by,
                None if approval is None else approval.on,
                announce_by,
                announced,
                until,
                appealed,
            )
        )
    return tuple(found)


def minutes_findings(
    minutes: Minutes,
    events: Sequence[Event],
    current: str,
    periods: LegalPeriods,
    closed: Container[dt.date],
    on: dt.date,
) -> tuple[MinutesFinding, ...]:
    """What an auditor would note on ``minutes`` as of ``on``, given their current
    canonical content ``current``."""
    ids = [d["id"] for d in json.loads(current or "[]")]
    found: list[MinutesFinding] = []

    def note(kind: str, message: str) -> None:
        found.append(MinutesFinding(minutes, kind, message))

    whole = next((e for e in events if e.step is Step.APPROVED and not e.paragraphs), None)
    approve_by = last_day(minutes.meeting + dt.timedelta(days=periods.approval_days), closed)
    if whole is None:
        if on > approve_by and ids:
            note("not-approved", f"not approved; the deadline was {approve_by} (KL 5:69)")
    elif whole.on > approve_by:
        days = (whole.on - approve_by).days
        note(
            "approved-late",
            f"approved {whole.on}, {days} day{'s' if days > 1 else ''} after the deadline "
            f"{approve_by} (KL 5:69)",
        )
    for approval in (e for e in events if e.step is Step.APPROVED):
        what = ", ".join(approval.paragraphs) or "the approval"
        announce_by = last_day(approval.on + dt.timedelta(days=periods.announcement_days), closed)
        announcement = _announcement(events, approval)
        if announcement is None and on > announce_by:
            note(
                "not-announced",
                f"{what} of {approval.on} never announced; due {announce_by} (KL 8:12)",
            )
        elif announcement is not None and announcement.on > announce_by:
            note(
                "announced-late",
                f"{what} of {approval.on} announced {announcement.on}, after {announce_by} "
                "(KL 8:12)",
            )
    sealed = [e for e in events if e.step in (Step.APPROVED, Step.CORRECTED) and e.seal]
    sealed_whole = [e for e in sealed if not e.paragraphs]
    if sealed_whole:
        last = sealed_whole[-1]
        if seal(current) != last.seal:
            note(
                "changed-after-approval",
                f"the content differs from its seal of {last.on} and no correction is "
                "recorded (mgovern minutes correct)",
            )
    else:
        content = {d["id"]: d for d in json.loads(current or "[]")}
        latest: dict[str, Event] = {}
        for e in sealed:
            latest.update(dict.fromkeys(e.paragraphs, e))
        for e in sorted(set(latest.values()), key=sealed.index):
            if seal(_dump(content[p] for p in e.paragraphs if p in content)) != e.seal:
                note(
                    "changed-after-approval",
                    f"{', '.join(e.paragraphs)} differ from their seal of {e.on} and no "
                    "correction is recorded (mgovern minutes correct)",
                )
    return tuple(found)
