"""`sync_route --every` through a Sheets API that hangs, then refuses: each such round fails in bounded time
with a message that says what happened, and the next round still runs and reads the sheet once it is back.

Everything is real and in its own process, as compose runs it: `manage.py sync_route KEY --every 1` reads the
fake Google (tests/fake_sheets.py) over TLS through HTTPS_PROXY (a ConnectTunnel) and a TcpProxy the test
starts, with the service account's tokens from a second fake on plain HTTP, so the fault is the Sheets API's.
"""

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROUTE_HEADER
from tests.fake_sheets import ConnectTunnel, FakeGoogle, Worksheet, google_tls
from tests.locations.conftest import ACCOUNT
from tests.processes import ROOT, stop_process
from tests.tcp_proxy import TcpProxy
from tests.topology import manage, production_env

KEY = "1Xmas2026RouteSheetKeyForTheFakeGoogleServer0"
SHEETS_TIMEOUT = 1
# Long enough for a few rounds of two tries of SHEETS_TIMEOUT each: only a stall breaks it.
PHASE_SECONDS = 60


def _runs(database: Path) -> list[tuple[str, str]]:
    """Every sync run so far, oldest first: (outcome, message)."""
    with sqlite3.connect(database, timeout=10) as connection:
        return connection.execute("SELECT outcome, message FROM locations_syncrun ORDER BY id").fetchall()


def _wait_for_run(database: Path, after: int, outcome: str, process, log: Path) -> tuple[int, str]:
    """The first run after the first AFTER with OUTCOME (its position and message), the process running."""
    deadline = time.monotonic() + PHASE_SECONDS
    while True:
        assert process.poll() is None, log.read_text()[-3000:]
        runs = _runs(database)
        for number, (seen, message) in enumerate(runs[after:], start=after):
            if seen == outcome:
                return number + 1, message
        assert time.monotonic() < deadline, f"no {outcome} run after {after}: {runs}\n{log.read_text()[-3000:]}"
        time.sleep(0.3)


def test_a_hung_then_refusing_sheets_api_fails_rounds_clearly_and_the_next_round_runs(
    tmp_path: Path, small_route: list[list[str]], private_key_pem: str
):
    tls, certificate = google_tls(tmp_path)
    with FakeGoogle() as signin, FakeGoogle(tls=tls) as google:
        google.add_spreadsheet(KEY, Worksheet("Route", 0, [ROUTE_HEADER, *small_route]))
        proxy = TcpProxy(google.port).start()
        tunnel = ConnectTunnel(proxy.port)
        credentials = tmp_path / "service-account.json"
        credentials.write_text(
            json.dumps(
                {
                    "type": "service_account",
                    "project_id": "santa-tracker-test",
                    "private_key_id": "0123456789abcdef",
                    "private_key": private_key_pem,
                    "client_email": ACCOUNT,
                    "client_id": "100000000000000000001",
                    "token_uri": f"{signin.url}/token",
                }
            )
        )
        database = tmp_path / "sync.sqlite3"
        env = production_env(database) | {
            "HTTPS_PROXY": f"http://127.0.0.1:{tunnel.port}",
            "REQUESTS_CA_BUNDLE": str(certificate),
            "TRACKER_SHEETS_CREDENTIALS_FILE": str(credentials),
            "TRACKER_SHEETS_TIMEOUT": str(SHEETS_TIMEOUT),
            "TRACKER_SHEETS_RETRIES": "1",
            "TRACKER_SHEETS_BACKOFF": "0.1",
        }
        for name in ("NO_PROXY", "no_proxy", "https_proxy", "HTTP_PROXY", "http_proxy"):
            env.pop(name, None)
        manage(env, "migrate", "-v", "0")
        log = tmp_path / "sync.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "sync_route", KEY, "--every", "1"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            seen, _message = _wait_for_run(database, 0, "published", process, log)
            assert google.sheets_requests, "the sheet was read through the tunnel"

            proxy.hang()
            seen, message = _wait_for_run(database, seen, "failed", process, log)
            assert f"Google Sheets did not answer within {SHEETS_TIMEOUT} s for sheet {KEY}" in message, message
            assert "tried 2 times" in message, message

            proxy.refuse()
            seen, message = _wait_for_run(database, seen, "failed", process, log)
            seen, message = _wait_for_run(database, seen, "failed", process, log)  # a round begun in the refusal
            assert f"The connection to Google Sheets failed while reading sheet {KEY}" in message, message

            proxy.forward()
            _wait_for_run(database, seen, "unchanged", process, log)
            text = log.read_text()
            assert "failed: " in text and "unchanged: " in text, text[-3000:]
        finally:
            stop_process(process)
            tunnel.close()
            proxy.close()
