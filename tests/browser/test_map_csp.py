"""The strict Content Security Policy holds everywhere: the admin still works, configured tiles still load."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage

from tests.browser.map_pages import WATCH_SCRIPT, open_map, put_in_state

pytestmark = [pytest.mark.browser]


def test_the_admin_works_under_the_strict_csp(browser, site, sample_route, django_user_model):
    django_user_model.objects.create_superuser("rudolph", "rudolph@example.org", "red-nose-2026")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(WATCH_SCRIPT)
        errors, failed = [], []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # The admin has no favicon; any other failing request is a fault.
        page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and failed.append(r.url))
        page.goto(f"{site}/admin/login/?next=/admin/")
        page.fill("#id_username", "rudolph")
        page.fill("#id_password", "red-nose-2026")
        page.click("input[type=submit]")
        page.wait_for_url(f"{site}/admin/")
        for path in (
            "/admin/",
            "/admin/locations/revision/",
            f"/admin/locations/revision/{sample_route.pk}/change/",
            "/admin/night/",
            "/admin/route-preview/",
            "/admin/auth/user/add/",
            "/admin/auth/user/",
        ):
            response = page.goto(f"{site}{path}")
            assert response.status == 200, path
            assert page.evaluate("window.__csp") == [], path
        # The admin's own JavaScript runs: "select all" in the change list ticks every row.
        page.click("#action-toggle")
        assert page.locator("input.action-select:checked").count() == page.locator("input.action-select").count() > 0
        assert errors == []
        assert failed == []
    finally:
        context.close()


def test_with_a_tile_url_the_map_draws_tiles_with_their_attribution_instead_of_the_offline_shapes(
    browser, site, sample_route, settings
):
    put_in_state(settings, "flying")
    # Tiles from this same origin (img-src 'self'): any image will do for each {z}/{x}/{y}.
    tile = staticfiles_storage.url("icons/favicon.svg")
    settings.TRACKER_TILE_URL = f"{site}{tile}?tile={{z}}/{{x}}/{{y}}"
    settings.TRACKER_TILE_ATTRIBUTION = "Tiles © Example Maps"
    context = browser.new_context()
    try:
        opened = open_map(context, site)
        page = opened.page
        page.wait_for_selector("img.leaflet-tile-loaded", timeout=10_000)
        assert "Tiles © Example Maps" in page.inner_text(".leaflet-control-attribution")
        assert page.locator("canvas.land").count() == 0
        assert not any("countries-110m" in url for url in opened.requests)
        assert any("?tile=" in url for url in opened.requests)
        assert opened.csp_violations() == []
        assert opened.errors == []
    finally:
        context.close()
