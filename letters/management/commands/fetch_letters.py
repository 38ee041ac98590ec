"""manage.py fetch_letters [--every SECONDS]: take new letters from the IMAP mailbox in LETTERS_IMAP_URL."""

import ssl

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext
from imapclient.exceptions import IMAPClientError

from letters.imap import fetch_new_letters, mailbox_from_settings
from lib.every import add_every_option, repeat_every


class Command(BaseCommand):
    help = (
        "Fetch new messages from the IMAP mailbox (LETTERS_IMAP_URL, _USER, _PASSWORD) and store them as "
        "letters. Remembers what it took (by UIDVALIDITY and UID), so a re-run takes nothing twice. A message "
        "that cannot be read is quarantined for the admin and the round goes on; exits 1 when any was."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_every_option(parser, "polling")

    def handle(self, *args: object, every: float | None, **options: object) -> None:
        try:
            mailbox = mailbox_from_settings()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None

        def one_round() -> None:
            try:
                report = fetch_new_letters(mailbox)
            except (IMAPClientError, OSError, ssl.SSLError, EOFError) as exc:
                # Letters stored before the failure stay stored; the next round goes on from there.
                raise CommandError(f"{mailbox.key}: fetching stopped: {exc!r}. Nothing taken so far is lost.") from None
            for refusal in report.refused:
                self.stderr.write(f"{mailbox.key}: refused {refusal}")
            for entry in report.quarantined:
                self.stderr.write(f"{mailbox.key}: {entry}")
            self.stdout.write(f"{mailbox.key}: {report.summary()}.")
            if report.quarantined:
                # A failed round (exit 1 when run once), so cron or the operator looks at the quarantine.
                raise CommandError(
                    f"{mailbox.key}: {len(report.quarantined)} "
                    f"{ngettext('message', 'messages', len(report.quarantined))} quarantined; see Quarantined emails "
                    "in the admin."
                )

        repeat_every(every, one_round, self.stderr, doing="The letter fetch (fetch_letters --every)")
