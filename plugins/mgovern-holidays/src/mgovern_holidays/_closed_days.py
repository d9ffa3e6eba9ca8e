"""Closed days from the ``holidays`` package, plus Sweden's de-facto days off and bridge days.

Imported only when the hook runs, so loading the plugin does not load ``holidays``.

What closes, for ``org.closed_days``:

- every public holiday of each code in ``regions`` (``"SE"``, ``"NO"``, ``"US-CA"``,
  ``"DE-BY"``: an ISO 3166-1 country code, optionally ``-`` and a subdivision). Sweden's
  plain Sundays ("Söndag") are left out; the scheduler knows weekends by itself.
- the days named in ``include``: Sweden's eves (dates from the package's Swedish
  ``de_facto`` and ``optional`` categories, whichever regions are listed) and
  ``klamdagar``, the bridge days (see :func:`bridge_days`).

Names are Swedish when ``org.locale`` is Swedish and the region's data has Swedish names,
otherwise English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable, Iterator, Mapping

import holidays
from holidays.holiday_base import HolidayBase

from mgovern import ConfigError
from mgovern.model import ClosedDay, Organization

__all__ = ["BRIDGE_DAYS", "EVES", "INCLUDE_NAMES", "bridge_days", "closed_days"]

#: ``include`` name -> the day's Swedish name in the ``holidays`` package.
EVES: Mapping[str, str] = {
    "midsommarafton": "Midsommarafton",
    "julafton": "Julafton",
    "nyarsafton": "Nyårsafton",
    "paskafton": "Påskafton",
    "pingstafton": "Pingstafton",
}
BRIDGE_DAYS = "klamdagar"
INCLUDE_NAMES: tuple[str, ...] = (*EVES, BRIDGE_DAYS)

SWEDISH = "sv"
ENGLISH = "en_US"
_BRIDGE_DAY_NAME = {SWEDISH: "Klämdag", ENGLISH: "Bridge day"}
_ASCII = str.maketrans("åäö", "aao")
_ONE_DAY = dt.timedelta(days=1)
_SATURDAY = 5
_SWEDEN = frozenset({"SE", "SWE"})


def closed_days(org: Organization, start: dt.date, end: dt.date) -> list[ClosedDay]:
    """The organisation's closed days in ``[start, end]``, sorted, one per date.

    A date named twice keeps its first name: regions in the order listed, then the
    ``include`` days in the order listed, then bridge days.

    :raises ConfigError: a region or include name this plugin does not know.
    """
    regions = [_region(code, i) for i, code in enumerate(org.closed_days.regions)]
    include = [_include_name(name, i) for i, name in enumerate(org.closed_days.include)]
    if start > end or not (regions or include):
        return []
    language = _language(org.locale)
    # One day beyond the window on each side: a bridge day at its edge needs its neighbours.
    before = start - _ONE_DAY if start > dt.date.min else start
    after = end + _ONE_DAY if end < dt.date.max else end
    years = range(before.year, after.year + 1)

    found: dict[dt.date, str] = {}
    for country, subdiv in regions:
        for day, name in _public_holidays(country, subdiv, years, language).items():
            found.setdefault(day, name)
    eves = _swedish_eves(years, language) if set(include) & set(EVES) else {}
    for key in include:
        for day, name in eves.get(key, ()):
            found.setdefault(day, name)
    if BRIDGE_DAYS in include:
        bridge_name = _BRIDGE_DAY_NAME.get(language, _BRIDGE_DAY_NAME[ENGLISH])
        for day in bridge_days(found, start, end):
            found.setdefault(day, bridge_name)
    return [ClosedDay(day, found[day]) for day in sorted(found) if start <= day <= end]


def bridge_days(closed: Container[dt.date], first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Bridge days (*klämdagar*) from ``first`` to ``last`` (inclusive).

    The rule: a weekday (Monday to Friday) that is not closed itself and whose previous
    day and next day are both closed — a Saturday, a Sunday or a day in ``closed``. Only
    single days count; a day is never a bridge because of another bridge day.

    In Sweden 2026 with the public holidays this gives exactly 2 January (Friday after
    Nyårsdagen), 5 January (Monday before Trettondedag jul on Tuesday) and 15 May (Friday
    after Kristi himmelsfärdsdag).

    ``closed`` must know the days just outside the range too: a bridge day on ``first``
    depends on the day before it.
    """

    def shut(day: dt.date) -> bool:
        return day.weekday() >= _SATURDAY or day in closed

    day = max(first, dt.date.min + _ONE_DAY)
    while day <= last and day < dt.date.max:
        if not shut(day) and shut(day - _ONE_DAY) and shut(day + _ONE_DAY):
            yield day
        day += _ONE_DAY


