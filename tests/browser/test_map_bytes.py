"""What the map costs on the wire: the first load, and each hop after it."""

import datetime as dt
import json
import os

import pytest

from tests.browser.map_pages import FIRST, open_map, put_in_state, rehearse, wait_for_visited

pytestmark = [pytest.mark.browser]

FIRST_LOAD_BUDGET = 200 * 1024
HOP_BUDGET = 1024


def record(figures: dict[str, object]) -> None:
    """Append measured figures for docs/benchmarks.md, when asked to."""
    target = os.environ.get("TRACKER_MAP_FIGURES")
    if target:
        with open(target, "a") as out:
            out.write(json.dumps(figures) + "\n")


def received(request: object) -> dict[str, int]:
    """Bytes of one response as they came over the wire: headers, and the body as sent (compressed or not)."""
    sizes = request.sizes()
    return {"headers": sizes["responseHeadersSize"], "body": sizes["responseBodySize"]}


def watch(target: object) -> list[object]:
    """Every request of a page or a whole context (its service worker's included) that finished, in order."""
    finished = []
    target.on("requestfinished", lambda request: finished.append(request))
    return finished


@pytest.mark.parametrize("state", ["waiting", "flying", "finished"])
def test_the_first_load_with_its_service_worker_is_under_200_kb_with_static_files_compressed_and_immutable(
    browser, site, sample_route, settings, state
):
    put_in_state(settings, state)
    context = browser.new_context()
    try:
        finished = watch(context)
        page = context.new_page()
        page.goto(f"{site}/en/")
        page.wait_for_selector(f"#tracker[data-status={state}]", state="attached", timeout=15_000)
        page.wait_for_selector("canvas.land[data-painted]", state="attached", timeout=15_000)
        # The worker has installed (its shell cached) once it controls the page.
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        total = {"headers": 0, "body": 0}
        by_kind = {}
        for request in finished:
            size = received(request)
            total["headers"] += size["headers"]
            total["body"] += size["body"]
            path = request.url.split("/", 3)[3]
            key = path.split("?")[0] + (" (service worker)" if request.service_worker else "")
            by_kind[key] = by_kind.get(key, 0) + size["headers"] + size["body"]
            if path.startswith("static/"):
                headers = request.response().headers
                assert headers["cache-control"] == "max-age=315360000, public, immutable", path
                if path.endswith((".js", ".css", ".json", ".svg")):
                    assert headers.get("content-encoding") == "gzip", path
        assert total["headers"] + total["body"] < FIRST_LOAD_BUDGET, by_kind
        record({"measure": "first_load", "state": state, "requests": len(finished), **total, "by_path": by_kind})
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_each_hop_transfers_under_a_kilobyte(browser, site, hop_route, settings):
    rehearse(settings, FIRST + dt.timedelta(minutes=1), speed=60)
    context = browser.new_context()
    try:
        opened = open_map(context, site)
        finished = watch(opened.page)
        start = opened.visited()
        wait_for_visited(opened, start + 3, timeout_s=20)
        opened.page.wait_for_timeout(300)
        hops = [received(request) for request in finished if request.url.endswith("/api/v1/now")]
        assert len(hops) == 3
        for size in hops:
            assert size["headers"] + size["body"] < HOP_BUDGET, hops
        record({"measure": "per_hop", "hops": hops})
    finally:
        context.close()
