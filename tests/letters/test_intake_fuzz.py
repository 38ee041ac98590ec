"""Fuzzing the email intake: generated MIME trees, charsets and header shapes, and the pathological cases.

Whatever arrives, ingest_message answers: stored, a duplicate, a machine's mail, refused or quarantined,
never a traceback, and never a stored letter with control characters or a replacement character that
the message did not have.
"""

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from letters.intake import ingest_message
from letters.mail_text import CONTROL_CHARACTERS
from letters.models import Letter, OriginalEmail, QuarantinedMessage
from tests.letters.hostile_mail import case, encoded_word_subject, many_headers, nested_multipart

pytestmark = pytest.mark.django_db

OUTCOMES = {"created", "duplicate", "automatic", "refused", "quarantined"}
CHARSETS = [
    "utf-8", "us-ascii", "iso-8859-1", "windows-1252", "koi8-r", "shift_jis", "utf-16", "gb2312", "x-unknown",
    "", "utf-8'en'", "\"broken", "iso-2022-jp",
]  # fmt: skip
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60)


@st.composite
def encoded_word(draw: st.DrawFn) -> str:
    """An RFC 2047 encoded word, well formed or not, in any charset."""
    charset = draw(st.sampled_from(CHARSETS))
    data = draw(st.one_of(WORDS.map(lambda text: text.encode("utf-8")), st.binary(max_size=30)))
    if draw(st.booleans()):
        import base64

        return f"=?{charset}?b?{base64.b64encode(data).decode()}?="
    quoted = "".join(f"={byte:02X}" if byte > 126 or byte < 33 or byte in b"=?_" else chr(byte) for byte in data)
    return f"=?{charset}?q?{quoted}?="


header_value = st.lists(st.one_of(WORDS, encoded_word(), st.binary(max_size=20).map(lambda b: b.decode("latin-1"))))


@st.composite
def header_block(draw: st.DrawFn) -> bytes:
    """From, Subject, Message-ID and other headers in the shapes mail takes: encoded, folded, raw 8-bit, odd."""
    lines = []
    # Mostly people, sometimes no sender, a bad one or a mail server.
    sender = draw(
        st.one_of(
            st.sampled_from(["kid@example.org", "Kid <kid@example.org>", "=?utf-8?q?K=C3=ADd?= <k@example.org>"]),
            st.sampled_from(["Élodie <elodie@example.fr>", "=?koi8-r?b?7MXO?= <lena@example.ru>"]),
            st.sampled_from(["not an address", "", "MAILER-DAEMON@mx.example.org", "<>"]),
        )
    )
    if sender:
        lines.append(f"From: {sender}")
    lines.append("Subject: " + " ".join(draw(header_value)))
    lines.append("Message-ID: " + draw(st.sampled_from(["<fuzz@example.org>", "", "<a b>", "<" + "x" * 300 + ">"])))
    for name in draw(st.lists(st.sampled_from(["References", "Reply-To", "Content-Language", "Auto-Submitted",
                                               "Return-Path", "X-Weird", "Date"]), max_size=4)):  # fmt: skip
        value = " ".join(draw(header_value))
        folded = "\r\n\t".join(value[i : i + 70] for i in range(0, len(value), 70)) if draw(st.booleans()) else value
        lines.append(f"{name}: {folded}")
    return "\r\n".join(lines).encode("utf-8", "surrogateescape").replace(b"\n\r\n", b"\n") + b"\r\n"


