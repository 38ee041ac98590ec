"""The public API at take-off, each hop, the last stop and after, with its exact headers."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.utils.http import http_date
from time_machine import TimeMachineFixture

from locations.clock import Rehearsal
from locations.models import Revision, Stop
from locations.sync import make_live, publish_table
from tests.conftest import route_table
from tests.tracker.conftest import utc

pytestmark = pytest.mark.django_db

ARRIVALS = [
    "2026-12-24T06:00:00Z",
    "2026-12-24T08:00:00Z",
    "2026-12-24T10:00:00Z",
    "2026-12-24T15:15:00Z",
    "2026-12-25T02:00:00Z",
    "2026-12-25T07:00:00Z",
]
CITIES = ["Kiritimati", "Auckland", "Sydney", "Kathmandu", "Toronto", "Honolulu"]
PRESENTS = [1200, 350000, 900000, 200000, 1100000, 400000]
STALE = "stale-if-error=86400"


def cache_control(seconds: int) -> str:
    """The exact Cache-Control of a /now answer that stays right for `seconds`."""
    return f"public, max-age={seconds}, s-maxage={seconds}, {STALE}"


def now_at(client: Client, time_machine: TimeMachineFixture, moment: dt.datetime, **headers: str) -> HttpResponse:
    """GET /api/v1/now with the wall clock pinned at `moment`."""
    time_machine.move_to(moment, tick=False)
    return client.get("/api/v1/now", headers=headers)


def test_time_answers_the_route_clock_and_is_never_stored(client, time_machine):
    time_machine.move_to(utc("2026-12-24T07:30:00.123456Z"), tick=False)
    response = client.get("/api/v1/time")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {"now": "2026-12-24T07:30:00.123Z", "now_ms": 1798097400123, "speed": 1.0}


def test_time_follows_a_rehearsal_clock(client, time_machine, settings):
    anchor = utc("2025-03-01T12:00:00Z")
    settings.TRACKER_CLOCK = Rehearsal(start=utc("2026-12-24T05:59:00Z"), anchor=anchor, speed=60.0)
    time_machine.move_to(anchor + dt.timedelta(seconds=2), tick=False)
    assert client.get("/api/v1/time").json() == {
        "now": "2026-12-24T06:01:00Z",
        "now_ms": 1798092060000,
        "speed": 60.0,
    }


def test_weeks_before_take_off_santa_is_waiting_and_the_answer_is_cached_for_the_cap(client, time_machine, live):
    moment = utc("2026-12-01T12:00:00Z")
    response = now_at(client, time_machine, moment)
    assert response.status_code == 200
    assert response.json() == {
        "revision": live.number,
        "status": "waiting",
        "visited": 0,
        "current": None,
        "next_hop_at": "2026-12-24T06:00:00Z",
        "presents_delivered": 0,
    }
    assert response["Cache-Control"] == cache_control(60)
    assert response["Expires"] == http_date(moment.timestamp() + 60)
    assert response["Expires"] == "Tue, 01 Dec 2026 12:01:00 GMT"


def test_one_second_before_take_off_the_answer_lives_one_second(client, time_machine, live):
    moment = utc(ARRIVALS[0]) - dt.timedelta(seconds=1)
    response = now_at(client, time_machine, moment)
    assert response.json()["status"] == "waiting"
    assert response["Cache-Control"] == cache_control(1)
    assert response["Expires"] == http_date(moment.timestamp() + 1)


def test_at_take_off_the_first_stop_is_current_with_every_public_field(client, time_machine, live):
    response = now_at(client, time_machine, utc(ARRIVALS[0]))
    assert response.json() == {
        "revision": live.number,
        "status": "flying",
        "visited": 1,
        "current": {
            "index": 0,
            "city": "Kiritimati",
            "region": "Line Islands",
            "country": "KI",
            "country_name": "Kiribati",
            "lat": 1.8721,
            "lng": -157.4278,
            "arrival": "2026-12-24T06:00:00Z",
            "timezone": "Pacific/Kiritimati",
            "local_arrival": "2026-12-24T20:00:00",
            "presents": 1200,
            "fact": "",
            "facts": {},
        },
        "next_hop_at": "2026-12-24T08:00:00Z",
        "presents_delivered": 1200,
    }
    assert response["Cache-Control"] == cache_control(60)


@pytest.mark.parametrize("hop", range(len(ARRIVALS)))
def test_each_stop_appears_exactly_at_its_arrival(client, time_machine, live, hop):
    arrival = utc(ARRIVALS[hop])
    before = now_at(client, time_machine, arrival - dt.timedelta(microseconds=1))
    assert before.json()["visited"] == hop
    assert before.json()["next_hop_at"] == ARRIVALS[hop]
    assert CITIES[hop] not in before.content.decode()
    # A microsecond before the hop nothing may cache the old answer any longer.
    assert before["Cache-Control"] == cache_control(0)

    at = now_at(client, time_machine, arrival)
    body = at.json()
    assert body["visited"] == hop + 1
    assert body["current"]["city"] == CITIES[hop]
    assert body["current"]["index"] == hop
    assert body["presents_delivered"] == sum(PRESENTS[: hop + 1])
    assert body["status"] == ("finished" if hop == len(ARRIVALS) - 1 else "flying")


def test_between_hops_the_lifetime_is_the_whole_seconds_left(client, time_machine, live):
    moment = utc(ARRIVALS[2]) - dt.timedelta(seconds=30, milliseconds=500)
    response = now_at(client, time_machine, moment)
    assert response["Cache-Control"] == cache_control(30)
    assert response["Expires"] == http_date(int(moment.timestamp()) + 30)


@pytest.mark.parametrize("after", [dt.timedelta(0), dt.timedelta(minutes=5), dt.timedelta(weeks=3)])
def test_at_and_after_the_last_stop_santa_has_finished(client, time_machine, live, after):
    response = now_at(client, time_machine, utc(ARRIVALS[-1]) + after)
    body = response.json()
    assert body["status"] == "finished"
    assert body["visited"] == len(ARRIVALS)
    assert body["current"]["city"] == "Honolulu"
    assert body["next_hop_at"] is None
    assert body["presents_delivered"] == sum(PRESENTS)
    assert response["Cache-Control"] == cache_control(60)


@pytest.mark.parametrize(
    ("speed", "route_seconds_to_hop", "max_age"),
    [(60.0, 60, 1), (60.0, 59, 0), (3600.0, 7200, 2), (1.0, 45, 45), (0.0, 1, 60), (3600.0, 600_000, 60)],
)
def test_rehearsal_lifetimes_are_wall_seconds_to_the_hop(
    client, time_machine, settings, live, speed, route_seconds_to_hop, max_age
):
    anchor = utc("2025-03-01T12:00:00Z")
    start = utc(ARRIVALS[0]) - dt.timedelta(seconds=route_seconds_to_hop)
    settings.TRACKER_CLOCK = Rehearsal(start=start, anchor=anchor, speed=speed)
    response = now_at(client, time_machine, anchor)
    assert response.json()["next_hop_at"] == ARRIVALS[0]
    assert response["Cache-Control"] == cache_control(max_age)
    assert response["Expires"] == http_date(anchor.timestamp() + max_age)


@pytest.mark.parametrize(
    ("speed", "route_seconds_to_hop", "wall_seconds_to_hop"),
    [(1.0, 45, "45.000"), (60.0, 59, "0.983"), (7.0, 1, "0.142"), (3600.0, 7200, "2.000")],
)
def test_the_next_hops_wall_moment_is_named_to_the_millisecond_never_after_it(
    client, time_machine, settings, live, speed, route_seconds_to_hop, wall_seconds_to_hop
):
    anchor = utc("2025-03-01T12:00:00Z")
    start = utc(ARRIVALS[0]) - dt.timedelta(seconds=route_seconds_to_hop)
    settings.TRACKER_CLOCK = Rehearsal(start=start, anchor=anchor, speed=speed)

    response = now_at(client, time_machine, anchor)

    whole, _, fraction = response["Tracker-Next-Hop"].partition(".")
    assert int(whole) - int(anchor.timestamp()) == int(wall_seconds_to_hop.split(".")[0])
    assert fraction == wall_seconds_to_hop.split(".")[1]


def test_no_next_hop_names_no_moment(client, time_machine, settings, live):
    assert "Tracker-Next-Hop" not in now_at(client, time_machine, utc(ARRIVALS[-1]))
    settings.TRACKER_CLOCK = Rehearsal(start=utc(ARRIVALS[0]), anchor=utc("2025-03-01T12:00:00Z"), speed=0.0)
    assert "Tracker-Next-Hop" not in now_at(client, time_machine, utc("2025-03-01T12:00:00Z"))


def test_the_cap_setting_bounds_the_lifetime(client, time_machine, settings, live):
    settings.TRACKER_CACHE_CAP = 600
    response = now_at(client, time_machine, utc(ARRIVALS[1]) - dt.timedelta(seconds=300))
    assert response["Cache-Control"] == cache_control(300)


def test_same_revision_and_due_count_give_identical_bytes_and_etag(client, time_machine, live):
    first = now_at(client, time_machine, utc("2026-12-24T08:10:00Z"))
    second = now_at(client, time_machine, utc("2026-12-24T09:59:59Z"))
    after_hop = now_at(client, time_machine, utc("2026-12-24T10:00:00Z"))
    assert first.content == second.content
    assert first["ETag"] == second["ETag"]
    assert after_hop["ETag"] != first["ETag"]
    assert first["ETag"].startswith(f'"{live.number}.2.')


def test_a_matching_if_none_match_answers_304_with_the_same_cache_headers(client, time_machine, live):
    moment = utc("2026-12-24T08:10:00Z")
    full = now_at(client, time_machine, moment)
    again = now_at(client, time_machine, moment, if_none_match=full["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    for header in ("Cache-Control", "Expires", "ETag"):
        assert again[header] == full[header]
    stale = now_at(client, time_machine, utc(ARRIVALS[2]), if_none_match=full["ETag"])
    assert stale.status_code == 200
    assert stale.json()["current"]["city"] == "Sydney"


def test_head_answers_the_headers_of_get_without_a_body(client, time_machine, live):
    moment = utc("2026-12-24T08:10:00Z")
    time_machine.move_to(moment, tick=False)
    get = client.get("/api/v1/now")
    head = client.head("/api/v1/now")
    assert head.status_code == 200
    assert head.content == b""
    for header in ("Cache-Control", "Expires", "ETag", "Content-Type"):
        assert head[header] == get[header]
    assert client.head("/api/v1/now", headers={"if-none-match": get["ETag"]}).status_code == 304
    assert client.head("/api/v1/time")["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", ["/api/v1/time", "/api/v1/now", "/api/v1/trail?revision=1&upto=0"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_methods_other_than_get_and_head_are_a_json_405(client, live, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Cache-Control"] == "no-store"
    assert set(response.json()) == {"error"}


def test_the_api_sets_no_cookie_and_does_not_vary_on_cookie_even_for_a_signed_in_organiser(client, time_machine, live):
    client.force_login(User.objects.create_user("organiser", is_staff=True))
    time_machine.move_to(utc("2026-12-24T08:10:00Z"), tick=False)
    for url in ("/api/v1/time", "/api/v1/now", f"/api/v1/trail?revision={live.number}&upto=2"):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")


def test_notes_never_leave_the_server(client, time_machine, live):
    assert Stop.objects.get(revision=live, city="Toronto").notes == "secret note"
    time_machine.move_to(utc(ARRIVALS[-1]), tick=False)
    for url in ("/api/v1/now", f"/api/v1/trail?revision={live.number}&upto={len(ARRIVALS)}"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"secret note" not in response.content
        assert b"notes" not in response.content


def test_trail_serves_the_due_stops_immutably(client, time_machine, live):
    time_machine.move_to(utc("2026-12-24T10:30:00Z"), tick=False)
    for upto in range(4):
        response = client.get(f"/api/v1/trail?revision={live.number}&upto={upto}")
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        body = response.json()
        assert body["revision"] == live.number
        assert body["upto"] == upto
        assert [stop["city"] for stop in body["stops"]] == CITIES[:upto]
    same = client.get(f"/api/v1/trail?revision={live.number}&upto=3")
    conditional = client.get(f"/api/v1/trail?revision={live.number}&upto=3", headers={"if-none-match": same["ETag"]})
    assert conditional.status_code == 304
    assert conditional["Cache-Control"] == "public, max-age=31536000, immutable"


def test_trail_beyond_the_due_stops_is_a_404_that_is_not_stored(client, time_machine, live):
    time_machine.move_to(utc("2026-12-24T10:30:00Z"), tick=False)
    for upto in (4, 5, 6, 7, 10**17, 10**30):
        response = client.get(f"/api/v1/trail?revision={live.number}&upto={upto}")
        assert response.status_code == 404
        assert response["Cache-Control"] == "no-store"
        assert set(response.json()) == {"error"}
        assert b"Kathmandu" not in response.content


@pytest.mark.parametrize(
    "query",
    [
        "",
        "revision=1",
        "upto=1",
        "revision=1&upto=-1",
        "revision=-1&upto=1",
        "revision=1&upto=1.0",
        "revision=1&upto=abc",
        "revision=1&upto=+1",
        "revision=1&upto=%201",
        "revision=1&upto=%D9%A3",
        "revision=1&upto=1_0",
        "revision=1&upto=",
        "revision=1&upto=1&upto=2",
        "revision=1&revision=1&upto=1",
        "revision=1&upto=1&at=2026-12-25T07:00:00Z",
        "revision=1&upto=1&preview=1",
    ],
)
def test_malformed_trail_queries_are_a_json_400(client, time_machine, live, query):
    time_machine.move_to(utc(ARRIVALS[-1]), tick=False)
    response = client.get(f"/api/v1/trail?{query}")
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
    assert set(response.json()) == {"error"}


def test_now_ignores_anything_that_looks_like_a_time_or_a_preview_flag(client, time_machine, live):
    time_machine.move_to(utc("2026-12-24T08:10:00Z"), tick=False)
    plain = client.get("/api/v1/now")
    for query in ("at=2026-12-25T07:00:00Z", "offset=86400", "preview=1", "now=1798182000000", "speed=3600"):
        assert client.get(f"/api/v1/now?{query}").content == plain.content


def test_without_a_live_revision_now_is_an_empty_waiting_state_and_no_trail_exists(client, time_machine, db):
    moment = utc("2026-12-24T08:10:00Z")
    time_machine.move_to(moment, tick=False)
    response = client.get("/api/v1/now")
    assert response.status_code == 200
    assert response.json() == {
        "revision": None,
        "status": "waiting",
        "visited": 0,
        "current": None,
        "next_hop_at": None,
        "presents_delivered": 0,
    }
    assert response["Cache-Control"] == cache_control(60)
    assert response["Expires"] == http_date(moment.timestamp() + 60)
    assert client.get("/api/v1/trail?revision=1&upto=0").status_code == 404


def test_a_revision_change_mid_flight_reaches_now_and_the_new_trail_and_retires_the_old_trail(
    client, time_machine, route_rows
):
    # Revision 1 went out before the check existed: Toronto given as US, as in the real incident.
    wrong = Revision.objects.create(
        number=1, source="old.csv", source_kind="csv", checksum="0" * 64, synced_by="test", night=dt.date(2026, 12, 24)
    )
    for index, (city, region, country, lat, lng, arrival, presents, fact, notes) in enumerate(route_rows):
        Stop.objects.create(
            revision=wrong,
            index=index,
            row=index + 2,
            city=city,
            region=region,
            country="US" if city == "Toronto" else country,
            latitude=float(lat),
            longitude=float(lng),
            arrival=utc(arrival),
            timezone="America/Toronto" if city == "Toronto" else "Pacific/Honolulu",
            presents=int(presents),
            fact=fact,
            notes=notes,
        )
    make_live(wrong)
    time_machine.move_to(utc("2026-12-25T03:00:00Z"), tick=False)
    before = client.get("/api/v1/now").json()
    assert (before["revision"], before["current"]["city"], before["current"]["country"]) == (1, "Toronto", "US")
    assert before["current"]["country_name"] == "United States"
    old_trail = client.get("/api/v1/trail?revision=1&upto=5")
    assert old_trail.json()["stops"][4]["country"] == "US"

    fixed = publish_table(route_table(route_rows), "organiser").revision
    assert fixed.number == 2

    after = client.get("/api/v1/now").json()
    assert after["revision"] == 2
    assert (after["current"]["city"], after["current"]["country"]) == ("Toronto", "CA")
    assert after["current"]["country_name"] == "Canada"
    new_trail = client.get("/api/v1/trail?revision=2&upto=5")
    assert new_trail.status_code == 200
    assert new_trail.json()["stops"][4]["country"] == "CA"
    gone = client.get("/api/v1/trail?revision=1&upto=5")
    assert gone.status_code == 404
    assert b"Toronto" not in gone.content


def test_api_404_is_json_and_other_404s_are_plain(client, live):
    api = client.get("/api/v1/nothing-here")
    assert api.status_code == 404
    assert api.json() == {"error": "Not found."}
    page = client.get("/nothing-here")
    assert page.status_code == 404
    assert not page["Content-Type"].startswith("application/json")


@pytest.mark.urls("tests.tracker.failing_urls")
def test_500_pages_show_no_stop_data_even_when_the_exception_holds_it(live, time_machine):
    time_machine.move_to(utc("2026-12-24T08:10:00Z"), tick=False)
    client = Client(raise_request_exception=False)
    api = client.get("/api/v1/fail")
    assert api.status_code == 500
    assert api.json() == {"error": "The tracker had a problem; try again in a moment."}
    page = client.get("/fail")
    assert page.status_code == 500
    for response in (api, page):
        assert response["Content-Type"] != ""
        for city in CITIES:
            assert city.encode() not in response.content
    assert json.loads(api.content) == {"error": "The tracker had a problem; try again in a moment."}
