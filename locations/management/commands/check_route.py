"""manage.py check_route SOURCE: validate a route without publishing it."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from locations.management.commands._route_options import add_route_options
from locations.sources import read_source
from locations.sync import check_table
from locations.table import SourceError


class Command(BaseCommand):
    help = "Check a route (CSV, XLSX, Google Sheet or Google Santa Tracker JSON) and report errors and warnings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="a .csv or .xlsx path, or a Google Sheet URL or key")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        add_route_options(parser)

    def handle(
        self, *args: str, source: str, format: str, night: dt.date | None, deadline: str | None, **options: object
    ) -> None:
        try:
            table = read_source(source)
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        report = check_table(table, night, deadline)
        if format == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(report.as_text())
        if not report.ok:
            raise SystemExit(1)
