"""Emailed letters shaped like real mail: any charset, HTML, attachments, duplicates, oversized."""

import importlib
import io
import mailbox
import sys
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from letters.email_letters import letter_from_email
from letters.intake import ingest_message
from letters.models import Letter
from tests.letters.conftest import emailed_letter_bytes

pytestmark = pytest.mark.django_db


def test_multipart_alternative_keeps_the_plain_text_not_the_html():
    message = EmailMessage()
    message["From"] = "Léa Dubois <lea@example.fr>"
    message["Subject"] = "Ma liste"
    message["Message-ID"] = "<alt-1@example.fr>"
    message.set_content("Cher Père Noël,\nun vélo rouge s'il te plaît.\n")
    message.add_alternative("<p>Cher <b>Père Noël</b>,</p><p>un vélo <i>rouge</i></p>", subtype="html")

    intake = ingest_message(bytes(message))

    assert intake.outcome == "created"
    letter = intake.letter
    assert letter.text == "Cher Père Noël,\nun vélo rouge s'il te plaît."
    assert letter.sender_name == "Léa Dubois"
    assert letter.sender_email == "lea@example.fr"
    assert letter.source == Letter.Source.EMAIL
    assert letter.dropped_attachments == ""


def test_quoted_printable_utf8_body_is_decoded_with_its_soft_line_breaks():
    raw = (
        b"From: Jonas <jonas@example.de>\r\n"
        b"Subject: Wunschzettel\r\n"
        b"Message-ID: <qp-1@example.de>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n"
        b"\r\n"
        b"Lieber Weihnachtsmann, ich w=C3=BCnsche mir einen gro=C3=9Fen Schlitten und =\r\n"
        b"viele Pl=C3=A4tzchen =F0=9F=8E=84\r\n"
    )

    letter = ingest_message(raw).letter

    assert letter.text == "Lieber Weihnachtsmann, ich wünsche mir einen großen Schlitten und viele Plätzchen 🎄"


def test_iso_8859_1_body_is_decoded_from_its_charset():
    raw = (
        "From: Inès <ines@example.fr>\r\n"
        "Subject: Lettre\r\n"
        "Message-ID: <latin1-1@example.fr>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=ISO-8859-1\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        "Cher Père Noël, je voudrais un château de glace. Merci beaucoup ! Inès, 6 ans\r\n"
    ).encode("iso-8859-1")

    letter = ingest_message(raw).letter

    assert letter.text == "Cher Père Noël, je voudrais un château de glace. Merci beaucoup ! Inès, 6 ans"
    assert letter.sender_name == "Inès"


def test_encoded_utf8_subject_is_decoded():
    raw = (
        b"From: =?utf-8?q?Bj=C3=B6rn?= <bjorn@example.se>\r\n"
        b"Subject: =?utf-8?b?S8OkcmEgdG9tdGVuIPCfjoU=?=\r\n"
        b"Message-ID: <subject-1@example.se>\r\n"
        b"Content-Type: text/plain; charset=us-ascii\r\n"
        b"\r\n"
        b"Hej tomten!\r\n"
    )

    letter = ingest_message(raw).letter

    assert letter.subject == "Kära tomten 🎅"
    assert letter.sender_name == "Björn"


def test_html_only_message_becomes_readable_text():
    message = MIMEText(
        "<html><head><title>x</title><style>p {color: red}</style></head><body>"
        "<h1>Dear Santa</h1><p>I would like:</p><ul><li>a puppy &amp; a ball</li><li>snow</li></ul>"
        "<script>alert('no')</script><p>Love,<br>Sam</p></body></html>",
        "html",
        "utf-8",
    )
    message["From"] = "sam@example.com"
    message["Subject"] = "Wishes"
    message["Message-ID"] = "<html-1@example.com>"

    letter = ingest_message(message.as_bytes()).letter

    assert letter.text == "Dear Santa\n\nI would like:\n\n- a puppy & a ball\n\n- snow\n\nLove,\nSam"
    assert "<" not in letter.text and "alert" not in letter.text and "color" not in letter.text


def test_an_attachment_is_dropped_and_noted():
    message = EmailMessage()
    message["From"] = "Noah <noah@example.org>"
    message["Subject"] = "My drawing"
    message["Message-ID"] = "<attach-1@example.org>"
    message.set_content("Here is a drawing of your sleigh!")
    message.add_attachment(
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 2040, maintype="image", subtype="png", filename="sleigh.png"
    )

    letter = ingest_message(bytes(message)).letter

    assert letter.text == "Here is a drawing of your sleigh!"
    assert letter.dropped_attachments == "sleigh.png (image/png, 2048 bytes)"
    assert "PNG" not in letter.text


def test_a_message_without_message_id_is_stored_and_recognised_when_fed_again():
    raw = b"From: ava@example.com\r\nSubject: hi Santa\r\n\r\nCan I see a reindeer?\r\n"

    first = ingest_message(raw)
    again = ingest_message(raw)

    assert first.outcome == "created"
    assert first.letter.message_id == ""
    assert again.outcome == "duplicate"
    assert again.letter == first.letter
    assert Letter.objects.count() == 1


