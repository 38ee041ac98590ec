"""axe-core finds nothing to fix on the map before take-off, in flight, after the last stop and without motion."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.map_pages import open_map, put_in_state

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize(
    ("state", "reduced_motion"),
    [("waiting", False), ("flying", False), ("finished", False), ("flying", True)],
    ids=["before-take-off", "in-flight", "after-the-last-stop", "reduced-motion"],
)
def test_axe_finds_no_violations_on_the_map(browser, site, sample_route, settings, state, reduced_motion):
    put_in_state(settings, state)
    context = browser.new_context(reduced_motion="reduce" if reduced_motion else "no-preference")
    try:
        opened = open_map(context, site)
        page = opened.page
        page.wait_for_selector(f"#tracker[data-status={state}]", state="attached", timeout=10_000)
        page.wait_for_selector("canvas.land[data-painted]", state="attached", timeout=10_000)
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
        assert page.get_attribute("html", "lang") == "en"
        assert page.locator("#announcer[aria-live=polite]").count() == 1
        assert opened.errors == []
        assert opened.csp_violations() == []
    finally:
        context.close()


def test_every_control_is_reachable_by_keyboard_and_the_follow_button_toggles(browser, site, sample_route, settings):
    put_in_state(settings, "flying")
    context = browser.new_context()
    try:
        page = open_map(context, site).page
        reached = []
        for _ in range(20):
            page.keyboard.press("Tab")
            reached.append(
                page.evaluate(
                    "() => { const e = document.activeElement;"
                    " return e.id || e.getAttribute('aria-label') || e.className || e.tagName; }"
                )
            )
        for control in ("skip-link", "letters-link", "map", "Zoom in", "Zoom out", "follow", "visited-list"):
            assert any(control in str(name) for name in reached), (control, reached)
        page.focus("#follow")
        page.keyboard.press("Enter")
        assert page.get_attribute("#follow", "aria-pressed") == "false"
        page.keyboard.press("Space")
        assert page.get_attribute("#follow", "aria-pressed") == "true"
    finally:
        context.close()


@pytest.mark.parametrize(("state", "shown"), [("waiting", True), ("flying", False)])
def test_the_visited_list_says_none_yet_only_before_the_first_stop(browser, site, sample_route, settings, state, shown):
    put_in_state(settings, state)
    context = browser.new_context()
    try:
        page = open_map(context, site).page
        page.wait_for_selector(f"#tracker[data-status={state}]", state="attached", timeout=10_000)
        # Raises on timeout: the note must become visible before take-off and hidden once a stop is listed.
        page.wait_for_selector(".visited-empty", state="visible" if shown else "hidden", timeout=10_000)
        assert (page.locator("#visited-list li").count() == 0) is shown
    finally:
        context.close()
