"""Viewers through a Redis outage: real Redis (db 7) behind a TcpProxy that refuses, then hangs, for 8 s each.

A production app server keeps answering /api/v1/now, /api/v1/time and the map page throughout; /readyz
answers too, naming the cache as failed while Redis is out (which also shows the app server's Redis goes
through the proxy) and as fine once it is back.
"""

import datetime as dt
import http.client
import json
import time
from pathlib import Path

from tests.browser.map_pages import hop_rows
from tests.tcp_proxy import TcpProxy
from tests.topology import prepare_origin, start_app_server, stop, wait_for

REDIS_PORT = 6379
REDIS_DATABASE = 7
OUTAGE_SECONDS = 8
# Each request gets this long at most: only a stall breaks it (REDIS_TIMEOUT is 0.5 s, /readyz's checks 2 s).
REQUEST_TIMEOUT = 5
SPEED = 60.0


def _ask(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _cache_check(port: int) -> dict:
    """What /readyz says of the cache (the other checks fail here: no worker or sync runs)."""
    _status, body = _ask(port, "/readyz")
    return json.loads(body)["checks"]["cache"]


def _due(rows: list[list[str]], at: dt.datetime) -> int:
    return sum(1 for row in rows if dt.datetime.fromisoformat(row[5]) <= at)


def test_now_time_and_the_map_keep_answering_while_redis_refuses_then_hangs(static_root: Path, tmp_path: Path):
    rows = hop_rows()
    origin = prepare_origin(tmp_path, rows, lead_seconds=4, speed=SPEED, TRACKER_STATIC_ROOT=str(static_root))
    proxy = TcpProxy(REDIS_PORT).start()
    server, port, log = start_app_server(
        origin, tmp_path, "app", REDIS_URL=f"redis://127.0.0.1:{proxy.port}/{REDIS_DATABASE}", REDIS_TIMEOUT="0.5"
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/now", server, log)
        assert _cache_check(port)["ok"], log.read_text()[-3000:]
        asked = 0
        for outage in (proxy.refuse, proxy.hang):
            outage()
            failed_check = None
            back = time.monotonic() + OUTAGE_SECONDS
            while time.monotonic() < back:
                sent = time.time()
                now_status, now = _ask(port, "/api/v1/now")
                time_status, _clock = _ask(port, "/api/v1/time")
                map_status, page = _ask(port, "/en/")
                received = time.time()
                asked += 1

                assert (now_status, time_status, map_status) == (200, 200, 200), log.read_text()[-3000:]
                due = {_due(rows, origin.route_time(sent)), _due(rows, origin.route_time(received))}
                assert json.loads(now)["visited"] in due
                assert b'id="tracker"' in page
                failed_check = failed_check or (None if (check := _cache_check(port))["ok"] else check)
                time.sleep(0.2)
            assert failed_check is not None, "/readyz never saw the cache fail: is Redis behind the proxy?"
            proxy.forward()
            deadline = time.monotonic() + 10
            while not _cache_check(port)["ok"]:
                assert time.monotonic() < deadline, "the cache never came back in /readyz"
                time.sleep(0.2)
        assert asked >= 4
    finally:
        stop(server)
        proxy.close()
