"""The public "Write to Santa" form: CSRF, honeypot, rate limits (behind a proxy, with Redis down), limits, caching."""

import re
from collections.abc import Iterator

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from letters import rate_limit
from letters.models import Letter
from tests.processes import RedisServer

pytestmark = pytest.mark.django_db

WRITE = "/en/letters/write/"
THANKS = "/en/letters/thanks/"


def letter_data(**changes: str) -> dict[str, str]:
    """A valid submission, as a child fills the form in."""
    return {
        "writer": "child",
        "name": "Aroha",
        "email": "aroha@example.co.nz",
        "message": "Dear Santa, please bring a kite. I have been good!",
        "age": "7",
        "country": "NZ",
        "website": "",
    } | changes


def test_the_form_lives_at_letters_write_under_each_language():
    assert reverse("letters:write") == WRITE
    with translation.override("ja"):
        assert reverse("letters:write") == "/ja/letters/write/"


def test_the_form_page_is_never_cached_and_carries_a_csrf_token(client):
    response = client.get(WRITE)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in response.text


def test_the_letter_pages_have_no_inline_scripts_or_styles(client):
    pages = [client.get(WRITE), client.post(WRITE, letter_data(email="")), client.get(THANKS)]

    for page in pages:
        html = page.text
        assert "<script" not in html
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)


def test_a_letter_is_stored_in_the_pages_language_and_the_writer_thanked_in_it(client):
    # The browser prefers German, but the child chose the French page: the letter is in French.
    response = client.post("/fr/letters/write/", letter_data(), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.8")

    assert response.status_code == 302
    assert response["Location"] == "/fr/letters/thanks/"
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
    assert letter.language == "fr"


def test_the_thank_you_page_is_friendly_and_publicly_cacheable(client):
    response = client.get(THANKS)

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
    assert response["Location"] == THANKS
    assert Letter.objects.count() == 0


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client):
    html = client.get(WRITE).text

    honeypot = re.search(r'<div class="honeypot" aria-hidden="true">(.*?)</div>', html, re.S)
    assert honeypot is not None
    assert 'name="website"' in honeypot.group(1) and 'tabindex="-1"' in honeypot.group(1)


def test_the_rate_limit_counts_letters_per_email_address(client, settings):
    settings.LETTERS_RATE_LIMIT = 2
    settings.LETTERS_RATE_WINDOW = 86400

    first = client.post(WRITE, letter_data())
    second = client.post(WRITE, letter_data(email="AROHA@example.co.nz"))
    third = client.post(WRITE, letter_data(message="One more wish!"))
    other = client.post(WRITE, letter_data(email="mum@example.co.nz"))

    assert [first.status_code, second.status_code, third.status_code, other.status_code] == [302, 302, 429, 302]
    assert "all the letters he can take from this address in 24 hours" in third.text
    assert 'role="alert"' in third.text
    assert Letter.objects.count() == 3


def test_a_household_may_send_ten_letters_a_day_from_one_mailbox_however_it_is_spelled(client):
    spellings = ["aroha@example.co.nz", "AROHA@example.co.nz", "aroha+tama@example.co.nz", "Aroha+Mere@Example.co.nz"]

    codes = [
        client.post(WRITE, letter_data(email=spellings[n % 4], message=f"Wish {n}")).status_code for n in range(11)
    ]
    other = client.post(WRITE, letter_data(email="mum@example.co.nz"))

    assert codes == [302] * 10 + [429]
    assert other.status_code == 302
    assert Letter.objects.count() == 11


def test_the_rate_limit_counts_letters_per_client_ip_too(client, settings):
    settings.LETTERS_RATE_LIMIT_PER_IP = 2

    codes = [client.post(WRITE, letter_data(email=f"child{n}@example.org")).status_code for n in range(3)]
    elsewhere = client.post(WRITE, letter_data(email="child9@example.org"), REMOTE_ADDR="203.0.113.9")

    assert codes == [302, 302, 429]
    # The message names the window of the limit that was hit: the per-address one here.
    assert "from this address in one hour." in client.post(WRITE, letter_data(email="child8@example.org")).text
    assert elsewhere.status_code == 302


