"""manage.py purge_letters --older-than DAYS [--dry-run]: delete old letters and their replies."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from letters.retention import purge_letters


class Command(BaseCommand):
    help = (
        "Delete letters received more than DAYS days ago, with their replies and original emails, and quarantined "
        "emails older than that. Letters whose reply is still "
        "waiting to be sent are kept until it is sent or has failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS", dest="days")
        parser.add_argument("--dry-run", action="store_true", help="count what would go, delete nothing")

    def handle(self, *args: object, days: int, dry_run: bool, **options: object) -> None:
        if days < 0:
            raise CommandError("--older-than needs a number of days, 0 or more.")
        report = purge_letters(days, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {report.letters} letters (with their original emails), {report.replies} replies and "
            f"{report.quarantined} quarantined emails older than {days} days."
        )
        if report.kept_sending:
            self.stdout.write(f"Kept {report.kept_sending} old letters whose reply is still being sent.")
