"""Sending stored replies: once and only once, retried with backoff when the mail server fails."""

import datetime as dt
import logging
import smtplib
from email.headerregistry import Address

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone

from letters.languages import is_right_to_left, reply_language
from letters.models import Letter, Reply

logger = logging.getLogger(__name__)


def from_header(persona_name: str) -> str:
    """'"<persona name>" <LETTERS_FROM_EMAIL>', quoted and encoded as the name needs."""
    return str(Address(display_name=persona_name, addr_spec=settings.LETTERS_FROM_EMAIL))


def threading_headers(letter: Letter) -> dict[str, str]:
    """In-Reply-To and References, so the reply lands in the thread of an emailed letter."""
    if letter.source != Letter.Source.EMAIL or not letter.message_id:
        return {}
    references = " ".join([*letter.references.split(), letter.message_id])
    return {"In-Reply-To": letter.message_id, "References": references}


def reply_html(reply: Reply) -> str:
    """The reply's text as an HTML page: the same words and signature, escaped, in paragraphs, in its language."""
    language = reply_language(reply.letter)
    context = {
        "reply": reply,
        "text": reply.body.strip(),
        "language": language,
        "direction": "rtl" if is_right_to_left(language) else "ltr",
    }
    return render_to_string("letters/reply_email.html", context)


def reply_message(reply: Reply) -> EmailMultiAlternatives:
    """The email for a reply: UTF-8 plain text, then the same in HTML; the same Message-ID on every attempt."""
    headers = {"Message-ID": reply.message_id, **threading_headers(reply.letter)}
    message = EmailMultiAlternatives(
        subject=reply.subject,
        body=reply.body,
        from_email=from_header(reply.persona.name),
        to=[reply.to_email],
        headers=headers,
    )
    message.attach_alternative(reply_html(reply), "text/html")
    return message


def is_temporary(error: Exception) -> bool:
    """A failure a later attempt may get past: no connection, a timeout, or a 4xx answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError))


def retry_delay(attempts: int) -> dt.timedelta:
    """Backoff before the next attempt: BACKOFF seconds after the first failure, then doubling."""
    return dt.timedelta(seconds=settings.LETTERS_SEND_BACKOFF * 2 ** (attempts - 1))


def deliver_reply(reply_id: int) -> str:
    """Send one queued reply and record the outcome; a reply already sent is never sent again.

    The reply's row stays locked while the mail server is spoken to, so a second worker (or a second
    task for the same reply) waits, then finds it sent. The one window left is a crash after the server
    accepted the message and before the commit: the retry then carries the same Message-ID.
    """
    with transaction.atomic():
        reply = Reply.objects.select_for_update(of=("self",)).select_related("letter", "persona").get(pk=reply_id)
        if reply.status != Reply.Status.QUEUED:
            return reply.status
        reply.attempts += 1
        try:
            reply_message(reply).send(using="default")
        except Exception as error:
            reply.last_error = f"Attempt {reply.attempts} at {timezone.now():%Y-%m-%d %H:%M:%S} UTC: {error!r}"[:2000]
            if is_temporary(error) and reply.attempts <= settings.LETTERS_SEND_RETRIES:
                delay = retry_delay(reply.attempts)
                send_reply.using(run_after=timezone.now() + delay).enqueue(reply.pk)
                logger.warning("Reply %s not sent (%s); trying again in %s", reply.pk, error, delay)
            else:
                reply.status = Reply.Status.FAILED
                logger.error("Reply %s failed for good after %s attempts: %s", reply.pk, reply.attempts, error)
            reply.save(update_fields=["attempts", "last_error", "status"])
            return reply.status
        reply.status = Reply.Status.SENT
        reply.sent_at = timezone.now()
        reply.save(update_fields=["attempts", "status", "sent_at"])
        return reply.status


@task
def send_reply(reply_id: int) -> str:
    """The background task: deliver_reply, run by `manage.py db_worker`."""
    return deliver_reply(reply_id)


def send_again(reply_id: int) -> bool:
    """Put a failed reply back in the queue (an elf's choice after fixing the cause); True if it was failed."""
    with transaction.atomic():
        reply = Reply.objects.select_for_update().get(pk=reply_id)
        if reply.status != Reply.Status.FAILED:
            return False
        reply.status = Reply.Status.QUEUED
        reply.attempts = 0
        reply.save(update_fields=["status", "attempts"])
        send_reply.enqueue(reply.pk)
        return True


def requeue_queued_replies() -> int:
    """A send task for every reply still queued, e.g. after a worker died mid-task; returns how many.

    Safe to run at any time: a reply already sent is never sent again, whatever number of tasks it has.
    """
    count = 0
    for reply_id in Reply.objects.filter(status=Reply.Status.QUEUED).values_list("pk", flat=True):
        send_reply.enqueue(reply_id)
        count += 1
    return count
