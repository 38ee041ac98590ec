"""A correction reaches a running app server's answers within a second, without a request asking for it.

A real app server (the Dockerfile's command, two worker processes) serves the route; `manage.py sync_route`
publishes a corrected sheet from another process; one second later, the first `now` asked of every worker
answers the new revision. Run on SQLite and on PostgreSQL (the server named by DATABASE_URL when it is
PostgreSQL, else the one on 127.0.0.1:5432), each time in a database of its own.
"""

import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.map_pages import hop_rows
from tests.processes import postgres_database
from tests.topology import ask_now, manage, prepare_origin, start_app_server, stop, wait_for, write_route

SPEED = 60.0
# A new revision must be in every answer this long after the sync that published it has returned.
FRESH_WITHIN_SECONDS = 1.0
WORKERS = 2
# Requests asked at once, each on its own connection, so that every worker answers some of them.
ASKED = 24


def _postgres_server() -> str:
    """postgres://user@host:port of DATABASE_URL when it names PostgreSQL, else the local default server."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url.rsplit("/", 1)[0]
    return "postgres://postgres@127.0.0.1:5432"


def _postgres_name() -> str:
    url = os.environ.get("DATABASE_URL", "")
    base = url.rsplit("/", 1)[1] if url.startswith(("postgres://", "postgresql://")) else "tracker"
    return f"{base}_freshness_{secrets.token_hex(3)}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_env(request, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The DATABASE_URL of a fresh database of the kind asked for, dropped afterwards."""
    if request.param == "sqlite":
        yield {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
        return
    with postgres_database(_postgres_server(), _postgres_name()) as url:
        yield {"DATABASE_URL": url}


def test_a_published_correction_is_in_the_first_answer_a_second_later(database_env, tmp_path: Path):
    rows = hop_rows(fact="Kiwi fruit")
    origin = prepare_origin(tmp_path, rows, lead_seconds=-10, speed=SPEED, **database_env)
    server, port, log = start_app_server(origin, tmp_path, "app", WEB_WORKERS=str(WORKERS))
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/now", server, log)
        # Every worker has answered revision 1 and keeps its rendered answer (the hot path's memo).
        assert {ask_now(port)["revision"] for _ in range(ASKED)} == {1}
        corrected = [list(row) for row in rows]
        corrected[-1][0], corrected[-1][7] = "Waihōpai", "Southernmost city of the night"
        manage(origin.env, "sync_route", str(write_route(tmp_path / "corrected.csv", corrected)))

        # No request in between: only the watcher in each worker can have learned it.
        time.sleep(FRESH_WITHIN_SECONDS)
        answers = [ask_now(port) for _ in range(ASKED)]

        assert {answer["revision"] for answer in answers} == {2}, log.read_text()[-3000:]
    finally:
        stop(server)
