"""manage.py sync_route [SOURCE]: validate and, only when it has no errors, publish a new live revision."""

import time

from django.core.management.base import BaseCommand

from locations.management.commands._route_options import add_route_options
from locations.management.commands.check_route import format_report
from locations.sync import sync_route


class Command(BaseCommand):
    help = "Sync the route from SOURCE, the configured sheet or the sample route; live changes only if it passes."

    def add_arguments(self, parser):
        parser.add_argument("source", nargs="?", help="a .csv or .xlsx path, or a Google Sheet URL or key")
        parser.add_argument("--every", type=int, metavar="SECONDS", help="keep syncing, every SECONDS seconds")
        add_route_options(parser)

    def handle(self, *args, **options):
        every = options["every"]
        if every is not None and every < 1:
            self.stderr.write("--every must be at least 1 second.")
            raise SystemExit(2)
        while True:
            result = sync_route(
                options["source"], synced_by="sync_route", night=options["night"], deadline=options["deadline"]
            )
            if result.report is not None and (result.report.errors or result.report.warnings):
                self.stdout.write(format_report(result.report))
            (self.stdout if result.ok else self.stderr).write(f"{result.outcome}: {result.message}")
            if every is None:
                if not result.ok:
                    raise SystemExit(1)
                return
            time.sleep(every)
