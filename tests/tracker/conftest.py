"""Fixtures for the public side: a live route with a stop after Toronto, and the real route clock."""

import datetime as dt
from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings

from locations.live import forget_live_route
from locations.models import Revision
from locations.sync import publish_table
from tests.conftest import route_table

HONOLULU = ["Honolulu", "Hawaii", "US", "21.3069", "-157.8583", "2026-12-25T07:00:00Z", "400000", "", ""]


def utc(text: str) -> dt.datetime:
    """An ISO instant written with Z, as an aware UTC datetime."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(autouse=True)
def _real_clock_and_fresh_route(settings: Settings) -> Iterator[None]:
    """Real route time, the default cap, and no copy of the live route left over from another test."""
    settings.TRACKER_CLOCK = None
    settings.TRACKER_CACHE_CAP = 60
    forget_live_route()
    yield
    forget_live_route()


@pytest.fixture
def route_rows(small_route: list[list[str]]) -> list[list[str]]:
    """The small real route plus Honolulu, so Toronto is a stop in the middle of the flight."""
    return [*small_route, HONOLULU]


@pytest.fixture
def live(db: None, route_rows: list[list[str]]) -> Revision:
    """The route published through the real sync path and made live."""
    result = publish_table(route_table(route_rows), "test")
    assert result.ok, result.message
    return result.revision
