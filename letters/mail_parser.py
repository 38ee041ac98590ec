"""Parsing untrusted email within bounds: size, headers, encoded words, MIME depth and parts, checked while parsing.

The standard library's header parser needs memory that grows with the square of the encoded words in one
header (20,000 of them, 280 KB, took 2.7 GB), and its MIME parser recurses once per nesting level (3,000
levels raise RecursionError). So the parser here is the standard one with a policy that refuses a header,
a header block or a nesting level beyond the limits as the parser meets it, before anything is decoded.
"""

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Self, cast, override

from django.conf import settings

# An RFC 2047 encoded word: =?charset?encoding?text?=
ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")


class MessageRefused(Exception):
    """An email that is not a letter (no sender, no text, too big); the message says why."""


class MessageUnreadable(Exception):
    """An email that cannot be read safely (over a parsing limit, broken structure); it is quarantined."""


@dataclass(frozen=True)
class MailLimits:
    """The bounds on one message: bytes, headers per part, bytes and encoded words per header, MIME depth, parts."""

    max_bytes: int
    max_headers: int
    max_header_bytes: int
    max_encoded_words: int
    max_depth: int
    max_parts: int

    @classmethod
    def from_settings(cls) -> "MailLimits":
        """The LETTERS_MAX_EMAIL_* settings."""
        return cls(
            max_bytes=settings.LETTERS_MAX_EMAIL_BYTES,
            max_headers=settings.LETTERS_MAX_EMAIL_HEADERS,
            max_header_bytes=settings.LETTERS_MAX_EMAIL_HEADER_BYTES,
            max_encoded_words=settings.LETTERS_MAX_EMAIL_ENCODED_WORDS,
            max_depth=settings.LETTERS_MAX_EMAIL_DEPTH,
            max_parts=settings.LETTERS_MAX_EMAIL_PARTS,
        )


class BoundedMessage(EmailMessage):
    """A message part that refuses too many headers and too deep nesting as the parser builds it."""

    depth = 0
    policy: "BoundedPolicy"

    @override
    def set_raw(self, name: str, value: str) -> None:
        """Store one parsed header; MessageUnreadable past the policy's header count."""
        if len(self) >= self.policy.max_headers:  # the headers stored so far
            raise MessageUnreadable(
                f"A part of the message has more than {self.policy.max_headers} headers "
                "(LETTERS_MAX_EMAIL_HEADERS); it was not read."
            )
        super().set_raw(name, value)

    # typeshed's MIMEPart.attach takes Self, narrower than its base Message.attach: the stubs disagree with themselves.
    @override
    def attach(self, payload: Self) -> None:  # type: ignore[override]
        """Add a sub-part one level deeper; MessageUnreadable past the policy's depth or number of parts."""
        payload.depth = self.depth + 1
        if payload.depth > self.policy.max_depth:
            raise MessageUnreadable(
                f"The message nests parts more than {self.policy.max_depth} levels deep "
                "(LETTERS_MAX_EMAIL_DEPTH); it was not read."
            )
        parts_seen = self.policy.parts_seen
        if parts_seen is None:
            raise TypeError("A BoundedPolicy needs its own parts_seen list: parse_message makes one per message.")
        parts_seen.append(None)
        if len(parts_seen) > self.policy.max_parts:
            raise MessageUnreadable(
                f"The message has more than {self.policy.max_parts} MIME parts (LETTERS_MAX_EMAIL_PARTS); "
                "it was not read."
            )
        super().attach(payload)


class BoundedPolicy(policy.EmailPolicy):
    """policy.default, refusing a header over max_header_bytes or max_encoded_words as it is read."""

    message_factory = BoundedMessage
    max_headers = 100
    max_header_bytes = 16 * 1024
    max_encoded_words = 100
    max_depth = 20
    max_parts = 500
    # One list per parse (parse_message makes a policy per message): the parts attached so far.
    parts_seen: list[None] | None = None

    @override
    def header_source_parse(self, sourcelines: list[str]) -> tuple[str, str]:
        """The (name, value) of one header, checked before anything decodes it."""
        size = sum(len(line) for line in sourcelines)
        name = sourcelines[0].split(":", 1)[0][:60]
        if size > self.max_header_bytes:
            raise MessageUnreadable(
                f"The {name!r} header is {size} bytes, over {self.max_header_bytes} "
                "(LETTERS_MAX_EMAIL_HEADER_BYTES); it was not read."
            )
        words = sum(len(ENCODED_WORD.findall(line)) for line in sourcelines)
        if words > self.max_encoded_words:
            raise MessageUnreadable(
                f"The {name!r} header has {words} encoded words, over {self.max_encoded_words} "
                "(LETTERS_MAX_EMAIL_ENCODED_WORDS); it was not read."
            )
        return super().header_source_parse(sourcelines)


def parse_message(raw: bytes, limits: MailLimits | None = None) -> EmailMessage:
    """RAW parsed within LIMITS (default: the settings); MessageRefused if too big, MessageUnreadable past a limit."""
    limits = limits or MailLimits.from_settings()
    if len(raw) > limits.max_bytes:
        raise MessageRefused(
            f"The message is over {limits.max_bytes} bytes (LETTERS_MAX_EMAIL_BYTES); it was not stored."
        )
    # typeshed lists only the standard policies' keywords; a subclass's own attributes are accepted too (docs of clone).
    bounded: BoundedPolicy = BoundedPolicy(  # type: ignore[call-overload]
        max_headers=limits.max_headers,
        max_header_bytes=limits.max_header_bytes,
        max_encoded_words=limits.max_encoded_words,
        max_depth=limits.max_depth,
        max_parts=limits.max_parts,
        parts_seen=[],
    )
    try:
        # The policy's message_factory builds every part; typeshed types an EmailPolicy subclass's parts as Message.
        return cast(BoundedMessage, BytesParser(policy=bounded).parsebytes(raw))
    except RecursionError:
        raise MessageUnreadable("The message's structure is too deeply nested to read.") from None
