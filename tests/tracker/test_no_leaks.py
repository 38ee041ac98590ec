"""Property: over random routes, revisions, clocks and request times, no public answer shows a stop early."""

import datetime as dt
import email.utils
import re
from dataclasses import dataclass

import pytest
import time_machine
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locations.clock import Rehearsal
from locations.live import forget_live_route
from locations.models import Revision, Stop
from locations.sync import make_live

pytestmark = pytest.mark.django_db

TAKE_OFF = dt.datetime(2026, 12, 24, 6, 0, tzinfo=dt.UTC)
PLACES = [  # real coordinates' whole degrees, countries and zones: the markers make them unique
    (1, -157, "KI", "Pacific/Kiritimati"),
    (-36, 174, "NZ", "Pacific/Auckland"),
    (-33, 151, "AU", "Australia/Sydney"),
    (27, 85, "NP", "Asia/Kathmandu"),
    (43, -79, "CA", "America/Toronto"),
    (21, -157, "US", "Pacific/Honolulu"),
    (48, 2, "FR", "Europe/Paris"),
    (64, -21, "IS", "Atlantic/Reykjavik"),
]
NUDGES = [dt.timedelta(microseconds=us) for us in (-3_600_000_000, -61_000_000, -1_000_000, -1, 0, 1, 999_999)]
ODD_NOW_QUERIES = ["", "?at=2027-01-01T00:00:00Z", "?offset=99999999", "?preview=1", "?now=1&now=2", "?%ff=%00"]
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
ODD_NUMBERS = ["", "-1", "abc", "1.0", "+1", "%201", "%D9%A3", "1e3", "99999999999999999999999999"]


@dataclass
class PlannedStop:
    arrival: dt.datetime
    place: tuple[int, int, str, str]
    lat_fraction: int
    lng_fraction: int


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    """Up to three revisions of up to six stops, one of them (or none) live, a clock and a request time."""
    revisions = []
    fraction_pool = iter(draw(st.lists(st.integers(10_000, 99_999), min_size=36, max_size=36, unique=True)))
    for _ in range(draw(st.integers(1, 3))):
        gaps = draw(st.lists(st.integers(1, 5 * 3600), min_size=1, max_size=6))
        arrival, stops = TAKE_OFF + dt.timedelta(seconds=draw(st.integers(0, 3600))), []
        for gap in gaps:
            arrival += dt.timedelta(seconds=gap)
            # Six-digit fractions ending in 7 are unique markers for coordinates in any JSON or header.
            stops.append(
                PlannedStop(
                    arrival, draw(st.sampled_from(PLACES)), next(fraction_pool) * 10 + 7, next(fraction_pool) * 10 + 7
                )
            )
        revisions.append(stops)
    live = draw(st.none() | st.integers(0, len(revisions) - 1))
    around = revisions[live if live is not None else 0]
    target = draw(st.sampled_from(around)).arrival + draw(
        st.sampled_from(NUDGES) | st.integers(-(10**11), 10**11).map(lambda us: dt.timedelta(microseconds=us))
    )
    speed = draw(st.sampled_from([None, 0.0, 1.0, 60.0, 3600.0]))
    anchor = draw(st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2027, 12, 31), timezones=st.just(dt.UTC)))
    offset = dt.timedelta(microseconds=draw(st.integers(0, 10**9)))
    if speed is None:
        clock, wall = None, target
    else:
        clock, wall = Rehearsal(start=target - offset * speed, anchor=anchor, speed=speed), anchor + offset
    return {
        "revisions": revisions,
        "live": live,
        "clock": clock,
        "wall": wall,
        "cap": draw(st.sampled_from([0, 1, 60, 600])),
        "etag": draw(st.sampled_from(["*", '"nope"', 'W/"1.0.0"'])),
        "now_query": draw(st.sampled_from(ODD_NOW_QUERIES)),
        "trail_numbers": draw(
            st.lists(
                st.tuples(
                    st.integers(-1, 8) | st.sampled_from(ODD_NUMBERS), st.integers(-1, 8) | st.sampled_from(ODD_NUMBERS)
                ),
                max_size=4,
            )
        ),
    }


def marker(revision: int, index: int, field: str) -> str:
    """A string that can only appear in an answer if that stop's field was sent."""
    return f"MARK{field}{revision}x{index}Q"


def build(revisions: list[list[PlannedStop]], live: int | None) -> list[Revision]:
    """Revisions straight through the ORM (validation is not what this test is about), one made live."""
    Revision.objects.all().delete()
    made = []
    for number, stops in enumerate(revisions, start=1):
        revision = Revision.objects.create(
            number=number,
            source="property",
            source_kind="csv",
            checksum=str(number),
            synced_by="hypothesis",
            night=dt.date(2026, 12, 24),
            deadline="22:00",
        )
        Stop.objects.bulk_create(
            Stop(
                revision=revision,
                index=index,
                row=index + 2,
                city=marker(number, index, "CITY"),
                region=marker(number, index, "REGION"),
                country=stop.place[2],
                latitude=float(f"{stop.place[0]}.{stop.lat_fraction:06d}"),
                longitude=float(f"{stop.place[1]}.{stop.lng_fraction:06d}"),
                arrival=stop.arrival,
                timezone=stop.place[3],
                presents=index * 1000 + 1,
                fact=marker(number, index, "FACT"),
                notes=marker(number, index, "NOTE"),
            )
            for index, stop in enumerate(stops)
        )
        made.append(revision)
    # Each example is a fresh deployment: no process may remember a route from the previous one.
    forget_live_route()
    if live is not None:
        make_live(made[live])
    return made


