"""An origin that survives its database: real PostgreSQL behind a proxy that refuses, then hangs, for 15 s each."""

import datetime as dt
import http.client
import json
import time
from pathlib import Path

from tests.browser.map_pages import hop_rows
from tests.conftest import POSTGRES
from tests.tcp_proxy import TcpProxy
from tests.topology import prepare_origin, start_app_server, stop, wait_for

OUTAGE_SECONDS = 15
# After an outage the viewers keep asking this long; a check in the background finds the database back.
RECOVERY_SECONDS = 4
# Each request gets this long at most: a public endpoint must never wait on a failing database.
REQUEST_TIMEOUT = 3
SPEED = 60.0


def _ask(port: int, path: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def _due(rows: list[list[str]], at: dt.datetime) -> int:
    return sum(1 for row in rows if dt.datetime.fromisoformat(row[5]) <= at)


def test_now_and_time_keep_answering_while_the_database_refuses_then_hangs(postgres_database, tmp_path: Path):
    rows = hop_rows()
    origin = prepare_origin(tmp_path, rows, lead_seconds=4, speed=SPEED, DATABASE_URL=f"{POSTGRES}/{postgres_database}")
    proxy = TcpProxy(5432).start()
    server, port, log = start_app_server(
        origin,
        tmp_path,
        "app",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{proxy.port}/{postgres_database}",
        DATABASE_CONNECT_TIMEOUT="1",
        TRACKER_LIVE_CHECK_TIMEOUT="1",
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/now", server, log)
        assert proxy.accepted >= 1, "the app server reads the route through the proxy"
        asked = 0
        for outage in (proxy.refuse, proxy.hang):
            outage()
            # Through the outage, then with the database back while the app server notices by itself.
            back = time.monotonic() + OUTAGE_SECONDS
            deadline = back + RECOVERY_SECONDS
            while time.monotonic() < deadline:
                if proxy.mode != "forward" and time.monotonic() >= back:
                    proxy.forward()
                sent = time.time()
                now_status, now = _ask(port, "/api/v1/now")
                time_status, clock = _ask(port, "/api/v1/time")
                received = time.time()
                asked += 1

                assert (now_status, time_status) == (200, 200), (now, clock, log.read_text()[-3000:])
                due = {_due(rows, origin.route_time(sent)), _due(rows, origin.route_time(received))}
                assert now["revision"] == 1 and now["visited"] in due
                route_ms = [origin.route_time(moment).timestamp() * 1000 for moment in (sent, received)]
                assert route_ms[0] - 1 <= clock["now_ms"] <= route_ms[1] + 1
                time.sleep(0.2)
            assert "works again" in log.read_text(), log.read_text()[-3000:]
        assert asked > 2 * OUTAGE_SECONDS
        text = log.read_text()
        # Each outage is logged once when it starts and once when it ends, not once a second.
        assert text.count("serving") == 2, text[-3000:]
        assert text.count("works again") == 2, text[-3000:]
    finally:
        stop(server)
        proxy.close()
