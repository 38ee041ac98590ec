"""fetch_letters against Debian's Dovecot on loopback over TLS: each message once, nothing lost on a drop."""

from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command

from letters.imap import fetch_new_letters, mailbox_from_settings
from letters.models import Letter, MailboxState
from tests.letters.conftest import emailed_letter_bytes
from tests.letters.mail_servers import CuttingProxy

pytestmark = pytest.mark.django_db


def letter(number: int, padding: int = 0) -> bytes:
    """Emailed letter NUMBER, optionally padded to a given body size."""
    raw = emailed_letter_bytes(
        f"<imap-{number}@mail.example.net>", sender=f"Child {number} <child{number}@example.net>"
    )
    return raw + (b"x" * 76 + b"\r\n") * (padding // 78)


def test_new_messages_become_letters_once_and_a_rerun_takes_nothing_twice(imap_settings, dovecot, capsys):
    dovecot.deliver(letter(1), letter(2))

    call_command("fetch_letters")
    call_command("fetch_letters")
    dovecot.deliver(letter(3))
    call_command("fetch_letters")

    output = capsys.readouterr().out.splitlines()
    assert output[0].endswith("created 2, duplicates 0, automatic 0, refused 0, quarantined 0.")
    assert output[1].endswith("created 0, duplicates 0, automatic 0, refused 0, quarantined 0.")
    assert output[2].endswith("created 1, duplicates 0, automatic 0, refused 0, quarantined 0.")
    assert sorted(Letter.objects.values_list("message_id", flat=True)) == [
        "<imap-1@mail.example.net>",
        "<imap-2@mail.example.net>",
        "<imap-3@mail.example.net>",
    ]
    state = MailboxState.objects.get()
    assert state.mailbox == f"imaps://elfmail@127.0.0.1:{dovecot.port}/INBOX"
    assert state.last_uid == 3
    assert state.uidvalidity > 0


def test_a_dropped_connection_loses_nothing_and_the_next_round_takes_the_rest(imap_settings, dovecot):
    dovecot.deliver(letter(1, padding=30_000), letter(2, padding=30_000), letter(3, padding=30_000))
    proxy = CuttingProxy(dovecot.port)
    imap_settings.LETTERS_IMAP_URL = f"imaps://127.0.0.1:{proxy.port}/INBOX"
    # The TLS handshake, login, sizes and the first message pass; the line drops inside the second.
    proxy.cut_after = 45_000
    try:
        with pytest.raises(CommandError, match=r"fetching stopped.*Nothing taken so far is lost"):
            call_command("fetch_letters")
        assert proxy.cuts == 1
        assert list(Letter.objects.values_list("message_id", flat=True)) == ["<imap-1@mail.example.net>"]
        assert MailboxState.objects.get().last_uid == 1

        proxy.cut_after = None
        call_command("fetch_letters")
    finally:
        proxy.close()

    assert sorted(Letter.objects.values_list("message_id", flat=True)) == [
        "<imap-1@mail.example.net>",
        "<imap-2@mail.example.net>",
        "<imap-3@mail.example.net>",
    ]
    assert all(len(text) > 25_000 for text in Letter.objects.values_list("text", flat=True))


def test_a_new_uidvalidity_reads_the_mailbox_again_without_storing_duplicates(imap_settings, dovecot):
    dovecot.deliver(letter(1), letter(2))
    mailbox = mailbox_from_settings()
    fetch_new_letters(mailbox)
    # The server's mailbox was rebuilt: the UIDs we remember belong to another UIDVALIDITY.
    MailboxState.objects.update(uidvalidity=12345, last_uid=99)
    dovecot.deliver(letter(3))

    report = fetch_new_letters(mailbox)

    assert (report.created, report.duplicates, report.started_over) == (1, 2, True)
    assert Letter.objects.count() == 3


def test_an_oversized_message_on_the_server_is_refused_and_skipped_not_fetched(imap_settings, dovecot):
    imap_settings.LETTERS_MAX_EMAIL_BYTES = 20_000
    dovecot.deliver(letter(1, padding=30_000), letter(2))

    report = fetch_new_letters(mailbox_from_settings())

    assert report.created == 1
    [refusal] = report.refused
    assert refusal.startswith("UID 1: ") and refusal.endswith("bytes is over LETTERS_MAX_EMAIL_BYTES; not stored.")
    assert list(Letter.objects.values_list("message_id", flat=True)) == ["<imap-2@mail.example.net>"]
    assert MailboxState.objects.get().last_uid == 2


class StopPolling(Exception):
    """Ends the otherwise endless --every loop in a test."""


def test_every_keeps_polling_and_survives_a_failed_round(imap_settings, dovecot, monkeypatch, capsys):
    from lib import every

    dovecot.deliver(letter(1))
    proxy = CuttingProxy(dovecot.port)
    imap_settings.LETTERS_IMAP_URL = f"imaps://127.0.0.1:{proxy.port}/INBOX"
    waits = []

    def between_rounds(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 1:  # the line drops at once in the next round
            proxy.cut_after = 0
        elif len(waits) == 2:  # then it is back, and a new letter has come
            proxy.cut_after = None
            dovecot.deliver(letter(2))
        else:
            raise StopPolling

    monkeypatch.setattr(every, "sleep", between_rounds)
    try:
        with pytest.raises(StopPolling):
            call_command("fetch_letters", "--every", "60")
    finally:
        proxy.close()

    output = capsys.readouterr()
    assert waits == [60.0, 60.0, 60.0]
    assert output.err.count("fetching stopped") == 1
    assert [line.rsplit(": ", 1)[1] for line in output.out.splitlines()] == [
        "created 1, duplicates 0, automatic 0, refused 0, quarantined 0.",
        "created 1, duplicates 0, automatic 0, refused 0, quarantined 0.",
    ]
    assert Letter.objects.count() == 2


def test_a_wrong_password_is_a_clear_command_error(imap_settings):
    imap_settings.LETTERS_IMAP_PASSWORD = "wrong"

    with pytest.raises(CommandError, match="fetching stopped"):
        call_command("fetch_letters")
    assert Letter.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Set LETTERS_IMAP_URL"),
        ("https://mail.example.org/", "must look like imaps://"),
        ("imap://mail.example.org/INBOX", "plain imap:// sends the password unencrypted"),
    ],
)
def test_a_missing_or_unsafe_mailbox_url_is_refused_before_connecting(settings, url, message):
    settings.LETTERS_IMAP_URL = url
    settings.LETTERS_IMAP_USER = "elves"
    settings.LETTERS_IMAP_PASSWORD = "secret"

    with pytest.raises(CommandError, match=message):
        call_command("fetch_letters")


