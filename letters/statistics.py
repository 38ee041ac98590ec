"""The night's mail in numbers: letters per hour by language and by country, replies per hour, time to reply.

A night runs from noon to noon in the site's time zone (the night of 24 December: noon on the 24th to noon on
the 25th), so the evening's rush and the small hours are on one chart. Counts are grouped by the database
(one query for both letter charts); the median time to reply is taken over that night's replies, by
PostgreSQL's percentile_cont where the site runs on PostgreSQL (in Python on any other database).
"""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, QuerySet
from django.db.models.functions import TruncHour
from django.utils import timezone

from letters.languages import language_name
from letters.models import Letter, Reply, base_language
from locations.geography import public_country_name

HOURS = 24
# A chart shows this many languages or countries by name, the rest together as "other".
SERIES = 6

# The chart's drawing area in SVG user units, as the margin chart's (locations/margins.py); the page scales it.
CHART_WIDTH = 800
CHART_HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 36


def night_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The night of DAY: noon that day to noon the next, in the site's time zone, as aware instants."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    return start, start + dt.timedelta(hours=HOURS)


def current_night(now: dt.datetime | None = None) -> dt.date:
    """The day whose night NOW (default: now) falls in: today after noon, yesterday before."""
    local = timezone.localtime(now or timezone.now())
    return local.date() if local.hour >= 12 else local.date() - dt.timedelta(days=1)


@dataclass(frozen=True)
class Series:
    """One stacked part of a chart: a language or country (its label), and its count in each hour."""

    key: str
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Bar:
    """One rectangle of a stacked bar, in SVG user units, with what it counts."""

    x: float
    y: float
    width: float
    height: float
    series: int
    title: str


@dataclass(frozen=True)
class HourChart:
    """A stacked bar chart of counts per hour: bars, axis ticks and the legend's series."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_bottom: int
    tick_label_x: int
    hour_label_y: int
    bars: list[Bar]
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    series: list[Series]


def _top_series(counts: dict[str, list[int]], label: dict[str, str]) -> list[Series]:
    """The SERIES keys with most letters by name, biggest first, then all others as one 'other' series."""
    ranked = sorted(counts, key=lambda key: (-sum(counts[key]), key))
    shown = [Series(key, label[key], counts[key]) for key in ranked[:SERIES]]
    rest = ranked[SERIES:]
    if rest:
        other = [sum(counts[key][hour] for key in rest) for hour in range(HOURS)]
        shown.append(Series("other", f"{len(rest)} other{'s' if len(rest) != 1 else ''}", other))
    return shown


def _per_hour(queryset: QuerySet, fields: tuple[str, ...], start: dt.datetime, moment: str) -> list[dict]:
    """For each of FIELDS, {value: [count in hour 0, ..., hour 23]} over the rows of QUERYSET by the hour of
    MOMENT: one grouped query, whatever the number of fields."""
    counts: list[dict[str, list[int]]] = [defaultdict(lambda: [0] * HOURS) for _ in fields]
    rows = (
        queryset.annotate(hour=TruncHour(moment))
        .values("hour", *fields)
        .annotate(count=Count("pk"))
        .values_list("hour", *fields, "count")
        .order_by()
    )
    for hour, *values, count in rows:
        index = int((hour - start).total_seconds() // 3600)
        if 0 <= index < HOURS:
            for by_field, value in zip(counts, values, strict=True):
                by_field[value or ""][index] += count
    return counts


def letters_by_language_and_country(start: dt.datetime, end: dt.datetime) -> tuple[list[Series], list[Series]]:
    """Letters received in [START, END) per hour: by base language, and by country (one grouped query)."""
    letters = Letter.objects.filter(received__gte=start, received__lt=end)
    raw_languages, raw_countries = _per_hour(letters, ("language", "country"), start, "received")
    languages: dict[str, list[int]] = defaultdict(lambda: [0] * HOURS)
    for value, hours in raw_languages.items():
        key = base_language(value)
        languages[key] = [a + b for a, b in zip(languages[key], hours, strict=True)]
    language_labels = {key: language_name(key, in_itself=False) or "not known" for key in languages}
    country_labels = {key: public_country_name(key) if key else "not given" for key in raw_countries}
    return _top_series(languages, language_labels), _top_series(raw_countries, country_labels)


@dataclass(frozen=True)
class ReplyHours:
    """Replies written in each hour of the night and the median minutes from a letter's arrival to its reply."""

    counts: list[int]
    medians: list[float | None]
    median: float | None


