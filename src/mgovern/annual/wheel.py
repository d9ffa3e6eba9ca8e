"""The year wheel as SVG: months round the circle, one ring per group level, each annual
matter an arc from its first preparation to its decision, board meetings marked.

A4 portrait (210 × 297 mm), Swedish labels, an accessible ``<title>`` and ``<desc>``
that say in words what the picture shows. The same plan gives the same bytes: every
number is written with one decimal and the matters in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from mgovern.annual.planning import AnnualPlan, YearPlan
from mgovern.calendars.cycles import Occurrence
from mgovern.model import Organization

__all__ = ["MONTHS", "svg_wheel"]

MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
_SHORT = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
#: Okabe-Ito: told apart by people with colour-vision deficiencies, and in grey print.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933")
WIDTH, HEIGHT = 840, 1188  # 4 units per millimetre
CX, CY = 420.0, 450.0
OUTER, INNER = 320.0, 110.0
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _angle(moment: dt.date | dt.datetime, year: int) -> float:
    """Degrees clockwise from the top: 1 January 00:00 is 0, 31 December 24:00 is 360."""
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    if day.year < year:
        return 0.0
    if day.year > year:
        return 360.0
    length = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    fraction = 0.5 if not isinstance(moment, dt.datetime) else (moment.hour + 0.5) / 24
    return ((day - dt.date(year, 1, 1)).days + fraction) / length * 360.0


def _point(angle: float, radius: float) -> tuple[float, float]:
    rad = math.radians(angle)
    return CX + radius * math.sin(rad), CY - radius * math.cos(rad)


def _arc(start: float, end: float, radius: float) -> str:
    x1, y1 = _point(start, radius)
    x2, y2 = _point(end, radius)
    large = 1 if end - start > 180 else 0
    return f"M {_n(x1)} {_n(y1)} A {_n(radius)} {_n(radius)} 0 {large} 1 {_n(x2)} {_n(y2)}"


def _day(moment: dt.datetime) -> str:
    return f"{moment.day} {_SHORT[moment.month - 1]}"


def _label(org: Organization, group_id: str) -> str:
    group = org.group(group_id)
    return group.short_name or group.name


def svg_wheel(
    org: Organization,
    wheel: AnnualPlan,
    year: int,
    *,
    board_meetings: Sequence[Occurrence] = (),
) -> str:
    """The year wheel of ``year`` from a plan (:func:`mgovern.annual.planning.plan`)."""
    plans = sorted(
        (p for p in wheel.plans if p.decision.start.year == year),
        key=lambda p: (p.first.start, p.matter.id),
    )
    levels = sorted({org.depth(s.meeting.group) for p in plans for s in p.stages})
    level_names: dict[int, list[str]] = {}
    for p in plans:
        for s in p.stages:
            names = level_names.setdefault(org.depth(s.meeting.group), [])
            if _label(org, s.meeting.group) not in names:
                names.append(_label(org, s.meeting.group))
    # the board (level 0) innermost, the divisions outermost
    ring = (OUTER - INNER) / max(len(levels), 1)
    radius_of = {level: INNER + ring * (i + 0.5) for i, level in enumerate(levels)}
    colour = {m: PALETTE[i % len(PALETTE)] for i, m in enumerate(_matters(plans))}
    lanes = _matters(plans)
    lane_width = min(10.0, (ring - 12) / max(len(lanes), 1))

    title = f"Årshjul {year}: {org.name}"
    desc = _description(org, plans, year)
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="title desc" '
        f'font-family="{FONT}">',
        f'<title id="title">{escape(title)}</title>',
        f'<desc id="desc">{escape(desc)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{_n(CX)}" y="60.0" font-size="28" font-weight="bold" '
        f'text-anchor="middle">{escape(f"Årshjul {year}")}</text>',
        f'<text x="{_n(CX)}" y="90.0" font-size="16" text-anchor="middle">'
        f"{escape(org.name)}</text>",
    ]
    # rings, inner to outer, with their group names along the top
    for i, level in enumerate(levels):
        r0, r1 = INNER + ring * i, INNER + ring * (i + 1)
        fill = "#f4f4f4" if i % 2 == 0 else "#e8e8e8"
        out.append(
            f'<circle cx="{_n(CX)}" cy="{_n(CY)}" r="{_n((r0 + r1) / 2)}" fill="none" '
            f'stroke="{fill}" stroke-width="{_n(r1 - r0)}"/>'
        )
        ring_label = ", ".join(level_names.get(level, []))
        out.append(
            f'<text x="{_n(CX + 4)}" y="{_n(CY - r1 + 13)}" font-size="11" '
            f'fill="#333333">{escape(ring_label)}</text>'
        )
    # months: boundaries and names
    for month in range(12):
        angle = _angle(dt.date(year, month + 1, 1), year) - _angle(dt.date(year, 1, 1), year)
        x1, y1 = _point(angle, INNER)
        x2, y2 = _point(angle, OUTER + 8)
        out.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
            f'stroke="#888888" stroke-width="1"/>'
        )
        middle = _angle(dt.date(year, month + 1, 15), year)
        tx, ty = _point(middle, OUTER + 30)
        out.append(
            f'<text x="{_n(tx)}" y="{_n(ty + 5)}" font-size="15" text-anchor="middle">'
            f"{MONTHS[month]}</text>"
        )
    # the board's meetings on the innermost edge
    for meeting in board_meetings:
        if meeting.start.year != year:
            continue
        x, y = _point(_angle(meeting.start, year), INNER - 10)
        out.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5.0" fill="#222222">'
            f"<title>{escape(f'{_label(org, meeting.group)} {_day(meeting.start)}')}</title>"
            "</circle>"
        )
    # each matter: its legs on the ring of the group that holds them, stage marks
    for lane, matter_id in enumerate(lanes):
        for p in (p for p in plans if p.matter.id == matter_id):
            offset = (lane - (len(lanes) - 1) / 2) * lane_width
            for here, there in zip(p.stages, p.stages[1:], strict=False):
                radius = radius_of[org.depth(here.meeting.group)] + offset
                a0 = _angle(here.meeting.start, year)
                a1 = _angle(there.meeting.start, year)
                out.append(
                    f'<path d="{_arc(a0, max(a1, a0 + 0.5), radius)}" fill="none" '
                    f'stroke="{colour[matter_id]}" stroke-width="{_n(lane_width - 2)}" '
                    f'stroke-linecap="round"/>'
                )
            for s in p.stages:
                radius = radius_of[org.depth(s.meeting.group)] + offset
                x, y = _point(_angle(s.meeting.start, year), radius)
                size = lane_width / 2 + (2 if s is p.stages[-1] else 0)
                shape = "rect" if s is p.stages[-1] else "circle"
                label = f"{p.matter.name}: {_label(org, s.meeting.group)} {_day(s.meeting.start)}"
                if shape == "circle":
                    out.append(
                        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}" fill="#ffffff" '
                        f'stroke="{colour[matter_id]}" stroke-width="2">'
                        f"<title>{escape(label)}</title></circle>"
                    )
                else:
                    out.append(
                        f'<rect x="{_n(x - size)}" y="{_n(y - size)}" width="{_n(2 * size)}" '
                        f'height="{_n(2 * size)}" fill="{colour[matter_id]}" '
                        f'transform="rotate(45 {_n(x)} {_n(y)})">'
                        f"<title>{escape(label)}</title></rect>"
                    )
    out.append(
        f'<text x="{_n(CX)}" y="{_n(CY - 6)}" font-size="20" font-weight="bold" '
        f'text-anchor="middle">{year}</text>'
    )
    out.append(
        f'<text x="{_n(CX)}" y="{_n(CY + 16)}" font-size="11" text-anchor="middle">'
        "● nämndsammanträde</text>"
    )
    out.extend(_legend(org, plans, lanes, colour))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _matters(plans: Sequence[YearPlan]) -> list[str]:
    seen: list[str] = []
    for p in plans:
        if p.matter.id not in seen:
            seen.append(p.matter.id)
    return seen


def _chain_text(org: Organization, p: YearPlan) -> str:
    return " → ".join(f"{_label(org, s.meeting.group)} {_day(s.meeting.start)}" for s in p.stages)


def _legend(
    org: Organization, plans: Sequence[YearPlan], lanes: Sequence[str], colour: dict[str, str]
) -> list[str]:
    top = CY + OUTER + 75
    out = [
        f'<text x="60.0" y="{_n(top)}" font-size="16" font-weight="bold">'
        "Ärenden (från första beredning till beslut, ◆ = beslut)</text>"
    ]
    y = top + 28
    for matter_id in lanes:
        for p in (p for p in plans if p.matter.id == matter_id):
            out.append(
                f'<rect x="60.0" y="{_n(y - 11)}" width="14.0" height="14.0" '
                f'fill="{colour[matter_id]}"/>'
            )
            out.append(
                f'<text x="84.0" y="{_n(y)}" font-size="13" font-weight="bold">'
                f"{escape(p.matter.name)}</text>"
            )
            out.append(
                f'<text x="84.0" y="{_n(y + 17)}" font-size="12">'
                f"{escape(_chain_text(org, p))}</text>"
            )
            y += 36
    out.append(
        f'<text x="60.0" y="{_n(HEIGHT - 30)}" font-size="10" fill="#555555">'
        "Ringar inifrån och ut: nämnden, kontorets ledningsgrupp, avdelningarna. "
        "Skapad av mgovern från mötenas verkliga datum.</text>"
    )
    return out


def _description(org: Organization, plans: Sequence[YearPlan], year: int) -> str:
    if not plans:
        return f"Inga årliga ärenden beslutas {year}."
    lines = [f"{p.matter.name}: {_chain_text(org, p)}." for p in plans]
    return f"Årshjul för {year} med {len(plans)} årliga ärenden. " + " ".join(lines)
