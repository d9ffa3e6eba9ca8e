"""mgovern-holidays through the real plugin manager and called directly.

Needs the plugin installed: ``pip install -e plugins/mgovern-holidays --no-deps``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import mgovern_holidays
import pytest
from mgovern_holidays._closed_days import INCLUDE_NAMES, bridge_days

import mgovern
from mgovern.model import ClosedDay, ClosedDays, Organization
from mgovern.plugins import make_plugin_manager

D = dt.date
YEAR_2026 = (D(2026, 1, 1), D(2026, 12, 31))
EXAMPLE_INCLUDE = ("midsommarafton", "julafton", "nyarsafton")


def make_org(
    regions: Iterable[str] = ("SE",), include: Iterable[str] = (), locale: str = "sv"
) -> Organization:
    return mgovern.Organization(
        id="org",
        name="Org",
        locale=locale,
        closed_days=ClosedDays(regions=tuple(regions), include=tuple(include)),
    )


def closed(org: Organization, start: D = YEAR_2026[0], end: D = YEAR_2026[1]) -> dict[D, str]:
    """The plugin's answer (called directly) as ``{date: name}``."""
    days = mgovern_holidays.mgovern_closed_days(org, start, end)
    return {day.date: day.name for day in days}


def plugin_days(org: Organization, start: D, end: D) -> list[ClosedDay]:
    """The hook called through the real manager, answered by this plugin only."""
    pm = make_plugin_manager(disabled=())
    others = [plugin for name, plugin in pm.list_name_plugin() if name != "holidays"]
    caller = pm.subset_hook_caller("mgovern_closed_days", remove_plugins=others)
    (result,) = caller(org=org, start=start, end=end)
    return list(result)


def weekday(day: D) -> bool:
    return day.weekday() < 5


# --- through the plugin manager ----------------------------------------------------------


def test_installed_plugin_is_registered_under_its_entry_point() -> None:
    pm = make_plugin_manager(disabled=())
    assert pm.get_plugin("holidays") is mgovern_holidays, (
        "install the plugin: pip install -e plugins/mgovern-holidays --no-deps"
    )
    implementers = [impl.plugin_name for impl in pm.hook.mgovern_closed_days.get_hookimpls()]
    assert "holidays" in implementers


def test_disabled_plugin_is_not_registered() -> None:
    pm = make_plugin_manager(disabled=("holidays",))
    assert pm.get_plugin("holidays") is None


def test_embedded_example_through_the_manager() -> None:
    org = mgovern.example()
    assert org.closed_days.regions == ("SE",)
    assert org.closed_days.include == EXAMPLE_INCLUDE
    pm = make_plugin_manager(disabled=())
    merged = {
        day.date: day.name
        for result in pm.hook.mgovern_closed_days(org=org, start=YEAR_2026[0], end=YEAR_2026[1])
        for day in result
    }
    assert merged[D(2026, 5, 14)] == "Kristi himmelsfärdsdag"
    assert merged[D(2026, 6, 19)] == "Midsommarafton"
    assert merged[D(2026, 12, 24)] == "Julafton"
    assert merged[D(2026, 12, 31)] == "Nyårsafton"
    assert D(2026, 4, 4) not in merged  # påskafton was not asked for
    assert D(2026, 5, 15) not in merged  # nor bridge days


def test_manager_and_direct_call_agree() -> None:
    org = make_org(include=(*EXAMPLE_INCLUDE, "klamdagar"))
    start, end = YEAR_2026
    assert plugin_days(org, start, end) == mgovern_holidays.mgovern_closed_days(org, start, end)


# --- Swedish public holidays -------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 1, 1), "Nyårsdagen"),
        (D(2026, 1, 6), "Trettondedag jul"),
        (D(2026, 4, 3), "Långfredagen"),
        (D(2026, 4, 5), "Påskdagen"),
        (D(2026, 4, 6), "Annandag påsk"),
        (D(2026, 5, 1), "Första maj"),
        (D(2026, 5, 14), "Kristi himmelsfärdsdag"),
        (D(2026, 5, 24), "Pingstdagen"),
        (D(2026, 6, 6), "Nationaldagen"),  # the law says "Sveriges nationaldag"
        (D(2026, 6, 20), "Midsommardagen"),
        (D(2026, 10, 31), "Alla helgons dag"),
        (D(2026, 12, 25), "Juldagen"),
        (D(2026, 12, 26), "Annandag jul"),
    ],
)
def test_swedish_public_holidays_2026(day: D, name: str) -> None:
    assert closed(make_org())[day] == name


def test_only_public_holidays_without_include() -> None:
    assert len(closed(make_org())) == 13


def test_result_is_sorted_closed_days_one_per_date() -> None:
    days = mgovern_holidays.mgovern_closed_days(
        make_org(regions=("SE", "NO"), include=INCLUDE_NAMES), *YEAR_2026
    )
    assert all(isinstance(day, ClosedDay) for day in days)
    dates = [day.date for day in days]
    assert dates == sorted(set(dates))


