"""manage.py rehearsal_clock: print TRACKER_CLOCK_* values that replay the live route from now."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from locations.sync import live_revision
from tracker.clock import wall_now


class Command(BaseCommand):
    help = "Print shell exports for a rehearsal starting shortly before the live route's first stop."

    def add_arguments(self, parser):
        parser.add_argument("--speed", type=float, default=60.0, help="route seconds per wall second (default 60)")
        parser.add_argument("--lead", type=int, default=120, help="route seconds before the first stop (default 120)")

    def handle(self, *args, **options):
        if options["speed"] < 0:
            raise CommandError("--speed must be 0 or more")
        revision = live_revision()
        first = revision.stops.order_by("arrival").first() if revision else None
        if first is None:
            raise CommandError("There is no live route to rehearse: run manage.py sync_route first.")
        start = first.arrival - dt.timedelta(seconds=options["lead"])
        anchor = wall_now().replace(microsecond=0)
        self.stdout.write(f"export TRACKER_CLOCK_START={start:%Y-%m-%dT%H:%M:%SZ}")
        self.stdout.write(f"export TRACKER_CLOCK_ANCHOR={anchor:%Y-%m-%dT%H:%M:%SZ}")
        self.stdout.write(f"export TRACKER_CLOCK_SPEED={options['speed']:g}")
