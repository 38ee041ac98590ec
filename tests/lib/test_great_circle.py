import math

import pytest

from lib.great_circle import EARTH_RADIUS_KM, crossing_hops, distance_km


def test_london_to_toronto_is_about_5710_km():
    assert distance_km(51.5074, -0.1278, 43.6532, -79.3832) == pytest.approx(5710, abs=5)


def test_antipodes_are_half_the_circumference_even_where_rounding_overshoots():
    half = EARTH_RADIUS_KM * math.pi
    assert distance_km(-36.8485, 174.7633, 36.8485, -5.2367) == pytest.approx(half)  # Auckland, near Seville
    # Here the haversine term rounds to 1.0000000000000002, past the sphere: the answer is still half of it.
    assert distance_km(-74.6, -180.0, 74.6, 0.0) == pytest.approx(half)
    assert distance_km(90, 0, -90, 0) == pytest.approx(half)
    assert distance_km(0, 0, 0, 0) == 0


def test_a_path_that_doubles_back_across_itself_crosses_once():
    # A bow tie: (0,0) -> (10,10) -> (10,0) -> (0,10); the first and the last hop cross near (5, 5).
    assert crossing_hops([(0, 0), (10, 10), (10, 0), (0, 10)]) == [(0, 2)]
    # The same four corners as a ring do not cross.
    assert crossing_hops([(0, 0), (0, 10), (10, 10), (10, 0)]) == []


def test_hops_that_only_touch_or_share_a_stop_do_not_cross():
    # The third hop ends exactly on the first hop's start: touching is not crossing.
    assert crossing_hops([(0, 0), (0, 10), (5, 5), (0, 0)]) == []
    # Too few hops to cross.
    assert crossing_hops([(0, 0), (10, 10), (10, 0)]) == []


def test_crossings_are_found_on_the_sphere_across_the_date_line_and_not_at_the_antipode():
    # Kiritimati to Nukunonu, then the night's end: Honolulu to Pago Pago crosses it over the Pacific.
    kiritimati, nukunonu = (1.98487, -157.47502), (-9.20045, -171.84804)
    honolulu, pago_pago = (21.30694, -157.85833), (-14.27806, -170.7025)
    assert crossing_hops([kiritimati, nukunonu, (0, 100), honolulu, pago_pago]) == [(0, 3)]
    # Across the date line: Fiji to Samoa (179E to 172W) crosses a hop from Tuvalu south to Tonga.
    assert crossing_hops([(-18.1, 178.4), (-13.8, -171.8), (-8.5, 179.2), (-21.1, -175.2)]) == [(0, 2)]
    # The great circles of two hops on opposite sides of the Earth meet, but not on the hops.
    assert crossing_hops([(0, 0), (10, 10), (60, 90), (-10, 175), (0, -165)]) == []
    assert crossing_hops([(0, 0), (10, 10), (60, 90), (10, -5), (0, 15)]) == [(0, 3)]