def test_the_same_message_id_arriving_twice_is_a_duplicate_even_with_other_headers():
    first = ingest_message(emailed_letter_bytes())
    # The same letter relayed again: a new Received header changes the bytes, not the Message-ID.
    resent = b"Received: from relay.example.net by mx.northpole.example\r\n" + emailed_letter_bytes()

    again = ingest_message(resent)

    assert again.outcome == "duplicate"
    assert again.letter == first.letter
    assert Letter.objects.count() == 1


def test_another_letter_reusing_a_message_id_is_kept_and_marked_a_reused_id():
    first = ingest_message(emailed_letter_bytes("<reused@mail.example.net>"))
    forged = emailed_letter_bytes("<reused@mail.example.net>", sender="Eve <eve@evil.example>")

    second = ingest_message(forged)

    assert (first.outcome, second.outcome) == ("created", "created")
    assert second.letter != first.letter
    assert (first.letter.message_id_reused, second.letter.message_id_reused) == (False, True)
    assert "came before with a different letter" in second.reason
    assert ingest_message(forged).outcome == "duplicate"
    assert Letter.objects.count() == 2


def test_a_letter_stored_before_content_digests_is_still_recognised_as_a_duplicate():
    from django.apps import apps

    migration = importlib.import_module("letters.migrations.0008_message_id_reuse")
    first = ingest_message(emailed_letter_bytes()).letter
    Letter.objects.filter(pk=first.pk).update(content_sha256="")
    migration.fill_content_sha256(apps, None)

    again = ingest_message(b"Received: from relay.example.net\r\n" + emailed_letter_bytes())

    assert again.outcome == "duplicate"
    assert again.letter == first


def test_the_database_holds_one_letter_per_message_id_and_content_whoever_races():
    # Two ingests racing past the duplicate check meet this constraint; the loser reads the winner's letter.
    first = ingest_message(emailed_letter_bytes()).letter
    copy = letter_from_email(b"Received: from relay.example.net\r\n" + emailed_letter_bytes())

    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    copy.sender_email, copy.content_sha256 = "eve@evil.example", "another letter's digest"
    copy.save()

    assert Letter.objects.filter(message_id=first.message_id).count() == 2


def twenty_megabyte_message() -> bytes:
    """A letter with a 20 MB video attached, as a proud parent might send."""
    message = EmailMessage()
    message["From"] = "dad@example.com"
    message["Subject"] = "Video of the school play"
    message["Message-ID"] = "<big-1@example.com>"
    message.set_content("Santa, look at our play!")
    message.add_attachment(b"\x00" * (15 * 1024 * 1024), maintype="video", subtype="mp4", filename="play.mp4")
    raw = bytes(message)
    assert len(raw) > 20 * 1024 * 1024
    return raw


def test_a_20_mb_message_is_refused_and_nothing_is_stored():
    intake = ingest_message(twenty_megabyte_message())

    assert intake.outcome == "refused"
    assert "over 10485760 bytes" in intake.reason
    assert Letter.objects.count() == 0


def test_ingest_email_refuses_a_20_mb_message_on_stdin_with_exit_status_1(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(twenty_megabyte_message())))

    with pytest.raises(SystemExit) as exit_status:
        call_command("ingest_email")

    assert exit_status.value.code == 1
    assert "stdin: refused: The message is over 10485760 bytes" in capsys.readouterr().err
    assert Letter.objects.count() == 0


def test_an_unknown_charset_is_read_as_utf8_rather_than_refused():
    raw = (
        b"From: kid@example.com\r\nMessage-ID: <odd-1@example.com>\r\n"
        b"Content-Type: text/plain; charset=x-northpole\r\n\r\nHo ho ho \xc3\xa9\r\n"
    )

    assert ingest_message(raw).letter.text == "Ho ho ho é"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "The message is empty."),
        (b"just some words, not an email", "not an email message"),
        (b"Subject: no sender\r\n\r\nHello\r\n", "no From address"),
        (b"From: a@example.com\r\nSubject: x\r\n\r\n   \r\n", "no text to read"),
    ],
)
def test_malformed_messages_are_refused_with_a_reason(raw, reason):
    intake = ingest_message(raw)

    assert intake.outcome == "refused"
    assert reason in intake.reason
    assert Letter.objects.count() == 0


def test_ingest_email_reads_one_message_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(emailed_letter_bytes())))

    call_command("ingest_email")

    letter = Letter.objects.get()
    assert letter.subject == "Toronto is in Canada!"
    assert f"stdin: created letter {letter.pk} from mia@example.net" in capsys.readouterr().out


