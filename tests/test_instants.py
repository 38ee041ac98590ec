"""lib/instants.py: the one way an instant is written as ISO 8601 with Z."""

import datetime as dt
import zoneinfo

import pytest

from lib.instants import iso_z

TORONTO = zoneinfo.ZoneInfo("America/Toronto")


def test_an_instant_is_written_in_utc_with_z_whatever_its_zone():
    assert iso_z(dt.datetime(2026, 12, 24, 21, 0, tzinfo=TORONTO)) == "2026-12-25T02:00:00Z"


def test_milliseconds_are_written_only_when_the_instant_has_a_fraction():
    moment = dt.datetime(2026, 12, 24, 9, 30, 0, 250_000, tzinfo=dt.UTC)

    assert iso_z(moment) == "2026-12-24T09:30:00.250Z"
    assert iso_z(moment.replace(microsecond=0)) == "2026-12-24T09:30:00Z"


def test_to_the_second_drops_the_fraction():
    assert iso_z(dt.datetime(2026, 12, 24, 9, 30, 59, 999_999, tzinfo=dt.UTC), "seconds") == "2026-12-24T09:30:59Z"


def test_a_naive_time_names_no_instant():
    with pytest.raises(ValueError, match="no time zone"):
        iso_z(dt.datetime(2026, 12, 24, 9, 30))
