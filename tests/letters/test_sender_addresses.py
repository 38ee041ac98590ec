"""The address a reply goes to cannot be bent: one address, parsed strictly, checked again when the reply is sent."""

import pytest
from django.core import mail

from letters.claims import LetterRefused
from letters.intake import ingest_message
from letters.models import Letter, QuarantinedMessage, Reply
from letters.replies import reply_as
from letters.sending import deliver_reply

pytestmark = pytest.mark.django_db

REST = "To: santa@northpole.example\r\nSubject: Hi\r\nMessage-ID: <sender@example.org>\r\n\r\nDear Santa, a kite.\r\n"


def email_from(headers: str) -> bytes:
    """A small letter whose address headers are HEADERS (each ending in CR LF)."""
    return f"{headers}{REST}".encode()


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        # The two attacks: the reply went to victim@evil.example, then to "kid@example.orgBcc".
        (
            "From: =?utf-8?q?Evil=0D=0ABcc:_victim@evil.example?= <kid@example.org>\r\n",
            "hides a line break in an encoded word",
        ),
        ("From: kid@example.org\r\n Bcc: victim@evil.example\r\n", "folded line that reads like another header"),
        ("From: kid@example.org\r\n\tCc: victim@evil.example\r\n", "folded line that reads like another header"),
        ('From: "Kid\r\n Bcc: victim@evil.example" <kid@example.org>\r\n', "reads like another header"),
        ("From: =?utf-8?b?S2lkDQpCY2M6IHZpY3RpbUBldmlsLmV4YW1wbGU=?= <kid@example.org>\r\n", "line break"),
        ("From: =?utf-8?q?Kid=00?= <kid@example.org>\r\n", "is not a valid address"),
        ("From: kid@example.org, victim@evil.example\r\n", "names 2 addresses"),
        ("From: Kids: kid@example.org, victim@evil.example;\r\n", "is a group of addresses"),
        ("From: kid@example.org\r\nFrom: victim@evil.example\r\n", "has 2 From headers"),
        ("From: kid@example.org victim@evil.example\r\n", "is not a valid address"),
        ("From: kid@example.org <victim@evil.example>\r\n", "is not a valid address"),
        ("From: Kid <kid@example.org\r\n", "missing trailing '>'"),
        # The inbox would show one address and the reply go to another.
        ('From: "kid@example.org" <victim@evil.example>\r\n', "holds another address (kid@example.org)"),
        ("From: =?utf-8?q?victim=40evil.example?= <kid@example.org>\r\n", "another address (victim@evil.example)"),
        ("From: Kid <kid@[127.0.0.1]>\r\n", "what a plain address never does"),
        ("From: =?utf-8?q?victim=40evil.example?=\r\n", "is not a valid address"),
        # Old scripts encode the whole header, address too: an encoded word is only ever a name (RFC 2047 s. 5).
        ("From: =?utf-8?b?S2lkIDxraWRAZXhhbXBsZS5vcmc+?=\r\n", "is not a valid address"),
        ("From: not an address\r\n", "is not a valid address"),
        ('From: Kid <"kid victim"@example.org>\r\n', "holds a space"),
        ("From: kid@\r\n", "is not a valid address"),
        ("From: kid@example.org\r\nReply-To: a@example.org, victim@evil.example\r\n", "Reply-To header"),
        (
            "From: kid@example.org\r\nReply-To: =?utf-8?q?Mum=0ABcc:_v@evil.example?= <mum@example.org>\r\n",
            "The Reply-To header",
        ),
    ],
)
def test_an_address_header_that_could_be_read_two_ways_is_quarantined_with_its_reason(headers, reason):
    raw = email_from(headers)

    intake = ingest_message(raw)

    assert intake.outcome == "quarantined"
    assert reason in intake.reason
    assert Letter.objects.count() == 0
    assert bytes(QuarantinedMessage.objects.get().raw) == raw


@pytest.mark.parametrize(
    ("headers", "name", "address"),
    [
        ("From: Mia Tremblay <mia@example.net>\r\n", "Mia Tremblay", "mia@example.net"),
        # Long names are folded by mail programs: a fold inside the name is one space.
        (
            'From: "Mia Tremblay, for her brother\r\n Leo" <mia@example.net>\r\n',
            "Mia Tremblay, for her brother Leo",
            "mia@example.net",
        ),
        ("From: J. Smith <j.smith@example.net>\r\n", "J. Smith", "j.smith@example.net"),
        ("From: =?iso-8859-1?q?Jos=E9?= <jose@example.es>\r\n", "José", "jose@example.es"),
        ("From: =?us-ascii?q?Jos=C3=A9?= <jose@example.es>\r\n", "José", "jose@example.es"),
        ("From: José Müller <jose@example.es>\r\n", "José Müller", "jose@example.es"),
        ("From: Zoë <zoe@bücher.example>\r\n", "Zoë", "zoe@bücher.example"),
        ('From: "Kid@Example.org" <kid@example.org>\r\n', "Kid@Example.org", "kid@example.org"),
        ("From: kid@example.org (Kid)\r\n", "", "kid@example.org"),
        ("From: Dad <dad@example.org>\r\nReply-To: <mum@example.org>\r\n", "Dad", "mum@example.org"),
        ("From: Dad <dad@example.org>\r\nReply-To: Mum <mum@example.org>\r\n", "Mum", "mum@example.org"),
    ],
)
def test_one_valid_address_is_taken_with_its_name(headers, name, address):
    letter = ingest_message(email_from(headers)).letter

    assert (letter.sender_name, letter.sender_email) == (name, address)


def test_raw_utf8_in_a_from_header_is_read_as_rfc_6532_allows():
    raw = "From: Zoë <zoe@example.fr>\r\n".encode() + REST.encode()

    letter = ingest_message(raw).letter

    assert (letter.sender_name, letter.sender_email) == ("Zoë", "zoe@example.fr")


@pytest.mark.parametrize(
    "stored",
    [
        "victim@evil.example, kid@example.org",
        "kid@example.org\r\nBcc: victim@evil.example",
        "Kid <kid@example.org>",
        "kid@example.org victim@evil.example",
    ],
)
def test_a_reply_to_an_address_stored_bent_before_the_fix_is_never_sent(elf, pamelfa, stored):
    letter = Letter.objects.create(source=Letter.Source.EMAIL, sender_email=stored, subject="Hi", text="Dear Santa")
    with pytest.raises(LetterRefused, match="This letter cannot be answered"):
        reply_as(pamelfa, letter, "Hello!", author=elf)
    # A reply stored before the check (or written around it) fails when it would be sent.
    reply = Reply.objects.create(
        letter=letter, persona=pamelfa, author=elf, to_email=stored, subject="Re: Hi", body="Hello!", message_id="<r@x>"
    )

    assert deliver_reply(reply.pk) == Reply.Status.FAILED

    assert mail.outbox == []
    reply.refresh_from_db()
    assert "ValueError" in reply.last_error
    assert reply.attempts == 1


def test_a_reply_to_santas_own_address_is_never_sent(settings, elf, pamelfa):
    letter = Letter.objects.create(
        source=Letter.Source.WEB, sender_email="Letters@Northpole.example", subject="", text="Dear Santa"
    )

    with pytest.raises(LetterRefused, match="Santa's own address"):
        reply_as(pamelfa, letter, "Hello!", author=elf)
    assert mail.outbox == []
