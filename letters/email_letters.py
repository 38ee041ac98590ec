"""Reading one RFC 822 email as a letter: who wrote it, its text (a forwarded letter's too), what was dropped."""

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from letters.addresses import address_header
from letters.html_text import html_to_text
from letters.languages import detect_language
from letters.machine_mail import machine_reason
from letters.mail_parser import MessageRefused, parse_message
from letters.mail_text import clean_text, header_text, one_line, text_from_bytes
from letters.models import Letter

# A Message-ID as replies reuse it (RFC 5322 msg-id: <left@right>, no spaces); longer ones are not threaded.
MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
# References kept for threading replies: the thread's first and the latest, as RFC 5537 section 3.4.4 trims.
MAX_REFERENCES = 20
# The most of an email's text a letter keeps (the form allows 5,000); the original email keeps the rest.
MAX_TEXT_CHARACTERS = 100_000


class MachineMail(Exception):
    """A delivery report or an auto-reply: not a letter, and never to be answered."""


def header(message: EmailMessage, name: str) -> str:
    """Header NAME as one line of text ('' when absent), decoded without the standard header parser."""
    raw = next((value for key, value in message.raw_items() if key.lower() == name), None)
    if raw is None:
        return ""
    return header_text(raw, message.get_content_charset() or message.get_param("charset"))


def message_id(value: str) -> str:
    """The first well-formed <id> in VALUE, '' when there is none."""
    match = MESSAGE_ID.search(value)
    return match.group(0) if match else ""


def references(value: str) -> str:
    """The well-formed ids of a References header, at most MAX_REFERENCES: the first and the latest ones."""
    ids = MESSAGE_ID.findall(value)
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    return " ".join(ids)


def _sender(message: EmailMessage) -> tuple[str, str]:
    """Name and address to answer: Reply-To when given, else From; each header read strictly (letters.addresses).

    Raises UnclearAddress (quarantined) for a header that is not one valid address, MessageRefused for no From.
    """
    sender = address_header(message, "from")
    reply_to = address_header(message, "reply-to")
    if sender is None:
        raise MessageRefused("The message has no From address, so there is nobody to answer.")
    if reply_to is None:
        return sender
    return reply_to[0] or sender[0], reply_to[1]


def _text_of(part: EmailMessage) -> str:
    """A text part's words: decoded in the charset its bytes are in, HTML turned into text."""
    text = text_from_bytes(part.get_payload(decode=True) or b"", part.get_content_charset())
    if part.get_content_subtype() == "html":
        # Entities (&#x202e;) become characters only now: clean the text again.
        text = clean_text(html_to_text(text))
    return text.strip()


def _body(message: EmailMessage) -> tuple[str, EmailMessage | None]:
    """The text of MESSAGE's own body (plain preferred, else HTML) and the part it came from."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None or body.is_multipart():
        return "", None
    return _text_of(body), body


def _enclosed(message: EmailMessage) -> list[EmailMessage]:
    """The message/rfc822 parts of MESSAGE, outside any other enclosed message, in order."""
    found = []
    for part in message.iter_parts() if message.is_multipart() else []:
        if part.get_content_type() == "message/rfc822":
            found.append(part)
        elif part.is_multipart():
            found.extend(_enclosed(part))
    return found


def _date(message: EmailMessage) -> dt.datetime | None:
    """MESSAGE's Date as an aware datetime (UTC when it names no zone), None when absent or unreadable."""
    try:
        when = parsedate_to_datetime(header(message, "date"))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@dataclass
class _Reading:
    """What is read from an email: the letter's text, the parts used for it, and a forwarded letter's facts."""

    text: str = ""
    used: set[int] = field(default_factory=set)
    enclosed_from: str = ""
    enclosed_date: dt.datetime | None = None
    also: list[str] = field(default_factory=list)


