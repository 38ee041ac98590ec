"""Real mail that broke the intake (../shared/cases/mail/) and hostile mail: each stored, refused or quarantined."""

import io
import sys

import pytest
from django.core.management import call_command
from django.test import override_settings

from letters.intake import ingest_message
from letters.mail_text import text_from_bytes
from letters.models import Letter, OriginalEmail, QuarantinedMessage
from tests.letters.hostile_mail import CASES, case, encoded_word_subject, many_headers, nested_multipart

pytestmark = pytest.mark.django_db

LEO = "Dear Santa, I have been good. Please bring me a red bike and a book about dinosaurs. Love, Leo (6)"


def test_a_us_ascii_label_on_utf8_bytes_is_read_as_utf8():
    intake = ingest_message(case("e02-usascii-label-utf8-body.eml"))

    assert intake.outcome == "created"
    assert intake.letter.text == "Hej tomten! Jag önskar mig en häst och skidor. Hälsningar, Åsa (7 år)"
    assert intake.letter.sender_email == "parent2@example.com"
    assert "\ufffd" not in intake.letter.text


def test_a_forwarded_letter_is_the_letter_with_its_writer_date_and_the_note():
    letter = ingest_message(case("e03-forward-as-attachment.eml")).letter

    assert letter.text == LEO
    assert letter.enclosed_from == "Leo <leo.kid@example.net>"
    assert letter.enclosed_date.isoformat() == "2025-12-01T18:02:11+00:00"
    assert letter.forwarding_note == "Forwarding Leo's letter as he asked."
    # The reply goes to whoever sent it to Santa.
    assert (letter.sender_name, letter.sender_email) == ("Dad Three", "dad3@example.com")
    assert letter.dropped_attachments == ""


def test_a_forwarded_letter_without_a_note_is_still_taken():
    letter = ingest_message(case("e03b-forward-as-attachment-no-note.eml")).letter

    assert letter.text == LEO
    assert letter.enclosed_from == "Leo <leo.kid@example.net>"
    assert letter.forwarding_note == ""


def test_an_enclosed_email_without_text_is_listed_not_dropped_silently():
    raw = (
        b"From: Dad <dad@example.com>\r\nMessage-ID: <fwd-empty@example.com>\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n'
        b"Here is the drawing Leo made.\r\n--B\r\nContent-Type: message/rfc822\r\n"
        b'Content-Disposition: attachment; filename="drawing.eml"\r\n\r\nFrom: leo@example.net\r\n'
        b'Content-Type: multipart/mixed; boundary="C"\r\n\r\n--C\r\nContent-Type: image/png\r\n'
        b'Content-Disposition: attachment; filename="sleigh.png"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        b"iVBORw0KGgo=\r\n--C--\r\n--B--\r\n"
    )

    letter = ingest_message(raw).letter

    assert letter.text == "Here is the drawing Leo made."
    assert letter.forwarding_note == ""
    assert letter.dropped_attachments.splitlines() == [
        "drawing.eml (message/rfc822, an email with no text)",
        "sleigh.png (image/png, 8 bytes)",
    ]


def test_a_bounce_without_auto_submitted_is_a_machines_mail_not_a_letter():
    intake = ingest_message(case("e06-bounce-without-auto-submitted.eml"))

    assert intake.outcome == "automatic"
    assert "multipart/report" in intake.reason
    assert Letter.objects.count() == 0
    assert QuarantinedMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("Auto-Submitted: auto-replied\r\n", "Auto-Submitted: auto-replied"),
        ("Return-Path: <>\r\n", "empty Return-Path"),
        ("X-Autoreply: yes\r\n", "X-Autoreply"),
        ("X-Autorespond: Out of office\r\n", "X-Autorespond"),
        ("Precedence: auto_reply\r\n", "Precedence: auto_reply"),
        ("Precedence: bulk\r\n", "Precedence: bulk"),
        ("Precedence: junk\r\n", "Precedence: junk"),
    ],
)
def test_auto_replies_are_counted_apart_and_never_become_letters(headers, reason):
    raw = f"From: parent@example.com\r\n{headers}Subject: Away\r\n\r\nI am away until January.\r\n".encode()

    intake = ingest_message(raw)

    assert intake.outcome == "automatic"
    assert reason in intake.reason
    assert Letter.objects.count() == 0


def test_mail_from_mailer_daemon_is_a_machines_mail():
    raw = b"From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered\r\n\r\nYour mail could not be delivered.\r\n"

    assert ingest_message(raw).outcome == "automatic"


def test_auto_submitted_no_is_a_person():
    raw = b"From: mia@example.net\r\nAuto-Submitted: no\r\nSubject: Hi\r\n\r\nDear Santa, a kite.\r\n"

    assert ingest_message(raw).outcome == "created"


def test_a_nul_byte_is_never_stored_and_the_letter_is_kept():
    intake = ingest_message(case("nul-in-body.eml"))

    assert intake.outcome == "created"
    letter = Letter.objects.get()
    assert letter.text == "helloworld"
    assert (letter.sender_email, letter.subject) == ("kid@example.org", "nul")