def leaf() -> st.SearchStrategy[bytes]:
    """One MIME leaf: any type, charset and transfer encoding, body bytes that may or may not fit them."""
    return st.builds(
        lambda kind, charset, encoding, body, name: (
            (
                f"Content-Type: {kind}; charset={charset}\r\n"
                + (f'Content-Disposition: attachment; filename="{name}"\r\n' if name else "")
                + (f"Content-Transfer-Encoding: {encoding}\r\n" if encoding else "")
                + "\r\n"
            ).encode("utf-8")
            + body
        ),
        # Mostly text, as letters are.
        st.sampled_from(["text/plain"] * 4 + ["text/html"] * 2 + ["image/png", "application/pdf", "text/x-weird"]),
        st.sampled_from(CHARSETS),
        st.sampled_from(["", "8bit", "base64", "quoted-printable", "x-uuencode", "7bit"]),
        st.one_of(
            st.just("Dear Santa, a kite please. Lé 🎄".encode()),
            WORDS.map(lambda text: text.encode("utf-8")),
            WORDS.map(lambda text: text.encode("cp1252", "ignore")),
            st.binary(max_size=80),
            st.just(b"<p>Dear Santa</p><br>&amp; a kite"),
        ),
        st.sampled_from(["", "drawing.png", "=?utf-8?q?d=C3=A9ssin?=.png", "\x00evil"]),
    )


def mime_tree() -> st.SearchStrategy[bytes]:
    """Nested multiparts (mixed, alternative, report) and forwarded messages around leaves."""

    def multipart(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
        return st.builds(
            lambda subtype, parts, boundary, closed: (
                f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()
                + b"".join(f"--{boundary}\r\n".encode() + part + b"\r\n" for part in parts)
                + (f"--{boundary}--\r\n".encode() if closed else b"")
            ),
            st.sampled_from(["mixed", "alternative", "related", "report", "digest"]),
            st.lists(children, max_size=4),
            st.sampled_from(["B1", "b-2", "=_x", "a b"]),
            st.booleans(),
        )

    def forwarded(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
        return st.builds(
            lambda headers, inner: b"Content-Type: message/rfc822\r\n\r\n" + headers + inner,
            header_block(),
            children,
        )

    return st.recursive(leaf(), lambda children: st.one_of(multipart(children), forwarded(children)), max_leaves=8)


def check(raw: bytes) -> None:
    """The property: an answer for every message, and nothing unreadable stored."""
    intake = ingest_message(raw)
    assert intake.outcome in OUTCOMES
    if currently_in_test_context():
        event(intake.outcome)  # pytest --hypothesis-show-statistics shows how often each answer came
    # The reason is printed by the commands and shown in the admin: readable text, no controls.
    intake.reason.encode("utf-8")
    assert not CONTROL_CHARACTERS.search(intake.reason.replace("\n", " ")), ascii(intake.reason)
    if intake.outcome in ("created", "duplicate"):
        letter = Letter.objects.get(pk=intake.letter.pk)
        for value in (letter.text, letter.subject, letter.sender_name, letter.message_id, letter.references):
            assert not CONTROL_CHARACTERS.search(value), value
            assert "\r" not in value
        assert "\n" not in letter.subject + letter.message_id + letter.references
        assert OriginalEmail.objects.filter(letter=letter).exists()
    if intake.outcome == "quarantined":
        assert QuarantinedMessage.objects.filter(pk=intake.quarantined.pk).exists()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=header_block(), body=mime_tree())
def test_any_generated_email_is_stored_refused_or_quarantined_never_a_traceback(headers, body):
    check(headers + body)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=2000))
def test_any_bytes_at_all_get_an_answer(raw):
    check(raw)


@pytest.mark.parametrize(
    "raw",
    [
        encoded_word_subject(20_000),
        encoded_word_subject(101),
        nested_multipart(3000),
        nested_multipart(21),
        many_headers(5000),
        case("nul-in-body.eml"),
        b"From: kid@example.org\r\nSubject: =?utf-8?q?=FF=FE?= =?x-nope?b?////?=\r\n\r\n\xff\xfe\x00\x85\r\n",
        b"From: kid@example.org\r\nContent-Type: text/plain; charset=utf-16\r\n\r\n\xff\xfeD\x00e\x00a\x00r\x00",
    ],
    ids=[
        "20000-encoded-words",
        "101-encoded-words",
        "3000-deep",
        "21-deep",
        "5000-headers",
        "nul",
        "bad-words",
        "utf-16",
    ],
)
def test_the_pathological_ones_get_an_answer_too(raw):
    check(raw)
