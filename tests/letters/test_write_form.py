"""The public "Write to Santa" form: CSRF, honeypot, rate limit, length limits, caching, nothing else public."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from letters.models import Letter

pytestmark = pytest.mark.django_db

WRITE = "/letters/write/"


def letter_data(**changes: str) -> dict[str, str]:
    """A valid submission, as a child fills the form in."""
    return {
        "name": "Aroha",
        "email": "aroha@example.co.nz",
        "message": "Dear Santa, please bring a kite. I have been good!",
        "age": "7",
        "country": "NZ",
        "website": "",
    } | changes


def test_the_form_lives_at_letters_write():
    assert reverse("letters:write") == WRITE


def test_the_form_page_is_never_cached_and_carries_a_csrf_token(client):
    response = client.get(WRITE)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in response.text


def test_the_letter_pages_have_no_inline_scripts_or_styles(client):
    pages = [client.get(WRITE), client.post(WRITE, letter_data(email="")), client.get("/letters/thanks/")]

    for page in pages:
        html = page.text
        assert "<script" not in html
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)


def test_a_letter_is_stored_and_the_writer_thanked(client):
    response = client.post(WRITE, letter_data(), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.8")

    assert response.status_code == 302
    assert response["Location"] == "/letters/thanks/"
    letter = Letter.objects.get()
    assert (letter.sender_name, letter.sender_email, letter.age, letter.country) == (
        "Aroha",
        "aroha@example.co.nz",
        7,
        "NZ",
    )
    assert letter.text == "Dear Santa, please bring a kite. I have been good!"
    assert letter.source == Letter.Source.WEB
    assert letter.status == Letter.Status.NEW
    assert letter.language == "fr"  # from Accept-Language, as far as Django knows the language


def test_the_thank_you_page_is_friendly_and_publicly_cacheable(client):
    response = client.get("/letters/thanks/")

    assert response.status_code == 200
    assert "Your letter is on its way to the North Pole" in response.text
    assert response["Cache-Control"] == "public, max-age=3600"


def test_a_post_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)

    response = client.post(WRITE, letter_data())

    assert response.status_code == 403
    assert Letter.objects.count() == 0


def test_a_filled_honeypot_looks_like_success_but_stores_nothing(client):
    response = client.post(WRITE, letter_data(website="https://cheap-pills.example"))

    assert response.status_code == 302
    assert response["Location"] == "/letters/thanks/"
    assert Letter.objects.count() == 0


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client):
    html = client.get(WRITE).text

    honeypot = re.search(r'<div class="honeypot" aria-hidden="true">(.*?)</div>', html, re.S)
    assert honeypot is not None
    assert 'name="website"' in honeypot.group(1) and 'tabindex="-1"' in honeypot.group(1)


def test_the_rate_limit_counts_letters_per_email_address(client, settings):
    settings.LETTERS_RATE_LIMIT = 2

    first = client.post(WRITE, letter_data())
    second = client.post(WRITE, letter_data(email="AROHA@example.co.nz"))
    third = client.post(WRITE, letter_data(message="One more wish!"))
    other = client.post(WRITE, letter_data(email="mum@example.co.nz"))

    assert [first.status_code, second.status_code, third.status_code, other.status_code] == [302, 302, 429, 302]
    assert "Santa has already had several letters from this address" in third.text
    assert 'role="alert"' in third.text
    assert Letter.objects.count() == 3


def test_the_rate_limit_counts_letters_per_client_ip_too(client, settings):
    settings.LETTERS_RATE_LIMIT_PER_IP = 2

    codes = [client.post(WRITE, letter_data(email=f"child{n}@example.org")).status_code for n in range(3)]
    elsewhere = client.post(WRITE, letter_data(email="child9@example.org"), REMOTE_ADDR="203.0.113.9")

    assert codes == [302, 302, 429]
    assert elsewhere.status_code == 302


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"message": "x" * 5001}, "message", "at most 5000 characters"),
        ({"message": "   "}, "message", "This field is required."),
        ({"name": "n" * 101}, "name", "at most 100 characters"),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"age": "400"}, "age", "less than or equal to 120"),
        ({"country": "XX"}, "country", "Select a valid choice."),
    ],
)
def test_too_long_or_invalid_fields_are_explained_next_to_the_field(client, changes, field, message):
    response = client.post(WRITE, letter_data(**changes))

    assert response.status_code == 400
    assert message in response.text
    assert f'id="id_{field}_error"' in response.text
    assert re.search(rf'id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"', response.text)
    assert Letter.objects.count() == 0


def test_nothing_about_letters_is_public(client, web_letter):
    assert client.get("/letters/").status_code == 404
    assert client.get(f"/letters/{web_letter.pk}/").status_code == 404
    response = client.get("/admin/letters/letter/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
