"""A deterministic synthetic organisation of realistic shape, for the scale benchmarks.

``synthetic_organization(n_groups, seed)`` builds a four-level tree, the shape of a
Swedish city administration (``synthetic_items(org, count, seed)`` draws a year of
submitted agenda items for any organisation):

- depth 0: one board (*nämnd*), the root;
- depth 1: offices (*förvaltningar*), about one per 90 groups;
- depth 2: divisions (*avdelningar*), about one per ten groups of an office;
- depth 3: units (*enheter*), spread unevenly over the divisions.

Decision scope follows a delegation ladder per family of categories. Every group
handles its family "without limit" and *excludes* the amounts above its delegation
(that is how a delegation order reads), so a matter without an amount still has a
home and subsidiarity (``resolution = "lowest"``) hands each matter to the lowest group
that may take it:

- units take their own routine matters and ladder matters below threshold ``t1``;
- divisions take their own matters below ``t2`` and routine matters across their units;
- offices take their own and cross-division matters below ``t3``, deviations, strategic
  risks and matters prepared for the board, and their budget and organisation;
- a few functional categories (IT, communication, legal, ...) are shared services: one
  division in the whole organisation handles them wherever the matter lies (span
  ``any``), at most one such division per office;
- the board takes amounts from ``t3``, matters across offices, matters of principle,
  its own categories (by-laws, fees, ...) and, through a ``fallback`` catch-all,
  everything no one else has been given.

``t1`` and ``t2`` vary per office (each office writes its own delegation order);
``t3`` (the board's delegation to the offices) is the same for all.

Construction is fast: clause objects are frozen, so each office's templates are built
once and shared by its groups.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal

from mgovern.model import (
    AgendaItem,
    AmountUnit,
    BaseAmount,
    Blackout,
    Category,
    ClosedDayPolicy,
    ClosedDays,
    Cycle,
    CycleKind,
    Deadline,
    Flag,
    Group,
    Horizon,
    Kind,
    Limits,
    Mandate,
    MonthDay,
    Organization,
    Person,
    Role,
    ScopeClause,
    Span,
    StrategicCriterion,
)

__all__ = ["FAMILIES", "FUNCTIONAL", "synthetic_items", "synthetic_organization"]

# --- vocabulary ---------------------------------------------------------------------------
#: Ladder families: (family, unit of the thresholds, (t1, t2, t3), {category: keywords}).
FAMILIES: tuple[tuple[str, AmountUnit, tuple[Decimal, Decimal, Decimal], dict[str, str]], ...] = (
    (
        "upphandling",
        AmountUnit.BASE,
        (Decimal(10), Decimal(100), Decimal(1000)),
        {
            "upphandling": "upphandling upphandla anbud",
            "avrop": "avrop ramavtal",
            "konsultuppdrag": "konsult konsultstöd",
            "entreprenad": "entreprenad byggentreprenad",
        },
    ),
    (
        "fastighet",
        AmountUnit.BASE,
        (Decimal(1), Decimal(50), Decimal(500)),
        {
            "fastighetsforsaljning": "försälj avyttr",
            "fastighetsforvarv": "förvärv köp av fastighet",
            "markbyte": "markbyte fastighetsreglering",
        },
    ),
    (
        "avtal",
        AmountUnit.BASE,
        (Decimal(5), Decimal(50), Decimal(250)),
        {
            "hyresavtal": "hyresavtal förhyrning",
            "arrende": "arrende arrendeavtal",
            "nyttjanderatt": "nyttjanderätt upplåtelse",
            "servitut": "servitut ledningsrätt",
        },
    ),
    (
        "investering",
        AmountUnit.CURRENCY,
        (Decimal(1_000_000), Decimal(10_000_000), Decimal(100_000_000)),
        {
            "investering": "investering investeringsbeslut",
            "reinvestering": "reinvestering utbyte",
            "underhall": "underhåll renovering",
            "projektbudget": "projektbudget utökad budget",
        },
    ),
    (
        "bidrag",
        AmountUnit.BASE,
        (Decimal("0.5"), Decimal(5), Decimal(50)),
        {
            "foreningsbidrag": "föreningsbidrag",
            "projektbidrag": "projektbidrag projektstöd",
            "sponsring": "sponsring sponsor",
        },
    ),
    (
        "ersattning",
        AmountUnit.CURRENCY,
        (Decimal(50_000), Decimal(500_000), Decimal(5_000_000)),
        {
            "skadestand": "skadestånd skadeanmälan",
            "forlikning": "förlikning tvist",
            "avskrivning": "avskrivning fordran",
        },
    ),
)
#: Matters every level handles for its own area (no amounts).
ROUTINE = {
    "personal": "personalärende lönesättning",
    "rekrytering": "rekrytering anställning tillsättning",
    "arbetsmiljo": "arbetsmiljö skyddsrond tillbud",
    "kompetensutveckling": "kompetensutveckling utbildning",
    "remiss": "remiss yttrande",
    "semesterplanering": "semester ledighet",
    "verksamhetsuppfoljning": "uppföljning månadsrapport tertial",
}
#: Steering matters: divisions take the first two, offices all of them.
STEERING = {
    "verksamhetsplan": "verksamhetsplan aktivitetsplan",
    "internkontroll": "internkontroll riskanalys",
    "budget": "budget prognos ombudget",
    "organisation": "organisation omorganisation",
    "delegationsordning": "delegationsordning delegering",
}
DIVISION_STEERING = ("verksamhetsplan", "internkontroll")
#: The board's own categories.
BOARD_ONLY = {
    "reglemente": "reglemente arbetsordning",
    "taxor": "taxa avgift avgifter",
    "detaljplan": "detaljplan planbesked",
    "medborgarforslag": "medborgarförslag motion",
}
#: Shared services: one division of the organisation handles each, wherever it lies.
FUNCTIONAL = {
    "it": "it-system digitalisering e-tjänst",
    "kommunikation": "kommunikation pressmeddelande webb",
    "juridik": "juridik rättslig avtalsgranskning",
    "dokumenthantering": "diarium arkiv dokumenthantering",
    "informationssakerhet": "informationssäkerhet dataskydd gdpr",
    "lokalforsorjning": "lokalförsörjning lokalbehov",
}
FLAGS = {
    "principiell": "Principiell eller av större vikt",
    "avvikelse": "Avvikelse över tolerans",
    "strategisk-risk": "Strategisk risk",
    "namndarende": "Nämndärende",
    "lang-avtal": "Avtalstid över tio år",
    "sekretess": "Sekretessbelagt personalärende",
}
#: Flags that lift a matter out of units and divisions to the office.
ESCALATING = ("avvikelse", "strategisk-risk", "namndarende")
ROLES = {
    "kommunfullmaktige": "Kommunfullmäktige",
    "namnd": "Nämnden",
    "ordforande": "Nämndens ordförande",
    "direktor": "Förvaltningsdirektör",
    "avdelningschef": "Avdelningschef",
    "enhetschef": "Enhetschef",
}
BASE_AMOUNTS = ((2024, Decimal(57300)), (2025, Decimal(58800)), (2026, Decimal(59200)))
#: Per-office scaling of t1 and t2 (t2 * 2 stays below t3 in every family).
OFFICE_SCALES = (Decimal("0.5"), Decimal(1), Decimal(1), Decimal(2))

OFFICE_NAMES = (
    "Stadsbyggnadskontoret",
    "Trafikkontoret",
    "Exploateringskontoret",
    "Miljöförvaltningen",
    "Kulturförvaltningen",
    "Socialförvaltningen",
    "Utbildningsförvaltningen",
    "Idrottsförvaltningen",
    "Serviceförvaltningen",
    "Stadsledningskontoret",
    "Arbetsmarknadsförvaltningen",
    "Äldreförvaltningen",
    "Fastighetskontoret",
    "Stadsarkivet",
    "Rinkeby-Kista stadsdelsförvaltning",
    "Spånga-Tensta stadsdelsförvaltning",
    "Hässelby-Vällingby stadsdelsförvaltning",
    "Bromma stadsdelsförvaltning",
    "Kungsholmens stadsdelsförvaltning",
    "Norrmalms stadsdelsförvaltning",
    "Östermalms stadsdelsförvaltning",
    "Södermalms stadsdelsförvaltning",
    "Enskede-Årsta-Vantörs stadsdelsförvaltning",
    "Skarpnäcks stadsdelsförvaltning",
    "Farsta stadsdelsförvaltning",
    "Hägersten-Älvsjö stadsdelsförvaltning",
    "Skärholmens stadsdelsförvaltning",
)
DIVISION_THEMES = (
    "Administration",
    "Ekonomi",
    "Planering",
    "Genomförande",
    "Förvaltning",
    "Strategi",
    "Drift",
    "Myndighet",
    "Utveckling",
    "Service",
    "Projekt",
    "Stöd",
)
UNIT_THEMES = (
    "Norr",
    "Söder",
    "Öst",
    "Väst",
    "Centrum",
    "Analys",
    "Beställning",
    "Handläggning",
    "Kundtjänst",
    "Projektledning",
    "Teknik",
    "Kvalitet",
)
FIRST_NAMES = (
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Anders",
    "Sara",
    "Johan",
    "Eva",
    "Per",
    "Lena",
    "Mikael",
    "Sofia",
    "Fredrik",
    "Ingrid",
    "Ahmed",
    "Fatima",
    "Oskar",
    "Elin",
    "Magnus",
    "Leila",
    "Gustav",
    "Hanna",
    "Amir",
)
LAST_NAMES = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Lindberg",
    "Holm",
    "Berg",
    "Ek",
    "Strand",
    "Haddad",
    "Karimi",
    "Wallin",
    "Sjöström",
    "Nyberg",
)
LOCATIONS = ("Stadshuset", "Fleminggatan 4", "Tekniska nämndhuset", "Medborgarhuset")
ROOMS = ("Kastellholmen", "Beckholmen", "Skeppsholmen", "Långholmen", "Reimersholme")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
#: Rules beside a weekly meeting: (rule, kind, duration in minutes).
OTHER_RULES = (
    ("every 2 weeks on wednesday", CycleKind.FOLLOW_UP, 45),
    ("2nd tuesday of the month", CycleKind.STRATEGIC, 120),
    ("last thursday of the month", CycleKind.PLANNING, 180),
)
POLICIES = tuple(ClosedDayPolicy)
BOARD_SIZE = 13


# --- helpers ------------------------------------------------------------------------------
def _first_weekday(year: int, weekday: int) -> dt.date:
    day = dt.date(year, 1, 1)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _board_dates(year: int) -> tuple[dt.date, ...]:
    """Ten Thursdays: the third Thursday of every month but January and July."""
    dates = []
    for month in (2, 3, 4, 5, 6, 8, 9, 10, 11, 12):
        first = dt.date(year, month, 1)
        thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
        dates.append(thursday + dt.timedelta(days=14))
    return tuple(dates)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` spread unevenly over ``parts`` (each gets one while there are enough)."""
    if parts <= 0:
        return []
    base = 1 if total >= parts else 0
    counts = [base] * parts
    weights = [rng.lognormvariate(0.0, 0.6) for _ in range(parts)]
    for index in rng.choices(range(parts), weights=weights, k=total - base * parts):
        counts[index] += 1
    return counts


