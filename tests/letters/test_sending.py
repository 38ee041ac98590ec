"""Sending through the real tasks worker and a real SMTP server on loopback that fails, then recovers."""

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from letters.console_mail import EmailBackend
from letters.models import ElfPersona, Reply
from letters.replies import reply_as
from letters.sending import (
    deliver_reply,
    recover_stranded_replies,
    reply_message,
    send_again,
    send_reply,
    take_lease,
)
from tests.letters.conftest import run_worker

# The worker commits as it goes, as in production, so these tests use real transactions.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("elves_group")]


def pending_run_after() -> list[dt.datetime]:
    """When the send tasks still waiting are due."""
    return [task.run_after for task in DBTaskResult.objects.filter(status="READY").order_by("run_after")]


def test_a_refusing_smtp_server_gets_the_reply_exactly_once_after_it_recovers(
    smtp_mailer, emailed_letter, elf, pamelfa
):
    server = smtp_mailer  # down: connections are refused
    reply = reply_as(pamelfa, emailed_letter, "Thank you, Mia! You are right.", author=elf)
    start = timezone.now()

    run_worker()

    reply.refresh_from_db()
    assert (reply.status, reply.attempts) == (Reply.Status.QUEUED, 1)
    assert "ConnectionRefusedError" in reply.last_error
    [retry_at] = pending_run_after()
    assert start + dt.timedelta(seconds=30) <= retry_at <= timezone.now() + dt.timedelta(seconds=30)
    run_worker()  # not due yet: nothing happens
    assert Reply.objects.get().attempts == 1

    server.start(refuse=1)  # up, but answers "451 try again later" once
    with time_machine.travel(retry_at + dt.timedelta(seconds=1), tick=True):
        run_worker()
        reply.refresh_from_db()
        assert (reply.status, reply.attempts) == (Reply.Status.QUEUED, 2)
        assert "451" in reply.last_error
        [retry_at] = pending_run_after()
        assert retry_at - timezone.now() > dt.timedelta(seconds=59)  # the backoff doubled
    assert server.received == []

    with time_machine.travel(retry_at + dt.timedelta(seconds=1), tick=True):
        run_worker()
        # A stray second task for the same reply, and a direct call, send nothing more.
        send_reply.enqueue(reply.pk)
        run_worker()
        assert deliver_reply(reply.pk) == Reply.Status.SENT

    reply.refresh_from_db()
    assert (reply.status, reply.attempts) == (Reply.Status.SENT, 3)
    assert len(server.received) == 1
    message = server.received[0]
    assert message["From"].addresses[0].display_name == "PamElfa"
    assert message["From"].addresses[0].addr_spec == "letters@northpole.example"
    assert message["To"] == "mia@example.net"
    assert message["Subject"] == "Re: Toronto is in Canada!"
    assert message["Message-ID"] == reply.message_id
    assert message["In-Reply-To"] == "<first-letter@mail.example.net>"
    assert message["References"] == "<earlier@mail.example.net> <first-letter@mail.example.net>"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Thank you, Mia! You are right." in text and "Love from PamElfa" in text
    assert "<p>Thank you, Mia! You are right.</p>" in html and "Love from PamElfa" in html
    assert server.mailroom.envelopes[0].rcpt_tos == ["mia@example.net"]


def test_a_reply_that_keeps_failing_is_marked_failed_and_can_be_sent_again(
    settings, smtp_mailer, web_letter, elf, pamelfa
):
    settings.LETTERS_SEND_RETRIES = 1
    settings.LETTERS_SEND_BACKOFF = 0
    server = smtp_mailer
    reply = reply_as(pamelfa, web_letter, "A kite it is!", author=elf)

    run_worker()  # attempt 1 and its one retry, both refused

    reply.refresh_from_db()
    assert (reply.status, reply.attempts) == (Reply.Status.FAILED, 2)
    assert pending_run_after() == []

    server.start()
    assert send_again(reply.pk) is True
    assert send_again(reply.pk) is False  # already queued again: no second task
    run_worker()

    reply.refresh_from_db()
    assert reply.status == Reply.Status.SENT
    assert len(server.received) == 1


def test_a_permanent_refusal_fails_at_once_without_retries(smtp_mailer, web_letter, elf, pamelfa):
    server = smtp_mailer
    server.start()

    async def refuse_recipient(server_, session, envelope, address, options):
        return "550 5.1.1 No such mailbox"

    server.mailroom.handle_RCPT = refuse_recipient
    reply = reply_as(pamelfa, web_letter, "A kite it is!", author=elf)

    run_worker()

    reply.refresh_from_db()
    assert (reply.status, reply.attempts) == (Reply.Status.FAILED, 1)
    assert "550" in reply.last_error
    assert pending_run_after() == []