def _read_enclosed(wrapper: EmailMessage, reading: _Reading) -> None:
    """Take the text of one forwarded (message/rfc822) letter into READING; the first becomes the letter."""
    payload = wrapper.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, EmailMessage):
        return
    text, body = _body(inner)
    if not text:
        return
    reading.used.update({id(wrapper), id(body)})
    writer, when = header(inner, "from"), _date(inner)
    if not reading.text:
        reading.text, reading.enclosed_from, reading.enclosed_date = text, writer[:300], when
    else:
        stamp = f", {when:%Y-%m-%d %H:%M %Z}" if when else ""
        reading.also.append(f"--- Also enclosed: a letter from {writer or 'someone'}{stamp} ---\n\n{text}")


def _covered(message: EmailMessage, used: set[int]) -> set[int]:
    """USED and the other versions of a used text (the HTML beside the plain text of multipart/alternative)."""
    covered = set(used)
    for part in message.walk():
        if part.get_content_type() == "multipart/alternative" and any(id(inner) in used for inner in part.walk()):
            covered.update(id(inner) for inner in part.walk())
    return covered


def _attachment_notes(message: EmailMessage, used: set[int]) -> str:
    """One line per part not read as text (attachments, unreadable forwards): its name, type and size."""
    notes = []
    used = _covered(message, used)
    for part in message.walk():
        if id(part) in used or (part.is_multipart() and part.get_content_type() != "message/rfc822"):
            continue
        if part.get_content_type() == "message/rfc822":
            notes.append(f"{one_line(part.get_filename() or '(no name)', 200)} (message/rfc822, an email with no text)")
            continue
        size = len(part.get_payload(decode=True) or b"")
        name = one_line(header_text(part.get_filename() or "(no name)"), 200)
        notes.append(f"{name} ({part.get_content_type()}, {size} bytes)")
    return "\n".join(notes)


def content_sha256(sender_email: str, subject: str, text: str) -> str:
    """SHA-256 of what a letter says (who, the subject, the text): the same letter however it was relayed."""
    return hashlib.sha256("\0".join([sender_email.lower(), subject, text]).encode("utf-8", "surrogatepass")).hexdigest()


def letter_from_email(raw: bytes) -> Letter:
    """An unsaved letter from one RFC 822 message.

    Raises MessageRefused (not a letter), MessageUnreadable (over a parsing limit, or an address that is not
    one valid address beyond doubt: UnclearAddress) or MachineMail (a machine's mail, or Santa's own).
    """
    if not raw.strip():
        raise MessageRefused("The message is empty.")
    message = parse_message(raw)
    if not message.keys():
        raise MessageRefused("This is not an email message: it has no headers.")
    machine = machine_reason(message)
    if machine:
        raise MachineMail(f"An automatic message ({machine}), not a letter; not stored and never answered.")
    name, address = _sender(message)
    note, body = _body(message)
    reading = _Reading(used={id(body)} if body is not None else set())
    for wrapper in _enclosed(message):
        _read_enclosed(wrapper, reading)
    forwarding_note = note if reading.text else ""
    text = "\n\n".join([reading.text or note, *reading.also]).strip()
    if not text:
        raise MessageRefused("The message has no text to read (no text/plain or text/html part with words in it).")
    notes = _attachment_notes(message, reading.used)
    if len(text) > MAX_TEXT_CHARACTERS:
        cut = f"(the text went on for {len(text) - MAX_TEXT_CHARACTERS} more characters: see the original email)"
        text, notes = text[:MAX_TEXT_CHARACTERS], "\n".join(filter(None, [cut, notes]))
    subject = one_line(header(message, "subject"), 300)
    return Letter(
        source=Letter.Source.EMAIL,
        sender_name=one_line(name, 200),
        sender_email=address,
        subject=subject,
        text=text,  # each piece was cleaned as it was decoded
        # The words decide; a Content-Language header often names the mail program's language, not the letter's.
        language=detect_language(text) or header(message, "content-language").split(",")[0].strip()[:35],
        message_id=message_id(header(message, "message-id")),
        references=references(header(message, "references")),
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        content_sha256=content_sha256(address, subject, text),
        dropped_attachments=notes,
        enclosed_from=reading.enclosed_from,
        enclosed_date=reading.enclosed_date,
        forwarding_note=forwarding_note,
    )
