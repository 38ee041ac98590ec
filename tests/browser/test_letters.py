"""The mailroom in Chromium: elves answer letters from login to the delivered email; axe-core on the elves' pages.

The public letter pages, in each language and on each screen, are in test_languages.py.
"""

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from letters import claims
from letters.intake import ingest_message, receive_web_letter
from letters.models import ElfPersona, Letter, Reply, ReplyTemplate
from tests.letters.conftest import emailed_letter_bytes, restore_elves_group, run_worker
from tests.letters.mail_servers import SmtpServer

# Set to a folder (scripts/screenshots.py sets docs/screenshots/), the admin's screenshots are saved there.
SCREENSHOTS_ENV = "TRACKER_SCREENSHOTS_DIR"

# The server thread and the worker commit for real.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _elves_group(transactional_db: None) -> None:
    """The Elves group, whatever transactional test ran before (see restore_elves_group)."""
    restore_elves_group()


@pytest.fixture
def smtp(settings) -> Iterator[SmtpServer]:
    """A real SMTP server on loopback, and Django's default mailer pointed at it."""
    server = SmtpServer()
    server.start()
    settings.MAILERS = {"default": server.mailer()}
    settings.LETTERS_FROM_EMAIL = "letters@northpole.example"
    yield server
    server.stop()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page in its own browser context, recording Content Security Policy violations."""
    context = browser.new_context()
    new_page = context.new_page()
    new_page.set_default_timeout(10_000)
    new_page.violations = []
    new_page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and new_page.violations.append(message.text),
    )
    yield new_page
    context.close()


def test_an_elf_answers_a_letter_in_the_admin_from_login_to_the_delivered_email(page, site, elf, smtp):
    persona = ElfPersona.objects.create(name="PamElfa", signature="Love from PamElfa\nThe North Pole")
    persona.signers.add(elf)
    ReplyTemplate.objects.create(
        name="Wrong country apology", body="Dear {name},\n\nYou were right: Toronto is in Canada, not the US."
    )
    ingest_message(emailed_letter_bytes())

    page.goto(f"{site}/admin/")
    page.get_by_label("Username").fill("pepper")
    page.get_by_label("Password").fill("not-a-real-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Letters", exact=True).click()
    page.locator("#result_list tbody").get_by_role("link").first.click()

    page.get_by_text("Your map says Toronto is in the US.").wait_for()
    page.get_by_role("button", name="Claim").click()
    page.get_by_text("You claimed this letter").first.wait_for()
    page.get_by_label("Template").select_option(label="Wrong country apology (to a child)")
    page.get_by_role("button", name="Use template").click()
    reply_box = page.get_by_label("Reply:", exact=True)
    assert reply_box.input_value().startswith("Dear Mia,")
    reply_box.fill(reply_box.input_value() + "\n\nHo ho ho!")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview of the reply")
    assert "PamElfa" in preview.inner_text() and "Love from PamElfa" in preview.inner_text()
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Reply stored and queued").wait_for()

    assert smtp.received == []  # stored and queued; the worker sends it
    run_worker()
    page.reload()

    assert Reply.objects.get().status == Reply.Status.SENT
    assert page.locator(".inline-group").get_by_text("Sent", exact=True).count() == 1
    [message] = smtp.received
    assert message["From"].addresses[0].display_name == "PamElfa"
    assert message["To"] == "mia@example.net"
    assert message["In-Reply-To"] == "<first-letter@mail.example.net>"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "You were right: Toronto is in Canada" in text
    assert "Ho ho ho!" in text
    assert page.violations == []


def test_a_forwarded_letter_reads_as_written_on_desktop_and_phone(browser, live_server, elf, tmp_path):
    import os
    from pathlib import Path

    from tests.letters.hostile_mail import case

    letter = ingest_message(case("e03-forward-as-attachment.eml")).letter
    # Set TRACKER_SCREENSHOTS_DIR to keep the pictures and look at them.
    folder = Path(os.environ.get("TRACKER_SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for name, width, height in (("letter-desktop", 1366, 768), ("letter-phone", 390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500)
        try:
            page = context.new_page()
            page.goto(f"{live_server.url}/admin/login/?next=/admin/letters/letter/{letter.pk}/change/")
            page.get_by_label("Username").fill("pepper")
            page.get_by_label("Password").fill("not-a-real-password")
            page.get_by_role("button", name="Log in").click()
            text = page.locator(".letter-text")
            text.wait_for()
            page.screenshot(path=folder / f"{name}.png", full_page=True)

            assert text.inner_text().strip() == letter.text
            assert "<p>" not in page.locator("#content").inner_text()
            assert "Leo <leo.kid@example.net>" in page.locator("#content").inner_text()
            assert "Forwarding Leo's letter as he asked." in page.locator("#content").inner_text()
        finally:
            context.close()


def log_in(page: object, url: str, username: str, password: str) -> None:
    """Sign in to the admin as USERNAME."""
    page.goto(f"{url}/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_an_elf_made_with_add_elf_answers_a_german_letter_in_german_to_the_delivered_email(
    browser, page, site, smtp, django_user_model
):
    call_command("add_elf", "holly", "--persona", "PamElfa", stdout=io.StringIO())
    holly = django_user_model.objects.get(username="holly")
    holly.set_password("a-password-for-holly")  # what `manage.py changepassword holly` does
    holly.save()

    # A child whose browser speaks German writes to Santa.
    child = browser.new_context(locale="de-DE").new_page()
    child.goto(f"{site}/letters/write/")
    child.locator("#id_name").fill("Lena")  # the labels are in German here
    child.locator("#id_email").fill("lena@example.de")
    child.locator("#id_message").fill("Lieber Weihnachtsmann, ich wünsche mir ein rotes Fahrrad.")
    child.locator("form button[type=submit]").click()
    child.wait_for_url("**/letters/thanks/")
    child.context.close()

    log_in(page, site, "holly", "a-password-for-holly")
    page.get_by_role("link", name="1 new letter").click()
    page.get_by_role("link", name="Lieber Weihnachtsmann, ich wünsche mir ein rotes Fahrrad.").click()
    page.get_by_text("Written in German (Deutsch).").wait_for()
    page.get_by_role("button", name="Claim").click()
    page.get_by_text("You claimed this letter").first.wait_for()
    german_first = page.locator("#id_template optgroup").first
    assert german_first.get_attribute("label") == "In German (Deutsch)"
    page.get_by_label("Template").select_option(label="Thank you for your letter (de, to a child)")
    page.get_by_role("button", name="Use template").click()
    assert page.get_by_label("Reply:", exact=True).input_value().startswith("Hallo Lena,\n\nvielen Dank")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview of the reply").inner_text()
    assert "Herzliche Grüße vom Nordpol\nPamElfa, Wichtel beim Weihnachtsmann" in preview
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Reply stored and queued").wait_for()
    run_worker()

    [message] = smtp.received
    assert message["From"].addresses[0].display_name == "PamElfa"
    assert message["To"] == "lena@example.de"
    # The parser keeps SMTP's CR LF line ends; what was stored has plain newlines.
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "\r" not in Reply.objects.get().body
    assert text.startswith("Hallo Lena,\n\nvielen Dank für deinen Brief!")
    assert text.endswith("Herzliche Grüße vom Nordpol\nPamElfa, Wichtel beim Weihnachtsmann\n")
    assert '<html lang="de" dir="ltr">' in html
    assert "<p>Herzliche Grüße vom Nordpol<br>PamElfa, Wichtel beim Weihnachtsmann</p>" in html
    assert Reply.objects.get().status == Reply.Status.SENT


# (name, width, height): the elves' screens, desktop and phone.
VIEWPORTS = (("desktop", 1366, 768), ("phone", 390, 844))


def a_morning_of_letters() -> Letter:
    """Letters as the inbox has them on a busy morning, in several languages; the one to answer."""
    ingest_message(emailed_letter_bytes())
    receive_web_letter(
        "Aroha", "aroha@example.co.nz", "Dear Santa, please bring a kite. I have been good.", 7, "NZ", "en"
    )
    receive_web_letter("Yuki", "yuki@example.jp", "サンタさん、じてんしゃがほしいです。", 6, "JP", "ja")
    receive_web_letter("Karim", "karim@example.ma", "عزيزي بابا نويل، أريد دراجة حمراء.", 9, "MA", "ar")
    return receive_web_letter(
        "Lena",
        "lena@example.de",
        "Lieber Weihnachtsmann,\n\nich wünsche mir ein rotes Fahrrad mit einer Klingel, die ganz laut klingelt, "
        "und für meinen kleinen Bruder Max ein Buch über Dinosaurier. Ich war das ganze Jahr sehr lieb und "
        "habe jeden Tag beim Tischdecken geholfen.\n\nViele Grüße von Lena aus Hamburg",
        8,
        "DE",
        "de",
    )


def test_the_desk_the_inbox_and_a_letter_with_the_reply_form_pass_axe_at_desktop_and_phone_sizes(
    browser, site, elf, tmp_path
):
    call_command("add_elf", elf.get_username(), "--persona", "PamElfa", stdout=io.StringIO())
    letter = a_morning_of_letters()
    claims.claim(letter.pk, elf)
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    axe = Axe()
    reports = {}
    for name, width, height in VIEWPORTS:
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=name == "phone")
        page = context.new_page()
        log_in(page, site, "pepper", "not-a-real-password")
        page.get_by_role("heading", name="Your desk").wait_for()
        reports[f"desk-{name}"] = axe.run(page)
        page.screenshot(path=folder / f"admin-desk-{name}.png", full_page=True)
        page.goto(f"{site}/admin/letters/letter/")
        page.get_by_text("Lieber Weihnachtsmann").first.wait_for()
        reports[f"inbox-{name}"] = axe.run(page)
        page.screenshot(path=folder / f"admin-inbox-{name}.png", full_page=True)

        page.goto(f"{site}/admin/letters/letter/{letter.pk}/change/")
        page.get_by_label("Template").select_option(label="Your wish list arrived (de, to a child)")
        page.get_by_role("button", name="Use template").click()
        page.get_by_role("button", name="Preview").click()
        page.get_by_role("region", name="Preview of the reply").wait_for()
        reports[f"letter-{name}"] = axe.run(page)
        page.screenshot(path=folder / f"admin-letter-{name}.png", full_page=True)
        context.close()

    for where, report in reports.items():
        assert report.violations_count == 0, f"{where}: {report.generate_report()}"


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}])
def test_a_writer_over_the_limit_is_told_the_real_window_and_keeps_the_letter(
    page, live_server, settings, tmp_path, viewport
):
    settings.LETTERS_RATE_LIMIT = 1
    page.set_viewport_size(viewport)

    for wish in ("A kite, please!", "And a red bicycle!"):
        page.goto(f"{live_server.url}/en/letters/write/")
        page.get_by_label("Your name").fill("Aroha")
        page.get_by_label("Email address for Santa's reply").fill("aroha+mere@example.co.nz")
        page.get_by_label("Your letter").fill(wish)
        page.get_by_role("button", name="Send my letter to Santa").click()
    alert = page.get_by_role("alert")

    assert "all the letters he can take from this address in 24 hours" in alert.inner_text()
    assert page.get_by_label("Your letter").input_value() == "And a red bicycle!"  # nothing typed is lost
    page.screenshot(path=tmp_path / f"rate-limited-{viewport['width']}.png", full_page=True)
    assert page.violations == []


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 768}, {"width": 390, "height": 844}])
def test_a_locked_out_elf_is_told_why_and_how_to_get_back_in(page, live_server, elf, settings, tmp_path, viewport):
    settings.AXES_FAILURE_LIMIT = 3
    page.set_viewport_size(viewport)

    for password in ("sleigh", "reindeer", "rudolph", "not-a-real-password"):
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("Username").fill("pepper")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()

    page.get_by_role("heading", name="Login locked").wait_for()
    assert "Try again 60 minutes after the last wrong password." in page.inner_text("#content")
    assert "Access attempts" in page.inner_text("#content")
    assert "axes_reset_ip" in page.inner_text("#content")
    # The site's own name, as on the login page; nothing of Django's default branding or a dangling "Home".
    assert page.title() == "Login locked | Santa tracker admin"
    assert page.get_by_role("link", name="Santa tracker").is_visible()
    assert not page.locator(".breadcrumbs").count()
    page.screenshot(path=tmp_path / f"locked-out-{viewport['width']}.png", full_page=True)
    assert Axe().run(page).violations_count == 0
    assert page.violations == []


def test_a_letter_without_spaces_and_a_long_address_leave_every_inbox_column_in_view(browser, site, elf, tmp_path):
    a_morning_of_letters()
    receive_web_letter("Tom", "tom@example.org", "A" * 5000, 8, "GB", "en")
    receive_web_letter("Z" + "\u0301" * 95, "zalgo@example.org", "Hello Santa", 8, "GB", "en")
    ingest_message(
        b"From: a.very.long.address.for.a.child@some-school.example.org\r\nSubject: hi\r\n\r\nDear Santa\r\n"
    )
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    for name, width, height in VIEWPORTS:
        context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=name == "phone")
        page = context.new_page()
        log_in(page, site, "pepper", "not-a-real-password")
        page.goto(f"{site}/admin/letters/letter/")
        page.get_by_text("Lieber Weihnachtsmann").first.wait_for()
        page.screenshot(path=folder / f"admin-inbox-long-{name}.png", full_page=True)
        box = page.locator("#changelist").bounding_box()
        for cell in page.locator("#result_list td.field-status_now").all():
            right = cell.bounding_box()["x"] + cell.bounding_box()["width"]
            assert right <= box["x"] + box["width"] + 1, f"{name}: a letter's status is out of view"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        context.close()


def test_the_inbox_at_1366_shows_every_status_beside_the_filters(browser, site, elf, django_user_model):
    """With Django's navigation sidebar open, the table fits between it and the filter panel: a status, even
    claimed by a long username, is never clipped behind the filters or left to a sideways scroll."""
    from django.contrib.auth.models import Group

    letter = a_morning_of_letters()
    receive_web_letter("Longo", "longo@example.org", "Dear Santa " + "x" * 300, 10, "", "en")
    holly = django_user_model.objects.create_user("bartholomew.greenleaf-winterbottom.elf", is_staff=True)
    holly.groups.add(Group.objects.get(name="Elves"))
    claims.claim(letter.pk, holly)
    Letter.objects.filter(sender_name="Aroha").update(status=Letter.Status.REPLIED)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    log_in(page, site, "pepper", "not-a-real-password")
    for query in ("", "?language=de"):
        page.goto(f"{site}/admin/letters/letter/{query}")
        page.get_by_text("Lieber Weihnachtsmann").first.wait_for()
        results = page.locator("#changelist .results")
        assert results.evaluate("(box) => box.scrollWidth <= box.clientWidth"), f"{query}: the table is clipped"
        box, filters = results.bounding_box(), page.locator("#changelist-filter").bounding_box()
        statuses = page.locator("#result_list td.field-status_now")
        assert statuses.count() == (1 if query else 6)
        for cell in statuses.all():
            edge = cell.bounding_box()["x"] + cell.bounding_box()["width"]
            assert edge <= min(box["x"] + box["width"], filters["x"], 1366), f"{query}: {cell.inner_text()} hidden"
            assert cell.evaluate("(cell) => cell.scrollWidth <= cell.clientWidth"), cell.inner_text()
    assert "Claimed by bartholomew.greenleaf-winterbottom.elf" in page.locator("#result_list").inner_text()
    context.close()


def test_the_bulk_reply_form_fits_a_phone_with_a_letter_of_one_long_word(browser, site, elf, tmp_path):
    call_command("add_elf", elf.get_username(), "--persona", "PamElfa", stdout=io.StringIO())
    a_morning_of_letters()
    receive_web_letter("Longo", "longo@example.org", "Dear Santa " + "x" * 300, 10, "", "en")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, site, "pepper", "not-a-real-password")
    page.goto(f"{site}/admin/letters/letter/")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label="Reply to the selected letters with a template")
    page.get_by_role("button", name="Run").click()
    template = page.get_by_label("Template")
    template.wait_for()
    page.screenshot(path=tmp_path / "bulk-reply-phone.png", full_page=True)

    assert template.bounding_box()["x"] + template.bounding_box()["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def a_night_of_mail(elf: object) -> None:
    """The night of 24 December 2026 as the statistics page draws it: letters each hour in several languages
    and countries, rising to a peak in the evening, a third of them answered within the hour or two."""
    import datetime as dt
    import random

    from django.contrib.auth.models import Permission

    elf.user_permissions.add(Permission.objects.get(codename="export_letter"))
    persona = ElfPersona.objects.get(name="PamElfa")
    rng = random.Random(24)
    writers = [("en", "GB"), ("en", "US"), ("de", "DE"), ("fr", "FR"), ("es", "MX"), ("ja", "JP"), ("pl", "PL"),
               ("it", "IT"), ("nl", "NL"), ("ar", "MA"), ("pt-br", "BR")]  # fmt: skip
    noon = dt.datetime(2026, 12, 24, 12, tzinfo=dt.UTC)
    letters = []
    for hour in range(24):
        for _ in range(4 + round(30 * max(0.0, 1 - abs(hour - 7) / 8))):
            language, country = rng.choice(writers[: 3 + hour % len(writers)])
            received = noon + dt.timedelta(hours=hour, seconds=rng.randint(0, 3599))
            letters.append(
                Letter(sender_name="Kid", sender_email=f"kid{len(letters)}@example.org", text="Dear Santa",
                       language=language, country=country, received=received, source="web", writer="child")
            )  # fmt: skip
    Letter.objects.bulk_create(letters)
    replies = []
    for letter in Letter.objects.filter(sender_name="Kid")[::3]:
        created = letter.received + dt.timedelta(minutes=rng.randint(5, 150))
        replies.append(
            Reply(letter=letter, persona=persona, author=elf, to_email=letter.sender_email, subject="A letter",
                  body="Thank you!", created=created, status="sent", message_id=f"<night-{letter.pk}@north.example>")
        )  # fmt: skip
    Reply.objects.bulk_create(replies)


def test_the_nights_mail_and_the_export_pass_axe_at_desktop_and_phone_sizes(browser, site, elf, tmp_path):
    call_command("add_elf", elf.get_username(), "--persona", "PamElfa", stdout=io.StringIO())
    a_night_of_mail(elf)
    folder = Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path)
    axe = Axe()
    reports = {}
    for name, width, height in VIEWPORTS:
        context = browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=name == "phone", accept_downloads=True
        )
        page = context.new_page()
        log_in(page, site, "pepper", "not-a-real-password")
        page.get_by_role("link", name="The night's mail").click()
        page.get_by_label("Night of").fill("2026-12-24")
        page.get_by_role("button", name="Show").click()
        page.get_by_role("heading", name="Letters per hour by language").wait_for()
        assert page.locator("svg.hour-chart").count() == 3
        reports[f"statistics-{name}"] = axe.run(page)
        page.screenshot(path=folder / f"admin-statistics-{name}.png", full_page=True)

        page.get_by_role("link", name="Download these letters (CSV)").wait_for()
        page.goto(f"{site}/admin/letters/letter/export/")
        page.get_by_label("Replies").check()
        page.get_by_label("From").fill("2026-12-24")
        page.get_by_label("To (included)").fill("2026-12-25")
        reports[f"export-{name}"] = axe.run(page)
        page.screenshot(path=folder / f"admin-export-{name}.png", full_page=True)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download CSV").click()
        csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert csv_text.startswith("reply,letter,created,status,sent_at,persona,author,")
        assert csv_text.count("\n") == Reply.objects.count() + 1
        context.close()

    for where, report in reports.items():
        assert report.violations_count == 0, f"{where}: {report.generate_report()}"


def test_the_childs_name_is_asked_only_when_a_grown_up_writes(page, site):
    page.goto(f"{site}/en/letters/write/")
    child_name = page.locator(".field-child")

    assert child_name.is_hidden()
    age = page.locator("label[for='id_age']")
    assert age.inner_text() == "How old are you? (optional)"
    page.locator("input[name='writer'][value='grown_up']").check()
    assert child_name.is_visible()
    assert age.inner_text() == "How old is the child? (optional)"  # a grown-up's own age would read as the child's
    page.locator("input[name='writer'][value='child']").check()
    assert child_name.is_hidden()
    assert age.inner_text() == "How old are you? (optional)"

    page.goto(f"{site}/de/letters/write/")
    page.locator("input[name='writer'][value='grown_up']").check()
    assert page.locator("label[for='id_age']").inner_text() == "Wie alt ist das Kind? (freiwillig)"
