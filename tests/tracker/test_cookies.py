"""The CSRF cookie is scoped to the forms that need it, so the map and the API stay cacheable for everyone."""

import pytest
from django.test import Client

from tracker.cookies import csrf_cookie_area

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static_files")]


@pytest.mark.parametrize(
    ("path", "area"),
    [
        ("/en/letters/write/", "/en/letters/"),
        ("/ja/letters/thanks/", "/ja/letters/"),
        ("/admin/login/", "/admin/"),
        ("/admin/", "/admin/"),
        ("/de/", "/de/"),
        ("/", "/"),
        ("/x", "/"),
    ],
)
def test_a_path_belongs_to_the_area_of_its_first_segment(path, area):
    assert csrf_cookie_area(path) == area


def test_the_letter_form_sets_its_csrf_cookie_for_the_letters_only(client):
    response = client.get("/en/letters/write/")

    cookie = response.cookies["csrftoken"]
    assert cookie["path"] == "/en/letters/"


def test_the_admin_login_sets_its_csrf_cookie_for_the_admin_only(client):
    response = client.get("/admin/login/")

    assert response.cookies["csrftoken"]["path"] == "/admin/"


def test_a_letter_posted_with_the_scoped_cookie_passes_csrf():
    client = Client(enforce_csrf_checks=True)
    form = client.get("/en/letters/write/")
    token = form.cookies["csrftoken"].value

    response = client.post(
        "/en/letters/write/",
        {"name": "Aroha", "email": "aroha@example.co.nz", "message": "Dear Santa, a kite please!", "age": "7"}
        | {"country": "NZ", "website": "", "writer": "child", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/en/", "/api/v1/now", "/api/v1/time"])
def test_the_map_and_the_api_set_no_cookie_even_for_a_viewer_holding_one(client, path):
    client.get("/en/letters/write/")

    response = client.get(path)

    assert not response.cookies
