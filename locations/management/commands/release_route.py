"""manage.py release_route: lift an organiser's pin and let the sheet decide: the sheet's revision goes live."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from locations.control import NothingToRelease, TakesBack, release


class Command(BaseCommand):
    help = "Let the sheet decide again: lift the pin and make the sheet's revision (the held one) live."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-rewind",
            action="store_true",
            help="release even if the sheet's revision takes back stops viewers have seen (otherwise nothing changes)",
        )

    def handle(self, *args: str, allow_rewind: bool, **options: object) -> None:
        try:
            decision = release("release_route", allow_rewind=allow_rewind)
        except NothingToRelease as nothing:
            self.stdout.write(f"unchanged: Nothing to release. {nothing}")
            return
        except TakesBack as taken:
            raise CommandError(f"{taken} Nothing changed; run again with --allow-rewind to do it anyway.") from None
        self.stdout.write(f"released: {decision.message}")