def test_no_plain_sundays() -> None:
    days = closed(make_org(include=INCLUDE_NAMES), D(2020, 1, 1), D(2030, 12, 31))
    assert "Söndag" not in days.values()
    sundays = {name for day, name in days.items() if day.weekday() == 6}
    # Sundays appear only as named holidays; Easter and Pentecost are always Sundays.
    assert {"Påskdagen", "Pingstdagen"} <= sundays
    assert not any("Söndag" in name for name in sundays)


# --- de-facto and optional days off ------------------------------------------------------

EVES_2026 = {
    "midsommarafton": (D(2026, 6, 19), "Midsommarafton"),
    "julafton": (D(2026, 12, 24), "Julafton"),
    "nyarsafton": (D(2026, 12, 31), "Nyårsafton"),
    "paskafton": (D(2026, 4, 4), "Påskafton"),
    "pingstafton": (D(2026, 5, 23), "Pingstafton"),
}


@pytest.mark.parametrize("include", list(EVES_2026))
def test_eve_closed_only_when_included(include: str) -> None:
    day, name = EVES_2026[include]
    assert day not in closed(make_org())
    assert closed(make_org(include=[include]))[day] == name
    others = [key for key in EVES_2026 if key != include]
    assert day not in closed(make_org(include=others))


def test_example_includes_the_de_facto_days_off() -> None:
    days = closed(mgovern.example())
    assert {day for day, _ in (EVES_2026[key] for key in EXAMPLE_INCLUDE)} <= days.keys()
    assert D(2026, 4, 4) not in days
    assert D(2026, 5, 23) not in days


def test_midsommarafton_is_always_a_friday_19_to_25_june() -> None:
    days = closed(make_org(include=["midsommarafton"]), D(2000, 1, 1), D(2040, 12, 31))
    eves = [day for day, name in days.items() if name == "Midsommarafton"]
    assert len(eves) == 41
    assert all(day.weekday() == 4 and day.month == 6 and 19 <= day.day <= 25 for day in eves)


def test_eves_without_a_region() -> None:
    assert closed(make_org(regions=(), include=["julafton"])) == {D(2026, 12, 24): "Julafton"}


@pytest.mark.parametrize(
    ("spelling", "day"),
    [("Nyårsafton", D(2026, 12, 31)), ("påskafton", D(2026, 4, 4)), ("klämdagar", D(2026, 5, 15))],
)
def test_swedish_spellings_are_accepted(spelling: str, day: D) -> None:
    assert day in closed(make_org(include=[spelling]))


# --- bridge days -------------------------------------------------------------------------

BRIDGE_DAYS_2026 = {D(2026, 1, 2), D(2026, 1, 5), D(2026, 5, 15)}


@pytest.mark.parametrize("extra", [(), EXAMPLE_INCLUDE, tuple(EVES_2026)])
def test_bridge_days_2026(extra: tuple[str, ...]) -> None:
    days = closed(make_org(include=(*extra, "klamdagar")))
    bridges = {day for day, name in days.items() if name == "Klämdag"}
    assert bridges == BRIDGE_DAYS_2026
    assert all(weekday(day) for day in bridges)
    assert set(days) - set(closed(make_org(include=extra))) == BRIDGE_DAYS_2026


def test_no_bridge_days_unless_included() -> None:
    assert not BRIDGE_DAYS_2026 & closed(make_org(include=EXAMPLE_INCLUDE)).keys()


def test_bridge_days_count_included_eves() -> None:
    # 2024: julafton Tue, juldagen Wed, annandag jul Thu, nyårsafton Tue, nyårsdagen Wed.
    window = (D(2024, 12, 20), D(2025, 1, 3))
    plain = closed(make_org(include=["klamdagar"]), *window)
    assert {day for day, name in plain.items() if name == "Klämdag"} == {D(2024, 12, 27)}
    eves = closed(make_org(include=["julafton", "nyarsafton", "klamdagar"]), *window)
    assert {day for day, name in eves.items() if name == "Klämdag"} == {
        D(2024, 12, 23),
        D(2024, 12, 27),
        D(2024, 12, 30),
    }


def test_bridge_day_rule() -> None:
    holidays = {D(2026, 3, 3), D(2026, 3, 12), D(2026, 3, 18)}  # Tue, Thu, Wed
    found = set(bridge_days(holidays, D(2026, 3, 1), D(2026, 3, 31)))
    # Monday before the Tuesday, Friday after the Thursday; a Wednesday leaves two days.
    assert found == {D(2026, 3, 2), D(2026, 3, 13)}
    # A bridge day does not make another one.
    assert set(bridge_days({D(2026, 3, 4)}, D(2026, 3, 1), D(2026, 3, 31))) == set()


# --- other regions and languages ---------------------------------------------------------


def test_norway() -> None:
    days = closed(make_org(regions=["NO"], locale="en"))
    assert days[D(2026, 5, 17)] == "Constitution Day"
    assert D(2026, 6, 6) not in days