def test_an_encoded_crlf_in_the_subject_is_one_line():
    letter = ingest_message(case("subject-encoded-crlf.eml")).letter

    assert letter.subject == "Hi Bcc: someone@example.com"
    assert letter.text == "Dear Santa, a sled please."


def test_20000_encoded_words_in_a_subject_are_quarantined_unread():
    intake = ingest_message(encoded_word_subject(20_000))

    assert intake.outcome == "quarantined"
    assert "'Subject' header is 280010 bytes" in intake.reason
    assert Letter.objects.count() == 0


@override_settings(LETTERS_MAX_EMAIL_ENCODED_WORDS=100)
def test_more_encoded_words_than_the_limit_in_a_short_header_are_quarantined():
    assert ingest_message(encoded_word_subject(100, "<ok@example.org>")).outcome == "created"

    intake = ingest_message(encoded_word_subject(101))

    assert intake.outcome == "quarantined"
    assert "101 encoded words, over 100 (LETTERS_MAX_EMAIL_ENCODED_WORDS)" in intake.reason


def test_3000_nested_multiparts_are_quarantined_not_a_recursion_error():
    intake = ingest_message(nested_multipart(3000))

    assert intake.outcome == "quarantined"
    assert "more than 20 levels deep (LETTERS_MAX_EMAIL_DEPTH)" in intake.reason
    entry = QuarantinedMessage.objects.get()
    assert bytes(entry.raw) == nested_multipart(3000)
    assert entry.size == len(nested_multipart(3000))


def test_nesting_within_the_limit_is_read():
    assert ingest_message(nested_multipart(19)).letter.text == "deep text"


@override_settings(LETTERS_MAX_EMAIL_HEADERS=50)
def test_more_headers_than_the_limit_are_quarantined():
    intake = ingest_message(many_headers(60))

    assert intake.outcome == "quarantined"
    assert "more than 50 headers (LETTERS_MAX_EMAIL_HEADERS)" in intake.reason


def test_a_header_bound_also_holds_inside_a_part():
    filename = " ".join(["=?utf-8?q?a?="] * 500)
    raw = (
        b"From: kid@example.org\r\nMessage-ID: <part-ew@example.org>\r\n"
        b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
        b'--B\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename="' + filename.encode() + b'"\r\n'
        b"\r\nxx\r\n--B--\r\n"
    )

    intake = ingest_message(raw)

    assert intake.outcome == "quarantined"
    assert "'Content-Disposition' header has 500 encoded words" in intake.reason


def test_every_emailed_letter_keeps_its_original_bytes():
    raw = case("e03-forward-as-attachment.eml")

    letter = ingest_message(raw).letter

    assert bytes(OriginalEmail.objects.get(letter=letter).raw) == raw


@pytest.mark.parametrize(
    ("data", "label", "text"),
    [
        ("Père Noël".encode("cp1252"), "iso-8859-1", "Père Noël"),
        # 0x93 and 0x94 are quotation marks in windows-1252 and C1 controls in ISO-8859-1.
        ("“Père Noël” \u2013 merci".encode("cp1252"), "iso-8859-1", "“Père Noël” \u2013 merci"),
        ("“Père Noël” \u2013 merci".encode("cp1252"), "us-ascii", "“Père Noël” \u2013 merci"),
        ("Дед Мороз".encode("koi8-r"), "koi8-r", "Дед Мороз"),
        ("Дед Мороз".encode(), "koi8-r", "Дед Мороз"),
        ("Weihnachtsmann, größer".encode("cp1252"), "utf-8", "Weihnachtsmann, größer"),
        ("サンタさん、こんにちは".encode("shift_jis"), "x-unknown", "サンタさん、こんにちは"),
        (b"tab\tand\x07bell\x1b[0m\x85", "iso-8859-1", "tab\tandbell[0m…"),
    ],
)
def test_text_is_read_in_the_charset_its_bytes_are_in(data, label, text):
    assert text_from_bytes(data, label) == text


def test_ingest_email_quarantines_the_poison_in_an_mbox_and_goes_on(tmp_path, capsys):
    import mailbox

    from tests.letters.hostile_mail import plain_letter

    box = mailbox.mbox(tmp_path / "letters.mbox", create=True)
    for raw in (plain_letter("<good-1@example.org>"), nested_multipart(3000), plain_letter("<good-2@example.org>")):
        box.add(raw)
    box.flush()

    for _ in range(2):
        with pytest.raises(SystemExit) as exit_status:
            call_command("ingest_email", str(tmp_path / "letters.mbox"))
        assert exit_status.value.code == 1
    summaries = [line for line in capsys.readouterr().out.splitlines() if line.endswith(" quarantined.")]

    assert summaries == [
        "2 created, 0 duplicates, 0 automatic, 0 refused, 1 quarantined.",
        "0 created, 2 duplicates, 0 automatic, 0 refused, 1 quarantined.",
    ]
    assert sorted(Letter.objects.values_list("message_id", flat=True)) == [
        "<good-1@example.org>",
        "<good-2@example.org>",
    ]
    entry = QuarantinedMessage.objects.get()
    assert (entry.origin, entry.attempts) == (f"{tmp_path / 'letters.mbox'}:1", 2)


