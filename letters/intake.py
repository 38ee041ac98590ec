"""Letters coming in: from the public form (rate-limited) and as RFC 822 emails (any charset, once each)."""

import codecs
import hashlib
import re
from dataclasses import dataclass
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from typing import BinaryIO

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q

from letters.html_text import html_to_text
from letters.languages import detect_language
from letters.models import Letter


class MessageRefused(Exception):
    """An email that cannot become a letter; the message says why, for whoever runs the mail server."""


@dataclass(frozen=True)
class Intake:
    """What happened to one email: 'created', 'duplicate' or 'refused', the letter, and why."""

    outcome: str
    letter: Letter | None = None
    reason: str = ""


# --- The public form ------------------------------------------------------------------------------


def _count(key: str, limit: int) -> bool:
    """Count one more in KEY's window; False once the window holds more than LIMIT (0 means no limit)."""
    if limit == 0:
        return True
    cache.add(key, 0, timeout=settings.LETTERS_RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=settings.LETTERS_RATE_WINDOW)
        count = 1
    return count <= limit


def allow_web_letter(email: str, client_ip: str) -> bool:
    """The per-address rate limit, counted in the shared cache so every worker sees the same counts."""
    # Hashed, so the cache never holds a child's address.
    email_key = "letters:rate:email:" + hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_email = _count(email_key, settings.LETTERS_RATE_LIMIT)
    by_ip = _count(f"letters:rate:ip:{client_ip}", settings.LETTERS_RATE_LIMIT_PER_IP)
    return by_email and by_ip


def receive_web_letter(name: str, email: str, message: str, age: int | None, country: str, language: str) -> Letter:
    """Store a letter written on the public form."""
    return Letter.objects.create(
        source=Letter.Source.WEB,
        sender_name=name.strip(),
        sender_email=email.strip(),
        text=message.strip(),
        age=age,
        country=country,
        language=language,
    )


# --- Email ----------------------------------------------------------------------------------------


def read_limited(stream: BinaryIO, limit: int) -> bytes:
    """At most LIMIT + 1 bytes: enough to know a message is too big without holding all of it."""
    return stream.read(limit + 1)


def _part_text(part: EmailMessage) -> str:
    """A text part decoded from its transfer encoding and charset; unknown charsets decode as UTF-8."""
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def _attachment_notes(message: EmailMessage, body: EmailMessage | None) -> str:
    """One line per dropped attachment: its name, type and size."""
    notes = []
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        if (
            part.get_content_disposition() == "attachment"
            or part.get_filename()
            or part.get_content_maintype() != "text"
        ):
            size = len(part.get_payload(decode=True) or b"")
            notes.append(f"{part.get_filename() or '(no name)'} ({part.get_content_type()}, {size} bytes)")
    return "\n".join(notes)


def _header(message: EmailMessage, name: str) -> str:
    """A header as text, empty when absent or beyond repair.

    Some mail clients put raw 8-bit text in headers instead of encoded words: it is read as UTF-8 or,
    failing that, in the message's own charset (Latin-1 when it names none).
    """
    raw = next((value for key, value in message.raw_items() if key.lower() == name), None)
    if raw is None:
        return ""
    if re.search("[\udc80-\udcff]", raw):
        data = raw.encode("ascii", "surrogateescape")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode(_charset(message.get_content_charset()), errors="replace")
        return " ".join(str(make_header(decode_header(text))).split())
    try:
        return str(message.get(name)).strip()
    except (ValueError, IndexError, TypeError):
        return ""


def _charset(name: str | None) -> str:
    """A charset Python knows, Latin-1 for a missing or unknown one."""
    try:
        return codecs.lookup(name or "latin-1").name
    except LookupError:
        return "latin-1"


def _sender(message: EmailMessage) -> tuple[str, str]:
    """Name and address to answer: Reply-To when given, else From."""
    for name in ("reply-to", "from"):
        display_name, address = parseaddr(_header(message, name))
        if address:
            try:
                validate_email(address)
            except ValidationError:
                raise MessageRefused(f"The {name.title()} address {address!r} is not a valid email address.") from None
            if name == "reply-to" and not display_name:
                display_name = parseaddr(_header(message, "from"))[0]
            return display_name, address
    raise MessageRefused("The message has no From address, so there is nobody to answer.")


def letter_from_email(raw: bytes) -> Letter:
    """An unsaved letter from one RFC 822 message; MessageRefused when it cannot be one."""
    limit = settings.LETTERS_MAX_EMAIL_BYTES
    if len(raw) > limit:
        raise MessageRefused(f"The message is over {limit} bytes (LETTERS_MAX_EMAIL_BYTES); it was not stored.")
    if not raw.strip():
        raise MessageRefused("The message is empty.")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not message.keys():
        raise MessageRefused("This is not an email message: it has no headers.")
    auto = _header(message, "auto-submitted").lower()
    if auto and auto != "no":
        raise MessageRefused(f"An automatic message (Auto-Submitted: {auto}), not a letter; not stored.")
    name, address = _sender(message)
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        text = _part_text(body)
        if body.get_content_subtype() == "html":
            text = html_to_text(text)
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise MessageRefused("The message has no text to read (no text/plain or text/html part with words in it).")
    # The words decide; a Content-Language header often names the mail program's language, not the letter's.
    language = detect_language(text) or _header(message, "content-language").split(",")[0].strip()[:35]
    return Letter(
        source=Letter.Source.EMAIL,
        sender_name=name[:200],
        sender_email=address,
        subject=_header(message, "subject")[:300],
        text=text,
        language=language,
        message_id=_header(message, "message-id")[:998],
        references=_header(message, "references"),
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        dropped_attachments=_attachment_notes(message, body),
    )


def _existing(letter: Letter) -> Letter | None:
    """The letter already stored for this message: same Message-ID, or the very same bytes."""
    match = Q(raw_sha256=letter.raw_sha256)
    if letter.message_id:
        match |= Q(message_id=letter.message_id)
    return Letter.objects.filter(match).first()


def ingest_message(raw: bytes) -> Intake:
    """Turn one RFC 822 message into a letter, once: a re-run or a resend is recognised as a duplicate."""
    try:
        letter = letter_from_email(raw)
    except MessageRefused as refusal:
        return Intake("refused", reason=str(refusal))
    existing = _existing(letter)
    if existing is not None:
        return Intake("duplicate", existing, f"already letter {existing.pk}")
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError:
        # Another ingest stored the same message between our check and our save.
        existing = _existing(letter)
        return Intake("duplicate", existing, f"already letter {existing.pk if existing else '?'}")
    return Intake("created", letter)