def _language(locale: str) -> str:
    """Swedish for a Swedish locale (``sv``, ``sv-SE``, ``sv_FI``), else English."""
    primary = locale.replace("-", "_").split("_")[0].casefold()
    return SWEDISH if primary == SWEDISH else ENGLISH


def _entity_language(entity: HolidayBase, language: str) -> str | None:
    """``language`` if the region has names in it, else English, else its own default."""
    supported = entity.supported_languages
    if language in supported:
        return language
    return ENGLISH if ENGLISH in supported else None


def _public_holidays(
    country: str, subdiv: str | None, years: Iterable[int], language: str
) -> HolidayBase:
    language_ = _entity_language(holidays.country_holidays(country, subdiv=subdiv), language)
    if country in _SWEDEN:
        # Plain Sundays ("Söndag") are weekends, not holidays; the package listed them by
        # default until recently, and country_holidays() did not pass the option on.
        from holidays.countries.sweden import Sweden

        return Sweden(years=years, language=language_, include_sundays=False)
    return holidays.country_holidays(country, subdiv=subdiv, years=years, language=language_)


def _swedish_eves(years: Iterable[int], language: str) -> dict[str, list[tuple[dt.date, str]]]:
    """Each eve's dates and names, found by its Swedish name in the package."""
    categories = (holidays.DE_FACTO, holidays.OPTIONAL)
    years = tuple(years)
    swedish = holidays.country_holidays("SE", years=years, categories=categories, language=SWEDISH)
    local = (
        swedish
        if language == SWEDISH
        else holidays.country_holidays("SE", years=years, categories=categories, language=language)
    )
    key_of = {name: key for key, name in EVES.items()}
    eves: dict[str, list[tuple[dt.date, str]]] = {key: [] for key in EVES}
    for day in sorted(swedish):
        names = swedish.get_list(day)
        local_names = local.get_list(day)
        for i, name in enumerate(names):
            if name in key_of:
                local_name = local_names[i] if len(local_names) == len(names) else name
                eves[key_of[name]].append((day, local_name))
    return eves


def _include_name(name: str, index: int) -> str:
    key = name.strip().casefold().translate(_ASCII)
    if key not in INCLUDE_NAMES:
        raise ConfigError(
            f"{name!r} is not a day mgovern-holidays knows; use one of {', '.join(INCLUDE_NAMES)}",
            path=f"closed_days.include[{index}]",
        )
    return key


def _region(code: str, index: int) -> tuple[str, str | None]:
    """``"US-CA"`` -> ``("US", "CA")``, checked against the ``holidays`` package."""
    path = f"closed_days.regions[{index}]"
    country, _, subdiv = code.strip().partition("-")
    country = country.upper()
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ConfigError(
            f"{code!r} is not a country the holidays package knows; use an ISO 3166-1 "
            "country code such as 'SE', 'NO' or 'DE', optionally with a subdivision "
            "such as 'US-CA' or 'DE-BY'",
            path=path,
        )
    if not subdiv:
        return country, None
    known = {s.casefold(): s for s in supported[country]}
    aliases = holidays.country_holidays(country).subdivisions_aliases
    known.update({alias.casefold(): s for alias, s in aliases.items()})
    if subdiv.casefold() not in known:
        hint = (
            "use one of " + ", ".join(f"'{country}-{s}'" for s in supported[country])
            if supported[country]
            else f"the package has no subdivisions for {country}; use {country!r}"
        )
        raise ConfigError(
            f"{code!r}: the holidays package has no subdivision {subdiv!r} of {country}; {hint}",
            path=path,
        )
    return country, known[subdiv.casefold()]
