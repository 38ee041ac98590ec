"""The live route held in memory in every process, kept current by a watcher thread, never by a request.

Each app server process starts a watcher (watch_live_route, from tracker/wsgi.py and tracker/asgi.py) that asks
the database every LIVE_CHECK_SECONDS which revision is live, whether or not requests come, and loads a new
one's stops before any request needs them. Requests read only what the watcher holds, so none waits on the
database, and a revision made live anywhere is in this process's next answer within about a second. While
the database fails or hangs, the held revision is served on (logged once, and once again when it is back).
"""

import datetime as dt
import logging
import math
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

from locations.models import Revision
from locations.public_route import LiveRoute, load_route

logger = logging.getLogger(__name__)

# How often the watcher asks which revision is live: a revision made live anywhere reaches this process's
# answers within this plus one small query (and the loading of the new revision's stops).
LIVE_CHECK_SECONDS = 0.5
# The map asks this much after its copy of `now` goes stale (static/js/hops.js STALE_MARGIN_MS and spread).
MAP_STALE_MARGIN_SECONDS = 0.4


class LiveRouteUnavailable(Exception):
    """No route is held in this process yet and the database cannot say which revision is live."""


@dataclass(frozen=True)
class _Held:
    route: LiveRoute | None
    # When the database last told us (time.monotonic()); -inf before the first answer.
    checked: float
    # False until the first answer, and again after make_live in this process (forget_live_route).
    current: bool


_held = _Held(None, float("-inf"), current=False)
_held_lock = threading.Lock()
# Wakes the watcher at once (a request that found the copy stale, or watch_live_route starting it).
_wake = threading.Event()
_watcher: threading.Thread | None = None
_watcher_lock = threading.Lock()
# Seconds between the watcher's checks once watch_live_route ran; None: only when a request finds the copy
# stale (processes that are no app server, such as tests and commands, never query in the background).
_every: float | None = None
# When the running check started (time.monotonic()), or None; and whether the trouble has been logged.
_check_started: float | None = None
_trouble_logged = False


def watch_live_route(every: float = LIVE_CHECK_SECONDS) -> None:
    """Check which revision is live every `every` seconds in this process's watcher thread, from now on.

    Never waits on the database: the first check runs in the watcher too. Safe to call more than once.
    """
    global _every
    _every = every
    _start_watcher()
    _wake.set()


def forget_live_route() -> None:
    """Make this process ask again which revision is live on its next request, before answering it."""
    global _held
    with _held_lock:
        _held = _Held(_held.route, float("-inf"), current=False)


def _read_live_route(held: LiveRoute | None) -> LiveRoute | None:
    """Ask the database which revision is live; reload its stops only when it is another one than `held`."""
    identity = Revision.objects.filter(is_live=True).values_list("pk", "number", "created").first()
    if identity is None:
        return None
    if held is not None and held.identity == tuple(identity):
        return held
    return load_route(tuple(identity))


def _log_trouble(message: str, *args: object) -> None:
    """Log the start of a database outage once; the recovery is logged once too (_check_once)."""
    global _trouble_logged
    if not _trouble_logged:
        _trouble_logged = True
        logger.warning(message, *args)


def _check_once() -> None:
    """One check in the watcher: keep the held route when the database fails, and say once when it is back."""
    global _held, _check_started, _trouble_logged
    base = _held
    _check_started = time.monotonic()
    try:
        route = _read_live_route(base.route)
    except DatabaseError as error:
        _log_trouble("The live route check failed (%s); serving revision %s from memory.", error, _revision_of())
        # A broken connection is dropped so that the next check opens a new one.
        connections["default"].close_if_unusable_or_obsolete()
        route = base.route
    else:
        if _trouble_logged:
            _trouble_logged = False
            logger.warning("The live route check works again; revision %s is live.", _revision_of(route))
    finally:
        _check_started = None
    with _held_lock:
        # make_live in this process may have changed what is held meanwhile: its answer is newer than ours.
        if _held is base:
            _held = _Held(route, time.monotonic(), current=True)


def _revision_of(route: LiveRoute | None = None) -> int | None:
    held = route if route is not None else _held.route
    return held.revision if held is not None else None


def _watch() -> None:
    """The watcher: a check every `_every` seconds, and at once whenever it is woken."""
    while True:
        _wake.wait(timeout=_every)
        _wake.clear()
        _check_once()


