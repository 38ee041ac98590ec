"""The one address a letter is answered at: read strictly from the email, checked again before a reply goes.

An address header is parsed by the standard library's RFC 5322 parser (email.headerregistry) on the raw,
still encoded header, so an RFC 2047 encoded word can only ever be a display name, never an address. A
header that could be read more than one way is quarantined with the reason, never guessed: two From
headers, a line break hidden in an encoded word, a folded line that reads like another header ("Bcc: ..."),
several addresses, a group, or an address that is not valid.
"""

import re
from email import errors, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from letters.mail_parser import MessageUnreadable
from letters.mail_text import SURROGATE_ESCAPES, decoded_text, one_line, text_from_bytes

# A folded line (RFC 5322 section 2.2.3) that starts like a header field of its own: "\r\n Bcc: victim@...".
HEADER_IN_FOLD = re.compile(r"\n[ \t]+[!-9;-~]+[ \t]*:")
# RFC 5322 section 3.2.2: unfolding removes the line break before the whitespace that continues a header.
FOLD = re.compile(r"\r?\n(?=[ \t])")
# Defects that leave one reading: obsolete syntax RFC 5322 section 4 says to accept ("J. Smith" has a period
# in a phrase), and a display name's words in a charset that is wrong or unknown (repaired as text parts are).
HARMLESS_DEFECTS = (errors.ObsoleteHeaderDefect, errors.UndecodableBytesDefect, errors.CharsetError)
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # a tab may stay: one_line makes it a space
# Something in a display name that reads as an address: "kid@example.org" <victim@evil.example>.
ADDRESS_IN_NAME = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")
MAX_ADDRESS_LENGTH = 254  # RFC 5321's path limit less the angle brackets (RFC 3696 errata 1690)


class UnclearAddress(MessageUnreadable):
    """An address header that does not name exactly one valid address beyond doubt: quarantined, never guessed."""


def check_reply_address(address: str) -> str:
    """ADDRESS when a reply may go to it: one valid address, not Santa's own; ValueError saying why not.

    Checked when a letter is read, when a reply is stored and again when it is sent, so an address stored
    before this check existed ("kid@example.orgBcc") can never receive mail either.
    """
    if not address or len(address) > MAX_ADDRESS_LENGTH:
        raise ValueError(f"{address!r} is not an email address of 1 to {MAX_ADDRESS_LENGTH} characters.")
    if not address.isprintable() or any(character.isspace() for character in address):
        raise ValueError(f"{address!r} holds a space, a line break or a control character.")
    if any(character in address for character in ',;<>"()[]\\'):
        raise ValueError(f"{address!r} holds what a plain address never does (, ; < > quotes or brackets).")
    try:
        validate_email(address)
    except ValidationError:
        raise ValueError(f"{address!r} is not a valid email address.") from None
    if address.lower() in own_addresses():
        raise ValueError(f"{address} is Santa's own address: a reply there would answer itself.")
    return address


def own_addresses() -> frozenset[str]:
    """Santa's own addresses, lower case: DEFAULT_FROM_EMAIL, LETTERS_FROM_EMAIL, SERVER_EMAIL and
    LETTERS_OWN_ADDRESSES (aliases, a persona's own address). Mail from them is never a letter."""
    configured = [
        settings.DEFAULT_FROM_EMAIL,
        settings.LETTERS_FROM_EMAIL,
        settings.SERVER_EMAIL,
        *settings.LETTERS_OWN_ADDRESSES,
    ]
    return frozenset(address.lower() for _, address in getaddresses(configured) if "@" in address)


def _raw_values(message: EmailMessage, name: str) -> list[str]:
    """Every raw value of header NAME, raw 8-bit bytes (RFC 6532 allows UTF-8) read as text, folds kept."""
    values = [value for key, value in message.raw_items() if key.lower() == name]
    return [
        decoded_text(value.encode("utf-8", "surrogateescape"), None) if SURROGATE_ESCAPES.search(value) else value
        for value in values
    ]


def _display_name(name: str) -> str:
    """A parsed display name on one line, its undecodable bytes read as a mislabelled text part's are."""
    if SURROGATE_ESCAPES.search(name):
        name = text_from_bytes(name.encode("utf-8", "surrogateescape"), None)
    return one_line(name, 200)


def address_header(message: EmailMessage, name: str) -> tuple[str, str] | None:
    """The (display name, address) of address header NAME (lower case: 'from', 'reply-to'), None when absent.

    Raises UnclearAddress, with the reason for the quarantine, when the header is not one valid address
    beyond doubt.
    """
    title = "-".join(word.capitalize() for word in name.split("-"))
    values = _raw_values(message, name)
    if not values:
        return None
    if len(values) > 1:
        raise UnclearAddress(f"The message has {len(values)} {title} headers; a reply must go to one address.")
    raw = values[0]
    shown = one_line(raw, 200)
    smuggled = HEADER_IN_FOLD.search(raw)
    if smuggled:
        raise UnclearAddress(
            f"The {title} header ({shown!r}) goes on in a folded line that reads like another header "
            f"({one_line(smuggled.group(), 60)!r}): a header smuggled into the address, so it was not guessed at."
        )
    try:
        parsed = policy.default.header_factory(title, FOLD.sub("", raw))
    except ValueError as exc:
        if "CR or LF" not in str(exc):
            raise UnclearAddress(f"The {title} header ({shown!r}) is not a valid address: {exc}.") from None
        # headerregistry.Address refuses CR and LF in any part: here, decoded from an encoded word.
        raise UnclearAddress(
            f"The {title} header ({shown!r}) hides a line break in an encoded word: a header smuggled into the "
            "sender's name, so it was not guessed at."
        ) from None
    except (IndexError, AttributeError, TypeError, errors.HeaderParseError) as exc:
        # The standard parser still trips over some malformed lists ("kid@" raises IndexError in 3.12).
        raise UnclearAddress(
            f"The {title} header ({shown!r}) is not a valid address (the parser failed: {type(exc).__name__})."
        ) from None
    defects = [defect for defect in parsed.defects if not isinstance(defect, HARMLESS_DEFECTS)]
    if defects:
        raise UnclearAddress(f"The {title} header ({shown!r}) is not a valid address: {defects[0]}.")
    if any(group.display_name is not None for group in parsed.groups):
        raise UnclearAddress(f"The {title} header ({shown!r}) is a group of addresses; a reply goes to one address.")
    if len(parsed.addresses) != 1:
        raise UnclearAddress(
            f"The {title} header ({shown!r}) names {len(parsed.addresses)} addresses; a reply goes to exactly one."
        )
    address: Address = parsed.addresses[0]
    if CONTROL_CHARACTER.search(address.display_name):
        raise UnclearAddress(f"The {title} header ({shown!r}) hides a control character in the sender's name.")
    try:
        check_reply_address(address.addr_spec)
    except ValueError as exc:
        raise UnclearAddress(f"The {title} address: {exc}") from None
    name = _display_name(address.display_name)
    other = next((found for found in ADDRESS_IN_NAME.findall(name) if found.lower() != address.addr_spec.lower()), None)
    if other:
        raise UnclearAddress(
            f"The {title} header's name holds another address ({other}) than the one a reply would go to "
            f"({address.addr_spec}): the elves would see one and answer the other."
        )
    return name, address.addr_spec
