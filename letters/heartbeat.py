"""The reply worker's heartbeat (run_worker), kept in the cache for /readyz (tracker/health.py) to read."""

import time

from django.core.cache import cache

# The cache key the worker's heartbeat is kept under: the Unix time of its latest beat.
WORKER_HEARTBEAT_KEY = "tracker:heartbeat:run_worker"


def beat_worker() -> None:
    """Record that the worker is alive now (run_worker calls it every WORKER_HEARTBEAT_SECONDS)."""
    cache.set(WORKER_HEARTBEAT_KEY, time.time(), timeout=None)


def worker_silent_for() -> float | None:
    """Seconds since the worker's latest beat, or None when no beat was ever kept. Raises what the cache
    raises when it cannot be read."""
    beat = cache.get(WORKER_HEARTBEAT_KEY)
    return None if beat is None else max(0.0, time.time() - float(beat))
