"""The mailroom in Chromium: an elf answers a letter from login to the delivered email.

The public letter pages, in each language and on each screen, are in test_languages.py.
"""

from collections.abc import Iterator

import pytest

from letters.intake import ingest_message
from letters.models import ElfPersona, Reply, ReplyTemplate
from tests.letters.conftest import emailed_letter_bytes, restore_elves_group, run_worker
from tests.letters.mail_servers import SmtpServer

# The server thread and the worker commit for real.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _elves_group(transactional_db: None) -> None:
    """The Elves group, whatever transactional test ran before (see restore_elves_group)."""
    restore_elves_group()


@pytest.fixture(autouse=True)
def _plain_static_files(plain_static_files):
    """Pages here render without collectstatic."""


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


def test_an_elf_answers_a_letter_in_the_admin_from_login_to_the_delivered_email(page, live_server, elf, smtp):
    persona = ElfPersona.objects.create(name="PamElfa", signature="Love from PamElfa\nThe North Pole")
    persona.signers.add(elf)
    ReplyTemplate.objects.create(
        name="Wrong country apology", body="Dear {name},\n\nYou were right: Toronto is in Canada, not the US."
    )
    ingest_message(emailed_letter_bytes())

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("pepper")
    page.get_by_label("Password").fill("not-a-real-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Letters", exact=True).click()
    page.locator("#result_list tbody").get_by_role("link").first.click()

    page.get_by_text("Your map says Toronto is in the US.").wait_for()
    page.get_by_role("button", name="Claim").click()
    page.get_by_text("You claimed this letter").first.wait_for()
    page.get_by_label("Template").select_option(label="Wrong country apology")
    page.get_by_role("button", name="Use template").click()
    reply_box = page.get_by_label("Reply:", exact=True)
    assert reply_box.input_value().startswith("Dear Mia Tremblay,")
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
