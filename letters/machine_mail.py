"""Mail that machines send (delivery reports, auto-replies) and Santa's own mail: never a letter, never answered."""

from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from letters.addresses import own_addresses
from letters.mail_text import header_text

# The header every reply Santa sends carries (letters/sending.py), so a reply that comes back is known as ours
# even when a mail server rewrote its From.
OWN_MARKER_HEADER = "X-Santa-Tracker"
OWN_MARKER_VALUE = "reply"
# The headers naming who sent a message or where its answer would go: our own address in any is a loop.
SENDER_HEADERS = ("from", "sender", "reply-to")

# Report types (RFC 6522 multipart/report; RFC 3464 delivery status, RFC 8098 read receipts, RFC 5965 abuse
# feedback) and the machine senders of bounces (RFC 5321 section 4.5.5 postmaster, de-facto MAILER-DAEMON).
REPORT_TYPES = {"multipart/report", "message/delivery-status", "message/disposition-notification"}
MACHINE_SENDERS = {"mailer-daemon", "mail-daemon", "postmaster"}
# Precedence values that mean "do not answer" (RFC 3834 section 2; bulk and junk are the old convention).
AUTOMATIC_PRECEDENCE = {"auto_reply", "bulk", "junk"}
# Headers some auto-responders add instead of Auto-Submitted (Exchange, cPanel, vacation programs).
AUTO_REPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder", "x-auto-reply")


def _raw(message: EmailMessage, name: str) -> str | None:
    """Header NAME as one line of at most 100 characters (it goes into reasons), None when absent."""
    raw = next((value for key, value in message.raw_items() if key.lower() == name), None)
    return None if raw is None else header_text(raw)[:100]


def own_mail_reason(message: EmailMessage) -> str:
    """Why MESSAGE is Santa's own mail (a reply coming back, a copy to ourselves), or '' when it is not.

    Any address in From, Sender or Reply-To counts, read leniently: this only ever refuses a message.
    """
    if _raw(message, OWN_MARKER_HEADER.lower()) is not None:
        return f"a reply Santa sent, come back (it carries our {OWN_MARKER_HEADER} header)"
    ours = own_addresses()
    for name in SENDER_HEADERS:
        values = [header_text(value) for key, value in message.raw_items() if key.lower() == name]
        for _, address in getaddresses(values):
            if address.lower() in ours:
                return f"Santa's own mail ({name.title()}: {address.lower()}, one of Santa's own addresses)"
    return ""


def machine_reason(message: EmailMessage) -> str:
    """Why MESSAGE was sent by a machine rather than a person, or '' when nothing says so."""
    own = own_mail_reason(message)
    if own:
        return own
    auto = (_raw(message, "auto-submitted") or "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto} (RFC 3834)"
    content_type = message.get_content_type()
    if content_type in REPORT_TYPES:
        report = message.get_param("report-type") or ""
        return f"a {report or 'delivery'} report ({content_type})"
    return_path = _raw(message, "return-path")
    if return_path is not None and return_path.replace(" ", "") == "<>":
        return "an empty Return-Path: <> (mail servers send bounces from the null sender)"
    sender = parseaddr(_raw(message, "from") or "")[1].lower()
    if sender.partition("@")[0] in MACHINE_SENDERS:
        return f"sent by {sender} (a mail server's own address)"
    precedence = (_raw(message, "precedence") or "").lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    for name in AUTO_REPLY_HEADERS:
        if _raw(message, name) is not None:
            return f"an auto-reply ({name.title()} header)"
    return ""