class _Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5) (https://www.postgresql.org/docs/current/functions-aggregate.html):
    the median of an interval, interpolated between the two middle values as statistics.median does."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _minutes(wait: dt.timedelta | None) -> float | None:
    return None if wait is None else round(wait.total_seconds() / 60, 1)


def replies_by_hour(start: dt.datetime, end: dt.datetime) -> ReplyHours:
    """Replies written in [START, END) per hour, and the median time to reply (minutes, to 0.1) per hour
    (None for an hour without replies) and overall (None for a night without)."""
    replies = Reply.objects.filter(created__gte=start, created__lt=end)
    if connection.vendor == "postgresql":
        # Counted and the medians taken in the database: a busy night's 60,000 replies never reach Python.
        wait = ExpressionWrapper(F("created") - F("letter__received"), output_field=DurationField())
        counts: list[int] = [0] * HOURS
        medians: list[float | None] = [None] * HOURS
        per_hour = (
            replies.annotate(hour=TruncHour("created"))
            .values("hour")
            .annotate(count=Count("pk"), median=_Median(wait))
            .values_list("hour", "count", "median")
            .order_by()
        )
        for hour, count, median in per_hour:
            index = int((hour - start).total_seconds() // 3600)
            counts[index], medians[index] = count, _minutes(median)
        return ReplyHours(counts, medians, _minutes(replies.aggregate(median=_Median(wait))["median"]))
    waits: dict[int, list[float]] = defaultdict(list)
    rows = replies.annotate(received=F("letter__received")).values_list("created", "received")
    for created, received in rows.iterator(chunk_size=5000):
        waits[int((created - start).total_seconds() // 3600)].append((created - received).total_seconds() / 60)
    every = [wait for hour in waits.values() for wait in hour]
    return ReplyHours(
        counts=[len(waits.get(hour, [])) for hour in range(HOURS)],
        medians=[round(statistics.median(waits[hour]), 1) if waits.get(hour) else None for hour in range(HOURS)],
        median=round(statistics.median(every), 1) if every else None,
    )


def hour_chart(series: list[Series], start: dt.datetime) -> HourChart:
    """SERIES stacked per hour as bars, hour 0 (noon) on the left; the y axis in whole letters."""
    totals = [sum(part.counts[hour] for part in series) for hour in range(HOURS)]
    top = max(totals, default=0)
    step = _nice_step(top)
    ceiling = max(step, -(-top // step) * step)
    plot_width = CHART_WIDTH - LEFT - RIGHT
    plot_height = CHART_HEIGHT - TOP - BOTTOM
    slot = plot_width / HOURS
    bars = []
    for hour in range(HOURS):
        base = 0
        label = f"{timezone.localtime(start + dt.timedelta(hours=hour)):%H}:00"
        for index, part in enumerate(series):
            count = part.counts[hour]
            if not count:
                continue
            y_top = TOP + plot_height * (1 - (base + count) / ceiling)
            height = plot_height * count / ceiling
            bars.append(
                Bar(
                    round(LEFT + slot * hour + 2, 1),
                    round(y_top, 1),
                    round(slot - 4, 1),
                    round(height, 1),
                    index,
                    f"{label}: {part.label} {count}",
                )
            )
            base += count
    y_ticks = [(round(TOP + plot_height * (1 - value / ceiling), 1), value) for value in range(0, ceiling + 1, step)]
    x_ticks = [
        (round(LEFT + slot * hour + slot / 2, 1), f"{timezone.localtime(start + dt.timedelta(hours=hour)):%H}")
        for hour in range(0, HOURS, 2)
    ]
    return HourChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        plot_left=LEFT,
        plot_right=CHART_WIDTH - RIGHT,
        plot_bottom=CHART_HEIGHT - BOTTOM,
        tick_label_x=LEFT - 6,
        hour_label_y=CHART_HEIGHT - BOTTOM + 16,
        bars=bars,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        series=series,
    )


def _nice_step(top: int) -> int:
    """A round tick step (1, 2, 5, 10, 20, 50...) giving at most about five ticks up to TOP."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if top <= 5 * step:
                return step
        magnitude *= 10


@dataclass(frozen=True)
class HourRow:
    """One row of the table under the charts."""

    hour: str
    letters: int
    by_language: list[int]
    by_country: list[int]
    replies: int
    median: float | None


def statistics_context(day: dt.date) -> dict:
    """Everything the statistics page shows for the night of DAY: three charts and the table of hours."""
    start, end = night_window(day)
    languages, countries = letters_by_language_and_country(start, end)
    replies = replies_by_hour(start, end)
    reply_series = [Series("replies", "replies", replies.counts)]
    rows = [
        HourRow(
            hour=f"{timezone.localtime(start + dt.timedelta(hours=hour)):%H}:00",
            letters=sum(part.counts[hour] for part in languages),
            by_language=[part.counts[hour] for part in languages],
            by_country=[part.counts[hour] for part in countries],
            replies=replies.counts[hour],
            median=replies.medians[hour],
        )
        for hour in range(HOURS)
    ]
    letters_total = sum(part.total for part in languages)
    return {
        "day": day,
        "start": start,
        "end": end,
        "letters_total": letters_total,
        "replies_total": sum(replies.counts),
        "median_minutes": replies.median,
        "languages": languages,
        "countries": countries,
        "language_chart": hour_chart(languages, start),
        "country_chart": hour_chart(countries, start),
        "reply_chart": hour_chart(reply_series, start),
        "rows": rows,
        "busiest": Counter({row.hour: row.letters for row in rows}).most_common(1)[0] if letters_total else None,
    }
