"""A fact per language: `fact:de`, `fact:ja`... beside `fact`, checked against the site's languages, published
per stop, and in the sample route for every capital in all ten languages."""

import csv
import io

from django.conf import settings

from locations.geography import country_names_in
from locations.live import forget_live_route, live_route
from locations.models import Stop
from locations.sample import capital_fact, people_in_words
from locations.sync import publish_table
from locations.validation import validate_route
from tests.conftest import ROUTE_HEADER, route_table

HEADER = [*ROUTE_HEADER, "fact:de", "Fact: JA", "fact:pt_BR"]
TOKYO = ["Tokyo", "", "JP", "35.6895", "139.6917", "2026-12-24T12:00:00Z", "9000", "Capital of Japan.", ""]
TORONTO = ["Toronto", "Ontario", "CA", "43.6532", "-79.3832", "2026-12-25T02:00:00Z", "1100000", "", ""]


def test_a_fact_per_language_is_read_beside_the_plain_fact_and_blank_ones_fall_back():
    rows = [
        [*TOKYO, "Hauptstadt von Japan.", "日本の首都です。", ""],
        [*TORONTO, "", "", "A maior cidade do Canadá."],
    ]
    report = validate_route(route_table(rows, HEADER))
    assert report.ok and not report.warnings, report.as_text()
    tokyo, toronto = report.stops
    assert tokyo.fact == "Capital of Japan."
    assert tokyo.facts == {"de": "Hauptstadt von Japan.", "ja": "日本の首都です。"}
    # A blank cell is left out, so the page falls back to `fact` in that language.
    assert toronto.fact == ""
    assert toronto.facts == {"pt-br": "A maior cidade do Canadá."}


def test_a_fact_column_in_a_language_the_site_does_not_have_is_a_warning_that_names_the_codes():
    rows = [[*TOKYO, "Hauptstadt von Japan.", "Tokio", "Stolica"]]
    header = [*ROUTE_HEADER, "fact:de", "fact:sv", "fact:pt"]
    report = validate_route(route_table(rows, header))
    assert report.ok
    codes = [(finding.column, finding.code) for finding in report.warnings]
    assert codes == [("fact:sv", "unknown_fact_language"), ("fact:pt", "unknown_fact_language")]
    swedish, portuguese = report.warnings
    assert "'sv'" in swedish.message and "en, de, es" in swedish.message
    assert "Did you mean 'fact:pt-br'?" in portuguese.message
    assert report.stops[0].facts == {"de": "Hauptstadt von Japan."}


def test_two_columns_for_one_language_are_a_duplicate_column():
    header = [*ROUTE_HEADER, "fact:de", "Fact:DE"]
    report = validate_route(route_table([[*TOKYO, "a", "b"]], header))
    assert [(finding.column, finding.code) for finding in report.errors] == [("fact:de", "duplicate_column")]


def test_published_facts_reach_the_api_beside_the_plain_fact(db):
    rows = [[*TOKYO, "Hauptstadt von Japan.", "", ""], [*TORONTO, "", "", ""]]
    result = publish_table(route_table(rows, HEADER), "test")
    assert result.ok, result.message
    assert Stop.objects.get(city="Tokyo").facts == {"de": "Hauptstadt von Japan."}
    forget_live_route()
    first, second = live_route().stops
    assert (first["fact"], first["facts"]) == ("Capital of Japan.", {"de": "Hauptstadt von Japan."})
    assert (second["fact"], second["facts"]) == ("", {})


def test_the_sample_route_has_every_capital_s_fact_in_all_ten_languages():
    with settings.TRACKER_SAMPLE_ROUTE.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    languages = [code for code, _name in settings.LANGUAGES if code != "en"]
    capitals = [record for record in records if record["fact"].startswith("Capital of")]
    assert len(capitals) > 190
    for record in capitals:
        for language in languages:
            assert record[f"fact:{language}"], (record["city"], language)
    # Each names its country as the card above it does (CLDR's English, as the browser's Intl.DisplayNames).
    card_names = dict(country_names_in("en"))
    for record in capitals:
        assert record["fact"].startswith(f"Capital of {card_names[record['country']]}."), record["fact"]
    praia = next(record for record in capitals if record["city"] == "Praia")
    assert praia["fact"].startswith("Capital of Cape Verde.")  # the city table says Cabo Verde
    tokyo = next(record for record in capitals if record["city"] == "Tokyo")
    assert tokyo["fact"] == "Capital of Japan. About 9.7 million people live here."
    assert tokyo["fact:de"] == "Hauptstadt des Landes. Hier leben rund 9,7 Millionen Menschen."
    assert tokyo["fact:ja"] == "この国の首都です。人口は約970万人です。"
    # What check_route reads from the sample: no warning about the fact columns.
    header, *rows = csv.reader(io.StringIO(settings.TRACKER_SAMPLE_ROUTE.read_text(encoding="utf-8")))
    report = validate_route(route_table(rows, header))
    assert not [finding for finding in report.warnings if finding.code == "unknown_fact_language"]
    assert report.stops[[stop.city for stop in report.stops].index("Tokyo")].facts["ar"] == tokyo["fact:ar"]


def test_a_population_is_said_the_way_each_language_says_it():
    assert people_in_words(22_311, "en", 1_000_000) == "22,000"
    assert people_in_words(1_149_000, "de", 1_000_000) == "1,1 Millionen"
    assert people_in_words(22_311, "ja", 10_000) == "2.2万"
    assert capital_fact("fr", "Tonga", 22_311) == "Capitale du pays. Habitants\u202f: environ 22\u202f000."
    # A capital nobody lives in any more says only that it is the capital.
    assert capital_fact("en", "Montserrat", 0) == "Capital of Montserrat."