def secrets(revisions: list[list[PlannedStop]], live: int | None, at: dt.datetime) -> list[str]:
    """Everything that must not appear: notes always, other revisions entirely, live stops not yet due."""
    hidden = []
    for number, stops in enumerate(revisions, start=1):
        for index, stop in enumerate(stops):
            hidden.append(marker(number, index, "NOTE"))
            if number - 1 != live or stop.arrival > at:
                hidden += [marker(number, index, field) for field in ("CITY", "REGION", "FACT")]
                hidden += [f".{stop.lat_fraction:06d}", f".{stop.lng_fraction:06d}"]
    return hidden


def route_time(clock: Rehearsal | None, wall: dt.datetime) -> dt.datetime:
    """The brief's clock, written out again here: start + (wall - anchor) x speed."""
    return wall if clock is None else clock.start + (wall - clock.anchor) * clock.speed


def lifetimes(response: HttpResponse) -> list[dt.datetime]:
    """The wall times until which any cache may keep this response (max-age, s-maxage, Expires)."""
    sent_at = response.wall
    ends = [
        sent_at + dt.timedelta(seconds=int(s))
        for s in re.findall(r"\b(?:max-age|s-maxage)=(\d+)", response.get("Cache-Control", ""))
    ]
    if "Expires" in response:
        ends.append(email.utils.parsedate_to_datetime(response["Expires"]))
    return ends


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(scenario=scenarios())
def test_no_answer_shows_a_stop_before_it_is_due_or_outlives_the_next_hop(scenario: dict) -> None:
    revisions, live, clock, wall = scenario["revisions"], scenario["live"], scenario["clock"], scenario["wall"]
    made = build(revisions, live)
    at = route_time(clock, wall)
    live_arrivals = sorted(stop.arrival for stop in revisions[live]) if live is not None else []
    due = sum(arrival <= at for arrival in live_arrivals)
    next_hop = next((arrival for arrival in live_arrivals if arrival > at), None)
    hidden = secrets(revisions, live, at)
    shown_markers = [marker(live + 1, index, "CITY") for index in range(due)] if live is not None else []
    live_number = made[live].number if live is not None else 1

    urls = [
        "/api/v1/time",
        "/api/v1/now",
        f"/api/v1/now{scenario['now_query']}",
        "/",
        "/en/",
        "/ja/letters/thanks/",
        "/nothing-here",
        "/api/v1/nothing-here",
        "/api/v1/now/",
        "/api/v1/fail",
        "/fail",
        f"/api/v1/trail?revision={live_number}&upto={due}",
        f"/api/v1/trail?revision={live_number}&upto={due + 1}",
        f"/api/v1/trail?revision={live_number}&upto={due}&upto={due}",
        f"/api/v1/trail?revision={live_number}&upto={len(live_arrivals)}",
    ]
    urls += [f"/api/v1/trail?revision={r}&upto={n}" for r, n in scenario["trail_numbers"]]
    client = Client(raise_request_exception=False)
    with (
        override_settings(
            TRACKER_CLOCK=clock,
            TRACKER_CACHE_CAP=scenario["cap"],
            ROOT_URLCONF="tests.tracker.failing_urls",
            # The map page names hashed static files; the manifest is a deploy artefact, not this test's subject.
            STORAGES={**django_settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}},
        ),
        time_machine.travel(wall, tick=False),
    ):
        responses = []
        for url in urls:
            responses.append(client.get(url))
            responses.append(client.head(url))
            etag = responses[-2].get("ETag")
            for tag in filter(None, (etag, scenario["etag"])):
                responses.append(client.get(url, headers={"if-none-match": tag}))
        for response in responses:
            response.wall = wall
            path = response.request["PATH_INFO"]
            text = f"{response.status_code} {sorted(response.items())} {response.content.decode(errors='replace')}"
            leaked = [secret for secret in hidden if secret in text]
            assert not leaked, f"{path}?{response.request.get('QUERY_STRING')} leaked {leaked}"
            assert response.status_code < 500 or "fail" in path
            assert not response.cookies
            cache_control = response.get("Cache-Control", "")
            if "immutable" in cache_control:
                assert path == "/api/v1/trail" and response.status_code in (200, 304)
                continue
            # Route state (the API, or any page showing a stop) must not be kept past the hop; a page without
            # any route data, like the map's static shell, may be cached on its own terms.
            if not path.startswith("/api/") and not any(shown in text for shown in shown_markers):
                continue
            for end in lifetimes(response):
                if next_hop is not None:
                    assert route_time(clock, end) <= next_hop, f"{path} cached until {end}, past the hop at {next_hop}"
                if path == "/api/v1/now":
                    assert end <= wall + dt.timedelta(seconds=scenario["cap"])
            if path == "/api/v1/now" and response.status_code == 200 and response.request["REQUEST_METHOD"] == "GET":
                body = response.json()
                assert body["visited"] == due
                assert body["revision"] == (live_number if live is not None else None)
                if due:
                    assert body["current"]["city"] == marker(live_number, due - 1, "CITY")
