"""Where meeting time goes: per group and month, planned minutes by horizon and kind,
items forwarded in and out, and the groups drifting operative beyond their limit.

A month's operative share is the operative items' minutes over the length of the
meetings that had submitted items (meetings nobody submitted anything to are no
evidence either way), the same measure an agenda warns about.

The chart is an SVG written with the standard library's ElementTree (no plotting
dependency): one panel per group, one bar per month of its operative share, the
group's limit as a dashed line, bars over the limit in red.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from decimal import Decimal

from attrs import frozen

from mgovern.agenda.planner import Agenda
from mgovern.calendars.dst import exact_length
from mgovern.i18n import gettext_for
from mgovern.model import Horizon, Kind, Organization

__all__ = ["MonthFigures", "drift", "drift_chart"]


@frozen
class MonthFigures:
    group: str
    month: str  # "2026-03"
    meetings: int
    meeting_minutes: int
    strategic_minutes: int
    operative_minutes: int
    minutes_by_kind: tuple[tuple[str, int], ...]
    forwarded_in: int
    forwarded_out: int
    limit_percent: int | None

    @property
    def operative_share(self) -> Decimal:
        if not self.meeting_minutes:
            return Decimal(0)
        return Decimal(self.operative_minutes) / Decimal(self.meeting_minutes)

    @property
    def over_limit(self) -> bool:
        return self.limit_percent is not None and self.operative_share * 100 > self.limit_percent


def drift(org: Organization, agendas: Iterable[Agenda]) -> tuple[MonthFigures, ...]:
    """Figures per group and month from planned agendas (e.g.
    :func:`mgovern.agenda.planner.plan`)."""
    table: dict[tuple[str, str], dict[str, int]] = {}

    def cell(group: str, month: str) -> dict[str, int]:
        return table.setdefault(
            (group, month),
            {"meetings": 0, "minutes": 0, "strategic": 0, "operative": 0, "in": 0, "out": 0}
            | {kind.value: 0 for kind in Kind},
        )

    for agenda in agendas:
        if not agenda.items and not agenda.forwarded and not agenda.deferred:
            continue  # nothing was submitted for it: no evidence either way
        month = f"{agenda.meeting.start:%Y-%m}"
        here = cell(agenda.group, month)
        if agenda.items:
            here["meetings"] += 1
            here["minutes"] += int(
                exact_length(agenda.meeting.start, agenda.meeting.end).total_seconds() // 60
            )
        for item in agenda.items:
            key = "strategic" if item.horizon.horizon is Horizon.STRATEGIC else "operative"
            here[key] += item.minutes
            here[item.kind.value] += item.minutes
        here["out"] += len(agenda.forwarded)
        for move in agenda.forwarded:
            if move.meeting is not None:
                cell(move.group, f"{move.meeting.start:%Y-%m}")["in"] += 1
    figures = []
    order = {g.id: i for i, g in enumerate(org.groups)}
    for (group, month), values in sorted(table.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        figures.append(
            MonthFigures(
                group=group,
                month=month,
                meetings=values["meetings"],
                meeting_minutes=values["minutes"],
                strategic_minutes=values["strategic"],
                operative_minutes=values["operative"],
                minutes_by_kind=tuple((kind.value, values[kind.value]) for kind in Kind),
                forwarded_in=values["in"],
                forwarded_out=values["out"],
                limit_percent=org.group(group).limits.max_operative_percent,
            )
        )
    return tuple(figures)


_PANEL_W, _PANEL_H, _LEFT, _TOP, _GAP = 520, 110, 190, 70, 26


def drift_chart(
    org: Organization, figures: Sequence[MonthFigures], *, title: str | None = None
) -> bytes:
    """An SVG chart of operative share per group and month, against each group's limit."""
    _ = gettext_for(org)
    months = sorted({f.month for f in figures})
    groups = [g for g in org.groups if any(f.group == g.id for f in figures)]
    width = _LEFT + _PANEL_W + 40
    height = _TOP + len(groups) * (_PANEL_H + _GAP) + 60
    svg = _element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        width=str(width),
        height=str(height),
        viewBox=f"0 0 {width} {height}",
        role="img",
        font_family="DejaVu Sans, Arial, sans-serif",
        font_size="13",
    )
    heading = title or _("Operative share of meeting time per group and month")
    _el(svg, "title").text = heading
    _el(svg, "rect", x="0", y="0", width=str(width), height=str(height), fill="white")
    _el(svg, "text", x="20", y="30", font_size="18", font_weight="bold").text = heading
    legend = _("Bars: operative share. Dashed line: the group's limit. Red bar: over the limit.")
    _el(svg, "text", x="20", y="52", fill="#444").text = legend
    slot = _PANEL_W / max(len(months), 1)
    by_key = {(f.group, f.month): f for f in figures}
    for row, group in enumerate(groups):
        top = _TOP + row * (_PANEL_H + _GAP)
        base = top + _PANEL_H
        _el(svg, "text", x="20", y=str(top + _PANEL_H / 2), font_weight="bold").text = (
            group.short_name or group.name
        )
        _el(
            svg,
            "rect",
            x=str(_LEFT),
            y=str(top),
            width=str(_PANEL_W),
            height=str(_PANEL_H),
            fill="#f6f6f6",
            stroke="#bbb",
        )
        for percent in (0, 50, 100):
            y = base - _PANEL_H * percent / 100
            _el(
                svg,
                "text",
                x=str(_LEFT - 6),
                y=str(y + 4),
                text_anchor="end",
                font_size="10",
            ).text = f"{percent} %"
        limit = group.limits.max_operative_percent
        for column, month in enumerate(months):
            figure = by_key.get((group.id, month))
            x = _LEFT + column * slot
            if figure is not None and figure.meeting_minutes:
                share = float(figure.operative_share)
                bar = max(share * _PANEL_H, 1.0)
                _el(
                    svg,
                    "rect",
                    x=f"{x + slot * 0.2:.1f}",
                    y=f"{base - bar:.1f}",
                    width=f"{slot * 0.6:.1f}",
                    height=f"{bar:.1f}",
                    fill="#c0392b" if figure.over_limit else "#2e86c1",
                ).append(_title(f"{group.name} {month}: {figure.operative_share * 100:.0f} %"))
                _el(
                    svg,
                    "text",
                    x=f"{x + slot / 2:.1f}",
                    y=f"{base - bar - 3:.1f}",
                    text_anchor="middle",
                    font_size="10",
                ).text = f"{figure.operative_share * 100:.0f}"
            if row == len(groups) - 1:
                _el(
                    svg,
                    "text",
                    x=f"{x + slot / 2:.1f}",
                    y=str(base + 18),
                    text_anchor="middle",
                    font_size="11",
                ).text = month
        if limit is not None:
            y = base - _PANEL_H * limit / 100
            _el(
                svg,
                "line",
                x1=str(_LEFT),
                x2=str(_LEFT + _PANEL_W),
                y1=f"{y:.1f}",
                y2=f"{y:.1f}",
                stroke="#c0392b",
                stroke_dasharray="6 4",
                stroke_width="1.5",
            )
            _el(
                svg,
                "text",
                x=str(_LEFT + _PANEL_W + 4),
                y=f"{y + 4:.1f}",
                fill="#c0392b",
                font_size="10",
            ).text = f"{limit} %"
    ET.indent(svg)
    data: bytes = ET.tostring(svg, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _attributes(attributes: dict[str, str]) -> dict[str, str]:
    return {key.replace("_", "-"): value for key, value in attributes.items()}


def _element(tag: str, **attributes: str) -> ET.Element:
    return ET.Element(tag, _attributes(attributes))


def _el(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    """A child element; ``font_size="10"`` becomes the attribute ``font-size``."""
    return ET.SubElement(parent, tag, _attributes(attributes))


def _title(text: str) -> ET.Element:
    element = ET.Element("title")
    element.text = text
    return element
