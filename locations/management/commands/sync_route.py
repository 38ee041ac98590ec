"""manage.py sync_route [SOURCE]: validate and, only when it has no errors, publish a new live revision."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lib.every import add_every_option, repeat_every
from locations.management.commands._route_options import add_route_options
from locations.models import SyncRun
from locations.sync import sync_route


class Command(BaseCommand):
    help = "Sync the route from SOURCE, the configured sheet or the sample route; live changes only if it passes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source",
            nargs="?",
            help="a .csv or .xlsx path, Google Santa Tracker's route .json, or a Google Sheet URL or key",
        )
        add_every_option(parser, "syncing")
        parser.add_argument(
            "--allow-rewind",
            action="store_true",
            help="make the revision live even if it takes back stops viewers have seen (otherwise it is held)",
        )
        add_route_options(parser)

    def handle(
        self,
        *args: str,
        source: str | None,
        every: float | None,
        allow_rewind: bool,
        night: dt.date | None,
        deadline: str | None,
        **options: object,
    ) -> None:
        def one_round() -> None:
            result = sync_route(
                source,
                synced_by="sync_route",
                night=night,
                deadline=deadline,
                allow_rewind=allow_rewind,
                every_seconds=every,
            )
            if result.report is not None and (result.report.errors or result.report.warnings):
                self.stdout.write(result.report.as_text())
            # The word the admin's sync runs show for this outcome ("rejected", "held"...), so both read alike.
            outcome = SyncRun.Outcome(result.outcome).label.partition(":")[0]
            if not result.ok:
                raise CommandError(f"{outcome}: {result.message}")
            self.stdout.write(f"{outcome}: {result.message}")

        repeat_every(every, one_round, self.stderr, doing="The route sync (sync_route --every)")
