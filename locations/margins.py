"""How close each stop comes to the deadline: local arrivals against it, and the chart that shows them."""

import datetime as dt
from dataclasses import dataclass

import pytz

from locations.geography import local_wall_time
from locations.models import Revision, Stop
from locations.validation import parse_deadline

# A stop arriving less than this before its local deadline is tight: a short delay makes it late.
TIGHT = dt.timedelta(minutes=10)

# The chart's drawing area in SVG user units; the page scales it to its width.
CHART_WIDTH = 800
CHART_HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 36


@dataclass(frozen=True)
class StopMargin:
    """One stop's local arrival and how long before the local deadline it is (None for an unknown zone)."""

    index: int
    row: int
    place: str
    timezone: str
    local_arrival: dt.datetime | None
    margin: dt.timedelta | None

    @property
    def number(self) -> int:
        """The stop's 1-based position on the route, as the map and the admin number it."""
        return self.index + 1

    @property
    def tight(self) -> bool:
        """Whether it arrives less than TIGHT before the deadline."""
        return self.margin is not None and self.margin < TIGHT

    @property
    def margin_minutes(self) -> int | None:
        """The margin in whole minutes, rounded down."""
        return None if self.margin is None else int(self.margin.total_seconds() // 60)


def deadline_wall_time(revision: Revision) -> dt.datetime:
    """The revision's deadline as a local wall time on its night (26:00 is 02:00 the next morning)."""
    return dt.datetime.combine(revision.night, dt.time()) + parse_deadline(revision.deadline)


def stop_margins(revision: Revision) -> list[StopMargin]:
    """Every stop of REVISION in route order with its local arrival and margin before the local deadline."""
    deadline = deadline_wall_time(revision)
    margins = []
    for index, row, city, region, country, arrival, zone in (
        Stop.objects.filter(revision=revision)
        .order_by("index")
        .values_list("index", "row", "city", "region", "country", "arrival", "timezone")
    ):
        try:
            local = local_wall_time(arrival, zone)
        except pytz.UnknownTimeZoneError:
            local = None
        place = ", ".join(part for part in (city, region, country) if part)
        margin = None if local is None else deadline - local
        margins.append(StopMargin(index, row, place, zone, local, margin))
    return margins


@dataclass(frozen=True)
class MarginChart:
    """The margin chart's geometry in SVG user units: the arrivals' line, the tight band, ticks and dots."""

    width: int
    height: int
    points: str
    deadline_y: float
    band_y: float
    band_height: float
    plot_left: int
    plot_right: int
    plot_bottom: int
    plot_width: int
    tick_label_x: int
    stop_label_y: int
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, int]]
    tight: list[tuple[float, float, StopMargin]]


def _hour_floor(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def margin_chart(margins: list[StopMargin], deadline: dt.datetime) -> MarginChart | None:
    """Local arrival (y, up to the deadline line) against route order (x); None when no stop has a local time."""
    timed = [(margin, margin.local_arrival) for margin in margins if margin.local_arrival is not None]
    if not timed:
        return None
    earliest = _hour_floor(min(at for _, at in timed))
    latest = max(deadline, max(at for _, at in timed))
    top_time = _hour_floor(latest) + dt.timedelta(hours=1)
    span = (top_time - earliest).total_seconds()
    plot_width = CHART_WIDTH - LEFT - RIGHT
    plot_height = CHART_HEIGHT - TOP - BOTTOM
    count = len(margins)

    def x(index: int) -> float:
        return round(LEFT + (plot_width * index / (count - 1) if count > 1 else plot_width / 2), 1)

    def y(moment: dt.datetime) -> float:
        return round(TOP + plot_height * (top_time - moment).total_seconds() / span, 1)

    hours = int(span // 3600)
    step = max(1, -(-hours // 6))
    y_ticks = [
        (y(earliest + dt.timedelta(hours=h)), f"{(earliest + dt.timedelta(hours=h)):%H:%M}")
        for h in range(0, hours + 1, step)
    ]
    x_step = max(1, -(-count // 8))
    x_ticks = [(x(index), index + 1) for index in range(0, count, x_step)]
    if x_ticks[-1][1] != count:
        x_ticks.append((x(count - 1), count))
    deadline_y = y(deadline)
    return MarginChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        points=" ".join(f"{x(margin.index)},{y(at)}" for margin, at in timed),
        deadline_y=deadline_y,
        band_y=deadline_y,
        band_height=round(y(deadline - TIGHT) - deadline_y, 1),
        plot_left=LEFT,
        plot_right=CHART_WIDTH - RIGHT,
        plot_bottom=CHART_HEIGHT - BOTTOM,
        plot_width=plot_width,
        tick_label_x=LEFT - 6,
        stop_label_y=CHART_HEIGHT - BOTTOM + 16,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        tight=[(x(margin.index), y(at), margin) for margin, at in timed if margin.tight],
    )
