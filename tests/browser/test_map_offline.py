"""Installable and calm offline: the manifest, and a service worker that keeps the shell but never the API."""

import json

import pytest

from tests.browser.map_pages import open_map, put_in_state
from tracker.offline import shell_urls

pytestmark = [pytest.mark.browser]

CACHED_URLS = """
async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      urls.push(new URL(request.url).pathname + new URL(request.url).search);
    }
  }
  return urls.sort();
}
"""


def controlled(page: object) -> None:
    """Wait until the map's service worker controls the page."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)


def test_the_manifest_and_the_worker_are_served_at_the_root_with_their_own_caching(client, collected_static):
    manifest = client.get("/de/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest["Cache-Control"] == "public, max-age=3600"
    data = json.loads(manifest.content)
    # In the URL's language, starting the app there; its scope covers every language's map.
    assert (data["lang"], data["start_url"], data["scope"], data["display"]) == ("de", "/de/", "/", "standalone")
    assert data["short_name"] == "Wo ist der Weihnachtsmann?"
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon
        assert icon["src"].count(".") >= 2, "icons are hashed by the manifest storage"
    worker = client.get("/service-worker.js")
    assert worker["Content-Type"] == "text/javascript"
    assert worker["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert worker["Service-Worker-Allowed"] == "/"
    body = worker.content.decode()
    shell = json.loads(body.split("const SHELL = ", 1)[1].split(";\n", 1)[0])
    assert shell == shell_urls()
    assert not any("/api/" in url for url in shell)
    # The API is routed straight to the network, past the worker.
    assert '{ condition: { urlPattern: "/api/*" }, source: "network" }' in body
    assert client.post("/service-worker.js").status_code == 405


def test_the_worker_keeps_exactly_the_shell_the_page_loads_and_never_an_api_answer(
    browser, site, sample_route, settings
):
    put_in_state(settings, "hop")
    context = browser.new_context()
    try:
        opened = open_map(context, site)
        page = opened.page
        controlled(page)
        page.wait_for_function("() => document.getElementById('tracker').dataset.visited === '321'", timeout=15_000)
        page.wait_for_timeout(500)
        cached = page.evaluate(CACHED_URLS)
        assert sorted(cached) == sorted([*shell_urls(), "/en/"])
        assert not any(url.startswith("/api/") for url in cached)
        # Every static file the page asked for is in the shell (so the list in tracker/offline.py is whole).
        loaded = {url.removeprefix(site) for url in opened.requests if "/static/" in url}
        assert loaded <= set(cached), loaded - set(cached)
        assert opened.errors == []
        assert opened.csp_violations() == []
    finally:
        context.close()


def test_offline_the_worker_never_serves_now_past_its_max_age(browser, site, sample_route, settings):
    put_in_state(settings, "flying")
    settings.TRACKER_CACHE_CAP = 2
    context = browser.new_context()
    try:
        page = open_map(context, site).page
        controlled(page)
        page.reload()
        page.wait_for_selector("#tracker[data-visited]", state="attached", timeout=10_000)
        controlled(page)
        asked = page.evaluate(
            """async () => {
              const response = await fetch("/api/v1/now");
              return response.headers.get("Cache-Control");
            }"""
        )
        assert asked.startswith("public, max-age=2,"), asked
        context.set_offline(True)
        # Past the answer's two seconds of max-age, nothing may answer for the server.
        page.wait_for_timeout(3000)
        outcome = page.evaluate(
            """async () => {
              try {
                const response = await fetch("/api/v1/now");
                return `answered ${response.status}`;
              } catch (error) {
                return "failed";
              }
            }"""
        )
        assert outcome == "failed"
        # While the shell still opens offline, from the worker.
        assert page.evaluate("fetch(document.querySelector('link[rel=stylesheet]').href).then((r) => r.status)") == 200
    finally:
        context.close()


def test_offline_the_page_opens_from_the_worker_says_it_is_reconnecting_and_recovers_by_itself(
    browser, site, sample_route, settings
):
    put_in_state(settings, "flying")
    context = browser.new_context()
    try:
        opened = open_map(context, site)
        page = opened.page
        controlled(page)
        context.set_offline(True)
        page.wait_for_selector("#connection:not([hidden])", timeout=10_000)
        # The last known stop stays, with a plain note.
        assert page.inner_text("#card-place").startswith("Toronto, Canada")
        assert page.inner_text("#connection") == "You are offline: this is Santa\u2019s last known stop. Reconnecting…"

        # Opened again while offline: the page and its files come from the worker.
        page.reload()
        page.wait_for_selector("#connection:not([hidden])", timeout=15_000)
        assert page.is_visible("#map")
        # No stop is known to this page (the API is never kept): it must not claim to show the last one.
        assert page.inner_text("#connection") == "Lost touch with the North Pole; trying again…"
        context.set_offline(False)
        page.wait_for_selector("#tracker[data-status=flying]", state="attached", timeout=30_000)
        page.wait_for_selector("#connection", state="hidden", timeout=10_000)
        assert page.inner_text("#card-place").startswith("Toronto, Canada")
    finally:
        context.close()