class _Clauses:
    """Build clauses once per distinct definition (they are frozen, so sharing is safe)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[object, ...], ScopeClause] = {}

    def __call__(self, clause_id: str, **kwargs: object) -> ScopeClause:
        key = (clause_id, *sorted(kwargs.items()))
        clause = self._cache.get(key)
        if clause is None:
            clause = self._cache[key] = ScopeClause(clause_id, **kwargs)  # type: ignore[arg-type]
        return clause


def _cats(ids: Iterable[str]) -> frozenset[str]:
    return frozenset(ids)


# --- mandates -----------------------------------------------------------------------------
def _unit_mandate(make: _Clauses, scale: Decimal) -> Mandate:
    handles = [
        make("egna-fragor", categories=_cats(ROUTINE), span=Span.OWN, decided_by="enhetschef")
    ]
    excludes = [
        make("principiell", flags_required=frozenset({"principiell"})),
        *(make(flag, flags_required=frozenset({flag})) for flag in ESCALATING),
        make(
            "sekretess",
            categories=_cats(("personal", "rekrytering")),
            flags_required=frozenset({"sekretess"}),
        ),
        make(
            "lang-avtal",
            categories=_cats(FAMILIES[2][3]),
            flags_required=frozenset({"lang-avtal"}),
        ),
    ]
    for family, unit, (t1, _, _), cats in FAMILIES:
        handles.append(make(family, categories=_cats(cats), span=Span.OWN, decided_by="enhetschef"))
        excludes.append(
            make(
                f"{family}-over-delegation",
                categories=_cats(cats),
                amount_min=t1 * scale,
                amount_unit=unit,
            )
        )
    return Mandate(
        purpose="Enheten leder det dagliga arbetet och beslutar i egna löpande ärenden.",
        responsibilities=("Planera och följa upp enhetens arbete.", "Arbetsmiljö på enheten."),
        handles=tuple(handles),
        excludes=tuple(excludes),
    )


def _division_mandate(make: _Clauses, scale: Decimal, functional: list[str]) -> Mandate:
    handles = [
        make("egna-fragor", categories=_cats(ROUTINE), span=Span.OWN, decided_by="avdelningschef"),
        make(
            "tvargaende",
            categories=_cats(ROUTINE),
            span=Span.MULTI,
            decided_by="avdelningschef",
        ),
        make(
            "styrning",
            categories=_cats(DIVISION_STEERING),
            span=Span.OWN,
            decided_by="avdelningschef",
        ),
    ]
    if functional:
        handles.append(
            make(
                "gemensam-funktion",
                categories=_cats(functional),
                decided_by="avdelningschef",
                note="Stadsgemensam funktion: avdelningen handlägger ärendet var det än uppstår.",
            )
        )
    excludes = [
        make("principiell", flags_required=frozenset({"principiell"})),
        *(make(flag, flags_required=frozenset({flag})) for flag in ESCALATING),
    ]
    for family, unit, (_, t2, _), cats in FAMILIES:
        handles.append(
            make(family, categories=_cats(cats), span=Span.OWN, decided_by="avdelningschef")
        )
        excludes.append(
            make(
                f"{family}-over-delegation",
                categories=_cats(cats),
                amount_min=t2 * scale,
                amount_unit=unit,
            )
        )
    return Mandate(
        purpose="Avdelningen styr sina enheter och beslutar inom avdelningens delegation.",
        responsibilities=("Styra enheterna mot mål och budget.", "Samordna enheterna."),
        handles=tuple(handles),
        excludes=tuple(excludes),
    )


def _office_mandate(make: _Clauses) -> Mandate:
    handles: list[ScopeClause] = []
    for span, suffix in ((Span.OWN, ""), (Span.MULTI, "-tvargaende")):
        handles.append(
            make(
                f"forvaltningens-fragor{suffix}",
                categories=_cats((*ROUTINE, *STEERING)),
                span=span,
                decided_by="direktor",
            )
        )
        handles.extend(
            make(
                f"{flag}{suffix}",
                flags_required=frozenset({flag}),
                span=span,
                decided_by="direktor",
            )
            for flag in ESCALATING
        )
        handles.extend(
            make(f"{family}{suffix}", categories=_cats(cats), span=span, decided_by="direktor")
            for family, _, _, cats in FAMILIES
        )
    excludes = [
        make("principiell", flags_required=frozenset({"principiell"})),
        make("namndens-egna", categories=_cats(BOARD_ONLY)),
    ]
    excludes.extend(
        make(
            f"{family}-over-delegation",
            categories=_cats(cats),
            amount_min=t3,
            amount_unit=unit,
        )
        for family, unit, (_, _, t3), cats in FAMILIES
    )
    return Mandate(
        purpose="Förvaltningen verkställer nämndens beslut inom förvaltningens område.",
        responsibilities=(
            "Leda förvaltningen mot nämndens mål.",
            "Bereda ärenden till nämnden.",
            "Hantera avvikelser och strategiska risker.",
        ),
        handles=tuple(handles),
        excludes=tuple(excludes),
    )


def _board_mandate(make: _Clauses) -> Mandate:
    handles = [
        make(
            "principiellt",
            flags_required=frozenset({"principiell"}),
            decided_by="kommunfullmaktige",
            note="Principiella ärenden kan inte delegeras.",
        ),
        make("namndens-egna", categories=_cats(BOARD_ONLY)),
        make("tvargaende", categories=_cats((*ROUTINE, *STEERING)), span=Span.MULTI),
    ]
    for family, unit, (_, _, t3), cats in FAMILIES:
        handles.append(
            make(f"{family}-stor", categories=_cats(cats), amount_min=t3, amount_unit=unit)
        )
        handles.append(make(f"{family}-tvargaende", categories=_cats(cats), span=Span.MULTI))
    handles.append(
        make(
            "catch-all",
            fallback=True,
            note="Nämnden beslutar i allt som inte har delegerats.",
        )
    )
    return Mandate(
        purpose="Nämnden ansvarar för verksamheten inom sitt område.",
        responsibilities=("Besluta i principiella ärenden.", "Fastställa delegationsordning."),
        handles=tuple(handles),
        excludes=(),
    )


# --- meeting cycles -----------------------------------------------------------------------
def _cycles(rng: random.Random, location: str, year: int) -> tuple[Cycle, ...]:
    weekday = rng.randrange(len(WEEKDAYS))
    weekly = Cycle(
        "veckomote",
        "Veckomöte",
        kind=CycleKind.TACTICAL,
        rule=f"every week on {WEEKDAYS[weekday]}",
        first=_first_weekday(year, weekday),
        skip_months=frozenset({7}),
        time=dt.time(rng.choice((8, 9, 10, 13)), rng.choice((0, 30))),
        duration=rng.choice((45, 60, 90)),
        location=location,
        closed_days=rng.choice(POLICIES),
        agenda_deadline=Deadline(rng.randint(2, 4), dt.time(12, 0)),
        notice=Deadline(rng.randint(1, 2), dt.time(15, 0)),
    )
    extra = rng.sample(OTHER_RULES, rng.randint(2, 3))
    cycles = [weekly]
    for rule, kind, duration in extra:
        cycles.append(
            Cycle(
                kind.value.replace("-", ""),
                kind.value.capitalize().replace("-", " "),
                kind=kind,
                rule=rule,
                first=dt.date(year, 1, 1),
                skip_months=frozenset({7}),
                time=dt.time(13, 0),
                duration=duration,
                location=location,
                closed_days=rng.choice(POLICIES),
                agenda_deadline=Deadline(7, dt.time(12, 0)),
                accepts_horizons=(
                    frozenset({Horizon.STRATEGIC}) if kind is CycleKind.STRATEGIC else frozenset()
                ),
                accepts_kinds=(
                    frozenset({Kind.FOLLOW_UP, Kind.INFORMATION})
                    if kind is CycleKind.FOLLOW_UP
                    else frozenset()
                ),
            )
        )
    return tuple(cycles)


def _board_cycles(year: int) -> tuple[Cycle, ...]:
    return (
        Cycle(
            "sammantrade",
            "Nämndens sammanträde",
            kind=CycleKind.BOARD,
            dates=_board_dates(year),
            time=dt.time(16, 0),
            duration=120,
            location="Stadshuset, Rådssalen",
            closed_days=ClosedDayPolicy.SKIP,
            agenda_deadline=Deadline(21, dt.time(12, 0)),
            notice=Deadline(7, dt.time(12, 0)),
        ),
        Cycle(
            "presidium",
            "Presidieberedning",
            kind=CycleKind.PLANNING,
            rule="every 2 weeks on wednesday",
            first=_first_weekday(year, 2),
            skip_months=frozenset({7}),
            time=dt.time(8, 30),
            duration=60,
            location="Stadshuset, Borgarrådssalen",
            closed_days=ClosedDayPolicy.PREVIOUS_WORKING_DAY,
        ),
        Cycle(
            "gruppmote",
            "Gruppmöte",
            kind=CycleKind.STRATEGIC,
            rule="last thursday of the month",
            first=dt.date(year, 1, 1),
            skip_months=frozenset({7}),
            time=dt.time(17, 0),
            duration=90,
            location="Stadshuset",
            closed_days=ClosedDayPolicy.NEXT_WORKING_DAY,
        ),
    )


# --- the organisation ---------------------------------------------------------------------
class _People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: list[Person] = []

    def new(self, title: str, *roles: str) -> str:
        person_id = f"p{len(self.people):05d}"
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        self.people.append(
            Person(
                person_id,
                f"{first} {last}",
                email=f"{person_id}@example.se",
                title=title,
                roles=roles,
            )
        )
        return person_id


def synthetic_organization(n_groups: int, seed: int = 0) -> Organization:
    """An organisation of exactly ``n_groups`` groups, the same for the same seed."""
    if n_groups < 4:
        raise ValueError("n_groups must be at least 4 (board, office, division, unit)")
    rng = random.Random(seed)
    year = 2026
    people = _People(rng)

    categories = [
        Category(cid, cid.replace("-", " ").capitalize(), keywords=tuple(words.split()))
        for cid, words in (
            *(item for *_, cats in FAMILIES for item in cats.items()),
            *ROUTINE.items(),
            *STEERING.items(),
            *BOARD_ONLY.items(),
            *FUNCTIONAL.items(),
        )
    ]

    # about 90 groups an office; two offices at least once there is room for them
    n_offices = max(1 if n_groups < 7 else 2, round((n_groups - 1) / 90))
    below = n_groups - 1 - n_offices  # divisions and units
    per_office = _split(rng, below, n_offices)
    # every office needs at least a division and a unit
    while min(per_office) < 2:
        per_office[per_office.index(max(per_office))] -= 1
        per_office[per_office.index(min(per_office))] += 1

    functional_homes: dict[int, list[str]] = {}
    for index, category in enumerate(FUNCTIONAL):
        functional_homes.setdefault(index % n_offices, []).append(category)

    make = _Clauses()
    groups: list[Group] = []

    politicians = [
        people.new("Ordförande", "ordforande", "namnd"),
        *(people.new("Ledamot", "namnd") for _ in range(BOARD_SIZE - 1)),
    ]
    groups.append(
        Group(
            "namnd",
            "Nämnden",
            short_name="Nämnden",
            chair=politicians[0],
            secretary=people.new("Nämndsekreterare"),
            members=tuple(politicians),
            mandate=_board_mandate(make),
            cycles=_board_cycles(year),
        )
    )

    office_mandate = _office_mandate(make)
    for o, budget in enumerate(per_office):
        office_id = f"f{o + 1:02d}"
        office_name = OFFICE_NAMES[o % len(OFFICE_NAMES)]
        if o >= len(OFFICE_NAMES):
            office_name += f" {o // len(OFFICE_NAMES) + 1}"
        scale = rng.choice(OFFICE_SCALES)
        location = f"{rng.choice(LOCATIONS)}, {office_name}"
        n_div = max(1, min(budget // 2, round(budget / rng.uniform(8, 13))))
        units_per_div = _split(rng, budget - n_div, n_div)
        functional = functional_homes.get(o, [])
        functional_div = rng.randrange(n_div)

        director = people.new(f"Förvaltningsdirektör, {office_name}", "direktor")
        staff = [people.new(f"{title}, {office_name}") for title in ("HR-chef", "Ekonomichef")]
        division_heads: list[str] = []
        office_index = len(groups)
        groups.append(None)  # type: ignore[arg-type]  # filled in below

        for d, n_units in enumerate(units_per_div):
            division_id = f"{office_id}-a{d + 1:02d}"
            theme = DIVISION_THEMES[d % len(DIVISION_THEMES)]
            division_name = f"Avdelning {theme}" + (
                f" {d // len(DIVISION_THEMES) + 1}" if d >= len(DIVISION_THEMES) else ""
            )
            head = people.new(f"Avdelningschef, {division_name}", "avdelningschef")
            coordinator = people.new(f"Avdelningskoordinator, {division_name}")
            division_heads.append(head)
            unit_heads: list[str] = []
            division_index = len(groups)
            groups.append(None)  # type: ignore[arg-type]
            previous_staff: list[str] = []
            for u in range(n_units):
                unit_id = f"{division_id}-e{u + 1:02d}"
                unit_name = f"Enhet {UNIT_THEMES[u % len(UNIT_THEMES)]}" + (
                    f" {u // len(UNIT_THEMES) + 1}" if u >= len(UNIT_THEMES) else ""
                )
                unit_head = people.new(f"Enhetschef, {unit_name}", "enhetschef")
                unit_heads.append(unit_head)
                members = [
                    people.new(f"Handläggare, {unit_name}") for _ in range(rng.randint(2, 5))
                ]
                own_staff = list(members)
                if previous_staff and rng.random() < 0.3:
                    members.append(rng.choice(previous_staff))  # shared with a sibling unit
                previous_staff = own_staff
                # the coordinator also takes the minutes in one unit of the division
                secretary = coordinator if u == n_units - 1 and rng.random() < 0.5 else members[0]
                groups.append(
                    Group(
                        unit_id,
                        f"{unit_name}, {division_name}",
                        parent=division_id,
                        chair=unit_head,
                        secretary=secretary,
                        members=(unit_head, *dict.fromkeys(members)),
                        mandate=_unit_mandate(make, scale),
                        cycles=_cycles(rng, f"{location}, rum {rng.choice(ROOMS)}", year),
                        limits=Limits(max_operative_percent=rng.choice((None, 80, 90))),
                    )
                )
            # the office's HR manager sits in the management group of up to two divisions
            hr_partner = [staff[0]] if d < 2 else []
            groups[division_index] = Group(
                division_id,
                f"{division_name}, {office_name}",
                parent=office_id,
                short_name=f"ALG {theme}",
                chair=head,
                secretary=coordinator,
                members=(head, *unit_heads, *hr_partner),
                mandate=_division_mandate(make, scale, functional if d == functional_div else []),
                cycles=_cycles(rng, f"{location}, rum {rng.choice(ROOMS)}", year),
                limits=Limits(max_operative_percent=70, max_information_percent=20),
            )

        groups[office_index] = Group(
            office_id,
            f"Ledningsgrupp, {office_name}",
            parent="namnd",
            short_name=f"FLG {o + 1}",
            chair=director,
            secretary=people.new(f"Ledningsstöd, {office_name}"),
            members=(director, *division_heads, *staff),
            mandate=office_mandate,
            cycles=_cycles(rng, f"{location}, direktionsrummet", year),
            limits=Limits(max_operative_percent=25, max_information_percent=15),
        )

    return Organization(
        "syntetisk-stad",
        f"Syntetisk stad ({n_groups} grupper, frö {seed})",
        timezone="Europe/Stockholm",
        locale="sv",
        currency="SEK",
        base_amount_name="prisbasbelopp",
        base_amounts=tuple(BaseAmount(y, amount) for y, amount in BASE_AMOUNTS),
        categories=tuple(categories),
        flags=tuple(Flag(fid, name) for fid, name in FLAGS.items()),
        roles=tuple(Role(rid, name) for rid, name in ROLES.items()),
        people=tuple(people.people),
        groups=tuple(groups),
        strategic=(
            StrategicCriterion("flera-enheter", "Berör flera enheter", min_units=2),
            StrategicCriterion(
                "styrning", "Mål, budget och organisation", categories=_cats(STEERING)
            ),
            StrategicCriterion(
                "flaggat",
                "Principiellt, avvikelse, risk eller nämndärende",
                flags_any=frozenset({"principiell", *ESCALATING}),
            ),
            StrategicCriterion(
                "stora-belopp",
                "Minst 500 prisbasbelopp",
                amount_min=Decimal(500),
                amount_unit=AmountUnit.BASE,
            ),
        ),
        closed_days=ClosedDays(
            regions=("SE",), include=("midsommarafton", "julafton", "nyarsafton")
        ),
        blackouts=(
            Blackout("Sommaruppehåll", MonthDay(7, 1), MonthDay(7, 31)),
            Blackout("Mellandagar", MonthDay(12, 27), MonthDay(12, 30)),
        ),
    )


# --- agenda items -------------------------------------------------------------------------
def synthetic_items(
    org: Organization, count: int, seed: int = 0, year: int = 2026
) -> list[AgendaItem]:
    """``count`` items submitted to ``org``'s groups over ``year``, the same for the same
    seed: any group raises any category (so many are forwarded), amounts from none to
    tens of millions, a fifth give only a title (for the classifier), one in ten names
    the series it is meant for, one in twenty is urgent; submitted at any minute."""
    rng = random.Random(seed)
    groups = list(org.groups)
    categories = list(org.categories)
    kinds = list(Kind)
    begin = dt.datetime(year, 1, 1, tzinfo=org.zone)
    minutes = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days * 24 * 60
    items = []
    for index in range(count):
        group = rng.choice(groups)
        category = rng.choice(categories)
        keyword = category.keywords[0] if category.keywords else category.name
        amount = rng.choice((None, None, 0, 100_000, 1_000_000, 3_200_000, 30_000_000))
        title_only = rng.random() < 0.2
        title = f"{keyword.capitalize()} {index}"
        if title_only and amount:
            title += f", {amount / 1_000_000:.1f} mnkr".replace(".", ",")
        named = rng.choice(group.cycles).id if group.cycles and rng.random() < 0.1 else None
        items.append(
            AgendaItem(
                f"item-{index:06d}",
                title,
                group.id,
                cycle=named,
                kind=None if title_only else rng.choice(kinds),
                category=None if title_only else category.id,
                amount=None if title_only or amount is None else Decimal(amount),
                minutes=rng.choice((None, None, None, 5, 10, 15, 20, 30, 45)),
                submitted=begin + dt.timedelta(minutes=rng.randrange(minutes)),
                urgent=rng.random() < 0.05,
            )
        )
    return items
