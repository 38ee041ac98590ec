"""Geography: the country a message names is always one that could be right at the coordinates."""

import datetime as dt
from pathlib import Path

import pytest

from locations.geography import (
    UnclearWallTime,
    country_mismatch,
    local_wall_time,
    public_country_name,
    wall_time_instant,
    zone_at,
)
from locations.sources import read_csv
from locations.validation import validate_route

CASES = Path(__file__).resolve().parents[1] / "data" / "route-cases"


def test_hekou_and_disputed_places_give_the_documented_findings():
    report = validate_route(read_csv(CASES / "08-disputed-and-border.csv"))
    assert [(f.row, f.column, f.code) for f in report.errors] == [
        (2, "country", "country_mismatch"),  # Hekou, CN sits in the Asia/Bangkok polygon
        (3, "country", "unknown_country"),  # XK is not in ISO 3166-1 (docs/route-format.md)
        (5, "country", "country_mismatch"),  # Laayoune: ISO's Western Sahara (EH) keeps Africa/El_Aaiun
    ]
    hekou = report.errors[0].message
    assert "the nearest of them is Vietnam (VN), not China (CN)" in hekou
    assert "belongs to Thailand" not in hekou
    assert [stop.city for stop in report.stops] == ["Pristina"]  # given as RS, Serbia's zone


def test_when_no_keeper_of_a_shared_zone_has_the_nearest_city_the_nearest_keeper_is_named():
    # Prizren's nearest GeoNames city is in Kosovo (XK), which keeps no zone of its own; Albania does not
    # keep Europe/Belgrade, and North Macedonia, which shares it, has the nearest cities among its keepers.
    prizren = (42.21389, 20.73972)
    zone = zone_at(*prizren)
    problem = country_mismatch(zone, "AL", *prizren)
    assert problem.endswith("the nearest of them is North Macedonia (MK), not Albania (AL)")
    assert "Serbia (RS)" in problem  # listed among the zone's keepers, not picked for being first


def test_a_city_decides_between_the_keepers_of_a_shared_zone():
    hanoi = (21.0245, 105.84117)
    assert country_mismatch(zone_at(*hanoi), "VN", *hanoi) is None
    assert "which belongs to Vietnam (VN), not Thailand (TH)" in country_mismatch(zone_at(*hanoi), "TH", *hanoi)


def test_the_public_name_is_the_common_one_everywhere():
    assert public_country_name("TW") == "Taiwan"
    assert public_country_name("CA") == "Canada"
    assert public_country_name("ZZ") == "ZZ"


def test_a_wall_time_names_one_instant_unless_the_clocks_skip_or_repeat_it():
    berlin = "Europe/Berlin"
    assert wall_time_instant(dt.datetime(2026, 12, 24, 20, 0), berlin) == dt.datetime(
        2026, 12, 24, 19, 0, tzinfo=dt.UTC
    )
    with pytest.raises(UnclearWallTime, match="never happens in Europe/Berlin") as skipped:
        wall_time_instant(dt.datetime(2026, 3, 29, 2, 30), berlin)  # 02:00 becomes 03:00
    with pytest.raises(UnclearWallTime, match="happens twice in Europe/Berlin") as repeated:
        wall_time_instant(dt.datetime(2026, 10, 25, 2, 30), berlin)  # 03:00 becomes 02:00 again

    assert skipped.value.skipped and not repeated.value.skipped
    assert skipped.value.readings == (utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30))  # 01:30 and 03:30 local
    assert repeated.value.readings == (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30))  # summer, then winter
    assert [local_wall_time(moment, berlin).hour for moment in repeated.value.readings] == [2, 2]


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)
