"""Quarantine: an email that cannot be taken is kept unread, the batch goes on, elves retry or delete it."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from letters.intake import ingest_message, quarantine
from letters.models import Letter, MailboxState, QuarantinedMessage
from tests.letters.hostile_mail import many_headers, nested_multipart, plain_letter

pytestmark = pytest.mark.django_db

QUARANTINE = "/admin/letters/quarantinedmessage/"


@pytest.fixture
def elf_client(client, elf):
    """The browser of an elf who is logged in."""
    client.force_login(elf)
    return client


def test_an_elf_sees_the_quarantine_with_the_reason_and_the_bytes(elf_client):
    entry = ingest_message(nested_multipart(3000), origin="letters.mbox:7").quarantined

    listing = elf_client.get(QUARANTINE)
    detail = elf_client.get(f"{QUARANTINE}{entry.pk}/change/")

    assert listing.status_code == 200
    assert "letters.mbox:7" in listing.text
    assert "more than 20 levels deep" in listing.text
    assert detail.status_code == 200
    assert "Content-Type: multipart/mixed; boundary=b2999" in detail.text


@override_settings(LETTERS_MAX_EMAIL_HEADERS=50)
def test_retry_after_raising_the_limit_takes_the_letter_and_empties_the_quarantine(elf_client, settings):
    entry = ingest_message(many_headers(60)).quarantined
    settings.LETTERS_MAX_EMAIL_HEADERS = 200

    response = elf_client.post(QUARANTINE, {"action": "retry_selected", "_selected_action": [entry.pk]}, follow=True)

    letter = Letter.objects.get()
    assert f"now letter {letter.pk}, from kid@example.org" in response.text
    assert letter.text == "hello"
    assert QuarantinedMessage.objects.count() == 0


def test_a_retry_that_fails_again_keeps_the_entry_with_a_count(elf_client):
    entry = ingest_message(nested_multipart(3000)).quarantined

    response = elf_client.post(QUARANTINE, {"action": "retry_selected", "_selected_action": [entry.pk]}, follow=True)

    assert "still quarantined" in response.text
    assert QuarantinedMessage.objects.get().attempts == 2
    assert Letter.objects.count() == 0


def test_an_elf_may_delete_a_quarantined_email(elf_client):
    entry = ingest_message(nested_multipart(3000)).quarantined

    response = elf_client.post(f"{QUARANTINE}{entry.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert QuarantinedMessage.objects.count() == 0


def test_nobody_edits_or_adds_a_quarantined_email(elf_client, admin_client):
    entry = quarantine(b"From: x@example.org\r\n\r\nx", "test reason")

    for client in (elf_client, admin_client):
        assert client.get(f"{QUARANTINE}add/").status_code == 403
        page = client.get(f"{QUARANTINE}{entry.pk}/change/")
        assert 'name="reason"' not in page.text


def test_an_organiser_cannot_see_the_quarantine(client, organiser):
    client.force_login(organiser)

    assert client.get(QUARANTINE).status_code == 403


def test_any_error_while_reading_quarantines_the_message_with_its_reason(monkeypatch):
    import email.message

    # A failure in the standard library that no check foresaw: the message is kept, nothing is raised.
    def broken(*args, **kwargs):
        raise LookupError("a codec the parser could not find")

    monkeypatch.setattr(email.message.EmailMessage, "get_body", broken)

    intake = ingest_message(plain_letter("<unlucky@example.org>"))

    assert intake.outcome == "quarantined"
    assert "LookupError: a codec the parser could not find" in intake.quarantined.reason
    assert Letter.objects.count() == 0


def test_purge_removes_old_quarantined_emails_and_old_originals_with_their_letters(settings):
    import datetime as dt

    from django.utils import timezone

    from letters.models import OriginalEmail
    from letters.retention import purge_letters

    old = timezone.now() - dt.timedelta(days=100)
    letter = ingest_message(plain_letter("<old@example.org>")).letter
    Letter.objects.filter(pk=letter.pk).update(received=old)
    ingest_message(plain_letter("<new@example.org>"))
    QuarantinedMessage.objects.filter(pk=ingest_message(nested_multipart(3000)).quarantined.pk).update(received=old)
    ingest_message(nested_multipart(2999))

    report = purge_letters(90)

    assert (report.letters, report.quarantined) == (1, 1)
    assert list(Letter.objects.values_list("message_id", flat=True)) == ["<new@example.org>"]
    assert list(OriginalEmail.objects.values_list("letter__message_id", flat=True)) == ["<new@example.org>"]
    assert QuarantinedMessage.objects.count() == 1


def test_imap_good_poison_good_stores_both_quarantines_one_and_a_rerun_takes_nothing_twice(
    imap_settings, dovecot, capsys
):
    dovecot.deliver(plain_letter("<good-1@example.org>"), nested_multipart(3000), plain_letter("<good-2@example.org>"))

    with pytest.raises(CommandError, match=r"1 message quarantined"):
        call_command("fetch_letters")
    call_command("fetch_letters")

    output = capsys.readouterr()
    first, second = output.out.splitlines()
    assert first.endswith("created 2, duplicates 0, automatic 0, refused 0, quarantined 1.")
    assert second.endswith("created 0, duplicates 0, automatic 0, refused 0, quarantined 0.")
    assert "UID 2: quarantined as #" in output.err
    assert sorted(Letter.objects.values_list("message_id", flat=True)) == [
        "<good-1@example.org>",
        "<good-2@example.org>",
    ]
    entry = QuarantinedMessage.objects.get()
    assert entry.origin.startswith(f"imaps://elfmail@127.0.0.1:{dovecot.port}/INBOX UID 2 ")
    assert entry.attempts == 1
    assert MailboxState.objects.get().last_uid == 3


def test_a_reason_quoting_the_emails_bytes_is_stored_as_printable_text():
    entry = quarantine(b"x", "Reading it failed: 'caf\udce9\x00'", origin="odd/\udcff.mbox")

    entry.refresh_from_db()
    assert entry.reason == "Reading it failed: 'caf\\udce9'"
    assert entry.origin == "odd/\\udcff.mbox"
