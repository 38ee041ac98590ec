"""manage.py make_live NUMBER: make a revision live and pin it (a rollback, usually) until an organiser releases it."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from locations.control import TakesBack, pin
from locations.models import Revision


class Command(BaseCommand):
    help = (
        "Make revision NUMBER live and pin it: syncs store the sheet's changes as a held revision until "
        "release_route lets the sheet decide again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", type=int, help="the revision's number, as the admin lists it")
        parser.add_argument(
            "--allow-rewind",
            action="store_true",
            help="make it live even if it takes back stops viewers have seen (otherwise nothing changes)",
        )

    def handle(self, *args: str, number: int, allow_rewind: bool, **options: object) -> None:
        revision = Revision.objects.filter(number=number).first()
        if revision is None:
            raise CommandError(f"There is no revision {number}; the admin's revision list shows them all.")
        try:
            decision = pin(revision, "make_live", allow_rewind=allow_rewind)
        except TakesBack as taken:
            raise CommandError(f"{taken} Nothing changed; run again with --allow-rewind to do it anyway.") from None
        self.stdout.write(f"pinned: {decision.message}")
