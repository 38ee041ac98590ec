"""A hung or refusing database never holds the public API, and every letter is stored once or refused.

Real PostgreSQL behind a TcpProxy and the production topology's two pools (deploy/varnish/origin.vcl): a
viewers' app server and a pages' app server, each of two workers of four threads. 16 letters go to the pages'
server, then the database hangs (or refuses) for 15 s while 16 more are posted; /api/v1/now and /api/v1/time
on the viewers' server must each answer before a client timeout of 0.5 s throughout. A letter whose client
gave up is sent again with the same form after the outage, as a child who presses the button again does.
Why two pools rather than one (measured): docs/operations.md, "Bulkheads".
"""

import http.client
import secrets
import threading
import time
from pathlib import Path

import psycopg
import pytest

from tests.browser.map_pages import hop_rows
from tests.conftest import POSTGRES
from tests.outages.letter_client import LetterWriter, Sent
from tests.tcp_proxy import TcpProxy
from tests.topology import prepare_origin, start_app_server, stop, wait_for

OUTAGE_SECONDS = 15
API_TIMEOUT = 0.5
# The cache's first_byte_timeout: a viewer's letter waits no longer than this before the cache gives up.
LETTER_TIMEOUT = 5.0


def _api_answers(port: int, path: str) -> int:
    """The status of one GET, which must arrive within API_TIMEOUT (raises TimeoutError otherwise)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=API_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _stored(database: str) -> dict[str, int]:
    with psycopg.connect(f"{POSTGRES}/{database}", connect_timeout=3) as connection:
        rows = connection.execute("SELECT form_token, count(*) FROM letters_letter GROUP BY form_token").fetchall()
    return dict(rows)


@pytest.mark.parametrize("outage", ["hang", "refuse"])
def test_the_api_answers_and_each_letter_is_stored_once_while_the_database_fails(
    outage: str, postgres_database: str, static_root: Path, tmp_path: Path
):
    origin = prepare_origin(
        tmp_path,
        hop_rows(),
        lead_seconds=4,
        speed=60.0,
        DATABASE_URL=f"{POSTGRES}/{postgres_database}",
        TRACKER_STATIC_ROOT=str(static_root),
    )
    proxy = TcpProxy(5432).start()
    database = f"postgres://postgres@127.0.0.1:{proxy.port}/{postgres_database}"
    servers = {
        name: start_app_server(
            origin,
            tmp_path,
            name,
            DATABASE_URL=database,
            WEB_WORKERS="2",
            WEB_THREADS="4",
            DATABASE_CONNECT_TIMEOUT="1",
            TRACKER_LIVE_CHECK_TIMEOUT="1",
        )
        for name in ("app", "pages")
    }
    port = servers["app"][1]
    try:
        for process, server_port, server_log in servers.values():
            wait_for(f"http://127.0.0.1:{server_port}/api/v1/now", process, server_log)
        pages_log = servers["pages"][2]
        writer = LetterWriter(servers["pages"][1])
        results: dict[str, Sent] = {}

        def post_all(count: int, timeout: float) -> list[threading.Thread]:
            threads = []
            for number in range(count):
                token = secrets.token_urlsafe(24)

                def send(token: str = token, number: int = number) -> None:
                    results[token] = writer.send(f"Dear Santa, letter {number}", token=token, timeout=timeout)

                threads.append(threading.Thread(target=send))
            for thread in threads:
                thread.start()
            return threads

        # Each app-server thread opens its connection, then 16 letters go in at once.
        for _warm_up in range(4):
            for thread in post_all(2, 30):
                thread.join()
        for thread in post_all(16, 30):
            thread.join()
        assert {sent.status for sent in results.values()} == {302}, pages_log.read_text()[-3000:]

        getattr(proxy, outage)()
        outage_ends = time.monotonic() + OUTAGE_SECONDS
        letters_in_outage = post_all(16, LETTER_TIMEOUT)
        late = []
        probes = 0
        while time.monotonic() < outage_ends:
            for path in ("/api/v1/now", "/api/v1/time"):
                asked = time.monotonic()
                try:
                    assert _api_answers(port, path) == 200
                except TimeoutError:
                    late.append((path, round(OUTAGE_SECONDS - (outage_ends - asked), 2)))
                probes += 1
            time.sleep(0.2)
        proxy.forward()
        assert not late, f"not answered within {API_TIMEOUT} s (path, seconds into the outage): {late}"
        for thread in letters_in_outage:
            thread.join()

        statuses = [sent.status for sent in results.values()]
        refused = [sent for sent in results.values() if sent.status == 503]
        assert set(statuses) <= {302, 503, 0}, statuses
        assert statuses.count(302) >= 24
        for sent in refused:
            assert sent.retry_after == "60" and "Your letter was not sent." in sent.page
            assert "Dear Santa, letter" in sent.page, "the letter is still in the form"
        # Every letter not known to be stored is sent again with its own form, once the database is back.
        time.sleep(2)
        for token, sent in list(results.items()):
            if sent.status != 302:
                again = writer.send("Dear Santa, again", token=token, timeout=30)
                assert again.status == 302, again.page[:2000]
        stored = _stored(postgres_database)
        assert sorted(stored) == sorted(results) and set(stored.values()) == {1}
        assert probes >= 2 * OUTAGE_SECONDS
        print(f"{outage}: {statuses.count(503)} letters refused with the retry page, {statuses.count(0)} timed out")
    finally:
        for process, _port, _log in servers.values():
            stop(process)
        proxy.close()
