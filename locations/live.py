"""The live route held in memory per process: what is due at a route time, found by binary search."""

import bisect
import datetime as dt
import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pytz
from django.conf import settings
from django.db import DatabaseError, connections

from locations.geography import local_wall_time, public_country_name
from locations.models import PUBLIC_STOP_FIELDS, Revision, Stop

logger = logging.getLogger(__name__)

# How long a process trusts its copy before one tiny query, in a background thread, asks which revision is
# live. Other processes pick up a new live revision within about this; the process that made it live forgets
# at once (make_live). While the database fails or hangs, the held revision is served on.
LIVE_CHECK_SECONDS = 1.0


def iso_z(moment: dt.datetime) -> str:
    """An instant as ISO 8601 UTC with Z; milliseconds only when the instant has a fraction."""
    utc = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="milliseconds" if utc.microsecond else "seconds") + "Z"


def _local_arrival(arrival: dt.datetime, zone: str) -> str | None:
    """The contract's local_arrival: the local wall time, ISO without an offset; None for an unknown zone."""
    try:
        return local_wall_time(arrival, zone).isoformat(timespec="seconds")
    except pytz.UnknownTimeZoneError:
        return None


def stop_json(row: dict[str, Any]) -> dict[str, Any]:
    """One stop as the public API shows it."""
    return {
        "index": row["index"],
        "city": row["city"],
        "region": row["region"],
        "country": row["country"],
        "country_name": public_country_name(row["country"]),
        "lat": row["latitude"],
        "lng": row["longitude"],
        "arrival": iso_z(row["arrival"]),
        "timezone": row["timezone"],
        "local_arrival": _local_arrival(row["arrival"], row["timezone"]),
        "presents": row["presents"],
        "fact": row["fact"],
    }


def etag_for(name: str, body: bytes) -> str:
    """A strong ETag: NAME says which answer it is (revision and count), a digest of BODY changes with its
    format, so a deploy that changes the bytes never revalidates an old copy."""
    return f'"{name}.{hashlib.sha256(body).hexdigest()[:16]}"'


def encode(payload: dict[str, Any]) -> bytes:
    """Compact, deterministic JSON bytes."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Answer:
    """What /api/v1/now answers for one revision and due count: the same bytes every time."""

    payload: dict[str, Any]
    body: bytes
    etag: str
    visited: int
    next_hop_at: dt.datetime | None


@dataclass(frozen=True)
class LiveRoute:
    """The live revision's stops in arrival order, ready to serve without touching the database."""

    revision: int
    identity: tuple[Any, ...]
    stops: tuple[dict[str, Any], ...]
    arrivals: tuple[dt.datetime, ...]
    delivered: tuple[int, ...]
    answers: dict[int, Answer] = field(default_factory=dict, compare=False, repr=False)


def load_route(identity: tuple[Any, ...]) -> LiveRoute:
    """Read one revision's stops, identified by (pk, number, created), into a LiveRoute."""
    pk, number = identity[0], identity[1]
    rows = list(Stop.objects.filter(revision_id=pk).order_by("arrival", "index").values(*PUBLIC_STOP_FIELDS))
    delivered = [0]
    for row in rows:
        delivered.append(delivered[-1] + (row["presents"] or 0))
    return LiveRoute(
        revision=number,
        identity=identity,
        stops=tuple(stop_json(row) for row in rows),
        arrivals=tuple(row["arrival"] for row in rows),
        delivered=tuple(delivered),
    )


def revision_route(revision: Revision) -> LiveRoute:
    """Any revision's route exactly as live_route would serve it were it live (the staff map's preview)."""
    return load_route((revision.pk, revision.number, revision.created))


class LiveRouteUnavailable(Exception):
    """No route is held in this process yet and the database cannot say which revision is live."""


@dataclass(frozen=True)
class _Memo:
    route: LiveRoute | None
    # When the database last told us (time.monotonic()); -inf before the first answer.
    checked: float
    # False until the first answer, and again after make_live in this process (forget_live_route).
    current: bool


_memo = _Memo(None, float("-inf"), current=False)
_memo_lock = threading.Lock()
# Wakes the background check; the check runs in its own thread so that no viewer ever waits on the database.
_check_due = threading.Event()
_checker: threading.Thread | None = None
_checker_lock = threading.Lock()
# When the running check started (time.monotonic()), or None; and whether the trouble has been logged.
_check_started: float | None = None
_trouble_logged = False


def forget_live_route() -> None:
    """Make this process ask again which revision is live on its next request, before answering it."""
    global _memo
    with _memo_lock:
        _memo = _Memo(_memo.route, float("-inf"), current=False)


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
    """One background check: keep the held route when the database fails, and say once when it is back."""
    global _memo, _check_started, _trouble_logged
    base = _memo
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
    with _memo_lock:
        # make_live in this process may have changed the memo meanwhile: its answer is newer than ours.
        if _memo is base:
            _memo = _Memo(route, time.monotonic(), current=True)