def test_behind_the_cdn_each_family_is_counted_by_its_own_address_not_the_proxys(client, settings):
    settings.TRACKER_TRUSTED_PROXIES = 1
    settings.LETTERS_RATE_LIMIT_PER_IP = 2
    cdn = "198.51.100.1"

    def post_from(xff: str, n: int) -> int:
        data = letter_data(email=f"child{n}@example.org")
        return client.post(WRITE, data, REMOTE_ADDR=cdn, HTTP_X_FORWARDED_FOR=xff).status_code

    one_family = [post_from("203.0.113.5", n) for n in range(3)]
    # A forged entry to the left of the one the CDN wrote does not buy a fresh count.
    forged = post_from("192.0.2.77, 203.0.113.5", 3)
    another_family = post_from("203.0.113.6", 4)

    assert one_family == [302, 302, 429]
    assert forged == 429
    assert another_family == 302


def test_the_proxy_header_is_ignored_unless_a_proxy_is_trusted(client, settings):
    settings.LETTERS_RATE_LIMIT_PER_IP = 1

    first = client.post(WRITE, letter_data(email="a@example.org"), HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = client.post(WRITE, letter_data(email="b@example.org"), HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert [first.status_code, second.status_code] == [302, 429]


@pytest.fixture
def redis_cache(settings, tmp_path) -> Iterator[RedisServer]:
    """The shared cache on a Redis of the test's own, with short timeouts; its state and the fallback reset after."""
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    try:
        yield server
    finally:
        server.stop()
        rate_limit._shared_paused_until = 0.0
        rate_limit._local_counts.clear()


def test_with_redis_stopped_the_letter_is_stored_and_a_flood_still_held_back(client, settings, redis_cache):
    settings.LETTERS_RATE_LIMIT = 2
    assert client.post(WRITE, letter_data(message="While Redis runs")).status_code == 302
    redis_cache.stop()

    codes = [client.post(WRITE, letter_data(message=f"Redis is down {n}")).status_code for n in range(3)]

    assert codes == [302, 302, 429]  # counted in this process from the failure on
    assert sorted(Letter.objects.values_list("text", flat=True)) == [
        "Redis is down 0",
        "Redis is down 1",
        "While Redis runs",
    ]


def test_with_redis_hung_the_letter_is_stored(client, redis_cache):
    redis_cache.pause()

    response = client.post(WRITE, letter_data(message="Redis does not answer"))

    assert response.status_code == 302
    assert Letter.objects.get().text == "Redis does not answer"


def test_letters_are_counted_in_redis_while_it_runs(client, settings, redis_cache):
    settings.LETTERS_RATE_LIMIT = 1

    codes = [client.post(WRITE, letter_data()).status_code for _ in range(2)]
    rate_limit._local_counts.clear()  # nothing was counted there: Redis alone refuses the second
    third = client.post(WRITE, letter_data())

    assert codes == [302, 429]
    assert third.status_code == 429
    assert redis_cache.process.poll() is None


def test_invisible_characters_are_taken_out_of_names_and_letters(client):
    response = client.post(
        WRITE,
        letter_data(
            name="\u202eAroha\u200b\u2066",
            message="Dear\u200b Santa,\ufeff a kite\u00ad please!\u0007\nLove from \U0001f469\u200d\U0001f467",
        ),
    )

    assert response.status_code == 302
    letter = Letter.objects.get()
    assert letter.sender_name == "Aroha"
    # The joiner between two emoji makes one picture (woman and girl) and stays; the rest is gone.
    assert letter.text == "Dear Santa, a kite please!\nLove from \U0001f469\u200d\U0001f467"


def test_a_joiner_that_shapes_a_word_stays(client):
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "I want", with its zero-width non-joiner

    client.post(WRITE, letter_data(message=persian))

    assert Letter.objects.get().text == persian


@pytest.mark.parametrize("field", ["name", "message"])
def test_a_letter_of_only_invisible_characters_is_refused(client, field):
    response = client.post(WRITE, letter_data(**{field: "\u200b\u202e\u2060 \ufeff"}))

    assert response.status_code == 400
    assert "is empty" in response.text
    assert f'id="id_{field}_error"' in response.text
    assert Letter.objects.count() == 0


def test_a_body_over_the_cap_is_refused_before_it_is_read(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

    response = client.post(WRITE, letter_data(message="x" * 100_000), content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert Letter.objects.count() == 0


def test_the_public_form_takes_no_files(client):
    upload = SimpleUploadedFile("wishlist.pdf", b"%PDF-1.4 a wish list", content_type="application/pdf")

    response = client.post(WRITE, letter_data() | {"attachment": upload})

    assert response.status_code == 400
    assert Letter.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"message": "x" * 5001}, "message", "at most 5000 characters"),
        ({"message": "   "}, "message", "This field is required."),
        ({"name": "n" * 101}, "name", "at most 100 characters"),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"age": "400"}, "age", "Please write an age from 1 to 120."),
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


