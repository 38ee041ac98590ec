"""Mail that machines send (delivery reports, auto-replies): never a letter, never answered."""

from email.message import EmailMessage
from email.utils import parseaddr

from letters.mail_text import header_text

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


def machine_reason(message: EmailMessage) -> str:
    """Why MESSAGE was sent by a machine rather than a person, or '' when nothing says so."""
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
