"""Fixtures of the route's own tests: the route clock stopped mid-night."""

import datetime as dt
from collections.abc import Iterator

import pytest

from locations.clock import Rehearsal
from locations.live import forget_live_route

# 16:00 UTC on Christmas Eve: Kiritimati, Auckland, Sydney and Kathmandu are due; Toronto (02:00 on the 25th) not.
MID_NIGHT = dt.datetime(2026, 12, 24, 16, tzinfo=dt.UTC)


@pytest.fixture
def mid_night(settings) -> Iterator[dt.datetime]:
    """The route clock stopped at MID_NIGHT, the configured night left to the route, the live route forgotten."""
    settings.TRACKER_CLOCK = Rehearsal(start=MID_NIGHT, anchor=MID_NIGHT, speed=0.0)
    settings.TRACKER_ROUTE_NIGHT = None
    forget_live_route()
    yield MID_NIGHT
    forget_live_route()
