"""manage.py plan_route PLACES: order places as a journey through the night and write the route."""

import argparse
import datetime as dt
import math
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext

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
from locations.validation import SLEIGH_SPEED_KMH, Finding, parse_deadline

# A group of findings or left-out places names this many, then says how many more.
NAMED_PER_GROUP = 5


# The largest values the options take: beyond them a route means nothing (a stay of more than an hour leaves
# no evening; no search needs a million solutions) and the solver's integers would overflow.
MAX_SPEED_KMH = 1_000_000
MAX_STAY = 3_600
MAX_SOLUTIONS = 1_000_000


def bounded(kind: type, what: str, highest: float) -> Any:
    """An argparse type: a finite number of `kind` (int: whole) from above 0 to `highest`, refused with a
    message naming `what` and the range."""
    unit = "a whole number" if kind is int else "a number"

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value) or not 0 < value <= highest:
            raise argparse.ArgumentTypeError(f"{what} must be {unit} above 0 and at most {highest:,}, not {text!r}")
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
            type=bounded(float, "speed", MAX_SPEED_KMH),
            default=DEFAULT_FLIGHT.speed_kmh,
            help=f"the sleigh's top speed in km/h ({DEFAULT_FLIGHT.speed_kmh:,.0f})",
        )
        parser.add_argument(
            "--stay",
            type=bounded(int, "stay", MAX_STAY),
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
            type=bounded(int, "solutions", MAX_SOLUTIONS),
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
        if parse_opening(flight.opening) >= parse_deadline(deadline):
            raise CommandError(
                f"The opening {flight.opening} is not before the deadline {deadline}: no place would have an evening. "
                "Give an earlier --opening or a later --deadline."
            )
        output = self.output_path(options["output"])
        if flight.speed_kmh > SLEIGH_SPEED_KMH:
            self.note(
                f"Faster than {SLEIGH_SPEED_KMH:,.0f} km/h: check_route and sync_route will warn of each hop faster "
                "than that (impossible_hop)."
            )
        try:
            table = read_source(options["source"])
        except SourceError as exc:
            raise CommandError(str(exc)) from None
        places = read_places(table, night)
        if any(column_name(header) in ("arrival", "local arrival") for header in table.headers):
            self.note("The places' arrival times are set aside: the planner gives every stop its arrival.")
        self.report_findings("warning", places.warnings)
        # A sheet without a place says so once, below, rather than as a finding about its header row.
        self.report_findings("error", [finding for finding in places.errors if finding.code != "no_stops"])
        if not places.places:
            raise CommandError(f"{options['source']} has no place that can be planned; no route was written.")

        began = time.monotonic()
        count = len(places.places)
        self.note(
            f"Planning {count} {ngettext('place', 'places', count)}: {flight.speed_kmh:,.0f} km/h, "
            f"{flight.stay} s at each stop, "
            f"{flight.opening} to {deadline} local time, at most {flight.solutions:,} solutions."
        )
        plan = plan_route(places.places, night, deadline, flight, progress=self.progress(began, options["verbosity"]))
        report = check_plan(plan)
        if report.errors:
            # The planner should never get here; refuse to write a route check_route would reject.
            messages = "; ".join(f"row {finding.row}: {finding.message}" for finding in report.errors)
            raise CommandError(f"The planned route does not pass validation: {messages}")
        if output is not None:
            output.write_text(route_csv(plan), encoding="utf-8", newline="")
        else:
            self.stdout.write(route_csv(plan), ending="")
        self.report_unplaced(plan.unplaced)
        net = " (stopped by the time safety net: another run may differ)" if plan.stopped_by_safety_net else ""
        stops = len(plan.stops)
        self.note(
            f"{stops} {ngettext('stop', 'stops', stops)} planned, "
            f"{len(plan.unplaced) + len({f.row for f in places.errors if f.code != 'no_stops'})} left out, "
            f"{plan.total_km:,.0f} km in all "
            f"(night {night:%Y-%m-%d}, deadline {deadline}), {plan.solutions:,} solutions in "
            f"{time.monotonic() - began:.0f} s{net}."
        )
        if plan.unplaced or places.errors:
            raise SystemExit(1)

    def note(self, message: str) -> None:
        """A line of information on standard error, in the terminal's own colour (Django paints stderr red)."""
        self.stderr.write(message, style_func=str)

    def output_path(self, name: str | None) -> Path | None:
        """The -o file, checked before the search so that a bad name costs no minute of planning.

        Raises CommandError for a folder, a missing folder, one that cannot be written, or a spreadsheet or
        JSON name (the route is written as CSV)."""
        if not name:
            return None
        path = Path(name)
        if path.suffix.casefold() in (".xlsx", ".xls", ".ods", ".json"):
            raise CommandError(f"{name}: plan_route writes the route as CSV; give -o a .csv file name.")
        if path.is_dir():
            raise CommandError(f"{name} is a folder; give -o a file name, such as {path / 'route.csv'}.")
        folder = path.parent
        if not folder.is_dir():
            raise CommandError(f"{name}: there is no folder {folder}; create it first or write elsewhere.")
        if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise CommandError(f"{name} cannot be written here; choose another file.")
        return path

    def progress(self, began: float, verbosity: int) -> Any:
        """Progress lines on a terminal (or with -v 2): the search's line (solutions tried and the best total so
        far, then each stage after the search), and the seconds since planning began."""

        def show(line: str) -> None:
            self.note(f"  {line}, {time.monotonic() - began:.0f} s")

        return show if sys.stderr.isatty() or verbosity > 1 else None

    def report_findings(self, severity: str, findings: list[Finding]) -> None:
        """Findings grouped by code: one paragraph per code, the first rows' messages, then how many more."""
        groups: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            groups[finding.code].append(finding)
        for code, group in groups.items():
            left_out = " (left out of the plan)" if severity == "error" else ""
            self.stderr.write(
                f"{len(group)} {ngettext('place', 'places', len(group))} with {severity} {code}{left_out}:"
            )
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
            self.stderr.write(f"{len(group)} {ngettext('place', 'places', len(group))} not planned ({kind}):")
            for item in group[:NAMED_PER_GROUP]:
                where = f"row {item.place.row}: " if item.place.row else ""
                self.stderr.write(f"  {where}{item.reason}")
            if len(group) > NAMED_PER_GROUP:
                names = ", ".join(item.place.label for item in group[NAMED_PER_GROUP : NAMED_PER_GROUP + 20])
                more = len(group) - NAMED_PER_GROUP - 20
                self.stderr.write(f"  ... and {names}" + (f" and {more} more." if more > 0 else "."))
