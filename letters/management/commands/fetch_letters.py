"""manage.py fetch_letters [--every SECONDS]: take new letters from the IMAP mailbox in LETTERS_IMAP_URL."""

import imaplib
import ssl
from time import sleep

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from letters.imap import fetch_new_letters, mailbox_from_settings


class Command(BaseCommand):
    help = (
        "Fetch new messages from the IMAP mailbox (LETTERS_IMAP_URL, _USER, _PASSWORD) and store them as "
        "letters. Remembers what it took (by UIDVALIDITY and UID), so a re-run takes nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=float, metavar="SECONDS", help="keep polling, waiting SECONDS between rounds"
        )

    def handle(self, *args: object, every: float | None, **options: object) -> None:
        if every is not None and every <= 0:
            raise CommandError("--every needs a number of seconds above 0.")
        try:
            mailbox = mailbox_from_settings()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        while True:
            try:
                report = fetch_new_letters(mailbox)
            except (imaplib.IMAP4.error, OSError, ssl.SSLError, EOFError) as exc:
                # Letters stored before the failure stay stored; the next round goes on from there.
                message = f"{mailbox.key}: fetching stopped: {exc!r}. Nothing taken so far is lost."
                if every is None:
                    raise CommandError(message) from None
                self.stderr.write(message)
            else:
                for refusal in report.refused:
                    self.stderr.write(f"{mailbox.key}: refused {refusal}")
                self.stdout.write(f"{mailbox.key}: {report.summary()}.")
            if every is None:
                return
            sleep(every)
