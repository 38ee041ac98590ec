"""Sending stored replies: once and only once, retried with backoff, recovered when a worker dies mid-send."""

import datetime as dt
import logging
import smtplib
from email.headerregistry import Address

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.tasks import TaskResultStatus, task
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from letters.addresses import check_reply_address
from letters.languages import reply_language
from letters.machine_mail import OWN_MARKER_HEADER, OWN_MARKER_VALUE
from letters.models import Letter, Reply
from lib.text_direction import text_direction

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
        "direction": text_direction(language),
    }
    return render_to_string("letters/reply_email.html", context)


def loop_headers(reply: Reply) -> dict[str, str]:
    """Headers that keep a reply from starting a mail loop: our marker on every reply, and on a reply from a
    template (one click answers many) Auto-Submitted: auto-replied (RFC 3834), so auto-responders stay quiet."""
    headers = {OWN_MARKER_HEADER: OWN_MARKER_VALUE}
    if reply.template_id is not None:
        headers["Auto-Submitted"] = "auto-replied"
    return headers


def reply_message(reply: Reply) -> EmailMultiAlternatives:
    """The email for a reply: UTF-8 plain text, then the same in HTML; the same Message-ID on every attempt.

    Every reply names its language (Content-Language, RFC 3282).

    Raises ValueError when the reply's address is not one valid address a reply may go to (checked again
    here, whenever and however the reply was stored): the send fails for good with that reason.
    """
    headers = {
        "Message-ID": reply.message_id,
        "Content-Language": reply_language(reply.letter),
        **threading_headers(reply.letter),
        **loop_headers(reply),
    }
    message = EmailMultiAlternatives(
        subject=reply.subject,
        body=reply.body,
        from_email=from_header(reply.persona.name),
        to=[check_reply_address(reply.to_email)],
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


def send_lease() -> dt.timedelta:
    """How long a worker may take to hand a reply to the mail server before the reply counts as stranded."""
    return dt.timedelta(seconds=settings.LETTERS_SEND_LEASE)


def schedule_send(reply: Reply, at: dt.datetime | None = None) -> None:
    """Queue REPLY's send task (at AT, else now) and note when it counts as stranded; in the caller's transaction."""
    due = at or timezone.now()
    reply.recover_after = due + send_lease()
    reply.save(update_fields=["recover_after"])
    task = send_reply.using(run_after=at) if at else send_reply
    task.enqueue(reply.pk)


def take_lease(reply_id: int) -> Reply | None:
    """Mark the reply as being sent by this worker until the lease ends, committed before any SMTP; None to skip.

    Skipped: a reply already sent or failed, or one another worker holds a live lease on.
    """
    with transaction.atomic():
        reply = Reply.objects.select_for_update(of=("self",)).select_related("letter", "persona").get(pk=reply_id)
        leased = reply.status == Reply.Status.SENDING and reply.recover_after and reply.recover_after > timezone.now()
        if reply.status not in Reply.UNSENT or leased:
            return None
        reply.attempts += 1
        reply.status = Reply.Status.SENDING
        reply.recover_after = timezone.now() + send_lease()
        reply.save(update_fields=["attempts", "status", "recover_after"])
        return reply


def record_outcome(reply: Reply, error: Exception | None) -> str:
    """Store what the mail server said, right after it said it: sent, queued for a retry, or failed for good."""
    with transaction.atomic():
        current = Reply.objects.select_for_update(of=("self",)).get(pk=reply.pk)
        if error is None:
            current.status = Reply.Status.SENT
            current.sent_at = timezone.now()
            current.recover_after = None
            current.save(update_fields=["status", "sent_at", "recover_after"])
            return current.status
        if current.status != Reply.Status.SENDING:
            return current.status  # another worker took over after this one's lease ran out, and finished
        current.last_error = f"Attempt {reply.attempts} at {timezone.now():%Y-%m-%d %H:%M:%S} UTC: {error!r}"[:2000]
        if is_temporary(error) and reply.attempts <= settings.LETTERS_SEND_RETRIES:
            delay = retry_delay(reply.attempts)
            current.status = Reply.Status.QUEUED
            current.save(update_fields=["last_error", "status"])
            schedule_send(current, at=timezone.now() + delay)
            logger.warning("Reply %s not sent (%s); trying again in %s", reply.pk, error, delay)
        else:
            current.status = Reply.Status.FAILED
            current.recover_after = None
            current.save(update_fields=["last_error", "status", "recover_after"])
            logger.error("Reply %s failed for good after %s attempts: %s", reply.pk, reply.attempts, error)
        return current.status


def deliver_reply(reply_id: int) -> str:
    """Send one unsent reply and record the outcome; a reply the mail server accepted is never sent again.

    The lease is committed before the mail server is called and the outcome right after it answers, with no
    row lock held in between. A worker killed in between leaves the reply 'sending'; once the lease ends, the
    sweep (recover_stranded_replies) queues it again. The one window left is a death after the server
    accepted and before the outcome was stored: the retry then carries the same Message-ID.
    """
    reply = take_lease(reply_id)
    if reply is None:
        return Reply.objects.values_list("status", flat=True).get(pk=reply_id)
    try:
        reply_message(reply).send(using="default")
    except Exception as error:
        return record_outcome(reply, error)
    return record_outcome(reply, None)


@task
def send_reply(reply_id: int) -> str:
    """The background task: deliver_reply, run by the worker (`manage.py run_worker`)."""
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
        schedule_send(reply)
        return True


class WorkerLost(Exception):
    """Recorded on a task result whose worker died while running it (the result stayed 'running')."""


def waiting_reply_ids() -> set[int]:
    """The replies that have a send task stored and not yet started (django-tasks-db keeps its arguments)."""
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=send_reply.module_path)
    return {entry["args"][0] for entry in waiting.values_list("args_kwargs", flat=True) if entry.get("args")}


def recover_stranded_replies() -> int:
    """Queue again every unsent reply past its recover_after (its worker died); the number given a new task.

    A reply whose task is still waiting (a long queue after a bulk reply) gets no second task, only a later
    recover_after. Also closes the task results a dead worker left 'running' forever. Safe to run at any time,
    from any number of processes: a reply sent, or leased by a live worker, is never sent again.
    """
    now = timezone.now()
    count = 0
    stranded = Q(recover_after__lt=now) | Q(recover_after__isnull=True)
    with transaction.atomic():
        replies = Reply.objects.select_for_update(skip_locked=True).filter(stranded, status__in=Reply.UNSENT)
        waiting = waiting_reply_ids() if replies.exists() else set()
        for reply in replies:
            reply.status = Reply.Status.QUEUED  # the lease is over: whoever runs the task may take it
            if reply.pk in waiting:
                reply.recover_after = now + send_lease()
                reply.save(update_fields=["status", "recover_after"])
                continue
            logger.warning("Reply %s was stranded (%s); queueing it again", reply.pk, reply.get_status_display())
            reply.save(update_fields=["status"])
            schedule_send(reply)
            count += 1
    abandoned = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path=send_reply.module_path, started_at__lt=now - send_lease()
    )
    for result in abandoned:
        result.set_failed(WorkerLost(f"The worker running this task stopped before it finished ({result.worker_ids})"))
    return count


def requeue_queued_replies() -> int:
    """A send task for every reply not yet sent, whatever its lease; returns how many (send_queued_replies).

    Safe to run at any time: a reply already sent, or leased by a live worker, is never sent again.
    """
    count = 0
    with transaction.atomic():
        for reply in Reply.objects.select_for_update().filter(status__in=Reply.UNSENT):
            send_reply.enqueue(reply.pk)
            count += 1
    return count
