"""Letters coming in: from the public form (rate-limited) and as RFC 822 emails (any charset, once each)."""

import hashlib
import logging
from dataclasses import dataclass
from typing import Protocol

from django.db import IntegrityError, transaction
from django.db.models import Q

from letters.email_letters import MachineMail, letter_from_email
from letters.mail_parser import MessageRefused, MessageUnreadable
from letters.mail_text import clean_text
from letters.models import Letter, OriginalEmail, QuarantinedMessage, Writer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intake:
    """What happened to one email, and why.

    outcome: 'created' or 'duplicate' (with the letter), 'automatic' (a machine's mail), 'refused' (not a
    letter) or 'quarantined' (could not be read; kept unread, with the quarantine entry).
    """

    outcome: str
    letter: Letter | None = None
    reason: str = ""
    quarantined: QuarantinedMessage | None = None


# --- The public form ------------------------------------------------------------------------------


def web_letter_received(form_token: str) -> bool:
    """Whether the letter of the form with FORM_TOKEN is already stored ('' is never). Raises DatabaseError."""
    return bool(form_token) and Letter.objects.filter(form_token=form_token).exists()


def receive_web_letter(
    name: str,
    email: str,
    message: str,
    age: int | None,
    country: str,
    language: str,
    writer: str = "",
    child_name: str = "",
    form_token: str = "",
) -> Letter:
    """Store a letter written on the public form, once per FORM_TOKEN: the same form sent again (a retry after
    a timeout, two clicks) gives the letter already stored. WRITER says who wrote it (a Writer value, '' when
    not asked), CHILD_NAME the child's first name a grown-up gave. Raises DatabaseError when the database fails."""
    fields = {
        "source": Letter.Source.WEB,
        "writer": writer,
        "child_name": child_name.strip() if writer == Writer.GROWN_UP else "",
        "sender_name": name.strip(),
        "sender_email": email.strip(),
        "text": message.strip(),
        "age": age,
        "country": country,
        "language": language,
        "form_token": form_token,
    }
    try:
        with transaction.atomic():
            return Letter.objects.create(**fields)
    except IntegrityError:
        if not form_token:
            raise
        # The same form, sent twice at once: the other request stored it.
        return Letter.objects.get(form_token=form_token)


# --- Email ----------------------------------------------------------------------------------------------


class ByteStream(Protocol):
    """What read_limited needs: stdin's buffer, an open file, a mailbox's message file."""

    def read(self, size: int, /) -> bytes: ...


def read_limited(stream: ByteStream, limit: int) -> bytes:
    """At most LIMIT + 1 bytes: enough to know a message is too big without holding all of it."""
    return stream.read(limit + 1)


def _existing(letter: Letter) -> Letter | None:
    """The letter already stored for this message: the very same bytes, or the same Message-ID saying the same.

    A stored letter with the same Message-ID that says something else (another sender, another text) is no
    duplicate: LETTER is then marked message_id_reused and kept.
    """
    match = Q(raw_sha256=letter.raw_sha256)
    if letter.message_id:
        match |= Q(message_id=letter.message_id, content_sha256=letter.content_sha256)
    existing = Letter.objects.filter(match).first()
    if existing is None and letter.message_id:
        letter.message_id_reused = Letter.objects.filter(message_id=letter.message_id).exists()
    return existing


def quarantine(raw: bytes, reason: str, origin: str = "") -> QuarantinedMessage:
    """Keep RAW unread with the REASON it could not be taken; the same bytes again update the same entry."""
    digest = hashlib.sha256(raw).hexdigest()
    # An error's message may quote the email's bytes: stored as printable text (PostgreSQL refuses NUL).
    reason, origin = (clean_text(text.encode("utf-8", "backslashreplace").decode()) for text in (reason, origin))
    with transaction.atomic():
        entry, created = QuarantinedMessage.objects.select_for_update().get_or_create(
            raw_sha256=digest, defaults={"raw": raw, "reason": reason, "origin": origin[:600], "size": len(raw)}
        )
        if not created:
            entry.reason, entry.attempts = reason, entry.attempts + 1
            entry.save(update_fields=["reason", "attempts"])
    return entry


def _store(letter: Letter, raw: bytes) -> Intake:
    """Save LETTER with its original bytes, once: a message stored meanwhile makes it a duplicate."""
    existing = _existing(letter)
    if existing is not None:
        return Intake("duplicate", existing, f"already letter {existing.pk}")
    try:
        with transaction.atomic():
            letter.save()
            OriginalEmail.objects.create(letter=letter, raw=raw)
    except IntegrityError:
        # Another ingest stored the same message between our check and our save.
        existing = _existing(letter)
        if existing is None:
            raise
        return Intake("duplicate", existing, f"already letter {existing.pk}")
    if letter.message_id_reused:
        return Intake(
            "created",
            letter,
            f"its Message-ID {letter.message_id} came before with a different letter; kept, marked as a reused id",
        )
    return Intake("created", letter)


def ingest_message(raw: bytes, origin: str = "") -> Intake:
    """Turn one RFC 822 message into a letter, once; whatever goes wrong, the message is refused or quarantined.

    ORIGIN says where it came from (a mailbox and UID, a file) for the quarantine. Never raises for a bad
    message, so one message can never stop a batch.
    """
    try:
        letter = letter_from_email(raw)
        return _store(letter, raw)
    except MessageRefused as refusal:
        return Intake("refused", reason=str(refusal))
    except MachineMail as machine:
        return Intake("automatic", reason=str(machine))
    except MessageUnreadable as unreadable:
        reason = str(unreadable)
    except Exception as error:
        logger.exception("An email could not be taken (%s); it is quarantined", origin or "no origin")
        reason = f"Reading it failed: {type(error).__name__}: {error}"[:2000]
    entry = quarantine(raw, reason, origin)
    return Intake("quarantined", reason=f"quarantined as #{entry.pk}: {reason}", quarantined=entry)


def retry_quarantined(entry: QuarantinedMessage) -> Intake:
    """Read a quarantined email again (after a fix or a raised limit); it leaves the quarantine once taken.

    A letter, a duplicate or a machine's mail leaves the quarantine; a refusal or a new failure keeps it,
    with the new reason.
    """
    intake = ingest_message(bytes(entry.raw), entry.origin)
    if intake.outcome in ("created", "duplicate", "automatic"):
        entry.delete()
    elif intake.outcome == "refused":
        entry.reason, entry.attempts = intake.reason, entry.attempts + 1
        entry.save(update_fields=["reason", "attempts"])
    return intake
