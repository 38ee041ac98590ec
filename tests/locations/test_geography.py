"""Geography: the country a message names is always one that could be right at the coordinates."""

from pathlib import Path

from locations.geography import country_mismatch, public_country_name, zone_at
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
