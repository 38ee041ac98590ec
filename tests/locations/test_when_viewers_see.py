"""When viewers see a new revision: from the hop of its first changed stop, or within the caches' lifetimes."""

import dataclasses
import datetime as dt

import pytest

from locations.live import LIVE_CHECK_SECONDS, first_change_at, viewer_delay_seconds, when_viewers_see
from locations.public_route import revision_route
from locations.sync import publish_table
from tests.conftest import route_table

pytestmark = pytest.mark.django_db

# Between Sydney (10:00) and Kathmandu (15:15): three stops shown, Kathmandu and Toronto not yet due.
AT = dt.datetime(2026, 12, 24, 12, 0, tzinfo=dt.UTC)


def _routes(small_route: list[list[str]], row: int, column: int, value: str):
    shown = publish_table(route_table(small_route), "test").revision
    changed = [list(stop) for stop in small_route]
    changed[row][column] = value
    new = publish_table(route_table(changed), "test").revision
    return revision_route(shown), revision_route(new)


def test_a_stop_not_yet_due_is_seen_from_its_hop(small_route):
    shown, new = _routes(small_route, 3, 7, "Gateway to the Himalaya")

    assert first_change_at(shown, new) == dt.datetime(2026, 12, 24, 15, 15, tzinfo=dt.UTC)
    assert when_viewers_see(shown, new, AT) == "from the hop at 15:15:00 UTC"


def test_a_stop_already_shown_is_seen_within_the_check_and_both_caches(small_route, settings):
    settings.TRACKER_CACHE_CAP = 60
    shown, new = _routes(small_route, 1, 0, "Tāmaki Makaurau")

    assert viewer_delay_seconds() == 121 > 2 * 60 + LIVE_CHECK_SECONDS
    assert when_viewers_see(shown, new, AT) == "within 121 s"


def test_a_stop_moved_earlier_is_seen_from_its_new_arrival(small_route):
    shown, new = _routes(small_route, 4, 5, "2026-12-24T23:30:00Z")

    assert when_viewers_see(shown, new, AT) == "from the hop at 23:30:00 UTC"


def test_the_same_stops_under_a_new_number_are_no_change_a_viewer_sees(small_route):
    shown = revision_route(publish_table(route_table(small_route), "test").revision)
    same = dataclasses.replace(shown, revision=shown.revision + 1, identity=("other",))

    assert when_viewers_see(shown, same, AT) is None
    assert when_viewers_see(None, shown, AT) == "within 121 s"
