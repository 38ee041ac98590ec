"""Polling an IMAP mailbox for letters through IMAPClient, remembering by UIDVALIDITY and UID what has been taken."""

import contextlib
import ssl
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from letters.intake import ingest_message
from letters.models import MailboxState

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# UIDs per FETCH of sizes: keeps each command line short (servers cap its length) on a mailbox of thousands.
SIZE_BATCH = 500


@dataclass(frozen=True)
class Mailbox:
    """Where to fetch from and how to log in."""

    host: str
    port: int
    folder: str
    tls: bool
    user: str
    password: str = field(repr=False)
    ca_file: str = ""
    timeout: float = 30.0

    @property
    def key(self) -> str:
        """Names the mailbox in MailboxState: host, port, user and folder, never the password."""
        return f"{'imaps' if self.tls else 'imap'}://{self.user}@{self.host}:{self.port}/{self.folder}"


def mailbox_from_settings() -> Mailbox:
    """The mailbox in LETTERS_IMAP_URL with its login; refuses plain IMAP to another machine."""
    url = settings.LETTERS_IMAP_URL
    if not url:
        raise ImproperlyConfigured("Set LETTERS_IMAP_URL (e.g. imaps://imap.example.org/INBOX) to fetch letters.")
    parts = urlsplit(url)
    if parts.scheme not in ("imaps", "imap") or not parts.hostname:
        raise ImproperlyConfigured(f"LETTERS_IMAP_URL must look like imaps://host[:port]/MAILBOX, not {url!r}")
    tls = parts.scheme == "imaps"
    if not tls and parts.hostname not in LOOPBACK:
        raise ImproperlyConfigured("LETTERS_IMAP_URL: plain imap:// sends the password unencrypted; use imaps://.")
    if not settings.LETTERS_IMAP_USER or not settings.LETTERS_IMAP_PASSWORD:
        raise ImproperlyConfigured("Set LETTERS_IMAP_USER and LETTERS_IMAP_PASSWORD (or _FILE) to fetch letters.")
    return Mailbox(
        host=parts.hostname,
        port=parts.port or (993 if tls else 143),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        tls=tls,
        user=settings.LETTERS_IMAP_USER,
        password=settings.LETTERS_IMAP_PASSWORD,
        ca_file=settings.LETTERS_IMAP_CA_FILE,
        timeout=settings.LETTERS_IMAP_TIMEOUT,
    )


@dataclass
class FetchReport:
    """One fetch round: messages that became letters, were duplicates or machines' mail, refused or quarantined."""

    created: int = 0
    duplicates: int = 0
    automatic: int = 0
    refused: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    started_over: bool = False

    def summary(self) -> str:
        """One line for the log."""
        text = (
            f"created {self.created}, duplicates {self.duplicates}, automatic {self.automatic}, "
            f"refused {len(self.refused)}, quarantined {len(self.quarantined)}"
        )
        return text + (" (UIDVALIDITY changed: the mailbox was read again from the start)" if self.started_over else "")


def connect(mailbox: Mailbox) -> IMAPClient:
    """A logged-in IMAPClient, verifying the server's certificate over TLS; IMAPClientError or OSError on failure."""
    context = ssl.create_default_context(cafile=mailbox.ca_file or None) if mailbox.tls else None
    client = IMAPClient(mailbox.host, mailbox.port, ssl=mailbox.tls, ssl_context=context, timeout=mailbox.timeout)
    client.login(mailbox.user, mailbox.password)
    return client


def _sizes(client: IMAPClient, after_uid: int) -> list[tuple[int, int]]:
    """(UID, size in bytes) of every message with a UID above AFTER_UID, in UID order."""
    # "n:*" always matches the highest UID, even when it is not above AFTER_UID.
    uids = sorted(uid for uid in client.search(["UID", f"{after_uid + 1}:*"]) if uid > after_uid)
    found = []
    for start in range(0, len(uids), SIZE_BATCH):
        answers = client.fetch(uids[start : start + SIZE_BATCH], ["RFC822.SIZE"])
        found.extend((uid, answer[b"RFC822.SIZE"]) for uid, answer in answers.items() if b"RFC822.SIZE" in answer)
    return sorted(found)


def _message_bytes(client: IMAPClient, uid: int) -> bytes | None:
    """The raw message, without setting \\Seen; None when it vanished meanwhile."""
    return client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]")


def fetch_new_letters(mailbox: Mailbox) -> FetchReport:
    """Take every message not taken before, each stored together with the UID that marks it taken.

    A dropped connection loses nothing: a message counts as taken only in the transaction that stores
    its letter, so the next round starts at the first message not stored.
    """
    report = FetchReport()
    state, _ = MailboxState.objects.get_or_create(mailbox=mailbox.key)
    client = connect(mailbox)
    try:
        # IMAPClient quotes the name and writes it in modified UTF-7 (RFC 3501 section 5.1.3): any script works.
        selected = client.select_folder(mailbox.folder, readonly=True)
        if not selected.get(b"UIDVALIDITY"):
            raise IMAPClientError(f"SELECT {mailbox.folder} gave no UIDVALIDITY; cannot remember what was taken.")
        exists, uidvalidity = selected[b"EXISTS"], selected[b"UIDVALIDITY"]
        if uidvalidity != state.uidvalidity:
            # Old UIDs mean nothing now; reading again is safe because duplicates are recognised.
            report.started_over = state.uidvalidity != 0
            state.uidvalidity, state.last_uid = uidvalidity, 0
            state.save(update_fields=["uidvalidity", "last_uid"])
        for uid, size in _sizes(client, state.last_uid) if exists else []:
            raw = None
            if size > settings.LETTERS_MAX_EMAIL_BYTES:
                report.refused.append(f"UID {uid}: {size} bytes is over LETTERS_MAX_EMAIL_BYTES; not stored.")
            else:
                raw = _message_bytes(client, uid)
            # The UID is remembered with whatever became of its message (quarantined too), never fetched again.
            with transaction.atomic():
                if raw is not None:
                    intake = ingest_message(raw, origin=f"{mailbox.key} UID {uid} (UIDVALIDITY {uidvalidity})")
                    if intake.outcome == "created":
                        report.created += 1
                    elif intake.outcome == "duplicate":
                        report.duplicates += 1
                    elif intake.outcome == "automatic":
                        report.automatic += 1
                    elif intake.outcome == "quarantined":
                        report.quarantined.append(f"UID {uid}: {intake.reason}")
                    else:
                        report.refused.append(f"UID {uid}: {intake.reason}")
                state.last_uid = uid
                state.last_fetched = timezone.now()
                state.save(update_fields=["last_uid", "last_fetched"])
    finally:
        # A connection already gone has nothing pending on it.
        with contextlib.suppress(IMAPClientError, OSError):
            client.logout()
    return report
