"""manage.py plan_route PLACES: order places as a journey through the night and write the route."""

import argparse
import datetime as dt
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from locations.management.commands._route_options import add_route_options
from locations.planning import (
    DEFAULT_FLIGHT,
    Flight,
    Unplaced,
    check_plan,
    coming_night,
    parse_opening,
    plan_route,
    read_places,
    route_csv,
)
from locations.sources import read_source
from locations.table import SourceError, column_name
from locations.validation import Finding

# A group of findings or left-out places names this many, then says how many more.
NAMED_PER_GROUP = 5


def positive(kind: type, what: str) -> Any:
    """An argparse type: a number of `kind` above zero, refused with a message naming `what`."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{what} must be a number above 0, not {text!r}")
        return value

    return parse


def opening_option(text: str) -> str:
    try:
        parse_opening(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip()


class Command(BaseCommand):
    help = (
        "Plan a route: read places (city, region, country, latitude, longitude, optional presents, fact) and "
        "write them as a route flown by the sleigh: the order of least total distance (OR-Tools), each stop "
        "between the evening's opening and the local deadline, no hop faster than the sleigh. Places with an "
        "error, or that cannot fit, are reported grouped by reason and left out; the rest are still written. "
        "Exits 1 when any place was left out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="the places: a .csv, .xlsx or Google .json path, or a Google Sheet")
        parser.add_argument("-o", "--output", help="write the route to this file (default: standard output)")
        parser.add_argument(
            "--speed",
            type=positive(float, "speed"),
            default=DEFAULT_FLIGHT.speed_kmh,
            help=f"the sleigh's top speed in km/h ({DEFAULT_FLIGHT.speed_kmh:,.0f})",
        )
        parser.add_argument(
            "--stay",
            type=positive(int, "stay"),
            default=DEFAULT_FLIGHT.stay,
            help=f"whole seconds at each stop ({DEFAULT_FLIGHT.stay})",
        )
        parser.add_argument(
            "--opening",
            type=opening_option,
            default=DEFAULT_FLIGHT.opening,
            help=f"earliest local arrival, HH:MM ({DEFAULT_FLIGHT.opening})",
        )
        parser.add_argument(
            "--solutions",
            type=positive(int, "solutions"),
            default=DEFAULT_FLIGHT.solutions,
            help=f"the search's work limit: solutions to try; the same number gives the same route "
            f"({DEFAULT_FLIGHT.solutions})",
        )
        add_route_options(parser)

    def handle(self, *args: str, **options: Any) -> None:
        night = options["night"] or settings.TRACKER_ROUTE_NIGHT or coming_night(dt.datetime.now(dt.UTC).date())
        deadline = options["deadline"] or settings.TRACKER_ROUTE_DEADLINE
        flight = Flight(
            speed_kmh=options["speed"], stay=options["stay"], opening=options["opening"], solutions=options["solutions"]
        )
        try:
            table = read_source(options["source"])
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        places = read_places(table, night)
        if any(column_name(header) in ("arrival", "local arrival") for header in table.headers):
            self.stderr.write("The places' arrival times are set aside: the planner gives every stop its arrival.")
        self.report_findings("warning", places.warnings)
        self.report_findings("error", places.errors)
        if not places.places:
            raise CommandError(f"{options['source']} has no place that can be planned; no route was written.")

        began = time.monotonic()
        self.stderr.write(
            f"Planning {len(places.places)} places: {flight.speed_kmh:,.0f} km/h, {flight.stay} s at each stop, "
            f"{flight.opening} to {deadline} local time, at most {flight.solutions:,} solutions."
        )
        plan = plan_route(places.places, night, deadline, flight, progress=self.progress(began, options["verbosity"]))
        report = check_plan(plan)
        if report.errors:
            # The planner should never get here; refuse to write a route check_route would reject.
            messages = "; ".join(f"row {finding.row}: {finding.message}" for finding in report.errors)
            raise CommandError(f"The planned route does not pass validation: {messages}")
        if options["output"]:
            Path(options["output"]).write_text(route_csv(plan), encoding="utf-8", newline="")
        else:
            self.stdout.write(route_csv(plan), ending="")
        self.report_unplaced(plan.unplaced)
        net = " (stopped by the time safety net: another run may differ)" if plan.stopped_by_safety_net else ""
        self.stderr.write(
            f"{len(plan.stops)} stops planned, {len(plan.unplaced) + len({f.row for f in places.errors})} left out, "
            f"{plan.total_km:,.0f} km in all "
            f"(night {night:%Y-%m-%d}, deadline {deadline}), {plan.solutions:,} solutions in "
            f"{time.monotonic() - began:.0f} s{net}."
        )
        if plan.unplaced or places.errors:
            raise SystemExit(1)

    def progress(self, began: float, verbosity: int) -> Any:
        """Progress lines on a terminal (or with -v 2): solutions tried, best total so far, seconds."""

        def show(solutions: int, best_km: float) -> None:
            self.stderr.write(f"  {solutions:,} solutions, best {best_km:,.0f} km, {time.monotonic() - began:.0f} s")

        return show if sys.stderr.isatty() or verbosity > 1 else None

    def report_findings(self, severity: str, findings: list[Finding]) -> None:
        """Findings grouped by code: one paragraph per code, the first rows' messages, then how many more."""
        groups: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            groups[finding.code].append(finding)
        for code, group in groups.items():
            left_out = " (left out of the plan)" if severity == "error" else ""
            self.stderr.write(f"{len(group)} places with {severity} {code}{left_out}:")
            for finding in group[:NAMED_PER_GROUP]:
                self.stderr.write(f"  row {finding.row}, {finding.column}: {finding.message}")
            if len(group) > NAMED_PER_GROUP:
                self.stderr.write(f"  ... and {len(group) - NAMED_PER_GROUP} more rows with {code}.")

    def report_unplaced(self, unplaced: list[Unplaced]) -> None:
        """Places left out, grouped by why: a count, the first few by name, and what to do once."""
        groups: dict[str, list[Unplaced]] = defaultdict(list)
        for item in unplaced:
            groups[item.kind].append(item)
        for kind, group in groups.items():
            self.stderr.write(f"{len(group)} places not planned ({kind}):")
            for item in group[:NAMED_PER_GROUP]:
                where = f"row {item.place.row}: " if item.place.row else ""
                self.stderr.write(f"  {where}{item.reason}")
            if len(group) > NAMED_PER_GROUP:
                names = ", ".join(item.place.label for item in group[NAMED_PER_GROUP : NAMED_PER_GROUP + 20])
                more = len(group) - NAMED_PER_GROUP - 20
                self.stderr.write(f"  ... and {names}" + (f" and {more} more." if more > 0 else "."))