def test_german_subdivision() -> None:
    bavaria = closed(make_org(regions=["DE-BY"], locale="en"))
    germany = closed(make_org(regions=["DE"], locale="en"))
    assert bavaria[D(2026, 1, 6)] == "Epiphany"
    assert bavaria[D(2026, 6, 4)] == "Corpus Christi"
    assert D(2026, 1, 6) not in germany
    assert set(germany) < set(bavaria)


def test_region_codes_ignore_case() -> None:
    assert closed(make_org(regions=["us-ca"], locale="en"))[D(2026, 3, 31)] == "Cesar Chavez Day"


def test_swedish_locale_without_swedish_data_falls_back_to_english() -> None:
    assert closed(make_org(regions=["NO"], locale="sv"))[D(2026, 5, 17)] == "Constitution Day"


def test_first_region_names_a_shared_day() -> None:
    new_year = D(2026, 1, 1)
    assert closed(make_org(regions=["SE", "NO"]))[new_year] == "Nyårsdagen"
    assert closed(make_org(regions=["NO", "SE"]))[new_year] == "New Year's Day"
    both = closed(make_org(regions=["SE", "NO"]))
    assert both[D(2026, 5, 17)] == "Constitution Day"


def test_english_names() -> None:
    days = closed(make_org(include=INCLUDE_NAMES, locale="en"))
    assert days[D(2026, 5, 14)] == "Ascension Day"
    assert days[D(2026, 6, 19)] == "Midsummer Eve"
    assert days[D(2026, 12, 24)] == "Christmas Eve"
    assert days[D(2026, 12, 31)] == "New Year's Eve"
    assert days[D(2026, 4, 4)] == "Holy Saturday"
    assert days[D(2026, 5, 23)] in {"Pentecost Eve", "Whitsun Eve"}  # varies by version
    assert {day for day, name in days.items() if name == "Bridge day"} == BRIDGE_DAYS_2026
    assert "Sunday" not in days.values()


@pytest.mark.parametrize("locale", ["sv", "sv-SE", "sv_FI", "SV"])
def test_swedish_locales(locale: str) -> None:
    assert closed(make_org(locale=locale))[D(2026, 5, 14)] == "Kristi himmelsfärdsdag"


# --- configuration errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("regions", "path", "hint"),
    [
        (["SE", "XX"], "closed_days.regions[1]", "ISO 3166-1"),
        (["Sweden"], "closed_days.regions[0]", "'SE'"),
        (["SE-AB"], "closed_days.regions[0]", "use 'SE'"),
        (["NO", "US-XX"], "closed_days.regions[1]", "'US-CA'"),
    ],
)
def test_unknown_region(regions: list[str], path: str, hint: str) -> None:
    with pytest.raises(mgovern.ConfigError) as info:
        closed(make_org(regions=regions))
    assert info.value.path == path
    assert hint in info.value.message


def test_unknown_include() -> None:
    with pytest.raises(mgovern.ConfigError) as info:
        closed(make_org(include=["julafton", "midsommar"]))
    assert info.value.path == "closed_days.include[1]"
    assert "'midsommar'" in info.value.message
    assert ", ".join(INCLUDE_NAMES) in info.value.message


def test_unknown_include_through_the_manager() -> None:
    with pytest.raises(mgovern.ConfigError, match=r"closed_days\.include\[0\]"):
        plugin_days(make_org(include=["easter-saturday"]), *YEAR_2026)


def test_errors_even_for_an_empty_window() -> None:
    with pytest.raises(mgovern.ConfigError):
        closed(make_org(regions=["XX"]), D(2026, 2, 1), D(2026, 1, 1))


# --- the window --------------------------------------------------------------------------


def test_window_is_inclusive() -> None:
    org = make_org(include=("klamdagar",))
    assert closed(org, D(2026, 5, 14), D(2026, 5, 14)) == {D(2026, 5, 14): "Kristi himmelsfärdsdag"}
    # A bridge day at the window's edge still sees its neighbours outside the window.
    assert closed(org, D(2026, 5, 15), D(2026, 5, 15)) == {D(2026, 5, 15): "Klämdag"}
    assert closed(org, D(2026, 1, 2), D(2026, 1, 5)) == {
        D(2026, 1, 2): "Klämdag",
        D(2026, 1, 5): "Klämdag",
    }
    assert closed(org, D(2026, 5, 16), D(2026, 5, 23)) == {}


def test_window_across_years() -> None:
    org = make_org(include=EXAMPLE_INCLUDE)
    assert closed(org, D(2025, 12, 24), D(2026, 1, 6)) == {
        D(2025, 12, 24): "Julafton",
        D(2025, 12, 25): "Juldagen",
        D(2025, 12, 26): "Annandag jul",
        D(2025, 12, 31): "Nyårsafton",
        D(2026, 1, 1): "Nyårsdagen",
        D(2026, 1, 6): "Trettondedag jul",
    }


def test_empty_window_and_empty_config() -> None:
    assert closed(make_org(), D(2026, 12, 31), D(2026, 1, 1)) == {}
    assert closed(make_org(regions=())) == {}
