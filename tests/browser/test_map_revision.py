"""An organiser's fix published mid-flight reaches every open map within one cache cap, without a reload."""

import datetime as dt
import json
import os
import time

import pytest

from locations.sync import publish_table
from tests.browser.map_pages import open_map, publish_unchecked, rehearse
from tests.conftest import route_table

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HONOLULU = ["Honolulu", "Hawaii", "US", "21.3069", "-157.8583", "2026-12-25T07:00:00Z", "400000", "", ""]
TORONTO_ARRIVAL = dt.datetime(2026, 12, 25, 2, 0, tzinfo=dt.UTC)
CAP_SECONDS = 3
OPEN_MAPS = 3


def test_toronto_corrected_from_us_to_ca_mid_flight_reaches_every_open_map_within_one_cache_cap(
    browser, site, small_route, settings
):
    rows = [*small_route, HONOLULU]
    # Revision 1 went out before the checks existed: Toronto given as US, as in the real incident.
    publish_unchecked(rows, 1, {"Toronto": {"country": "US"}})
    settings.TRACKER_CACHE_CAP = CAP_SECONDS
    # Real speed, Toronto just reached: the next hop (Honolulu) is five hours away, so only the cap polls.
    rehearse(settings, TORONTO_ARRIVAL + dt.timedelta(seconds=30), speed=1)
    context = browser.new_context()
    try:
        maps = [open_map(context, site) for _ in range(OPEN_MAPS)]
        for opened in maps:
            assert (
                opened.page.inner_text("#card-place") == "Toronto, Ontario, United States · arrived 9:00 pm local time"
            )
            assert opened.page.inner_text("#visited-list li:last-child").startswith("Toronto, Ontario, United States")
        seen_before = [len(opened.requests) for opened in maps]

        fixed = publish_table(route_table(rows), "organiser").revision
        published = time.time() * 1000
        assert fixed.number == 2

        delays = []
        for opened, seen in zip(maps, seen_before, strict=True):
            # Bounded by one cap plus the map's scheduling margin (it asks just after its copy goes stale).
            opened.page.wait_for_function(
                "() => document.getElementById('tracker').dataset.revision === '2'", timeout=CAP_SECONDS * 1000 + 1500
            )
            assert opened.page.inner_text("#card-place") == "Toronto, Ontario, Canada · arrived 9:00 pm local time"
            assert opened.page.inner_text("#visited-list li:last-child").startswith("Toronto, Ontario, Canada")
            assert opened.page.locator("#visited-list li").count() == 5
            shown = opened.shown()
            # The same document all along: what it recorded under revision 1 is still there.
            assert shown[0]["revision"] == "1"
            assert opened.page.evaluate("performance.getEntriesByType('navigation').length") == 1
            delays.append(next(entry["at"] for entry in shown if entry["revision"] == "2") - published)
            new_requests = opened.api_requests(seen)
            assert "api/v1/trail?revision=2&upto=5" in new_requests
            assert set(new_requests) <= {"api/v1/now", "api/v1/trail?revision=2&upto=5"}
            assert opened.errors == []
            assert opened.csp_violations() == []
        target = os.environ.get("TRACKER_MAP_FIGURES")
        if target:
            with open(target, "a") as out:
                out.write(json.dumps({"measure": "fix_reaches_maps", "cap_s": CAP_SECONDS, "delays_ms": delays}) + "\n")
    finally:
        context.close()