def _start_watcher() -> None:
    """Start this process's watcher thread unless it runs (a forked process starts its own)."""
    global _watcher
    if _watcher is None or not _watcher.is_alive():
        with _watcher_lock:
            if _watcher is None or not _watcher.is_alive():
                _watcher = threading.Thread(target=_watch, name="live-route-watcher", daemon=True)
                _watcher.start()


def _ask_for_check() -> None:
    """Wake the watcher (starting it if it is not running); never waits. Logs once when a check hangs."""
    _start_watcher()
    started = _check_started
    if started is not None and time.monotonic() - started > settings.TRACKER_LIVE_CHECK_TIMEOUT:
        _log_trouble(
            "The live route check has waited on the database for %.0f s; serving from memory.",
            time.monotonic() - started,
        )
    _wake.set()


def live_route() -> LiveRoute | None:
    """The live route held in memory, kept current by the watcher (every LIVE_CHECK_SECONDS in an app server).

    Only the first request of a process (and the first after make_live in this process) reads the database
    itself; when it cannot, a held route is served on and LiveRouteUnavailable is raised when there is none.
    One request reads at a time, and while it reads the others serve the held route rather than wait: on a
    hung database that reader waits with its connection, and requests queued behind it would take every
    thread of the process, the API's too. With no route held they wait TRACKER_LIVE_CHECK_TIMEOUT at most.
    A copy older than LIVE_CHECK_SECONDS (a hung check, or a process without a timer) wakes the watcher.
    """
    global _held
    held = _held
    if held.current:
        if time.monotonic() - held.checked >= LIVE_CHECK_SECONDS:
            _ask_for_check()
        return held.route
    if held.route is not None:
        reading = _held_lock.acquire(blocking=False)
    else:
        reading = _held_lock.acquire(timeout=settings.TRACKER_LIVE_CHECK_TIMEOUT)
    if not reading:
        if held.route is None:
            raise LiveRouteUnavailable("another request of this process is still asking the database")
        return held.route
    try:
        held = _held
        if held.current:
            return held.route
        try:
            route = _read_live_route(held.route)
        except DatabaseError as error:
            connections["default"].close_if_unusable_or_obsolete()
            if held.route is None:
                raise LiveRouteUnavailable(str(error)) from error
            _log_trouble(
                "The live route check failed (%s); serving revision %s from memory.", error, held.route.revision
            )
            route = held.route
        _held = _Held(route, time.monotonic(), current=True)
        return route
    finally:
        _held_lock.release()


def viewer_delay_seconds() -> int:
    """The most wall seconds a change to a stop viewers already see takes to reach every open map.

    The watcher's check, then a cache's copy of `now` (at most TRACKER_CACHE_CAP) and the browser's own copy
    of it (the map asks again once its max-age has passed, counted from when it received it: at most the cap
    again), then the map's margin after a copy goes stale (docs/operations.md, "The night's control loop").
    """
    cap = max(0, settings.TRACKER_CACHE_CAP)
    return math.ceil(LIVE_CHECK_SECONDS + 2 * cap + MAP_STALE_MARGIN_SECONDS)


def first_change_at(shown: LiveRoute | None, new: LiveRoute | None) -> dt.datetime | None:
    """The route time from which `new` shows viewers something `shown` does not, or None when it never does.

    That is the arrival of the first stop, in arrival order, that differs between the two (added, removed or
    changed in any public field; the earlier arrival when both have one there). The revision number alone is
    no change a viewer sees.
    """
    old = shown.stops if shown is not None else ()
    fresh = new.stops if new is not None else ()
    for index in range(max(len(old), len(fresh))):
        before = old[index] if index < len(old) else None
        after = fresh[index] if index < len(fresh) else None
        if before != after:
            arrivals = [
                route.arrivals[index] for route in (shown, new) if route is not None and index < len(route.stops)
            ]
            return min(arrivals)
    return None


def when_viewers_see(shown: LiveRoute | None, new: LiveRoute | None, at: dt.datetime) -> str | None:
    """When viewers see `new` made live at route time `at` in place of `shown` (what they see now), in words.

    "from the hop at 21:14:00 UTC" when its first change is a stop not yet due at `at` (the hop's route time:
    every viewer gets it from that hop's answer on); "within 121 s" (viewer_delay_seconds, wall seconds) when
    it changes a stop already shown; None when viewers would see no change. Pass routes from
    locations.public_route.revision_route (or live_route() before making `new` live); `at` is aware.
    """
    change = first_change_at(shown, new)
    if change is None:
        return None
    if change > at:
        return f"from the hop at {change.astimezone(dt.UTC):%H:%M:%S} UTC"
    return f"within {viewer_delay_seconds()} s"
