"""Google Santa Tracker's real 2017 route, read through the JSON source and checked with a 26:00 deadline.

docs/google-2017-route.md explains these numbers; when a check changes them, update both.
"""

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path

import pytest

from locations.sources import read_source
from locations.sync import check_table

# Unchanged from google/santa-tracker-android (Apache-2.0); tests/data/README.md says where it comes from.
REAL_ROUTE = Path(__file__).resolve().parents[1] / "data" / "google-santa-tracker-2017.json"
REAL_ROUTE_SHA256 = "3149fbce46982d52a0457f962e798116b9285b99b7b0de2969b67c3098117510"


def test_the_fixture_is_googles_file_unchanged():
    assert hashlib.sha256(REAL_ROUTE.read_bytes()).hexdigest() == REAL_ROUTE_SHA256


@pytest.fixture(scope="module")
def route():
    """The table and its report, read and checked once for every test below."""
    table = read_source(str(REAL_ROUTE))
    return table, check_table(table, dt.date(2017, 12, 24), "26:00")


def test_every_destination_is_a_row_and_the_north_pole_is_not_a_stop(route):
    table, report = route
    assert len(table.rows) == 366
    assert table.not_stops == (2, 367)
    assert report.row_count == 364
    first, last = table.rows[1].cells, table.rows[-2].cells
    assert (first["city"], first["country"], first["arrival"]) == ("Provideniya", "RU", "2017-12-24T11:09:00Z")
    assert (last["city"], last["country"], last["arrival"]) == ("Hilo", "US", "2017-12-25T10:51:00Z")


def test_every_stop_has_a_country_and_presents_add_up_to_googles_total(route):
    table, _report = route
    stops = [row.cells for row in table.rows if not row.is_blank()]
    assert all(stop["country"] for stop in stops)
    assert len({stop["country"] for stop in stops}) == 154
    assert sum(int(stop["presents"]) for stop in stops) == 7_056_276_203


def test_with_a_26_00_deadline_eight_stops_are_late_and_everest_is_nepals_by_the_border(route):
    _table, report = route
    assert Counter(error.code for error in report.errors) == {"after_deadline": 8}
    late = [(error.row, error.value) for error in report.errors if error.code == "after_deadline"]
    assert [row for row, _value in late] == [224, 327, 342, 343, 344, 345, 356, 357]
    everest = next(stop for stop in report.stops if stop.city == "Mount Everest")
    assert (everest.row, everest.country, everest.timezone) == (100, "NP", "Asia/Kathmandu")


def test_eighty_seven_hops_are_faster_than_the_sleigh(route):
    _table, report = route
    hops = [warning for warning in report.warnings if warning.code == "impossible_hop"]
    assert len(hops) == 87
    diego_garcia = next(hop for hop in hops if hop.row == 106)
    assert diego_garcia.message.startswith("Diego Garcia: 3,845 km from Taunggyi (row 105) in 2 min 00 s, 115,363 km/h")


def test_namesakes_in_different_states_are_not_duplicate_stops(route):
    table, report = route
    assert [warning for warning in report.warnings if warning.code == "duplicate_stop"] == []
    # Charleston twice and Portland twice, each in two states: four places, not two visited twice.
    cities = {row.number: row.cells["city"] for row in table.rows}
    assert (cities[274], cities[276], cities[289], cities[353]) == ("Charleston", "Charleston", "Portland", "Portland")
    regions = {row.number: row.cells["region"] for row in table.rows}
    assert (regions[274], regions[276]) == ("South Carolina", "West Virginia")
    assert (regions[289], regions[353]) == ("Maine", "Oregon")


def test_with_the_default_22_00_deadline_almost_every_stop_is_late(route):
    table, _report = route
    report = check_table(table, dt.date(2017, 12, 24), "22:00")
    assert Counter(error.code for error in report.errors)["after_deadline"] == 354