def _revision_of(route: LiveRoute | None = None) -> int | None:
    held = route if route is not None else _memo.route
    return held.revision if held is not None else None


def _check_forever() -> None:
    """The background checker: one check each time a request finds the held route due for one."""
    while True:
        _check_due.wait()
        _check_due.clear()
        _check_once()


def _ask_for_check() -> None:
    """Wake the background checker (started on first use, once per process); never waits."""
    global _checker
    if _checker is None or not _checker.is_alive():
        with _checker_lock:
            if _checker is None or not _checker.is_alive():
                _checker = threading.Thread(target=_check_forever, name="live-route-check", daemon=True)
                _checker.start()
    started = _check_started
    if started is not None and time.monotonic() - started > settings.TRACKER_LIVE_CHECK_TIMEOUT:
        _log_trouble(
            "The live route check has waited on the database for %.0f s; serving from memory.",
            time.monotonic() - started,
        )
    _check_due.set()


def live_route() -> LiveRoute | None:
    """The live route held in memory, checked against the database in the background about once a second.

    Only the first request of a process (and the first after make_live in this process) reads the database
    itself; when it cannot, a held route is served on and LiveRouteUnavailable is raised when there is none.
    One request reads at a time, and while it reads the others serve the held route rather than wait: on a
    hung database that reader waits with its connection, and requests queued behind it would take every
    thread of the process, the API's too. With no route held they wait TRACKER_LIVE_CHECK_TIMEOUT at most.
    """
    global _memo
    memo = _memo
    if memo.current:
        if time.monotonic() - memo.checked >= LIVE_CHECK_SECONDS:
            _ask_for_check()
        return memo.route
    if memo.route is not None:
        reading = _memo_lock.acquire(blocking=False)
    else:
        reading = _memo_lock.acquire(timeout=settings.TRACKER_LIVE_CHECK_TIMEOUT)
    if not reading:
        if memo.route is None:
            raise LiveRouteUnavailable("another request of this process is still asking the database")
        return memo.route
    try:
        memo = _memo
        if memo.current:
            return memo.route
        try:
            route = _read_live_route(memo.route)
        except DatabaseError as error:
            connections["default"].close_if_unusable_or_obsolete()
            if memo.route is None:
                raise LiveRouteUnavailable(str(error)) from error
            _log_trouble(
                "The live route check failed (%s); serving revision %s from memory.", error, memo.route.revision
            )
            route = memo.route
        _memo = _Memo(route, time.monotonic(), current=True)
        return route
    finally:
        _memo_lock.release()


def hold_live_route_at_start() -> None:
    """Read the live route when a process starts, before its first viewer, so that no viewer's request waits
    on the database; when the database cannot say, the first request tries again (live_route)."""
    try:
        live_route()
    except LiveRouteUnavailable as error:
        logger.warning("No live route held at start (%s); the first request asks again.", error)
    finally:
        # The thread that starts the process serves no request: its connection would only sit idle.
        connections["default"].close()


def due_count(route: LiveRoute, at: dt.datetime) -> int:
    """How many stops have arrived by route time `at` (a stop is due from its arrival instant on)."""
    return bisect.bisect_right(route.arrivals, at)


def next_hop_at(route: LiveRoute, visited: int) -> dt.datetime | None:
    """When the next stop is due, or None once every stop is."""
    return route.arrivals[visited] if visited < len(route.arrivals) else None


def status_of(route: LiveRoute | None, visited: int) -> str:
    """waiting before take-off, flying between the first and last stop, finished after the last."""
    if route is None or visited == 0:
        return "waiting"
    return "finished" if visited == len(route.stops) else "flying"


def _answer(route: LiveRoute | None, visited: int) -> Answer:
    hop = next_hop_at(route, visited) if route is not None else None
    payload = {
        "revision": route.revision if route is not None else None,
        "status": status_of(route, visited),
        "visited": visited,
        "current": route.stops[visited - 1] if route is not None and visited else None,
        "next_hop_at": iso_z(hop) if hop is not None else None,
        "presents_delivered": route.delivered[visited] if route is not None else 0,
    }
    body = encode(payload)
    revision = payload["revision"] if route is not None else "none"
    etag = etag_for(f"{revision}.{visited}", body)
    return Answer(payload, body, etag, visited, hop)


# Before any revision is live the answer is an empty waiting state, so the map can show "not yet".
NO_ROUTE_ANSWER = _answer(None, 0)


def answer_at(route: LiveRoute | None, at: dt.datetime) -> Answer:
    """What /api/v1/now answers at route time `at`: the public views pass the route clock, the preview any time."""
    if route is None:
        return NO_ROUTE_ANSWER
    visited = due_count(route, at)
    answer = route.answers.get(visited)
    if answer is None:
        answer = route.answers.setdefault(visited, _answer(route, visited))
    return answer


def trail(route: LiveRoute, upto: int) -> dict[str, Any]:
    """The first `upto` stops of the route; callers check that they are due."""
    return {"revision": route.revision, "upto": upto, "stops": list(route.stops[:upto])}
