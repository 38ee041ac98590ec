"""The night at a glance for the organisers on duty: the sync heartbeat and the next hop (who decides: control.py)."""

import datetime as dt
from dataclasses import dataclass

from locations.models import SyncRun

# The heartbeat turns red when the --every loop has missed this many intervals.
MISSED_INTERVALS = 2


@dataclass(frozen=True)
class Heartbeat:
    """Whether `sync_route --every` is alive, judged from its latest run in wall time."""

    run: SyncRun | None
    alive: bool
    silent_for: dt.timedelta | None

    @property
    def state(self) -> str:
        """'alive', 'stopped' (missed two intervals) or 'never' (no --every run recorded)."""
        if self.run is None:
            return "never"
        return "alive" if self.alive else "stopped"


def heartbeat(wall: dt.datetime) -> Heartbeat:
    """The latest `--every` sync run and whether it finished within MISSED_INTERVALS intervals before WALL."""
    run = SyncRun.objects.filter(every_seconds__isnull=False).order_by("-finished").first()
    if run is None:
        return Heartbeat(None, alive=False, silent_for=None)
    silent_for = max(dt.timedelta(0), wall - run.finished)
    allowed = dt.timedelta(seconds=MISSED_INTERVALS * run.every_seconds)
    return Heartbeat(run, alive=silent_for <= allowed, silent_for=silent_for)


def time_until(moment: dt.datetime, now: dt.datetime) -> str:
    """'in 3 min', 'in 1 h 5 min', 'in under a minute' or 'now': how far MOMENT is after NOW."""
    seconds = (moment - now).total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < 60:
        return "in under a minute"
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"in {hours} h {minutes} min" if minutes else f"in {hours} h"
    return f"in {minutes} min"
