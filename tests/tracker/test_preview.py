"""The organisers' staff map: only staff with preview_route see every stop, and what viewers see at any time."""

import json
import re

import pytest
from django.contrib.auth.models import Permission, User

from locations.clock import Rehearsal
from locations.sync import publish_table
from tests.conftest import route_table
from tests.tracker.conftest import utc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static_files")]

URL = "/admin/route-preview/"
NOW_URL = "/admin/route-preview/now"


def user_with(username: str, *, staff: bool, may_preview: bool) -> User:
    """A user, staff or not, with or without the locations.preview_route permission."""
    user = User.objects.create_user(username, password="not-a-real-password", is_staff=staff)
    if may_preview:
        user.user_permissions.add(Permission.objects.get(codename="preview_route", content_type__app_label="locations"))
    return user


def test_anonymous_visitors_are_sent_to_the_admin_login(client, live):
    response = client.get(f"{URL}?at=2026-12-25T07:00:00")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/route-preview/")
    assert b"Honolulu" not in response.content


def test_staff_without_the_preview_permission_are_refused(client, live):
    client.force_login(user_with("elf", staff=True, may_preview=False))
    response = client.get(f"{URL}?at=2026-12-25T07:00:00")
    assert response.status_code == 403
    assert b"Honolulu" not in response.content


def test_a_non_staff_user_with_the_permission_is_still_sent_to_the_login(client, live):
    client.force_login(user_with("viewer", staff=False, may_preview=True))
    assert client.get(URL).status_code == 302


def test_an_organiser_sees_what_now_would_answer_at_the_chosen_route_time(client, live, time_machine):
    time_machine.move_to(utc("2026-11-01T12:00:00Z"), tick=False)
    client.force_login(user_with("mrs-claus", staff=True, may_preview=True))
    response = client.get(URL, {"at": "2026-12-24T08:30:00"})
    assert response.status_code == 200
    assert response.context["answer"]["visited"] == 2
    assert response.context["answer"]["current"]["city"] == "Auckland"
    content = response.content.decode()
    assert "Santa is in\n        Auckland, Auckland, New Zealand" in content
    assert "secret note" not in content
    assert "/api/v1/trail?revision=1&amp;upto=2" in content


def test_the_staff_map_carries_every_stop_the_future_included_but_never_notes(client, live, time_machine):
    time_machine.move_to(utc("2026-11-01T12:00:00Z"), tick=False)
    client.force_login(user_with("mrs-claus", staff=True, may_preview=True))
    content = client.get(URL).content.decode()
    start = content.index('<script id="staff-stops" type="application/json">') + 49
    stops = json.loads(content[start : content.index("</script>", start)])
    assert [stop["city"] for stop in stops] == ["Kiritimati", "Auckland", "Sydney", "Kathmandu", "Toronto", "Honolulu"]
    assert "secret note" not in content
    assert "notes" not in stops[4]


def test_the_slider_answer_is_exactly_what_the_public_api_answers_at_that_route_time(client, live, settings):
    at = utc("2026-12-24T12:00:00Z")
    settings.TRACKER_CLOCK = Rehearsal(start=at, anchor=at, speed=0.0)
    public = client.get("/api/v1/now").json()
    client.force_login(user_with("mrs-claus", staff=True, may_preview=True))
    staff = client.get(NOW_URL, {"at": "2026-12-24T12:00:00Z"}).json()
    assert staff.pop("at") == "2026-12-24T12:00:00Z"
    assert staff == public
    assert staff["current"]["city"] == "Sydney"


def test_the_slider_answers_for_a_revision_that_is_not_live(client, live, route_rows):
    held = publish_table(route_table(route_rows[:2]), "test", allow_rewind=True).revision
    client.force_login(user_with("mrs-claus", staff=True, may_preview=True))
    answer = client.get(NOW_URL, {"revision": live.number, "at": "2026-12-25T12:00:00Z"}).json()
    assert (answer["revision"], answer["visited"], answer["status"]) == (live.number, 6, "finished")
    answer = client.get(NOW_URL, {"revision": held.number, "at": "2026-12-24T09:00:00Z"}).json()
    assert (answer["revision"], answer["visited"], answer["status"]) == (held.number, 2, "finished")


def test_the_slider_explains_a_bad_time_and_refuses_an_unknown_revision(client, live):
    client.force_login(user_with("mrs-claus", staff=True, may_preview=True))
    response = client.get(NOW_URL, {"at": "Christmas Eve"})
    assert response.status_code == 400
    assert "ISO 8601" in response.json()["error"]
    assert client.get(NOW_URL, {"revision": "99", "at": "2026-12-24T09:00:00Z"}).status_code == 404
    assert client.get(URL, {"revision": "x'--"}).status_code == 404


def test_the_slider_answer_is_refused_to_staff_without_the_permission(client, live):
    client.force_login(user_with("elf", staff=True, may_preview=False))
    response = client.get(NOW_URL, {"at": "2026-12-24T09:00:00Z"})
    assert response.status_code == 403
    assert b"Auckland" not in response.content


def test_the_preview_defaults_to_the_route_clock_and_explains_a_bad_time(client, live, time_machine):
    time_machine.move_to(utc("2026-12-24T10:00:00Z"), tick=False)
    client.force_login(user_with("mrs-claus", staff=True, may_preview=True))
    assert client.get(URL).context["answer"]["current"]["city"] == "Sydney"
    response = client.get(URL, {"at": "Christmas Eve"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["answer"]["current"]["city"] == "Sydney"


def test_the_staff_map_and_its_answers_are_never_cached(client, live):
    client.force_login(user_with("mrs-claus", staff=True, may_preview=True))
    for response in (client.get(URL), client.get(NOW_URL, {"at": "2026-12-24T09:00:00Z"})):
        assert response.status_code == 200
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives


def test_the_hop_speeds_name_the_rushed_hop_first_with_its_figures(client, small_route, time_machine):
    time_machine.move_to(utc("2026-11-01T12:00:00Z"), tick=False)
    small_route[2][5] = "2026-12-24T08:05:00Z"  # Sydney five minutes after Auckland: 2,156 km, 25,871 km/h
    publish_table(route_table(small_route), "test")
    client.force_login(user_with("mrs-claus", staff=True, may_preview=True))
    content = client.get(URL).content.decode()
    words = " ".join(re.sub(r"<[^>]+>", " ", content).split())

    assert "1 of 4 hops faster than the sleigh's 20,000 km/h : viewers would see Santa rushed there" in words
    assert "the time at the stop is in it, so the sleigh itself flies faster" in words
    table = words[words.index("The fastest hops") :]
    assert table.startswith("The fastest hops From To km Time km/h Auckland Sydney 2,156 300 s 25,871 ")
    assert 'class="staff-hop-rushed"><td>Auckland</td><td>Sydney</td>' in content
