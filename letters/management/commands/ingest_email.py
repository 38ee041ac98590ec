"""manage.py ingest_email [PATH ...]: letters from RFC 822 messages on stdin, in files, Maildirs or mbox files."""

import mailbox
import sys
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from letters.intake import Intake, ingest_message, read_limited


def messages_in(path: str, kind: str) -> Iterator[tuple[str, bytes]]:
    """(label, raw bytes) for each message in PATH: '-' is stdin, a folder a Maildir, 'From ' starts an mbox."""
    limit = settings.LETTERS_MAX_EMAIL_BYTES
    if path == "-":
        yield "stdin", read_limited(sys.stdin.buffer, limit)
        return
    location = Path(path)
    if not location.exists():
        raise CommandError(f"{path}: no such file or folder.")
    if kind == "auto":
        if location.is_dir():
            kind = "maildir"
        else:
            with location.open("rb") as file:
                kind = "mbox" if file.read(5) == b"From " else "message"
    if kind == "message":
        with location.open("rb") as file:
            yield path, read_limited(file, limit)
        return
    if kind == "maildir" and not (location / "cur").is_dir():
        raise CommandError(f"{path} is a folder but not a Maildir (it has no cur/ folder).")
    box = (
        mailbox.Maildir(location, factory=None, create=False)
        if kind == "maildir"
        else mailbox.mbox(location, create=False)
    )
    for key in box.iterkeys():
        with box.get_file(key) as file:
            yield f"{path}:{key}", read_limited(file, limit)


class Command(BaseCommand):
    help = (
        "Store emailed letters: one RFC 822 message from stdin (no PATH, or -) or a file, or every message "
        "of a Maildir folder or mbox file. Re-running is safe: messages already stored are duplicates. A message "
        "that cannot be read is quarantined for the admin and the others go on. Exits 1 when a message was "
        "refused or quarantined, so a mail server piping to it bounces that message; delivery reports and "
        "auto-replies are counted apart and never bounced."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", default=["-"], help="files, Maildir folders or mbox files; - is stdin")
        parser.add_argument(
            "--format", choices=("auto", "message", "maildir", "mbox"), default="auto", help="default: guess"
        )

    def handle(self, *args: object, paths: list[str], format: str, **options: object) -> None:
        counts = dict.fromkeys(("created", "duplicate", "automatic", "refused", "quarantined"), 0)
        for path in paths:
            for label, raw in messages_in(path, format):
                intake: Intake = ingest_message(raw, origin=label)
                counts[intake.outcome] += 1
                if intake.outcome == "created":
                    note = f" ({intake.reason})" if intake.reason else ""
                    self.stdout.write(
                        f"{label}: created letter {intake.letter.pk} from {intake.letter.sender_email}{note}"
                    )
                elif intake.outcome in ("duplicate", "automatic"):
                    self.stdout.write(f"{label}: {intake.outcome}, {intake.reason}")
                else:
                    self.stderr.write(f"{label}: {intake.outcome}: {intake.reason}")
        self.stdout.write(
            f"{counts['created']} created, {counts['duplicate']} duplicates, {counts['automatic']} automatic, "
            f"{counts['refused']} refused, {counts['quarantined']} quarantined."
        )
        if counts["refused"] or counts["quarantined"]:
            raise SystemExit(1)
