"""Real and hostile emails for the intake tests: the cases from bug reports, and the huge ones made on the fly."""

from pathlib import Path

CASES = Path(__file__).parent / "mail_cases"
HEAD = "From: Kid <kid@example.org>\r\nTo: santa@example.net\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n"


def case(name: str) -> bytes:
    """The bytes of a case file in tests/letters/mail_cases/ (from ../shared/cases/mail/)."""
    return (CASES / name).read_bytes()


def encoded_word_subject(words: int, message_id: str = "<ew@example.org>") -> bytes:
    """A message whose Subject is WORDS RFC 2047 encoded words (20,000 took 2.7 GB in the stdlib's parser)."""
    subject = " ".join(["=?utf-8?q?a?="] * words)
    return f"{HEAD}Subject: {subject}\r\nMessage-ID: {message_id}\r\n\r\nx\r\n".encode()


def nested_multipart(depth: int, message_id: str = "<deep@example.org>") -> bytes:
    """A message with DEPTH nested multiparts around one text part (3,000 raised RecursionError)."""
    part = "Content-Type: text/plain\r\n\r\ndeep text\r\n"
    for level in range(depth):
        part = f"Content-Type: multipart/mixed; boundary=b{level}\r\n\r\n--b{level}\r\n{part}\r\n--b{level}--\r\n"
    return f"{HEAD}Subject: deep\r\nMessage-ID: {message_id}\r\n{part}".encode()


def many_headers(count: int) -> bytes:
    """A message with COUNT Received headers."""
    received = "".join(f"Received: from relay{n}.example.net by mx.example.org\r\n" for n in range(count))
    return f"{HEAD}{received}Subject: many\r\nMessage-ID: <many@example.org>\r\n\r\nhello\r\n".encode()


def plain_letter(message_id: str, text: str = "Dear Santa, a kite please.") -> bytes:
    """A small good letter."""
    return f"{HEAD}Subject: Hello\r\nMessage-ID: {message_id}\r\n\r\n{text}\r\n".encode()
