"""The margin chart: every stop's local arrival against the deadline, tight stops flagged, drawn as plain SVG."""

import datetime as dt

import pytest

from locations.margins import deadline_wall_time, margin_chart, stop_margins
from locations.sync import publish_table
from tests.conftest import route_table

pytestmark = pytest.mark.django_db

# 21:55 local in Auckland (UTC+13 in December): five minutes before a 22:00 deadline.
LATE_AUCKLAND = ["Auckland", "Auckland", "NZ", "-36.8485", "174.7633", "2026-12-24T08:55:00Z", "350000", "", ""]


def test_margins_are_local_arrivals_before_the_local_deadline_in_route_order(small_route):
    revision = publish_table(route_table(small_route), "test").revision
    margins = stop_margins(revision)
    assert [m.place for m in margins][:2] == ["Kiritimati, Line Islands, KI", "Auckland, Auckland, NZ"]
    assert [m.number for m in margins] == [1, 2, 3, 4, 5]
    assert [m.row for m in margins] == [2, 3, 4, 5, 6]
    # Auckland at 08:00 UTC is 21:00 NZDT: an hour before 22:00.
    assert margins[1].local_arrival == dt.datetime(2026, 12, 24, 21, 0)
    assert margins[1].margin_minutes == 60
    assert not any(m.tight for m in margins)


def test_a_stop_within_ten_minutes_of_the_deadline_is_tight_and_drawn_red(small_route):
    rows = [small_route[0], LATE_AUCKLAND, *small_route[2:]]
    revision = publish_table(route_table(rows), "test").revision
    margins = stop_margins(revision)
    assert [m.margin_minutes for m in margins if m.tight] == [5]
    chart = margin_chart(margins, deadline_wall_time(revision))
    assert [stop.place for _x, _y, stop in chart.tight] == ["Auckland, Auckland, NZ"]
    _x, y, _stop = chart.tight[0]
    assert chart.deadline_y < y < chart.deadline_y + chart.band_height, "inside the last ten minutes' band"
    assert len(chart.points.split()) == 5


def test_a_deadline_after_midnight_is_on_the_next_morning(small_route):
    revision = publish_table(route_table(small_route), "test", deadline="26:00").revision
    assert deadline_wall_time(revision) == dt.datetime(2026, 12, 25, 2, 0)