@pytest.mark.parametrize(
    ("window", "language", "words"),
    [
        (3600, "en", "from this address in one hour. Please send this one later"),
        (7200, "en", "from this address in 2 hours."),
        (90, "en", "from this address in 2 minutes."),
        (86400, "de", "wie er in 24 Stunden annehmen kann"),
        (86400, "ja", "サンタさんが24時間に受け取れる"),
        (86400, "pl", "w ciągu 24 godzin"),
        (7200, "ar", "خلال ساعتين"),
        (86400, "ar", "خلال 24 ساعة"),
    ],
)
def test_the_rate_limit_message_names_the_real_window_in_the_pages_language(client, settings, window, language, words):
    settings.LETTERS_RATE_LIMIT = 1
    settings.LETTERS_RATE_WINDOW = window
    client.post(f"/{language}/letters/write/", letter_data())

    response = client.post(f"/{language}/letters/write/", letter_data())

    assert response.status_code == 429
    assert words in response.text


@pytest.mark.parametrize("language", ["de", "ja", "ar"])
def test_the_form_its_errors_and_the_thank_you_page_speak_the_pages_language(client, language):
    english = ["Your name", "Send my letter to Santa", "Something in your letter needs a look", "Up to 5000"]
    english += ["I&#x27;d rather not say", "Your letter is on its way", "Back to the map", "Thank you"]
    write = f"/{language}/letters/write/"
    pages = [client.get(write), client.post(write, letter_data(name="")), client.get(f"/{language}/letters/thanks/")]

    for page in pages:
        assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in page.text
        assert not [words for words in english if words in page.text]
    with translation.override(language):
        required = str(forms.Field.default_error_messages["required"])
    assert required in pages[1].text  # Django's own error messages, in Django's translation


def test_the_country_list_is_in_the_pages_language_sorted_as_its_readers_expect(client):
    html = client.get("/de/letters/write/").text

    assert '<option value="AT">Österreich</option>' in html
    assert '<option value="CD">Kongo-Kinshasa</option>' in html
    # Ö files with O, not after Z.
    assert html.index(">Oman<") < html.index(">Österreich<") < html.index(">Pakistan<")


def test_nothing_about_letters_is_public(client, web_letter):
    assert client.get("/letters/").status_code == 404
    assert client.get("/en/letters/").status_code == 404
    assert client.get(f"/letters/{web_letter.pk}/").status_code == 404
    response = client.get("/admin/letters/letter/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_name_and_the_letter_take_the_direction_of_what_is_written_in_them(client):
    page = client.get("/ar/letters/write/").text

    assert re.search(r'<textarea[^>]*name="message"[^>]*dir="auto"|<textarea[^>]*dir="auto"[^>]*name="message"', page)
    assert re.search(r'<input[^>]*name="name"[^>]*dir="auto"|<input[^>]*dir="auto"[^>]*name="name"', page)


@pytest.mark.parametrize(
    ("language", "age", "message"),
    [("en", "121", "Please write an age from 1 to 120."), ("de", "0", "Bitte schreib ein Alter von 1 bis 120.")],
)
def test_an_impossible_age_is_explained_in_a_childs_words(client, language, age, message):
    with translation.override(language):
        write = reverse("letters:write")

    response = client.post(write, letter_data(age=age))

    # Refused (400, as every invalid letter is), with the reason next to the field and nothing stored.
    assert response.status_code == 400
    assert message in response.text and "Ensure this value" not in response.text
    assert Letter.objects.count() == 0
