"""No mail loops: Santa's replies say what they are, and Santa's own mail coming back is never a letter."""

import pytest
from django.core import mail

from letters.intake import ingest_message
from letters.models import Letter, QuarantinedMessage, Reply
from letters.replies import reply_as, reply_from_template
from letters.sending import deliver_reply
from tests.letters.hostile_mail import case

pytestmark = pytest.mark.django_db

LETTER = "To: santa@northpole.example\r\nSubject: Hi\r\nMessage-ID: <{id}@example.org>\r\n\r\nDear Santa, a kite.\r\n"


def test_a_reply_from_a_template_is_marked_auto_replied_and_ours(emailed_letter, elf, pamelfa, apology):
    [reply] = reply_from_template([emailed_letter], apology, pamelfa, author=elf).replies

    assert deliver_reply(reply.pk) == Reply.Status.SENT

    headers = mail.outbox[0].message()
    assert headers["Auto-Submitted"] == "auto-replied"
    assert headers["X-Santa-Tracker"] == "reply"


def test_a_reply_an_elf_wrote_is_marked_ours_but_not_automatic(emailed_letter, elf, pamelfa):
    deliver_reply(reply_as(pamelfa, emailed_letter, "Canada it is, Mia!", author=elf).pk)

    headers = mail.outbox[0].message()
    assert headers["Auto-Submitted"] is None
    assert headers["X-Santa-Tracker"] == "reply"


def test_a_bulk_reply_that_comes_back_through_a_real_mail_server_is_never_answered(smtp_mailer, elf, pamelfa, apology):
    smtp_mailer.start()
    letters = [ingest_message(f"From: kid{n}@example.org\r\n{LETTER.format(id=n)}".encode()).letter for n in range(3)]
    for reply in reply_from_template(letters, apology, pamelfa, author=elf).replies:
        assert deliver_reply(reply.pk) == Reply.Status.SENT
    assert len(smtp_mailer.received) == 3

    # Each reply is delivered back to Santa (a child's mail program forwards everything, say).
    intakes = [ingest_message(bytes(received)) for received in smtp_mailer.received]

    assert [intake.outcome for intake in intakes] == ["automatic"] * 3
    assert all("a reply Santa sent, come back" in intake.reason for intake in intakes)
    assert Letter.objects.count() == 3
    assert reply_from_template(Letter.objects.all(), apology, pamelfa, author=elf).replies == []


def test_our_marker_is_recognised_even_when_a_forwarder_rewrote_the_sender():
    raw = b"From: Forwarder <fwd@lists.example.net>\r\nX-Santa-Tracker: reply\r\n" + LETTER.format(id="fwd").encode()

    intake = ingest_message(raw)

    assert intake.outcome == "automatic"
    assert "X-Santa-Tracker" in intake.reason


@pytest.mark.parametrize(
    ("headers", "named"),
    [
        ("From: Santa <letters@northpole.example>\r\n", "From: letters@northpole.example"),
        ("From: LETTERS@NorthPole.example\r\n", "From: letters@northpole.example"),
        ("From: kid@example.org\r\nReply-To: letters@northpole.example\r\n", "Reply-To: letters@northpole.example"),
        ("From: kid@example.org\r\nSender: elf-alias@northpole.example\r\n", "Sender: elf-alias@northpole.example"),
        ("From: PamElfa <pamelfa@northpole.example>\r\n", "From: pamelfa@northpole.example"),
        ("From: Root <root@northpole.example>\r\n", "From: root@northpole.example"),
    ],
)
def test_mail_from_any_of_santas_own_addresses_is_never_a_letter(settings, headers, named):
    settings.LETTERS_OWN_ADDRESSES = ["elf-alias@northpole.example", "PamElfa@northpole.example"]
    settings.SERVER_EMAIL = "root@northpole.example"

    intake = ingest_message(f"{headers}{LETTER.format(id='own')}".encode())

    assert intake.outcome == "automatic"
    assert f"Santa's own mail ({named}" in intake.reason
    assert Letter.objects.count() == 0
    assert QuarantinedMessage.objects.count() == 0


def test_h04_is_ours_under_default_from_email_too(settings):
    settings.DEFAULT_FROM_EMAIL = "Santa Claus <santa@example.org>"

    intake = ingest_message(case("h04-santas-reply-comes-back.eml"))

    assert intake.outcome == "automatic"
    assert "From: santa@example.org" in intake.reason
