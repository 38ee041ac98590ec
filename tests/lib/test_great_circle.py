import math

import pytest

from lib.great_circle import EARTH_RADIUS_KM, distance_km


def test_london_to_toronto_is_about_5710_km():
    assert distance_km(51.5074, -0.1278, 43.6532, -79.3832) == pytest.approx(5710, abs=5)


def test_antipodes_are_half_the_circumference_even_where_rounding_overshoots():
    half = EARTH_RADIUS_KM * math.pi
    assert distance_km(-36.8485, 174.7633, 36.8485, -5.2367) == pytest.approx(half)  # Auckland, near Seville
    # Here the haversine term rounds to 1.0000000000000002, past the sphere: the answer is still half of it.
    assert distance_km(-74.6, -180.0, 74.6, 0.0) == pytest.approx(half)
    assert distance_km(90, 0, -90, 0) == pytest.approx(half)
    assert distance_km(0, 0, 0, 0) == 0
