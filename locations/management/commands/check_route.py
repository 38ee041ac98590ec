"""manage.py check_route SOURCE: validate a route without publishing it."""

import json

from django.core.management.base import BaseCommand, CommandError

from locations.management.commands._route_options import add_route_options
from locations.sources import read_source
from locations.sync import check_table
from locations.table import SourceError


class Command(BaseCommand):
    help = "Check a route (CSV, XLSX, Google Sheet or Google Santa Tracker JSON) and report errors and warnings."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a .csv or .xlsx path, or a Google Sheet URL or key")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        add_route_options(parser)

    def handle(self, *args, **options):
        try:
            table = read_source(options["source"])
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        report = check_table(table, options["night"], options["deadline"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_report(report))
        if not report.ok:
            raise SystemExit(1)


def format_report(report) -> str:
    """The text form: one line per finding, then a summary line."""
    lines = []
    for kind, findings in (("error", report.errors), ("warning", report.warnings)):
        for finding in findings:
            lines.append(f"row {finding.row}, {finding.column}: {kind} {finding.code}: {finding.message}")
    stops = len(report.stops) if report.ok else report.row_count
    lines.append(
        f"{stops} stops, {len(report.errors)} errors, {len(report.warnings)} warnings "
        f"(night {report.night:%Y-%m-%d}, deadline {report.deadline})."
    )
    return "\n".join(lines)
