"""The map and the letter pages in Japanese, Arabic (mirrored), German and English, on a desktop and a phone.

Each page: the right language and direction, nothing wider than the screen, axe-core finds nothing, no CSP
violation, and a screenshot (into docs/screenshots/ when scripts/screenshots.py asks, else a throwaway folder).
"""

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.map_pages import WATCH_SCRIPT, open_map, put_in_state, rehearse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["ja", "ar", "de", "en"]
SCREENS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# Words each page must show in its language: the letter page's button and heading, the map's tally.
SEND = {
    "ja": "サンタさんにお手紙を送る",
    "ar": "إرسال رسالتي إلى بابا نويل",
    "de": "Meinen Brief an den Weihnachtsmann schicken",
}
SEND["en"] = "Send my letter to Santa"
THANKS = {"ja": "ありがとう\uff01", "ar": "شكرًا لك!", "de": "Vielen Dank!", "en": "Thank you!"}
# The note under an empty email field, in a child's words (never Django's "This field is required.").
EMAIL_NEEDED = {
    "ja": "サンタさんがお返事を書くには、メールアドレスがいります。おうちの人に聞いてね。",
    "ar": "يحتاج بابا نويل إلى عنوان بريد إلكتروني ليرد عليك: يمكن طلبه من أحد الكبار.",
    "de": "Der Weihnachtsmann braucht eine E-Mail-Adresse, um dir zu antworten: Frag einen Erwachsenen danach.",
    "en": "Santa needs an email address to write back: ask a grown-up for one.",
}
# Django's own words, in English and in each language's Django catalogue: none may show on the letter form.
STOCK_ERRORS = ("This field is required", "Enter a valid email", "このフィールドは必須です", "Dieses Feld ist zwingend")
PRESENTS = {"ja": "届けたプレゼント", "ar": "الهدايا الموزَّعة", "de": "Verteilte Geschenke", "en": "Presents delivered"}
# The map's + and - buttons as a screen reader names them (Leaflet's own words are English).
ZOOM = {
    "ja": ("拡大する", "縮小する"),
    "ar": ("تكبير", "تصغير"),
    "de": ("Vergrößern", "Verkleinern"),
    "en": ("Zoom in", "Zoom out"),
}
# The part of the page that is wider than the screen, if any: every element's box against the viewport.
OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter((element) => {
    const box = element.getBoundingClientRect();
    const outside = box.right > width + 1 || box.left < -1;
    return box.width > 0 && outside && !element.closest(".honeypot, .leaflet-pane, .skip-link, .visually-hidden");
  });
  const scroll = document.documentElement.scrollWidth - width;
  return { scroll, wide: wide.slice(0, 5).map((element) => element.outerHTML.slice(0, 120)) };
}"""


# The pictures docs/ and the README show; every test run takes all of them, into a throwaway folder.
DOCUMENTED = {
    "map-ja-desktop.png",
    "map-ar-desktop.png",
    "map-de-phone.png",
    "map-ar-phone.png",
    "map-ja-phone.png",
    "letters-ja-desktop.png",
    "letters-de-phone.png",
    "letters-ar-phone.png",
    "letters-errors-ja-phone.png",
    "thanks-ar-desktop.png",
    "thanks-de-phone.png",
    "languages-phone.png",
}


def shoot(page: object, tmp_path: Path, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot: into docs/screenshots/ when scripts/screenshots.py asks and docs show it, else tmp_path."""
    documents = os.environ.get("TRACKER_SCREENSHOTS_DIR")
    folder = Path(documents) if documents and name in DOCUMENTED else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / name, full_page=full_page)


@pytest.fixture
def screen_context(browser, request) -> Iterator[object]:
    """A browser context the size of the parametrised screen, phones with touch."""
    phone = request.node.callspec.params["screen"] == "phone"
    context = browser.new_context(
        viewport=SCREENS[request.node.callspec.params["screen"]], is_mobile=phone, has_touch=phone, locale="en-US"
    )
    yield context
    context.close()


