"""Every element of the map in each state of the night, on a desktop and a phone, with axe-core's approval."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.map_pages import SAMPLE_STATES, open_map, put_in_state, rehearse

pytestmark = [pytest.mark.browser]

TAKE_OFF = dt.datetime(2026, 12, 24, 4, 0, tzinfo=dt.UTC)  # Kiritimati, the sample route's first stop
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# For each state: what the card says, which new elements show, and whether Santa is busy at a stop.
STATES = {
    "weeks-ahead": {
        "at": TAKE_OFF - dt.timedelta(days=23, hours=5, minutes=30),
        "status": "waiting",
        "note": r"^Santa takes off in 23 days and 5 hours$",
        "shown": ["card-note", "your-zone"],
        "hidden": ["card-next", "card-local", "connection"],
    },
    "minutes-ahead": {
        "at": TAKE_OFF - dt.timedelta(minutes=4, seconds=30),
        "status": "waiting",
        "note": r"^Santa takes off in [34]:\d\d$",
        "shown": ["card-note", "your-zone"],
        "hidden": ["card-next", "card-local", "connection"],
    },
    "at-a-stop": {
        "at": SAMPLE_STATES["flying"],
        "status": "flying",
        "next": r"^Next stop in [01]:\d\d$",
        "local": r"^7:3\d pm in Toronto$",
        "shown": ["card-next", "card-local", "your-zone"],
        "hidden": ["card-note", "connection"],
        "busy": True,
    },
    "mid-hop": {
        "at": SAMPLE_STATES["hop"],
        "status": "flying",
        "hop": True,
        "shown": ["card-next", "card-local", "your-zone"],
        "hidden": ["card-note", "connection"],
        "busy": True,
    },
    "finished": {
        "at": SAMPLE_STATES["finished"],
        "status": "finished",
        "place": "Santa is back home at the North Pole. Merry Christmas, and sweet dreams!",
        "note": r"^Every present is delivered and the reindeer are resting\. Last stop: Pago Pago, American Samoa",
        "shown": ["card-note", "your-zone"],
        "hidden": ["card-next", "card-local", "connection"],
    },
    "offline": {
        "at": SAMPLE_STATES["flying"],
        "status": "flying",
        "offline": True,
        "shown": ["card-next", "card-local", "connection", "your-zone"],
        "hidden": ["card-note"],
        "busy": True,
    },
}
ALWAYS = ["distance-button", "share-button", "you-heading"]


# English, one CJK, one right-to-left (laid out mirrored) and one long-worded language.
LANGUAGES = {"en": "en-US", "ja": "ja-JP", "ar": "ar", "de": "de-DE"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", STATES)
def test_each_state_shows_its_elements_and_axe_finds_nothing(
    browser, site, sample_route, settings, name, viewport, language
):
    state = STATES[name]
    english = language == "en"
    rehearse(settings, state["at"], speed=1)
    phone = viewport == "phone"
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], is_mobile=phone, has_touch=phone, locale=LANGUAGES[language]
    )
    try:
        opened = open_map(context, site, language=language)
        page = opened.page
        page.wait_for_selector(f"#tracker[data-status={state['status']}]", state="attached", timeout=10_000)
        page.wait_for_selector("canvas.land[data-painted]", state="attached", timeout=10_000)
        if state.get("hop"):
            page.wait_for_function("() => document.getElementById('tracker').dataset.visited === '321'", timeout=15_000)
        if state.get("offline"):
            context.set_offline(True)
            page.wait_for_selector("#connection:not([hidden])", timeout=10_000)
            if english:
                assert "offline" in page.inner_text("#connection")
                assert page.inner_text("#card-place").startswith("Toronto, Canada")
        page.wait_for_timeout(300)
        for element in state["shown"] + ALWAYS:
            assert page.is_visible(f"#{element}"), element
        for element in state["hidden"]:
            assert not page.is_visible(f"#{element}"), element
        for element in state["shown"]:
            assert page.inner_text(f"#{element}").strip(), f"#{element} is empty in {language}"
        if english and "note" in state:
            assert re.search(state["note"], page.inner_text("#card-note")), page.inner_text("#card-note")
        if english and "next" in state:
            assert re.search(state["next"], page.inner_text("#card-next")), page.inner_text("#card-next")
        if english and "local" in state:
            assert re.search(state["local"], page.inner_text("#card-local")), page.inner_text("#card-local")
        if english and "place" in state:
            assert page.inner_text("#card-place") == state["place"]
        direction = page.evaluate("() => getComputedStyle(document.body).direction")
        assert direction == ("rtl" if language == "ar" else "ltr")
        busy = "busy" in (page.get_attribute(".santa-marker", "class") or "")
        assert busy is bool(state.get("busy")), page.get_attribute(".santa-marker", "class")
        assert re.fullmatch(r"[\d,]+" if english else r"\S+", page.inner_text("#presents").strip())
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        assert opened.csp_violations() == []
        assert [error for error in opened.errors if not state.get("offline")] == []
    finally:
        context.close()


def test_on_a_phone_the_current_stops_card_is_on_the_first_screen(browser, site, sample_route, settings):
    put_in_state(settings, "flying")
    context = browser.new_context(viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True)
    try:
        page = open_map(context, site).page
        page.wait_for_selector("#card-next:not([hidden])", timeout=10_000)
        for part in ("#card-place", "#card-local", "#card-next", ".tally"):
            box = page.locator(part).bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 844, (part, box)
    finally:
        context.close()


def test_after_the_last_stop_santa_is_home_at_the_top_and_the_map_cannot_show_the_world_twice(
    browser, site, sample_route, settings
):
    put_in_state(settings, "finished")
    for viewport in VIEWPORTS.values():
        context = browser.new_context(viewport=viewport, reduced_motion="reduce")
        try:
            page = open_map(context, site).page
            page.wait_for_selector("#tracker[data-status=finished]", state="attached", timeout=10_000)
            page.wait_for_timeout(300)
            map_box = page.locator("#map").bounding_box()
            santa = page.locator(".santa-marker").bounding_box()
            centre_x, centre_y = santa["x"] + santa["width"] / 2, santa["y"] + santa["height"] / 2
            assert map_box["x"] <= centre_x <= map_box["x"] + map_box["width"], (santa, map_box)
            assert map_box["y"] <= centre_y <= map_box["y"] + map_box["height"] * 0.25, (santa, map_box)
            # The whole trail is shown at the widest zoom the map allows: one world as wide as the map.
            assert "leaflet-disabled" in page.get_attribute(".leaflet-control-zoom-out", "class")
            assert "leaflet-disabled" not in page.get_attribute(".leaflet-control-zoom-in", "class")
        finally:
            context.close()