@pytest.mark.parametrize(
    "folder", ["Lettres au Père Noël", "Письма Деду Морозу", "サンタへの手紙", 'Santa "Desk" \\ 2026']
)
def test_a_folder_named_in_any_script_or_with_quotes_is_read(imap_settings, dovecot, folder):
    dovecot.deliver(letter(1), letter(2), folder=folder)
    dovecot.deliver(letter(3))  # INBOX holds another letter, which this mailbox must not take
    imap_settings.LETTERS_IMAP_URL = f"imaps://127.0.0.1:{dovecot.port}/{quote(folder)}"

    call_command("fetch_letters")

    assert sorted(Letter.objects.values_list("message_id", flat=True)) == [
        "<imap-1@mail.example.net>",
        "<imap-2@mail.example.net>",
    ]
    assert MailboxState.objects.get().mailbox == f"imaps://elfmail@127.0.0.1:{dovecot.port}/{folder}"


def test_a_folder_that_does_not_exist_is_a_clear_command_error(imap_settings, dovecot):
    imap_settings.LETTERS_IMAP_URL = f"imaps://127.0.0.1:{dovecot.port}/{quote('Brèves')}"

    with pytest.raises(CommandError, match=r"/Brèves: fetching stopped.*Mailbox doesn't exist"):
        call_command("fetch_letters")


def test_fetching_leaves_every_message_unread_on_the_server(imap_settings, dovecot):
    dovecot.deliver(letter(1))

    call_command("fetch_letters")

    assert Letter.objects.count() == 1
    assert b"\\Seen" not in dovecot.flags("INBOX")[1]
