"""The organisers' route preview: only staff with preview_route see the route at a time they choose."""

import pytest
from django.contrib.auth.models import Permission, User

from tests.tracker.conftest import utc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static_files")]

URL = "/admin/route-preview/"


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
    assert "Auckland" in content
    assert "New Zealand" in content
    assert "Sydney" not in content
    assert "secret note" not in content
    assert "/api/v1/trail?revision=1&amp;upto=2" in content


def test_the_preview_defaults_to_the_route_clock_and_explains_a_bad_time(client, live, time_machine):
    time_machine.move_to(utc("2026-12-24T10:00:00Z"), tick=False)
    client.force_login(user_with("mrs-claus", staff=True, may_preview=True))
    assert client.get(URL).context["answer"]["current"]["city"] == "Sydney"
    response = client.get(URL, {"at": "Christmas Eve"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["answer"]["current"]["city"] == "Sydney"


def test_the_preview_is_never_cached(client, live):
    client.force_login(user_with("mrs-claus", staff=True, may_preview=True))
    assert "no-store" in client.get(URL)["Cache-Control"]
