"""The time-gated public API: only stops that are due on the route clock ever leave the server."""

import datetime as dt
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.gzip import gzip_page

from lib.instants import iso_z
from locations.answers import Answer, answer_at, due_count, encode, etag_for, trail
from locations.clock import clock_speed, route_time_at, wall_now, wall_time_at
from locations.live import live_route
from tracker.decorators import api_get, json_error

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
IMMUTABLE = "public, max-age=31536000, immutable"
# Wall seconds a CDN may keep showing the last answer while the origin fails; it only ever shows the past.
STALE_IF_ERROR = 86400
# ASCII digits only: int() would also take "+3", " 3", "3_0" and digits of other scripts.
_WHOLE_NUMBER = re.compile(r"[0-9]+")
# Longer numbers cannot name a revision or a count of stops; they are answered 404 without parsing them.
_MAX_DIGITS = 18
_TRAIL_PARAMETERS = {"revision", "upto"}


def json_response(payload: dict[str, object]) -> HttpResponse:
    """A JSON answer with compact, deterministic bytes."""
    return HttpResponse(encode(payload), content_type="application/json")


def hop_lifetime(next_hop: dt.datetime | None, wall: dt.datetime) -> int:
    """Whole wall seconds an answer given at `wall` stays right: never past the next hop, at most the cap."""
    cap = max(0, settings.TRACKER_CACHE_CAP)
    speed = clock_speed()
    if next_hop is None or speed == 0:
        return cap
    seconds = (next_hop - route_time_at(wall)).total_seconds() / speed
    lifetime = max(0, min(cap, math.floor(seconds)))
    # Float rounding in the conversion must never let a cache outlive the hop: ask the clock itself.
    while lifetime > 0 and route_time_at(wall + dt.timedelta(seconds=lifetime)) > next_hop:
        lifetime -= 1
    return lifetime


@api_get
def time_view(request: HttpRequest) -> HttpResponse:  # noqa: ARG001 (Django passes every view its request)
    """The route clock, for viewers to sync to; never cached, since every reading is of its own moment."""
    at = route_time_at(wall_now())
    now_ms = (at - EPOCH) // dt.timedelta(milliseconds=1)
    response = json_response(
        {"now": iso_z(EPOCH + dt.timedelta(milliseconds=now_ms)), "now_ms": now_ms, "speed": clock_speed()}
    )
    response["Cache-Control"] = "no-store"
    return response


def clock_header() -> str:
    """The route clock as `now` answers name it to the cache, which answers /api/v1/time itself from its own
    clock with them (deploy/varnish/tracker.vcl; docs/api.md): route time = start + (wall - anchor) * speed,
    START and ANCHOR in Unix seconds (both 0 in real time), SPEED as the time answer writes it."""
    rehearsal = settings.TRACKER_CLOCK
    start, anchor = (0.0, 0.0) if rehearsal is None else (rehearsal.start.timestamp(), rehearsal.anchor.timestamp())
    return f"start={start:.6f};anchor={anchor:.6f};speed={clock_speed()!r}"  # repr is how JSON writes a float


def hop_wall_seconds(next_hop: dt.datetime | None) -> str | None:
    """The wall moment of `next_hop` as Unix seconds with three decimals, never after it; None when there is
    no next hop or the clock never reaches it. A cache uses it to keep an answer to the millisecond of the hop
    (deploy/varnish/tracker.vcl): max-age counts whole seconds, so it ends up to a second early."""
    if next_hop is None:
        return None
    wall = wall_time_at(next_hop)
    if wall is None:
        return None
    milliseconds = math.floor(wall.timestamp() * 1000)
    # Float rounding must never name a moment after the hop: ask the clock itself.
    while route_time_at(dt.datetime.fromtimestamp(milliseconds / 1000, dt.UTC)) > next_hop:
        milliseconds -= 1
    return f"{milliseconds // 1000}.{milliseconds % 1000:03d}"


@dataclass(frozen=True)
class NowState:
    """Everything /api/v1/now's answer at one wall moment depends on, apart from the request itself.

    `answer` is the live route's Answer for the stops due (one object per revision and due count),
    `lifetime` the whole wall seconds a cache may keep it (hop_lifetime) and `expires` the Unix second of
    its Expires header. Two moments with equal states get the same bytes (tracker/hot_path.py relies on it).
    """

    answer: Answer
    lifetime: int
    expires: int

    def same_as(self, other: "NowState") -> bool:
        """Whether `other` gives the same answer: the same Answer object, lifetime and Expires second."""
        return self.answer is other.answer and self.lifetime == other.lifetime and self.expires == other.expires


def now_state(wall: dt.datetime) -> NowState:
    """The state of /api/v1/now at wall time `wall`. Raises LiveRouteUnavailable as live_route() does."""
    answer = answer_at(live_route(), route_time_at(wall))
    lifetime = hop_lifetime(answer.next_hop_at, wall)
    return NowState(answer, lifetime, math.floor(wall.timestamp()) + lifetime)


@api_get
def now_view(request: HttpRequest, *, state: NowState | None = None) -> HttpResponse:
    """Where Santa is now, cacheable by everyone until the next hop (at most the cap).

    `state` is the route's state at this request's moment; the hot path passes the one it read, Django's
    URL resolver passes none and the state at the current wall time is read here.
    """
    if state is None:
        state = now_state(wall_now())
    answer = state.answer
    response = HttpResponse(answer.body, content_type="application/json")
    response["Cache-Control"] = (
        f"public, max-age={state.lifetime}, s-maxage={state.lifetime}, stale-if-error={STALE_IF_ERROR}"
    )
    response["Expires"] = http_date(state.expires)
    response["ETag"] = answer.etag
    if (hop := hop_wall_seconds(answer.next_hop_at)) is not None:
        response["Tracker-Next-Hop"] = hop
    response["Tracker-Clock"] = clock_header()
    # Given a response, it returns a 304, a 412 or that response; its hint says it may return None.
    return get_conditional_response(request, etag=answer.etag, response=response) or response


def _whole_number(query: QueryDict, name: str) -> int | None:
    """The one value of a whole-number parameter; None when it is missing, repeated or not a number."""
    values = query.getlist(name)
    if len(values) != 1 or not _WHOLE_NUMBER.fullmatch(values[0]):
        return None
    if len(values[0]) > _MAX_DIGITS:
        return -1
    return int(values[0])


@api_get
@gzip_page  # a late trail is about 100 KB of JSON that compresses about fivefold
def trail_view(request: HttpRequest) -> HttpResponse:
    """The first `upto` stops of revision `revision`, only while it is live and they are all due."""
    if set(request.GET) - _TRAIL_PARAMETERS:
        return json_error(400, "The trail takes only the parameters revision and upto.")
    revision = _whole_number(request.GET, "revision")
    upto = _whole_number(request.GET, "upto")
    if revision is None or upto is None:
        return json_error(400, "The trail needs revision and upto, each once, as whole numbers.")
    route = live_route()
    if route is None or revision != route.revision or not 0 <= upto <= due_count(route, route_time_at(wall_now())):
        return json_error(404, "No such trail: the revision is not live or not that many stops are due.")
    body = encode(trail(route, upto))
    # Its bytes can never change, so an ETag lets a browser revalidate cheaply once its copy is evicted.
    etag = etag_for(f"{route.revision}.{upto}", body)
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = IMMUTABLE
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response) or response
