"""Headers that came in with a letter never break the reply that goes out: one line, bounded, well formed."""

import pytest
from django.core import mail

from letters.intake import ingest_message
from letters.models import Letter, Reply
from letters.replies import reply_as, reply_subject
from letters.sending import deliver_reply
from tests.letters.hostile_mail import HEAD, case

pytestmark = pytest.mark.django_db


def test_a_reply_to_a_subject_with_an_encoded_crlf_is_sent_with_one_line(elf, pamelfa):
    letter = ingest_message(case("subject-encoded-crlf.eml")).letter
    reply = reply_as(pamelfa, letter, "A sled it is!", author=elf)

    assert deliver_reply(reply.pk) == Reply.Status.SENT

    [sent] = mail.outbox
    assert sent.subject == "Re: Hi Bcc: someone@example.com"
    assert sent.recipients() == ["kid@example.org"]
    assert "Bcc" not in sent.message()
    assert sent.extra_headers["In-Reply-To"] == "<m02@example.org>"


def test_the_same_reply_through_a_real_smtp_server_reaches_only_the_child(smtp_mailer, elf, pamelfa):
    smtp_mailer.start()
    letter = ingest_message(case("subject-encoded-crlf.eml")).letter
    reply = reply_as(pamelfa, letter, "A sled it is!", author=elf)

    assert deliver_reply(reply.pk) == Reply.Status.SENT

    [envelope] = smtp_mailer.mailroom.envelopes
    assert envelope.rcpt_tos == ["kid@example.org"]
    [received] = smtp_mailer.received
    assert received["Subject"] == "Re: Hi Bcc: someone@example.com"
    assert received["Bcc"] is None


def test_a_long_references_chain_is_bounded_to_the_first_and_latest_ids(elf, pamelfa):
    ids = [f"<thread-{n}@mail.example.net>" for n in range(600)]
    raw = f"{HEAD}Subject: Re: list\r\nMessage-ID: <latest@mail.example.net>\r\nReferences: {' '.join(ids)}\r\n"
    letter = ingest_message(f"{raw}\r\nOne more thing, Santa!\r\n".encode()).letter

    deliver_reply(reply_as(pamelfa, letter, "Noted!", author=elf).pk)

    assert letter.references.split() == [ids[0], *ids[-19:]]
    references = mail.outbox[0].extra_headers["References"].split()
    assert references == [ids[0], *ids[-19:], "<latest@mail.example.net>"]


@pytest.mark.parametrize(
    "header",
    [
        "Message-ID: <" + "x" * 300 + "@example.org>",
        "Message-ID: =?utf-8?q?<a=0D=0ABcc:_x@example.org>?=",
        "Message-ID: not an id at all",
    ],
)
def test_a_malformed_message_id_is_not_reused_and_the_reply_still_goes(elf, pamelfa, header):
    letter = ingest_message(f"{HEAD}Subject: hi\r\n{header}\r\n\r\nDear Santa\r\n".encode()).letter

    deliver_reply(reply_as(pamelfa, letter, "Hello!", author=elf).pk)

    assert letter.message_id == ""
    assert Reply.objects.get().status == Reply.Status.SENT
    assert "In-Reply-To" not in mail.outbox[0].extra_headers


def test_a_subject_stored_with_a_line_break_before_the_fix_still_gets_a_one_line_reply(elf, pamelfa):
    letter = Letter.objects.create(
        source=Letter.Source.EMAIL, sender_email="kid@example.org", subject="Hi\r\nBcc: x@example.com", text="Hi"
    )

    assert reply_subject(letter) == "Re: Hi Bcc: x@example.com"
    deliver_reply(reply_as(pamelfa, letter, "Hello!", author=elf).pk)
    assert mail.outbox[0].subject == "Re: Hi Bcc: x@example.com"
