"""The staff login holds: repeated wrong passwords lock it per username and per address (django-axes)."""

import re

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static_files")]

LOGIN = "/admin/login/"
PASSWORD = "not-a-real-password"  # the elf fixture's


def log_in(client: Client, username: str, password: str, address: str = "203.0.113.5") -> int:
    """Post the admin login form as a person does; the response's status code."""
    response = client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address)
    return response.status_code


def logged_in(client: Client) -> bool:
    """Whether the client's session reaches the admin index."""
    return client.get("/admin/").status_code == 200


def test_the_right_password_after_repeated_failures_is_refused_with_a_clear_message(client, elf, settings):
    settings.AXES_FAILURE_LIMIT = 5

    failures = [log_in(client, "pepper", f"guess-{n}") for n in range(5)]
    response = client.post(LOGIN, {"username": "pepper", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")

    assert failures == [200] * 4 + [429]  # the login form again with its error, then the lock at the 5th
    assert response.status_code == 429
    assert "Login locked" in response.text
    assert "5 in a row" in response.text
    assert "Access attempts" in response.text  # where an admin unlocks it
    assert not logged_in(client)


def test_the_lock_holds_for_the_username_from_another_address_and_for_the_address_with_another_name(
    elf, django_user_model, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    django_user_model.objects.create_user("jingle", "jingle@example.org", PASSWORD, is_staff=True)
    attacker = Client()
    for n in range(3):
        log_in(attacker, "pepper", f"guess-{n}", address="192.0.2.66")

    other_address = Client()
    other_name = Client()

    assert log_in(other_address, "pepper", PASSWORD, address="198.51.100.20") == 429
    assert log_in(other_name, "jingle", PASSWORD, address="192.0.2.66") == 429
    assert not logged_in(other_address) and not logged_in(other_name)
    assert log_in(Client(), "jingle", PASSWORD, address="198.51.100.21") == 302  # neither locked


def test_an_admin_unlocks_a_locked_elf_in_the_admin(client, elf, admin_client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        log_in(client, "pepper", f"guess-{n}")
    assert log_in(client, "pepper", PASSWORD) == 429

    attempts = admin_client.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200 and "pepper" in attempts.text
    from axes.models import AccessAttempt

    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    unlocked = admin_client.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )

    assert unlocked.status_code == 302
    assert log_in(client, "pepper", PASSWORD) == 302
    assert logged_in(client)


def test_a_successful_login_clears_earlier_failures(client, elf, settings):
    settings.AXES_FAILURE_LIMIT = 3
    log_in(client, "pepper", "guess-1")
    log_in(client, "pepper", "guess-2")

    assert log_in(client, "pepper", PASSWORD) == 302
    client.logout()
    log_in(client, "pepper", "guess-3")
    log_in(client, "pepper", "guess-4")
    assert log_in(client, "pepper", PASSWORD) == 302


def test_admin_pages_name_the_sites_icon_so_browsers_do_not_ask_for_favicon_ico(client):
    page = client.get("/admin/login/").text

    assert re.search(r'<link rel="icon" href="/static/icons/favicon\.[0-9a-f.]*svg" type="image/svg\+xml">', page)
    assert "Santa tracker" in page
