"""Liveness and readiness for the people on duty and compose's healthchecks (docs/operations.md, the runbook).

/healthz says the process answers; it touches nothing. /readyz asks each thing the night depends on: the
database (one query), the cache (a write and a read), and the heartbeats of the reply worker (run_worker, in
the cache) and of the route sync (sync_route --every, its latest run). Each check has its own time limit, so a
hung database or Redis makes /readyz answer 503 within about READY_CHECK_SECONDS, never hang with it. The cache
in front (deploy/varnish/origin.vcl) probes neither: see docs/operations.md, "What the cache probes".
"""

import concurrent.futures
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from letters.heartbeat import worker_silent_for
from locations.answers import encode
from locations.clock import wall_now
from locations.night import heartbeat
from tracker.decorators import api_get

# How long /readyz waits for one check before calling it failed (seconds).
READY_CHECK_SECONDS = 2.0
# The worker's heartbeat is late after this many beats missed.
MISSED_BEATS = 3


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        # A readiness thread's connection is not kept: the next check opens its own.
        connection.close()
    return "ok"


def _cache() -> str:
    cache.set("tracker:readiness", "ok", timeout=60)
    if cache.get("tracker:readiness") != "ok":
        raise RuntimeError("the cache did not give back what was just written")
    return "ok"


def _worker() -> str:
    late = worker_silent_for()
    if late is None:
        if "LocMemCache" in settings.CACHES["default"]["BACKEND"]:
            # Without REDIS_URL (scripts/run) each process has a cache of its own: the beat cannot reach here.
            raise RuntimeError(
                "no heartbeat from run_worker: the cache is each process's own memory (no REDIS_URL), so a "
                "worker's beat cannot reach this process"
            )
        raise RuntimeError("no heartbeat from run_worker")
    if late > MISSED_BEATS * settings.WORKER_HEARTBEAT_SECONDS:
        raise RuntimeError(f"run_worker last beat {late:.0f} s ago")
    return f"beat {late:.0f} s ago"


def _sync() -> str:
    try:
        state = heartbeat(wall_now())
    finally:
        connection.close()
    if state.state == "never":
        raise RuntimeError("sync_route --every has never run")
    if state.state != "alive":
        silent = f", silent for {state.silent_for.total_seconds():.0f} s" if state.silent_for is not None else ""
        raise RuntimeError(f"sync_route --every is {state.state}{silent}")
    return f"last run {state.silent_for.total_seconds():.0f} s ago" if state.silent_for else "alive"


READY_CHECKS: dict[str, Callable[[], str]] = {"database": _database, "cache": _cache, "worker": _worker, "sync": _sync}

# Each check runs on threads of its own, so a check stuck on a hung server holds them, never a request's thread
# and never another check's: with one shared pool, a few polls during a long database hang filled it with stuck
# database checks, and the cache, fine all along, was reported as "no answer".
_POOLS = {
    name: concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix=f"readiness-{name}")
    for name in READY_CHECKS
}


def readiness(timeout: float = READY_CHECK_SECONDS) -> dict[str, dict[str, object]]:
    """Each check's outcome, {name: {"ok": bool, "detail": str}}, every one given at most TIMEOUT seconds."""
    started = time.monotonic()
    futures = {name: _POOLS[name].submit(check) for name, check in READY_CHECKS.items()}
    outcome: dict[str, dict[str, object]] = {}
    for name, future in futures.items():
        try:
            detail = future.result(timeout=max(0.0, timeout - (time.monotonic() - started)))
            outcome[name] = {"ok": True, "detail": detail}
        except concurrent.futures.TimeoutError:
            outcome[name] = {"ok": False, "detail": f"no answer within {timeout:g} s"}
        except Exception as error:  # any failure of a dependency is the answer, not a crash
            outcome[name] = {"ok": False, "detail": f"{type(error).__name__}: {error}".strip()}
    return outcome


def _health_response(payload: dict[str, Any], status: int) -> HttpResponse:
    return HttpResponse(encode(payload), content_type="application/json", status=status)


@api_get
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:  # noqa: ARG001 (Django passes every view its request)
    """Liveness: 200 while this process answers requests. Touches no database, cache or other server."""
    return _health_response({"status": "ok"}, 200)


@api_get
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:  # noqa: ARG001
    """Readiness: 200 when every READY_CHECKS passes, else 503; the body says each check's outcome."""
    checks = readiness()
    ready = all(check["ok"] for check in checks.values())
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    payload = {"status": "ready" if ready else "not ready", "at": at, "checks": checks}
    return _health_response(payload, 200 if ready else 503)
