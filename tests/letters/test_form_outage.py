"""The letter form while the database fails: a page in the child's language, the letter kept, nothing counted,
and the same form never stored twice."""

import pytest
from django.db import OperationalError, connection
from django.test import Client

from letters.models import Letter
from tests.letters.test_write_form import letter_data

pytestmark = pytest.mark.django_db


def _database_down(execute, sql, params, many, context):
    raise OperationalError("connection refused")


@pytest.mark.parametrize(
    ("language", "words"),
    [("ja", "お手紙はまだ送られていません。"), ("de", "Dein Brief wurde nicht abgeschickt.")],
)
def test_a_failing_database_gives_a_503_page_in_the_childs_language_with_the_letter_kept(client, language, words):
    with connection.execute_wrapper(_database_down):
        response = client.post(f"/{language}/letters/write/", letter_data(message="Ich wünsche mir einen Schlitten"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert words in page
    assert "Ich wünsche mir einen Schlitten" in page
    assert Letter.objects.count() == 0


def test_failed_tries_do_not_count_against_the_limits(client, settings):
    settings.LETTERS_RATE_LIMIT = 2
    settings.LETTERS_RATE_LIMIT_PER_IP = 2
    for _try in range(5):
        with connection.execute_wrapper(_database_down):
            assert client.post("/en/letters/write/", letter_data()).status_code == 503
    for _letter in range(2):
        assert client.post("/en/letters/write/", letter_data()).status_code == 302
    assert client.post("/en/letters/write/", letter_data()).status_code == 429
    assert Letter.objects.count() == 2


def test_the_same_form_sent_again_is_stored_once_and_counted_once(client, settings):
    settings.LETTERS_RATE_LIMIT = 1
    form = letter_data(token="a-form-token-of-32-characters-xx")
    assert client.post("/en/letters/write/", form).status_code == 302
    again = client.post("/en/letters/write/", form)
    assert again.status_code == 302 and again["Location"].endswith("/letters/thanks/")
    assert Letter.objects.filter(form_token=form["token"]).count() == 1


def test_each_form_shown_carries_its_own_token(client):
    first, second = (client.get("/en/letters/write/").context["form"]["token"].value() for _ in range(2))
    assert first and second and first != second


@pytest.mark.parametrize("path", ["/en/letters/write/", "/admin/login/", "/de/"])
def test_a_form_in_a_charset_the_form_cannot_read_is_a_clear_400(path, caplog):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.post(
        path,
        data=b"name=J%E9r%F4me&csrfmiddlewaretoken=" + b"a" * 32,
        content_type="application/x-www-form-urlencoded; charset=iso-8859-1",
        HTTP_REFERER="http://testserver/",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
