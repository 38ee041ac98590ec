"""You and Santa: the distance from the viewer and their time zone's deadline, computed in the browser only,
and sharing the map."""

import datetime as dt
import re

import pytest

from lib.great_circle import distance_km
from tests.browser.map_pages import SAMPLE_STATES, open_map, put_in_state, rehearse

pytestmark = [pytest.mark.browser]

ZURICH = {"latitude": 47.376887, "longitude": 8.541694}
TORONTO = (43.70643, -79.39864)  # the sample route's Toronto


def everything_sent(context: object) -> list[str]:
    """Record every request of the context (pages and service worker): URL, headers and body, as text."""
    sent = []

    def keep(request: object) -> None:
        sent.append(" ".join([request.url, *request.all_headers().values(), request.post_data or ""]))

    context.on("request", keep)
    return sent


def test_the_distance_is_computed_in_the_browser_and_no_request_carries_position_or_time_zone(
    browser, site, sample_route, settings
):
    # Twenty seconds before Santa leaves Ottawa for Toronto: time to open the map and ask.
    rehearse(settings, dt.datetime(2026, 12, 25, 0, 29, 41, tzinfo=dt.UTC), speed=1)
    context = browser.new_context(
        geolocation=ZURICH, permissions=["geolocation"], timezone_id="Pacific/Chatham", locale="en-US"
    )
    sent = everything_sent(context)
    try:
        opened = open_map(context, site)
        page = opened.page
        page.click("#distance-button")
        page.wait_for_selector("#distance:has-text('from you')", timeout=10_000)
        ottawa = page.inner_text("#distance")
        assert re.fullmatch(r"Santa is [\d,]+ km from you, in Ottawa\.", ottawa), ottawa
        # The next hop moves Santa to Toronto; the distance follows without asking again.
        page.wait_for_function("() => document.getElementById('tracker').dataset.visited === '321'", timeout=30_000)
        toronto = page.inner_text("#distance")
        shown = int(re.fullmatch(r"Santa is ([\d,]+) km from you, in Toronto\.", toronto)[1].replace(",", ""))
        assert abs(shown - distance_km(ZURICH["latitude"], ZURICH["longitude"], *TORONTO)) <= 1
        page.wait_for_timeout(500)
        assert len(sent) > 10
        for text in sent:
            for secret in ("47.37", "47,37", "8.541", "8,541", "Chatham", "Pacific", "+13", "+1345"):
                assert secret not in text, (secret, text)
        assert opened.errors == []
    finally:
        context.close()


def test_without_permission_the_distance_says_it_is_not_known(browser, site, sample_route, settings):
    put_in_state(settings, "flying")
    context = browser.new_context()
    try:
        page = open_map(context, site).page
        page.click("#distance-button")
        page.wait_for_selector("#distance:has-text('not known')", timeout=10_000)
    finally:
        context.close()


@pytest.mark.parametrize(
    ("route_time", "zone", "sentence"),
    [
        # Christmas Eve, 5:29 pm in the Chatham Islands.
        (SAMPLE_STATES["waiting"], "Pacific/Chatham", "Santa reaches your time zone before 10 pm tonight."),
        (
            dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            "America/Toronto",
            "Santa reaches your time zone before 10 pm on December 24.",
        ),
        # 8:31 pm in Halifax, before its 10 pm, with Santa in Toronto an hour west: he has been through.
        (SAMPLE_STATES["flying"], "America/Halifax", "Santa has already been through your time zone tonight."),
        # The same moment in Chicago, an hour west of him: he is still to come.
        (SAMPLE_STATES["flying"], "America/Chicago", "Santa reaches your time zone before 10 pm tonight."),
        # 3 am on Christmas Day in Toronto.
        (SAMPLE_STATES["finished"], "America/Toronto", "Santa has already been through your time zone tonight."),
        # Santa is home (the last stop was Pago Pago at 05:02 UTC) while it is 7:23 pm in Honolulu.
        (
            dt.datetime(2026, 12, 25, 5, 23, tzinfo=dt.UTC),
            "Pacific/Honolulu",
            "Santa has already been through your time zone tonight.",
        ),
    ],
)
def test_the_deadline_in_the_viewers_own_time_zone_follows_the_rule(
    browser, site, sample_route, settings, route_time, zone, sentence
):
    rehearse(settings, route_time, speed=1)
    context = browser.new_context(timezone_id=zone, locale="en-US")
    try:
        page = open_map(context, site).page
        page.wait_for_selector("#your-zone:not([hidden])", timeout=10_000)
        assert page.inner_text("#your-zone").startswith(sentence)
    finally:
        context.close()


def test_without_the_web_share_api_the_share_button_copies_the_link(browser, site, sample_route, settings):
    put_in_state(settings, "flying")
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    # Chromium on desktop Linux has no share sheet; make sure of it.
    context.add_init_script("delete Navigator.prototype.share;")
    try:
        page = open_map(context, site).page
        page.click("#share-button")
        page.wait_for_selector("#share-note:has-text('Link copied')", timeout=5_000)
        assert page.evaluate("navigator.clipboard.readText()") == f"{site}/en/"
    finally:
        context.close()


def test_with_the_web_share_api_the_share_button_opens_the_share_sheet(browser, site, sample_route, settings):
    put_in_state(settings, "flying")
    context = browser.new_context()
    # The device's share sheet, standing in for the browser's own: it records what it was given.
    context.add_init_script(
        "Navigator.prototype.share = function (data) { window.__shared = data; return Promise.resolve(); };"
    )
    try:
        page = open_map(context, site).page
        page.click("#share-button")
        page.wait_for_function("() => window.__shared !== undefined", timeout=5_000)
        shared = page.evaluate("window.__shared")
        assert shared["url"] == f"{site}/en/"
        assert shared["title"] == "Where is Santa? The live Santa tracker"
        assert "Santa" in shared["text"]
        assert not page.is_visible("#share-note")
    finally:
        context.close()
