"""Browser tests: Playwright drives Debian's Chromium (scripts/ensure-system-packages.sh installs it)."""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings

from tests.topology import start_varnish, stop, wait_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The static files collected as in production (hashed, compressed) into a temporary STATIC_ROOT."""
    root = tmp_path_factory.mktemp("static")
    override = override_settings(STATIC_ROOT=root)
    override.enable()
    call_command("collectstatic", interactive=False, verbosity=0)
    yield root
    override.disable()


class _NoStaticHandler:
    """Leaves /static/ to whitenoise, as in production, instead of the test server's own file handler."""

    def __init__(self, application: object) -> None:
        self.application = application

    def __call__(self, environ: dict, start_response: object) -> object:
        return self.application(environ, start_response)


@pytest.fixture(scope="session")
def site(
    django_db_setup: None, django_db_blocker: object, collected_static: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The whole site on 127.0.0.1 (a free port) in a thread, static files served by whitenoise."""
    # Django's test server serves MEDIA_URL from MEDIA_ROOT; left blank, that would be every file under
    # the working directory. An empty media folder of its own keeps it to what production serves.
    media = override_settings(MEDIA_URL="/media/", MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock():
        # An in-memory SQLite test database exists only on this connection: the server thread shares it.
        shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        for connection in shared.values():
            connection.inc_thread_sharing()
        thread = LiveServerThread("127.0.0.1", static_handler=_NoStaticHandler, connections_override=shared)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait(timeout=30)
        if thread.error:
            raise thread.error
    varnish = None
    try:
        if os.environ.get("TRACKER_BROWSER_THROUGH_CACHE") == "1":
            # The shipped cache in front of the test server (every one of origin.vcl's app servers points at it).
            varnish, port, workdir = start_varnish(tmp_path_factory.mktemp("cache"), [thread.port] * 3)
            os.environ["TRACKER_BROWSER_CACHE_DIR"] = str(workdir)
            # The cache's health probe asks /api/v1/now between tests too, so the server may read the database.
            with django_db_blocker.unblock():
                wait_for(f"http://127.0.0.1:{port}/api/v1/time", varnish, workdir.parent / "varnish.log")
                yield f"http://127.0.0.1:{port}"
        else:
            yield f"http://127.0.0.1:{thread.port}"
    finally:
        if varnish is not None:
            stop(varnish)
        thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()
    media.disable()


@pytest.fixture
def sample_route(transactional_db: None, settings: object) -> object:
    """The 370-stop sample route, synced through the real path and live."""
    from locations.live import forget_live_route
    from locations.sync import sync_route

    forget_live_route()
    result = sync_route(str(settings.TRACKER_SAMPLE_ROUTE), synced_by="test")
    assert result.ok, result.message
    return result.revision


@pytest.fixture
def hop_route(transactional_db: None) -> int:
    """Fifteen New Zealand stops four route minutes apart, published through the real sync path; its revision."""
    from locations.live import forget_live_route
    from locations.sync import publish_table
    from tests.browser.map_pages import hop_rows
    from tests.conftest import route_table

    forget_live_route()
    result = publish_table(route_table(hop_rows()), "test")
    assert result.ok, result.message
    return result.revision.number


@pytest.fixture(autouse=True)
def _empty_shared_cache(request: pytest.FixtureRequest) -> None:
    """Through the cache, each test starts with an empty one: a rehearsal's answers belong to that test."""
    workdir = os.environ.get("TRACKER_BROWSER_CACHE_DIR")
    if workdir and "site" in request.fixturenames:
        subprocess.run(["varnishadm", "-n", workdir, "ban", "req.url ~ ."], check=True, capture_output=True)