def check_page(page: object, language: str) -> None:
    """The page is in `language`, laid out in its direction, fits the screen, and axe-core finds nothing."""
    assert page.get_attribute("html", "lang") == language
    direction = "rtl" if language == "ar" else "ltr"
    assert page.get_attribute("html", "dir") == direction
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    overflow = page.evaluate(OVERFLOW_SCRIPT)
    assert overflow["scroll"] <= 0 and overflow["wide"] == [], overflow
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    assert page.evaluate("window.__csp") == []


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_letter_form_its_errors_and_the_thank_you_page_in_each_language(
    screen_context, site, tmp_path, language, screen
):
    page = screen_context.new_page()
    page.add_init_script(WATCH_SCRIPT)
    page.set_default_timeout(10_000)
    page.goto(f"{site}/{language}/letters/write/")
    check_page(page, language)
    shoot(page, tmp_path, f"letters-{language}-{screen}.png")

    page.get_by_role("button", name=SEND[language]).click()  # empty: every error shows
    page.wait_for_selector(".notice[role=alert]")
    check_page(page, language)
    assert page.locator(".errorlist").count() == 3  # name, email and letter are required
    assert page.locator("#id_email_error").inner_text() == EMAIL_NEEDED[language]
    errors = page.locator(".letter-form").inner_text()
    assert not any(stock in errors for stock in STOCK_ERRORS), errors
    shoot(page, tmp_path, f"letters-errors-{language}-{screen}.png")

    page.fill("#id_name", "Aroha")
    page.fill("#id_email", "aroha@example.co.nz")
    page.fill("#id_message", "Dear Santa, please bring a kite.")
    page.fill("#id_age", "7")
    page.select_option("#id_country", "NZ")
    page.get_by_role("button", name=SEND[language]).click()
    page.get_by_role("heading", name=THANKS[language]).wait_for()
    assert page.url == f"{site}/{language}/letters/thanks/"
    check_page(page, language)
    shoot(page, tmp_path, f"thanks-{language}-{screen}.png")


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_map_in_each_language(screen_context, site, sample_route, settings, tmp_path, language, screen):
    put_in_state(settings, "flying")
    opened = open_map(screen_context, site, language=language)
    page = opened.page
    page.wait_for_selector("#tracker[data-status=flying]", state="attached", timeout=10_000)
    page.wait_for_selector("canvas.land[data-painted]", state="attached", timeout=10_000)
    page.wait_for_timeout(400)  # Leaflet finishes placing the view
    assert page.get_by_text(PRESENTS[language]).is_visible()
    zoom_in, zoom_out = ZOOM[language]
    assert page.get_by_role("button", name=zoom_in, exact=True).is_visible()
    assert page.get_by_role("button", name=zoom_out, exact=True).is_visible()
    check_page(page, language)
    shoot(page, tmp_path, f"map-{language}-{screen}.png", full_page=screen == "phone")
    assert opened.errors == []


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_language_switcher_is_links_to_the_same_page_in_each_language(screen_context, site, tmp_path, screen):
    page = screen_context.new_page()
    page.goto(f"{site}/en/letters/write/")
    page.locator("details.languages summary").click()
    assert page.evaluate(OVERFLOW_SCRIPT) == {"scroll": 0, "wide": []}  # the open list fits the screen
    shoot(page, tmp_path, f"languages-{screen}.png", full_page=False)
    page.get_by_role("link", name="日本語").click()
    page.wait_for_url(f"{site}/ja/letters/write/")
    page.locator("details.languages summary").click()
    page.get_by_role("link", name="العربيّة").click()
    page.wait_for_url(f"{site}/ar/letters/write/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.get_attribute("details.languages a[aria-current=page]", "lang") == "ar"


def test_the_letter_survives_a_language_switch_in_the_browser_only_and_is_forgotten_once_sent(browser, site, tmp_path):
    context = browser.new_context(viewport=SCREENS["phone"], is_mobile=True, has_touch=True)
    sent = []
    context.on("request", lambda request: sent.append((request.url, request.post_data or "", request.headers)))
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{site}/en/letters/write/")
        page.check("input[name=writer][value=grown_up]")
        page.fill("#id_name", "Aroha")
        page.fill("#id_child_name", "Mere")
        page.fill("#id_email", "aroha@example.co.nz")
        page.fill("#id_message", "Dear Santa, a kite with a long red tail, please.")
        page.fill("#id_age", "7")
        page.select_option("#id_country", "NZ")
        page.locator("details.languages summary").click()
        page.get_by_role("link", name="Deutsch").click()
        page.wait_for_url(f"{site}/de/letters/write/")
        # The same letter, in the German form: nothing lost, nothing sent.
        assert page.input_value("#id_name") == "Aroha"
        assert page.input_value("#id_email") == "aroha@example.co.nz"
        assert page.input_value("#id_message") == "Dear Santa, a kite with a long red tail, please."
        assert page.input_value("#id_age") == "7"
        assert page.input_value("#id_country") == "NZ"
        assert page.is_checked("input[name=writer][value=grown_up]")
        assert page.input_value("#id_child_name") == "Mere"
        shoot(page, tmp_path, "letters-draft-de-phone.png")
        for url, body, headers in sent:
            for typed in ("Aroha", "kite", "aroha@example"):
                assert typed not in url and typed not in body, (url, body)
                assert not any(typed in value for value in headers.values()), (url, headers)
        page.get_by_role("button", name=SEND["de"]).click()
        page.get_by_role("heading", name=THANKS["de"]).wait_for()
        assert [body for _url, body, _headers in sent if "kite" in body] != []  # sent once the child pressed send
        # Sent: the next letter starts blank, in any language.
        page.goto(f"{site}/ja/letters/write/")
        assert page.input_value("#id_message") == ""
        assert page.evaluate("sessionStorage.length") == 0
    finally:
        context.close()


def test_the_card_gives_the_stop_s_fact_in_the_page_s_language(browser, site, sample_route, settings):
    # Thirty seconds after Santa reaches Ottawa, whose sheet row has a fact in every language.
    rehearse(settings, dt.datetime(2026, 12, 25, 0, 28, 28, tzinfo=dt.UTC), speed=1)
    context = browser.new_context(viewport=SCREENS["phone"])
    try:
        for language, fact in (
            ("de", "Hauptstadt des Landes. Hier leben rund 1 Million Menschen."),
            ("ja", "この国の首都です。人口は約100万人です。"),
            ("en", "Capital of Canada. About 1 million people live here."),
        ):
            page = open_map(context, site, language=language).page
            page.wait_for_selector("#tracker[data-status=flying]", state="attached")
            assert page.inner_text("#card-fact") == fact
            page.close()
    finally:
        context.close()


def test_the_language_switcher_s_arrow_points_down_in_every_direction(browser, site):
    context = browser.new_context(viewport=SCREENS["phone"])
    try:
        page = context.new_page()
        arrows = {}
        for language in ("en", "ar"):
            page.goto(f"{site}/{language}/letters/write/")
            # The chevron is the two borders that meet at its point: right and bottom, turned 45°, point down.
            arrows[language] = page.evaluate(
                """() => { const style = getComputedStyle(document.querySelector(".languages summary"), "::after");
                  return [style.borderRightStyle, style.borderBottomStyle, style.borderLeftStyle, style.transform]; }"""
            )
        assert arrows["ar"] == arrows["en"]
        assert arrows["ar"][:3] == ["solid", "solid", "none"]
    finally:
        context.close()


# The Follow button's height as it is, and as it would be were its words kept on one line.
FOLLOW_LINES_SCRIPT = """() => {
  const button = document.getElementById("follow");
  const height = button.getBoundingClientRect().height;
  button.style.whiteSpace = "nowrap";
  const oneLine = button.getBoundingClientRect().height;
  button.style.whiteSpace = "";
  return { height, oneLine, text: button.textContent };
}"""


def test_the_follow_button_stays_on_one_line_on_a_phone_in_every_language(browser, site, settings):
    context = browser.new_context(viewport=SCREENS["phone"], is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        wrapped = {}
        for language, _name in settings.LANGUAGES:
            page.goto(f"{site}/{language}/")
            follow = page.evaluate(FOLLOW_LINES_SCRIPT)
            if follow["height"] > follow["oneLine"] + 1:
                wrapped[language] = follow
        assert wrapped == {}
    finally:
        context.close()
