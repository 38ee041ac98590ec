"""Through the shipped VCL with the origin stopped: the cache answers /api/v1/time from its own clock and the
route clock the origin named on `now`, and a new viewer's map syncs its clock and shows the last stop."""

import datetime as dt
import http.client
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.map_pages import hop_rows
from tests.topology import prepare_origin, start_app_server, start_varnish, stop, wait_for

CHROMIUM = "/usr/bin/chromium"
SPEED = 60.0
# tracker/api.py time_view's answer, as docs/api.md gives it.
TIME_ANSWER = re.compile(r'\{"now":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z","now_ms":\d{13},"speed":60\.0\}')


def _get(port: int, path: str) -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def test_the_cache_answers_the_clock_and_a_new_map_shows_the_last_stop_with_the_origin_stopped(
    static_root: Path, tmp_path: Path, browser: Any
):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: scripts/ensure-system-packages.sh installs Debian's chromium")

    origin = prepare_origin(tmp_path, hop_rows(), lead_seconds=3, speed=SPEED, TRACKER_STATIC_ROOT=str(static_root))
    server, app_port, log = start_app_server(origin, tmp_path, "app")
    varnish = None
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        wait_for(f"http://127.0.0.1:{app_port}/api/v1/time", server, log)
        # Every app server of origin.vcl (both pools) is this one.
        varnish, port, _workdir = start_varnish(tmp_path, [app_port] * 3)
        wait_for(f"http://127.0.0.1:{port}/api/v1/now", varnish, tmp_path / "varnish.log")
        while json.loads(_get(port, "/api/v1/now")[1])["visited"] < 1:
            time.sleep(0.2)
        chromium = browser  # the session's one Chromium (tests/conftest.py)
        # One viewer loads the map through the cache while the origin is up.
        first = chromium.new_context()
        page = first.new_page()
        page.goto(f"http://127.0.0.1:{port}/en/")
        page.wait_for_selector("#tracker[data-visited]", state="attached", timeout=15_000)
        first.close()

        stop(server)
        status, body, headers = _get(port, "/api/v1/time")
        asked = time.time()
        assert status == 200, body
        assert TIME_ANSWER.fullmatch(body.decode()), body
        assert headers["Cache-Control"] == "no-store" and headers["Content-Type"] == "application/json"
        answer = json.loads(body)
        expected = origin.route_time(asked)
        assert abs(answer["now_ms"] / 1000 - expected.timestamp()) < SPEED  # within one wall second
        assert dt.datetime.fromisoformat(answer["now"]) == dt.datetime.fromtimestamp(answer["now_ms"] / 1000, dt.UTC)
        last = json.loads(_get(port, "/api/v1/now")[1])

        # A new viewer, the origin still down: the clock from the cache, the last stop from the cache.
        second = chromium.new_context()
        clock_answers: list[int] = []
        second.on("response", lambda r: "/api/v1/time" in r.url and clock_answers.append(r.status))
        page = second.new_page()
        page.goto(f"http://127.0.0.1:{port}/en/")
        page.wait_for_selector("#tracker[data-visited]", state="attached", timeout=15_000)
        assert int(page.get_attribute("#tracker", "data-visited")) == last["visited"] >= 1
        assert clock_answers and set(clock_answers) == {200}
        assert last["current"]["city"] in page.inner_text("body")
        second.close()
    finally:
        if varnish is not None:
            stop(varnish)
        stop(server)
