"""manage.py plan_route PLACES: give places arrival times westward through the night and write the route."""

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from locations.management.commands._route_options import add_route_options
from locations.planning import check_plan, coming_night, plan_route, read_places, route_csv
from locations.sources import read_source
from locations.table import SourceError


def gap_option(text: str) -> dt.timedelta:
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise argparse.ArgumentTypeError(f"gap must be a whole number of seconds, at least 1, not {text!r}")
    return dt.timedelta(seconds=seconds)


class Command(BaseCommand):
    help = (
        "Plan a route: read places (city, region, country, latitude, longitude, optional presents, fact) and "
        "write them as a route with arrival times, westward through the night, each before its local deadline. "
        "Exits 1 when a place has an error or cannot fit; the places that fit are still written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="the places: a .csv or .xlsx path, or a Google Sheet URL or key")
        parser.add_argument("-o", "--output", help="write the route to this file (default: standard output)")
        parser.add_argument(
            "--gap", type=gap_option, default=dt.timedelta(minutes=1), help="least seconds between arrivals (60)"
        )
        add_route_options(parser)

    def handle(self, *args: str, **options: Any) -> None:
        night = options["night"] or settings.TRACKER_ROUTE_NIGHT or coming_night(dt.datetime.now(dt.UTC).date())
        deadline = options["deadline"] or settings.TRACKER_ROUTE_DEADLINE
        try:
            table = read_source(options["source"])
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        places = read_places(table, night)
        for finding in places.warnings:
            self.stderr.write(f"row {finding.row}, {finding.column}: warning {finding.code}: {finding.message}")
        if places.errors:
            for finding in places.errors:
                self.stderr.write(f"row {finding.row}, {finding.column}: error {finding.code}: {finding.message}")
            self.stderr.write(f"{len(places.errors)} errors in the places; no route was written.")
            raise SystemExit(1)
        if not places.places:
            raise CommandError(f"{options['source']} has no places: add one row per place under the header.")

        plan = plan_route(places.places, night, deadline, options["gap"])
        report = check_plan(plan)
        if report.errors:
            # The planner should never get here; refuse to write a route check_route would reject.
            messages = "; ".join(f"row {finding.row}: {finding.message}" for finding in report.errors)
            raise CommandError(f"The planned route does not pass validation: {messages}")
        if options["output"]:
            Path(options["output"]).write_text(route_csv(plan), encoding="utf-8", newline="")
        else:
            self.stdout.write(route_csv(plan), ending="")
        for item in plan.unplaced:
            where = f"row {item.place.row}: " if item.place.row else ""
            self.stderr.write(f"{where}not planned: {item.reason}")
        self.stderr.write(
            f"{len(plan.stops)} stops planned, {len(plan.unplaced)} left out "
            f"(night {night:%Y-%m-%d}, deadline {deadline})."
        )
        if plan.unplaced:
            raise SystemExit(1)
