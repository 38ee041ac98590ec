"""The live route held in memory per process: what is due at a route time, found by binary search."""

import bisect
import datetime as dt
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pytz

from locations.geography import local_wall_time, public_country_name
from locations.models import PUBLIC_STOP_FIELDS, Revision, Stop

# How long a process trusts its copy before one tiny query asks which revision is live. Other processes
# pick up a new live revision within this; the process that made it live forgets at once (make_live).
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


@dataclass(frozen=True)
class _Memo:
    route: LiveRoute | None
    checked: float


_memo = _Memo(None, float("-inf"))
_memo_lock = threading.Lock()


def forget_live_route() -> None:
    """Make this process ask again which revision is live on its next request."""
    global _memo
    with _memo_lock:
        _memo = _Memo(_memo.route, float("-inf"))


def live_route() -> LiveRoute | None:
    """The live route, reloaded only when a tiny indexed query shows another revision is live."""
    global _memo
    memo = _memo
    now = time.monotonic()
    if now - memo.checked < LIVE_CHECK_SECONDS:
        return memo.route
    with _memo_lock:
        memo = _memo
        if time.monotonic() - memo.checked < LIVE_CHECK_SECONDS:
            return memo.route
        identity = Revision.objects.filter(is_live=True).values_list("pk", "number", "created").first()
        if identity is None:
            route = None
        elif memo.route is not None and memo.route.identity == tuple(identity):
            route = memo.route
        else:
            route = load_route(tuple(identity))
        _memo = _Memo(route, now)
        return route


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