def test_ingest_email_reads_a_maildir_and_an_mbox_and_a_rerun_stores_nothing_twice(tmp_path, capsys):
    maildir = mailbox.Maildir(tmp_path / "Maildir", create=True)
    maildir.add(emailed_letter_bytes("<maildir-1@example.net>"))
    maildir.add(emailed_letter_bytes("<maildir-2@example.net>"))
    mbox = mailbox.mbox(tmp_path / "letters.mbox", create=True)
    mbox.add(emailed_letter_bytes("<mbox-1@example.net>"))
    mbox.add(emailed_letter_bytes("<maildir-1@example.net>"))  # also in the Maildir
    mbox.flush()
    single = tmp_path / "one.eml"
    single.write_bytes(emailed_letter_bytes("<file-1@example.net>"))

    call_command("ingest_email", str(tmp_path / "Maildir"), str(tmp_path / "letters.mbox"), str(single))
    first = capsys.readouterr().out
    call_command("ingest_email", str(tmp_path / "Maildir"), str(tmp_path / "letters.mbox"), str(single))
    second = capsys.readouterr().out

    assert "4 created, 1 duplicates, 0 automatic, 0 refused, 0 quarantined." in first
    assert "0 created, 5 duplicates, 0 automatic, 0 refused, 0 quarantined." in second
    assert set(Letter.objects.values_list("message_id", flat=True)) == {
        "<maildir-1@example.net>",
        "<maildir-2@example.net>",
        "<mbox-1@example.net>",
        "<file-1@example.net>",
    }


def test_nested_multipart_with_plain_text_and_an_attached_letter_scan():
    outer = MIMEMultipart("mixed")
    outer["From"] = "Priya <priya@example.in>"
    outer["Message-ID"] = "<nested-1@example.in>"
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText("Dear Santa, I wrote my letter on paper too.", "plain", "utf-8"))
    alternative.attach(MIMEText("<p>Dear Santa, I wrote my letter on <b>paper</b> too.</p>", "html", "utf-8"))
    outer.attach(alternative)
    scan = MIMEText("%PDF-1.4 ...", "plain")
    scan.replace_header("Content-Type", "application/pdf")
    scan.add_header("Content-Disposition", "attachment", filename="letter.pdf")
    outer.attach(scan)

    letter = ingest_message(outer.as_bytes()).letter

    assert letter.text == "Dear Santa, I wrote my letter on paper too."
    assert letter.dropped_attachments.startswith("letter.pdf (application/pdf, ")


@pytest.mark.parametrize("subtype", ["plain", "html"])
def test_invisible_characters_are_taken_out_of_emailed_letters_as_out_of_the_form(subtype):
    # A right-to-left override makes "Eve\u202egnp.exe" read "Eveexe.png"; zero-width spaces hide in words.
    body = "Dear\u200b Santa, \u202eplease\u202c a \u2066doll\u2069. Love from us \U0001f469\u200d\U0001f467"
    if subtype == "html":
        body = (
            "<p>Dear&#x200b; Santa, &#x202e;please&#x202c; a \u2066doll\u2069. "
            "Love from us &#x1f469;&#x200d;&#x1f467;</p>"
        )
    message = MIMEText(body, subtype, "utf-8")
    message["From"] = formataddr(("Eve\u202egnp.exe", "rlo@example.org"))  # the name encoded, the address not
    message["Subject"] = "\ufeffMy\u200b wishes\u2060"
    message["Message-ID"] = f"<invisible-{subtype}@example.org>"

    letter = ingest_message(message.as_bytes()).letter

    assert letter.sender_name == "Evegnp.exe"
    assert letter.subject == "My wishes"
    assert letter.text == "Dear Santa, please a doll. Love from us \U0001f469\u200d\U0001f467"


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        ("Cher Père Noël", "latin-1"),
        ("Lieber Weihnachtsmann, ich wünsche mir einen Schlitten. Grüße, Jörg", "latin-1"),
        ("Querido Papá Noel: un camión, ¡gracias!", "cp1252"),
        ("Caro Babbo Natale, vorrei un\u2019altra bambola… grazie!", "cp1252"),
        # Other scripts still read right when no charset is named: the detector's reading is cleaner.
        ("Дорогой Дед Мороз, я хочу велосипед.", "koi8-r"),
        ("Дорогой Дед Мороз, я хочу велосипед.", "cp1251"),
        ("サンタさん、じてんしゃがほしいです。", "shift_jis"),
        ("عزيزي بابا نويل، أريد دراجة.", "cp1256"),
        ("Drogi Mikołaju, proszę o rower. Zażółć gęślą jaźń.", "cp1250"),
        ("Cher Père Noël", "utf-8"),
    ],
)
def test_8bit_text_with_no_charset_is_read_in_the_charset_it_was_written_in(text, charset):
    raw = b"From: kid@example.org\r\nSubject: hi\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text.encode(charset)

    assert ingest_message(raw).letter.text == text


def test_an_8bit_subject_with_no_charset_anywhere_is_read_as_latin1():
    raw = "From: kid@example.org\r\nSubject: Père Noël\r\n\r\nHello\r\n".encode("latin-1")

    assert ingest_message(raw).letter.subject == "Père Noël"
