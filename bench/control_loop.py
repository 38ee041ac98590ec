"""The night's control loop, timed: a sheet synced, the revision live in the database, every app server process
knowing it, the answer `now` gives. Loopback only and bounded: one app server (the Dockerfile's command, two
worker processes) on a free port, stopped at the end, on a temporary SQLite file.

    .venv/bin/python bench/control_loop.py [--rounds 5]

Prints, per round: the seconds `manage.py sync_route` took (start-up, read, check, publish, commit), and the
seconds from the new revision's row (its `created`) to the first `now` answer naming it, asked every 10 ms on
new connections while the sync runs.
The cache's and viewers' steps follow from the answer's lifetime (docs/operations.md).
"""

import argparse
import datetime as dt
import http.client
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The test helpers read the project's settings when imported; this process only starts and asks the server.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
import django  # noqa: E402

django.setup()

from tests.browser.map_pages import hop_rows  # noqa: E402 (the repository's root on the path first)
from tests.topology import manage, prepare_origin, start_app_server, stop, wait_for, write_route  # noqa: E402


def _revision(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/api/v1/now")
        return json.loads(connection.getresponse().read())["revision"]
    finally:
        connection.close()


def _watch_for_change(port: int, before: int, seen: list[float]) -> None:
    """Ask `now` every 10 ms until it names another revision than `before`; append that wall moment."""
    deadline = time.time() + 60
    while time.time() < deadline:
        if _revision(port) != before:
            seen.append(time.time())
            return
        time.sleep(0.01)


def _created(database: Path, number: int) -> float:
    """When revision `number` was written (its `created`, Unix seconds)."""
    with sqlite3.connect(database) as connection:
        (created,) = connection.execute("SELECT created FROM locations_revision WHERE number = ?", (number,)).fetchone()
    return dt.datetime.fromisoformat(created).replace(tzinfo=dt.UTC).timestamp()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as work:
        tmp = Path(work)
        rows = hop_rows(fact="first")
        origin = prepare_origin(tmp, rows, lead_seconds=-10, speed=60.0)
        server, port, log = start_app_server(origin, tmp, "app", WEB_WORKERS="2")
        syncs, knows = [], []
        try:
            wait_for(f"http://127.0.0.1:{port}/api/v1/now", server, log)
            for number in range(rounds):
                corrected = [list(row) for row in rows]
                corrected[-1][7] = f"correction {number}"
                before = _revision(port)
                seen: list[float] = []
                watcher = threading.Thread(target=_watch_for_change, args=(port, before, seen))
                watcher.start()
                started = time.monotonic()
                manage(origin.env, "sync_route", str(write_route(tmp / f"round{number}.csv", corrected)))
                syncs.append(time.monotonic() - started)
                watcher.join(timeout=30)
                knows.append(seen[0] - _created(tmp / "origin.sqlite3", before + 1))
                print(
                    f"round {number + 1}: sync_route {syncs[-1]:.2f} s, revision row to now naming it {knows[-1]:.3f} s"
                )
                time.sleep(1.0)
        finally:
            stop(server)
    print(f"sync_route: median {statistics.median(syncs):.2f} s, max {max(syncs):.2f} s")
    print(f"revision row to now naming it: median {statistics.median(knows):.3f} s, max {max(knows):.3f} s")


if __name__ == "__main__":
    main()