def test_ingest_email_does_not_bounce_a_bounce(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(case("e06-bounce-without-auto-submitted.eml"))))

    call_command("ingest_email")

    assert "0 created, 0 duplicates, 1 automatic, 0 refused, 0 quarantined." in capsys.readouterr().out


@override_settings(LETTERS_MAX_EMAIL_PARTS=500)
def test_more_parts_than_the_limit_are_quarantined_before_they_are_read():
    part = b"--B\r\nContent-Type: text/plain\r\n\r\nDear Santa, part.\r\n"
    head = b'From: kid@example.org\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'

    assert ingest_message(head + part * 500 + b"--B--\r\n").outcome == "created"
    intake = ingest_message(head + part * 501 + b"--B--\r\n")

    assert intake.outcome == "quarantined"
    assert "more than 500 MIME parts (LETTERS_MAX_EMAIL_PARTS)" in intake.reason


def test_a_letter_longer_than_100000_characters_keeps_the_start_and_says_where_the_rest_is():
    raw = b"From: kid@example.org\r\nSubject: long\r\n\r\n" + b"Dear Santa, " * 10_000

    letter = ingest_message(raw).letter

    assert len(letter.text) == 100_000
    assert letter.text.startswith("Dear Santa, Dear Santa,")
    assert letter.dropped_attachments == "(the text went on for 19999 more characters: see the original email)"
    assert bytes(letter.original_email.raw) == raw


def test_h01_a_line_break_encoded_in_the_from_name_is_quarantined_and_nobody_is_written_to(capsys):
    path = str(CASES / "h01-from-encoded-newline-cc.eml")

    with pytest.raises(SystemExit) as exit_status:
        call_command("ingest_email", path)

    assert exit_status.value.code == 1
    assert Letter.objects.count() == 0
    entry = QuarantinedMessage.objects.get()
    assert "The From header" in entry.reason
    assert "hides a line break in an encoded word" in entry.reason
    assert bytes(entry.raw) == case("h01-from-encoded-newline-cc.eml")
    assert f"{path}: quarantined: quarantined as #{entry.pk}: The From header" in capsys.readouterr().err


def test_h02_a_second_letter_reusing_a_message_id_is_stored_and_marked_not_dropped(capsys):
    call_command("ingest_email", str(CASES / "h02a-first-letter.eml"), str(CASES / "h02b-other-letter-same-id.eml"))

    ana, tom = Letter.objects.order_by("pk")
    assert (ana.sender_email, ana.text, ana.message_id_reused) == (
        "ana@example.org",
        "Querido Santa, quiero una pelota.",
        False,
    )
    assert (tom.sender_email, tom.text, tom.message_id_reused) == (
        "tom@example.org",
        "Dear Santa, I would like a telescope.",
        True,
    )
    assert ana.message_id == tom.message_id == "<same-id@phone.example>"
    output = capsys.readouterr().out
    assert f"created letter {tom.pk} from tom@example.org (its Message-ID <same-id@phone.example> came before" in output
    assert output.endswith("2 created, 0 duplicates, 0 automatic, 0 refused, 0 quarantined.\n")


def test_h02_the_same_letter_again_under_that_message_id_is_still_a_duplicate():
    ingest_message(case("h02a-first-letter.eml"))
    ingest_message(case("h02b-other-letter-same-id.eml"))
    relayed = b"Received: from relay.example.net by mx.example.org\r\n" + case("h02b-other-letter-same-id.eml")

    assert ingest_message(case("h02a-first-letter.eml")).outcome == "duplicate"
    assert ingest_message(relayed).outcome == "duplicate"
    assert Letter.objects.count() == 2


def test_h03_latin1_text_with_no_charset_is_read_as_latin1():
    letter = ingest_message(case("h03-latin1-8bit-no-charset.eml")).letter

    assert letter.text == "Querido Papá Noel: un camión, ¡gracias!"


@override_settings(DEFAULT_FROM_EMAIL="santa@example.org", LETTERS_FROM_EMAIL="santa@example.org")
def test_h04_santas_own_reply_coming_back_is_never_a_letter(capsys):
    call_command("ingest_email", str(CASES / "h04-santas-reply-comes-back.eml"))

    assert Letter.objects.count() == 0
    assert QuarantinedMessage.objects.count() == 0
    output = capsys.readouterr().out
    assert "automatic, An automatic message (Santa's own mail (From: santa@example.org" in output
    assert output.endswith("0 created, 0 duplicates, 1 automatic, 0 refused, 0 quarantined.\n")
