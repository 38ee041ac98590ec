"""The route clock: one function answers what time it is on the route, the same in every worker."""

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

UTC = dt.UTC


@dataclass(frozen=True)
class Rehearsal:
    """Route time `start` at wall time `anchor`, running `speed` route seconds per wall second."""

    start: dt.datetime
    anchor: dt.datetime
    speed: float


def parse_instant(name: str, text: str) -> dt.datetime:
    """An ISO 8601 instant with Z or an offset, or a loud configuration error."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise ImproperlyConfigured(f"{name} must be an ISO 8601 instant with Z or an offset, not {text!r}")
    return moment.astimezone(UTC)


def rehearsal_from_environment(start: str, anchor: str, speed: float | None) -> Rehearsal | None:
    """Build the rehearsal from TRACKER_CLOCK_* values; None (real time) when none is set."""
    if not start and not anchor and speed is None:
        return None
    if not start or not anchor:
        raise ImproperlyConfigured(
            "TRACKER_CLOCK_START and TRACKER_CLOCK_ANCHOR go together: set both (every worker needs the same anchor)"
        )
    if speed is None:
        speed = 1.0
    if speed < 0:
        raise ImproperlyConfigured(f"TRACKER_CLOCK_SPEED must be 0 or more, not {speed}")
    return Rehearsal(
        parse_instant("TRACKER_CLOCK_START", start), parse_instant("TRACKER_CLOCK_ANCHOR", anchor), float(speed)
    )


def wall_now() -> dt.datetime:
    """Real time, in UTC."""
    return dt.datetime.fromtimestamp(time.time(), UTC)


def route_time_at(wall: dt.datetime) -> dt.datetime:
    """The route time at a given wall time, so one wall reading can serve a whole response."""
    rehearsal: Rehearsal | None = settings.TRACKER_CLOCK
    if rehearsal is None:
        return wall
    return rehearsal.start + (wall - rehearsal.anchor) * rehearsal.speed


def wall_time_at(route: dt.datetime) -> dt.datetime | None:
    """The wall time at which the route clock shows `route`; None when a frozen rehearsal never gets there."""
    rehearsal: Rehearsal | None = settings.TRACKER_CLOCK
    if rehearsal is None:
        return route
    if rehearsal.speed == 0:
        return None
    return rehearsal.anchor + (route - rehearsal.start) / rehearsal.speed


def route_now() -> dt.datetime:
    """What time it is on the route: real time, or the rehearsal's time."""
    return route_time_at(wall_now())


def clock_speed() -> float:
    """Route seconds per wall second (1 in real time, 0 when frozen)."""
    rehearsal: Rehearsal | None = settings.TRACKER_CLOCK
    return 1.0 if rehearsal is None else rehearsal.speed


def is_rehearsal() -> bool:
    """Whether the route clock is not real time, so the map must say so."""
    return settings.TRACKER_CLOCK is not None
