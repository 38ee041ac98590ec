"""What /api/v1/now answers at a route time: the stops due, found by binary search, as the same bytes every time."""

import bisect
import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from lib.instants import iso_z
from locations.public_route import LiveRoute

# Routes whose answers are kept: the live one, the one before it and a staff preview or two. A route's answers
# go when a newer one needs the room, so a night of corrections does not keep every revision's bytes.
KEPT_ROUTES = 4


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

# A route's identity -> its answers by due count, computed once each: one Answer object per revision and count,
# which the hot path relies on (tracker.api.NowState.same_as). Oldest route first.
_kept: dict[tuple[Any, ...], dict[int, Answer]] = {}
_kept_lock = threading.Lock()


def _answers_of(route: LiveRoute) -> dict[int, Answer]:
    answers = _kept.get(route.identity)
    if answers is None:
        with _kept_lock:
            answers = _kept.get(route.identity)
            if answers is None:
                while len(_kept) >= KEPT_ROUTES:
                    del _kept[next(iter(_kept))]
                answers = _kept[route.identity] = {}
    return answers


def answer_at(route: LiveRoute | None, at: dt.datetime) -> Answer:
    """What /api/v1/now answers at route time `at`: the public views pass the route clock, the preview any time."""
    if route is None:
        return NO_ROUTE_ANSWER
    visited = due_count(route, at)
    answers = _answers_of(route)
    answer = answers.get(visited)
    if answer is None:
        answer = answers.setdefault(visited, _answer(route, visited))
    return answer


def trail(route: LiveRoute, upto: int) -> dict[str, Any]:
    """The first `upto` stops of the route; callers check that they are due."""
    return {"revision": route.revision, "upto": upto, "stops": list(route.stops[:upto])}
