"""manage.py rehearsal_clock: print TRACKER_CLOCK_* values that replay the live route from now."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lib.instants import iso_z
from locations.clock import wall_now
from locations.live import live_route


class Command(BaseCommand):
    help = "Print shell exports for a rehearsal starting shortly before the live route's first stop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--speed", type=float, default=60.0, help="route seconds per wall second (default 60)")
        parser.add_argument(
            "--lead",
            type=float,
            default=90.0,
            help="wall seconds before the first stop (default 90: time to see the countdown and the take-off)",
        )

    def handle(self, *args: str, **options: Any) -> None:
        if options["speed"] < 0:
            raise CommandError("--speed must be 0 or more")
        if options["lead"] < 0:
            raise CommandError("--lead must be 0 or more")
        route = live_route()
        if route is None or not route.arrivals:
            raise CommandError("There is no live route to rehearse: run manage.py sync_route first.")
        # Wall seconds become route seconds at the rehearsal's speed; a frozen clock waits at the lead itself.
        start = route.arrivals[0] - dt.timedelta(seconds=options["lead"] * (options["speed"] or 1))
        anchor = wall_now().replace(microsecond=0)
        self.stdout.write(f"export TRACKER_CLOCK_START={iso_z(start, 'seconds')}")
        self.stdout.write(f"export TRACKER_CLOCK_ANCHOR={iso_z(anchor, 'seconds')}")
        self.stdout.write(f"export TRACKER_CLOCK_SPEED={options['speed']:g}")
