"""/healthz and /readyz of a production app server with each dependency of the night down in turn.

Real PostgreSQL and Redis, each behind a TcpProxy, the route sync and the reply worker running as compose runs
them: everything up is ready; then the database refuses, hangs, Redis refuses, the worker stops and the sync
stops, one at a time; /readyz names what is down (503) and /healthz answers 200 throughout. The app servers'
healthcheck in deploy/compose.yaml passes while everything is up and fails once something is down.
"""

import http.client
import json
import subprocess
import sys
import time
from pathlib import Path

from tests.browser.map_pages import hop_rows
from tests.conftest import POSTGRES
from tests.tcp_proxy import TcpProxy
from tests.topology import (
    healthcheck_command,
    prepare_origin,
    start_app_server,
    start_night_process,
    stop,
    wait_for,
)

REDIS_PORT = 6379
REDIS_DATABASE = 8


def _get(port: int, path: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.getheader("Cache-Control", "").startswith("max-age=0"), response.getheaders()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def _failing(port: int) -> set[str]:
    """The checks /readyz says failed, once what it says has settled (heartbeats take a few seconds)."""
    status, body = _get(port, "/readyz")
    failing = {name for name, check in body["checks"].items() if not check["ok"]}
    assert (status == 200) == (not failing), body
    assert _get(port, "/healthz") == (200, {"status": "ok"})
    return failing


def _until(port: int, expected: set[str], seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while (failing := _failing(port)) != expected:
        assert time.monotonic() < deadline, f"/readyz says {failing} failed, expected {expected}"
        time.sleep(0.5)


def _compose_says_healthy(port: int) -> bool:
    """Whether the app servers' healthcheck in deploy/compose.yaml passes against the app server on PORT."""
    return subprocess.run(healthcheck_command("app1", port), timeout=30, capture_output=True).returncode == 0


def test_readiness_names_each_dependency_that_is_down_and_liveness_never_fails(postgres_database: str, tmp_path: Path):
    database_proxy = TcpProxy(5432).start()
    redis_proxy = TcpProxy(REDIS_PORT).start()
    origin = prepare_origin(
        tmp_path, hop_rows(), lead_seconds=4, speed=60.0, DATABASE_URL=f"{POSTGRES}/{postgres_database}"
    )
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{database_proxy.port}/{postgres_database}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_proxy.port}/{REDIS_DATABASE}",
        "DATABASE_CONNECT_TIMEOUT": "1",
        "REDIS_TIMEOUT": "1",
        "WORKER_HEARTBEAT_SECONDS": "1",
    }
    manage = [sys.executable, "manage.py"]
    server, port, log = start_app_server(origin, tmp_path, "app", **env)
    sync, _sync_log = start_night_process(
        origin, tmp_path, "sync", [*manage, "sync_route", str(tmp_path / "route.csv"), "--every", "1"], **env
    )
    worker, _worker_log = start_night_process(origin, tmp_path, "worker", [*manage, "run_worker", "--no-reload"], **env)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", server, log)
        _until(port, set())
        assert _compose_says_healthy(port)

        database_proxy.refuse()
        # The sync's heartbeat is read from the database too.
        _until(port, {"database", "sync"})
        database_proxy.hang()
        _until(port, {"database", "sync"})
        database_proxy.forward()
        _until(port, set())

        redis_proxy.refuse()
        # The worker's heartbeat is kept in the cache.
        _until(port, {"cache", "worker"})
        redis_proxy.forward()
        _until(port, set())

        stop(worker)
        _until(port, {"worker"})
        stop(sync)
        _until(port, {"worker", "sync"})
        assert not _compose_says_healthy(port)
    finally:
        for process in (server, sync, worker):
            stop(process)
        database_proxy.close()
        redis_proxy.close()


def test_a_long_database_hang_never_makes_the_cache_look_down(postgres_database: str, tmp_path: Path):
    # Connections that wait 30 s for the database: each poll of /readyz leaves its database checks stuck.
    database_proxy = TcpProxy(5432).start()
    origin = prepare_origin(
        tmp_path, hop_rows(), lead_seconds=4, speed=60.0, DATABASE_URL=f"{POSTGRES}/{postgres_database}"
    )
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{database_proxy.port}/{postgres_database}",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/{REDIS_DATABASE}",
        "DATABASE_CONNECT_TIMEOUT": "30",
        "REDIS_TIMEOUT": "1",
    }
    server, port, log = start_app_server(origin, tmp_path, "app", **env)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", server, log)
        database_proxy.hang()
        for _poll in range(5):
            status, body = _get(port, "/readyz")
            assert status == 503
            assert body["checks"]["database"] == {"ok": False, "detail": "no answer within 2 s"}, body
            assert body["checks"]["cache"] == {"ok": True, "detail": "ok"}, body
    finally:
        stop(server)
        database_proxy.close()