def test_replies_stranded_by_a_dead_worker_are_sent_once_after_send_queued_replies(
    web_letter, emailed_letter, elf, pamelfa, capsys
):
    stranded = reply_as(pamelfa, web_letter, "A kite it is!", author=elf)
    sent = reply_as(pamelfa, emailed_letter, "Thank you, Mia!", author=elf)
    deliver_reply(sent.pk)
    # The worker died while running the stranded reply's task: the task is no longer ready to run.
    DBTaskResult.objects.update(status="RUNNING")

    call_command("send_queued_replies")
    run_worker()
    call_command("send_queued_replies")
    run_worker()

    assert "Queued 1 reply to be sent." in capsys.readouterr().out
    stranded.refresh_from_db()
    assert stranded.status == Reply.Status.SENT
    assert [message.to for message in mail.outbox] == [
        ["mia@example.net"],
        ["aroha@example.co.nz"],
    ]


def test_a_reply_is_utf8_text_with_the_same_words_in_html_escaped_in_paragraphs(web_letter, elf, pamelfa):
    reply = reply_as(pamelfa, web_letter, "Dear Aroha,\n\n<b>Kites</b> & kites!\nHo ho ho!", author=elf)

    message = reply_message(reply).message()
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",)).get_content()

    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert text.get_content_charset() == "utf-8"
    assert text.get_content() == reply.body
    assert "<p>Dear Aroha,</p>" in html
    assert "<p>&lt;b&gt;Kites&lt;/b&gt; &amp; kites!<br>Ho ho ho!</p>" in html
    assert "<p>Love from PamElfa<br>The North Pole</p>" in html
    assert '<html lang="en" dir="ltr">' in html


def test_a_reply_in_arabic_is_marked_right_to_left_with_the_arabic_signature(web_letter, elf):
    call_command("add_elf", elf.get_username(), "--persona", "PamElfa", stdout=io.StringIO())
    web_letter.language = "ar"
    web_letter.save()

    reply = reply_as(ElfPersona.objects.get(), web_letter, "مرحبًا أروها،", author=elf)
    html = reply_message(reply).message().get_body(preferencelist=("html",)).get_content()

    assert '<html lang="ar" dir="rtl">' in html
    assert "مع خالص المحبة من القطب الشمالي" in html


def test_the_development_mailer_prints_a_german_reply_decoded_plain_text_first(web_letter, elf, pamelfa):
    body = "Hallo Aroha,\n\n" + "vielen Dank für deinen Brief, der Weihnachtsmann hat sich sehr gefreut! " * 3
    reply = reply_as(pamelfa, web_letter, body, author=elf)
    stream = io.StringIO()

    EmailBackend(stream=stream).send_messages([reply_message(reply)])

    printed = stream.getvalue()
    assert "To: aroha@example.co.nz" in printed
    assert printed.index("--- text/plain ---") < printed.index("--- text/html ---")
    assert "vielen Dank für deinen Brief, der Weihnachtsmann hat sich sehr gefreut! vielen" in printed
    assert "=C3=BC" not in printed


def test_a_reply_leased_by_a_live_worker_is_left_alone_and_swept_once_the_lease_runs_out(
    settings, smtp_mailer, web_letter, elf, pamelfa
):
    settings.LETTERS_SEND_LEASE = 600
    server = smtp_mailer
    server.start()
    reply = reply_as(pamelfa, web_letter, "A kite it is!", author=elf)
    # A worker took the lease and is talking to the mail server right now (or died doing so).
    leased = take_lease(reply.pk)
    assert leased is not None and leased.status == Reply.Status.SENDING

    assert deliver_reply(reply.pk) == Reply.Status.SENDING  # a stray task: the lease is live
    assert recover_stranded_replies() == 0
    run_worker()
    assert server.received == []

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=601), tick=True):
        assert recover_stranded_replies() == 1
        assert recover_stranded_replies() == 0  # queued again once, with a fresh lease
        run_worker()

    reply.refresh_from_db()
    assert (reply.status, reply.attempts, reply.recover_after) == (Reply.Status.SENT, 2, None)
    assert [message["Message-ID"] for message in server.received] == [reply.message_id]


def test_the_sweep_closes_a_send_task_its_dead_worker_left_running(settings, web_letter, elf, pamelfa):
    settings.LETTERS_SEND_LEASE = 60
    reply_as(pamelfa, web_letter, "A kite it is!", author=elf)
    task = DBTaskResult.objects.get()
    task.claim("worker-that-died")

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61), tick=True):
        recover_stranded_replies()

    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "letters.sending.WorkerLost"


def test_a_reply_still_waiting_in_a_long_queue_gets_no_second_task(settings, web_letter, elf, pamelfa):
    settings.LETTERS_SEND_LEASE = 60
    reply = reply_as(pamelfa, web_letter, "A kite it is!", author=elf)  # its task waits behind many others

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61), tick=True):
        assert recover_stranded_replies() == 0
        reply.refresh_from_db()
        assert reply.recover_after > timezone.now()  # looked at again a lease later

    assert DBTaskResult.objects.count() == 1
