"""Checks a route table against the brief's rules and returns findings with stable codes."""

import datetime as dt
import itertools
import math
import re
from dataclasses import dataclass, field

import pytz
from django.conf import settings
from django.utils.translation import ngettext

from lib.great_circle import distance_km
from lib.instants import iso_z
from locations.geography import (
    UnclearWallTime,
    border_zone,
    countries_of_zone,
    country_mismatch,
    describe,
    local_wall_time,
    resolve_country,
    same_clock,
    suggest_countries,
    wall_time_instant,
    zone_at,
)
from locations.numbers import example_number, number_symbols, parse_coordinate, parse_number
from locations.table import ROUTE_COLUMNS, RouteTable, SheetRow, column_name, fact_language

REQUIRED_COLUMNS = ("city", "country", "latitude", "longitude", "arrival")
# `local arrival` (the wall time at the stop) may stand in for `arrival`; when both are given they must agree.
LOCAL_ARRIVAL = "local arrival"
ERROR_CODES = (
    "missing_column",
    "duplicate_column",
    "no_stops",
    "missing_value",
    "bad_number",
    "bad_coordinate",
    "bad_time",
    "unknown_country",
    "country_mismatch",
    "unknown_timezone",
    "timezone_mismatch",
    "wrong_night",
    "after_deadline",
    "out_of_order",
    "duplicate_time",
    "arrival_mismatch",
    "dst_change",
    "unsupported_zone",
)
WARNING_CODES = ("duplicate_stop", "country_alias", "impossible_hop", "unknown_fact_language")
# The sleigh's top speed, km/h: the planner flies at it, and a hop that would need more is an impossible_hop.
SLEIGH_SPEED_KMH = 20_000.0
UTC = dt.UTC
PRESENTS_MAX = 10_000_000_000
# A sheet's own date-time format may drop the hour's leading zero: 2026-12-24 9:30.
_WALL_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{1,2})(:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)", re.ASCII | re.IGNORECASE)
# How messages show an instant and a wall time an organiser can copy.
INSTANT_EXAMPLES = "2026-12-24T09:41:00Z or 2026-12-24T22:41:00+13:00"
WALL_TIME_EXAMPLE = "2026-12-24 21:30"


@dataclass(frozen=True)
class Finding:
    """One problem: where it is, what it is, and what to do about it."""

    row: int
    column: str
    code: str
    value: str
    message: str


@dataclass(frozen=True)
class CheckedStop:
    """A row that passed every check, normalised for storage."""

    row: int
    city: str
    region: str
    country: str
    latitude: float
    longitude: float
    arrival: dt.datetime
    timezone: str
    presents: int | None
    fact: str
    notes: str
    # The fact in other languages, by the site's language code ({"de": "Hauptstadt von Tonga."}); blank cells left out.
    facts: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    """The outcome of checking one table: the stops, errors that block publishing, and warnings."""

    night: dt.date
    deadline: str
    stops: list[CheckedStop] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        """The JSON shape of check_route and of a revision's stored findings; "stops" counts stops that passed."""
        return {
            "stops": len(self.stops),
            "errors": [_public(f) for f in self.errors],
            "warnings": [_public(f) for f in self.warnings],
        }

    # Non-blank rows read, whether or not they passed.
    row_count: int = 0

    def as_text(self) -> str:
        """The text form of check_route: one line per finding, then a summary line counting stops that passed."""
        lines = [
            f"row {finding.row}, {finding.column}: {kind} {finding.code}: {finding.message}"
            for kind, findings in (("error", self.errors), ("warning", self.warnings))
            for finding in findings
        ]
        # Rows with errors are not stops yet; say so, or "0 stops" reads as if the file were cut short.
        held_back = self.row_count - len(self.stops)
        rows = ""
        if held_back == 1:
            rows = f" from {self.row_count} rows: the row with errors becomes a stop once fixed"
        elif held_back > 1:
            rows = f" from {self.row_count} rows: the {held_back} rows with errors become stops once fixed"
        counts = ", ".join(
            f"{count} {ngettext(one, many, count)}"
            for count, one, many in (
                (len(self.stops), "stop", "stops"),
                (len(self.errors), "error", "errors"),
                (len(self.warnings), "warning", "warnings"),
            )
        )
        lines.append(f"{counts}{rows} (night {self.night:%Y-%m-%d}, deadline {self.deadline}).")
        return "\n".join(lines)


def _public(finding: Finding) -> dict:
    return {"row": finding.row, "column": finding.column, "code": finding.code, "message": finding.message}


def parse_deadline(text: str) -> dt.timedelta:
    """'22:00' or GTFS-style '26:00' (up to 35:59) as time after the midnight that starts the night."""
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise ValueError(f"deadline must look like HH:MM, e.g. 22:00 or 26:00, not {text!r}")
    hours, minutes = int(parts[0]), int(parts[1])
    if not 0 <= hours <= 35 or not 0 <= minutes <= 59 or (hours, minutes) == (0, 0):
        raise ValueError(f"deadline must be between 00:01 and 35:59, not {text!r}")
    return dt.timedelta(hours=hours, minutes=minutes)


def parse_arrival(text: str) -> dt.datetime | None:
    """An ISO 8601 instant with Z or an offset, in UTC; None when it is not one."""
    value = text.strip()
    if len(value) < 16 or value[4:5] != "-" or "T" not in value.upper():
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        return None
    return moment.astimezone(UTC)


def parse_wall_time(text: str) -> dt.datetime | None:
    """A local date and time without a zone ('2026-12-24 21:30', '2026-12-24T21:30:00', '2026-12-24 9:30');
    None otherwise."""
    match = _WALL_TIME.fullmatch(text.strip())
    if match is None:
        return None
    date, hour, rest = match.groups()
    try:
        return dt.datetime.fromisoformat(f"{date}T{int(hour):02d}{rest}")
    except ValueError:
        return None


def default_night(arrivals: list[dt.datetime]) -> dt.date:
    """24 December of the year of the earliest arrival (UTC)."""
    earliest = min(arrivals) if arrivals else dt.datetime.now(UTC)
    return dt.date(earliest.year, 12, 24)


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M:%S on %d %B %Y")


class _RowChecker:
    """Checks rows one after the other, remembering what ordering and duplicates need."""

    def __init__(
        self, night: dt.date | None, deadline: dt.timedelta, deadline_text: str, columns: set[str], number_locale: str
    ) -> None:
        self.night = night
        self.deadline = deadline
        self.deadline_text = deadline_text
        self.number_locale = number_locale
        # The column a row's time must be in when it has none: arrival, unless only local arrival is there.
        self.time_column = "arrival" if "arrival" in columns or LOCAL_ARRIVAL not in columns else LOCAL_ARRIVAL
        self.report_errors: list[Finding] = []
        self.report_warnings: list[Finding] = []
        self.previous_arrival: tuple[int, dt.datetime, str] | None = None
        self.seen_places: dict[tuple[str, str, str], int] = {}

    def error(self, row: SheetRow, column: str, code: str, message: str, value: str | None = None) -> None:
        value = row.cells.get(column, "") if value is None else value
        self.report_errors.append(Finding(row.number, column, code, value, message))

    def warn(self, row: SheetRow, column: str, code: str, message: str) -> None:
        value = row.cells.get(column, "")
        self.report_warnings.append(Finding(row.number, column, code, value, message))

    def check(self, row: SheetRow) -> CheckedStop | None:
        cells = row.cells
        errors_before = len(self.report_errors)
        city = cells.get("city", "").strip()
        label = city or f"Row {row.number}"
        for column in REQUIRED_COLUMNS[:-1]:
            if not cells.get(column, "").strip():
                self.error(row, column, "missing_value", f"{label}: the {column} is empty. Fill in the {column}.")
        if not cells.get("arrival", "").strip() and not cells.get(LOCAL_ARRIVAL, "").strip():
            either = "" if self.time_column == LOCAL_ARRIVAL else f" (or the {LOCAL_ARRIVAL}, the time at the stop)"
            self.error(
                row,
                self.time_column,
                "missing_value",
                f"{label}: the {self.time_column} is empty. Fill in the {self.time_column}{either}.",
            )

        latitude = self._coordinate(row, "latitude", 90.0, label)
        longitude = self._coordinate(row, "longitude", 180.0, label)
        presents = self._presents(row, label)
        zone = zone_at(latitude, longitude) if latitude is not None and longitude is not None else None
        if zone is not None and zone not in pytz.all_timezones_set:
            self._unsupported_zone(row, label, zone)
            zone = None
        country = self._country(row, label, zone)
        if country is not None and zone is not None and latitude is not None and longitude is not None:
            # On a border the country boundaries may give the stop its country's clock (Hekou, China).
            zone = border_zone(zone, country, latitude, longitude)
        arrival = self._arrival(row, label, zone)
        timezone_cell = cells.get("timezone", "").strip()
        if timezone_cell and timezone_cell not in pytz.all_timezones_set:
            self.error(
                row,
                "timezone",
                "unknown_timezone",
                f"{label}: {timezone_cell!r} is not an IANA time zone. "
                "Use a name like America/Toronto, or leave the cell blank to take the zone at the coordinates.",
            )
            timezone_cell = ""

        if zone is not None:
            if country is not None and latitude is not None and longitude is not None:
                self._check_country(row, label, country, zone, latitude, longitude)
            night = self.night or default_night([arrival] if arrival else [])
            if timezone_cell and zone and timezone_cell != zone and not same_clock(timezone_cell, zone, night):
                self.error(
                    row,
                    "timezone",
                    "timezone_mismatch",
                    f"{label}: the timezone says {timezone_cell}, but the coordinates lie in {zone}. "
                    "Fix the coordinates, or clear the timezone cell.",
                )

        if arrival is not None:
            if zone is not None:
                self._check_local_time(row, label, arrival, zone)
            self._check_order(row, label, arrival)

        if city and country is not None:
            # Namesakes in other regions are other places: Charleston, South Carolina and West Virginia.
            region = cells.get("region", "").strip()
            key = (city.casefold(), region.casefold(), country)
            if key in self.seen_places:
                named = f"{city}, {region}, {country}" if region else f"{city}, {country}"
                self.warn(
                    row,
                    "city",
                    "duplicate_stop",
                    f"{named} is already on the route at row {self.seen_places[key]}. "
                    "Check that Santa really visits twice.",
                )
            else:
                self.seen_places[key] = row.number

        if len(self.report_errors) > errors_before:
            return None
        if zone is None or arrival is None or country is None or latitude is None or longitude is None:
            return None
        return CheckedStop(
            row=row.number,
            city=city,
            region=cells.get("region", "").strip(),
            country=country,
            latitude=latitude,
            longitude=longitude,
            arrival=arrival,
            timezone=zone,
            presents=presents,
            fact=cells.get("fact", "").strip(),
            notes=cells.get("notes", "").strip(),
            facts=stop_facts(cells),
        )

    def _coordinate(self, row: SheetRow, column: str, limit: float, label: str) -> float | None:
        text = row.cells.get(column, "").strip()
        if not text:
            return None
        number = parse_coordinate(text, self.number_locale)
        if number is None:
            example = example_number(-79.3832 if column == "longitude" else 43.6532, self.number_locale)
            mark = {".": "point", ",": "comma"}.get(number_symbols(self.number_locale)[0], "mark")
            self.error(
                row,
                column,
                "bad_number",
                f"{label}: the {column} {text!r} is not a number in decimal degrees. Write it with a decimal "
                f"{mark}, like {example}.",
            )
            return None
        if not -limit <= number <= limit:
            self.error(
                row,
                column,
                "bad_coordinate",
                f"{label}: the {column} {text} is outside -{limit:g} to {limit:g}. "
                "Check for swapped latitude and longitude or a missing minus sign.",
            )
            return None
        return number

    def _presents(self, row: SheetRow, label: str) -> int | None:
        text = row.cells.get("presents", "").strip()
        if not text:
            return None
        # Sheets read as formatted text show thousands separators: "1,200,000", "1.200.000", "1 200 000".
        number = parse_number(text, self.number_locale) if "e" not in text.casefold() else None
        if number is None or number < 0 or number != number.to_integral_value():
            example = example_number(1200000, self.number_locale)
            self.error(
                row,
                "presents",
                "bad_number",
                f"{label}: presents {text!r} is not a whole number of 0 or more. Write it like {example} or 1200000.",
            )
            return None
        if number > PRESENTS_MAX:
            self.error(
                row,
                "presents",
                "bad_number",
                f"{label}: presents {text} is more than {PRESENTS_MAX:,} for one stop. Check for a typing slip.",
            )
            return None
        return int(number)

    def _arrival(self, row: SheetRow, label: str, zone: str | None) -> dt.datetime | None:
        """The UTC arrival from `arrival`, else from `local arrival` in the zone at the coordinates; None when
        neither gives one (each problem reported once)."""
        text = row.cells.get("arrival", "").strip()
        local_text = row.cells.get(LOCAL_ARRIVAL, "").strip()
        instant = parse_arrival(text) if text else None
        if text and instant is None:
            if parse_wall_time(text) is not None:
                problem = (
                    f"{label}: the arrival {text!r} has no time zone, so it is not one instant: it happens at "
                    "different moments around the world (an Excel or Sheets date cell carries no zone either). "
                    f"Write the instant with Z or an offset, like {INSTANT_EXAMPLES}, or put the time at the stop "
                    f"in a '{LOCAL_ARRIVAL}' column."
                )
            else:
                problem = (
                    f"{label}: {text!r} is not an ISO 8601 instant with a time zone. Write it like {INSTANT_EXAMPLES}."
                )
            self.error(row, "arrival", "bad_time", problem)
        if not local_text:
            return instant
        wall = parse_wall_time(local_text)
        if wall is None:
            self.error(
                row,
                LOCAL_ARRIVAL,
                "bad_time",
                f"{label}: the {LOCAL_ARRIVAL} {local_text!r} is not a date and time at the stop. Write it like "
                f"{WALL_TIME_EXAMPLE}, with no zone or offset (or put the instant in the arrival column).",
            )
            return instant
        if zone is None:
            return instant  # the coordinates are already reported; without them there is no local time
        try:
            local_instant = wall_time_instant(wall, zone)
        except UnclearWallTime as unclear:
            happens = "never happens" if unclear.skipped else "happens twice"
            self.error(
                row,
                LOCAL_ARRIVAL,
                "dst_change",
                f"{label}: {local_text} {happens} in {zone}: the clocks change then. Write the arrival as an "
                f"instant instead, like {INSTANT_EXAMPLES}.",
            )
            return instant
        if text and instant is not None and instant != local_instant:
            self.error(
                row,
                LOCAL_ARRIVAL,
                "arrival_mismatch",
                f"{label}: the {LOCAL_ARRIVAL} {local_text} in {zone} is {iso_z(local_instant, 'seconds')}, "
                f"but the arrival says {iso_z(instant, 'seconds')}. "
                "Correct one of them, or clear one of the two cells.",
            )
        return local_instant if not text else instant

    def _unsupported_zone(self, row: SheetRow, label: str, zone: str) -> None:
        self.error(
            row,
            "timezone",
            "unsupported_zone",
            f"{label}: by timezonefinder's boundary data the coordinates lie in {zone}, a zone the installed "
            "pytz does not know, so local times cannot be checked. The server's time-zone libraries disagree: "
            "ask whoever runs the tracker to update them (pip install -U pytz timezonefinder), then sync again.",
            value=zone,
        )

    def _country(self, row: SheetRow, label: str, zone: str | None) -> str | None:
        text = row.cells.get("country", "").strip()
        if not text:
            return None
        alpha_2, alias = resolve_country(text)
        if alpha_2 is None:
            at_coordinates = sorted(countries_of_zone(zone)) if zone else []
            suggestions = list(dict.fromkeys(at_coordinates + suggest_countries(text)))[:3]
            hint = f" Did you mean {' or '.join(describe(code) for code in suggestions)}?" if suggestions else ""
            where = f" The coordinates lie in {' or '.join(map(describe, at_coordinates))}." if at_coordinates else ""
            self.error(
                row,
                "country",
                "unknown_country",
                f"{label}: {text!r} is not an ISO 3166-1 country.{hint}{where} Use the two-letter ISO code.",
            )
            return None
        if alias:
            self.warn(
                row,
                "country",
                "country_alias",
                f"{label}: country {text!r} was read as {describe(alpha_2)}. Write {alpha_2} to silence this warning.",
            )
        return alpha_2

    def _check_country(
        self, row: SheetRow, label: str, country: str, zone: str, latitude: float, longitude: float
    ) -> None:
        problem = country_mismatch(zone, country, latitude, longitude)
        if problem is None:
            return
        what_to_do = (
            "Fix the country or the coordinates." if countries_of_zone(zone) else "Check the latitude and longitude."
        )
        self.error(row, "country", "country_mismatch", f"{label}: {problem}. {what_to_do}")

    def _check_local_time(self, row: SheetRow, label: str, arrival: dt.datetime, zone: str) -> None:
        local = local_wall_time(arrival, zone)
        night = self.night or default_night([arrival])
        start = dt.datetime.combine(night, dt.time())
        column = _time_column(row)
        if local < start:
            self.error(
                row,
                column,
                "wrong_night",
                f"{label}: arrives at {_clock(local)} local time ({zone}), before the night of "
                f"{night:%d %B %Y} begins. Check the date and the offset of the arrival.",
            )
        elif local >= start + self.deadline:
            self.error(
                row,
                column,
                "after_deadline",
                f"{label}: arrives at {_clock(local)} local time ({zone}), at or after the "
                f"{self.deadline_text} deadline. Move the arrival earlier or this stop later in a more westerly place.",
            )

    def _check_order(self, row: SheetRow, label: str, arrival: dt.datetime) -> None:
        column = _time_column(row)
        # As the organiser wrote it: a local arrival is named as typed, beside the instant it is.
        stamp = iso_z(arrival, "seconds")
        if column == LOCAL_ARRIVAL:
            stamp = f"{row.cells[LOCAL_ARRIVAL].strip()} local time, {stamp}"
        if self.previous_arrival is not None:
            previous_row, previous, previous_stamp = self.previous_arrival
            if arrival < previous:
                self.error(
                    row,
                    column,
                    "out_of_order",
                    f"{label}: arrives at {stamp}, earlier than row {previous_row} "
                    f"({previous_stamp}). Rows must be in arrival order: move the row or fix the time.",
                )
            elif arrival == previous:
                self.error(
                    row,
                    column,
                    "duplicate_time",
                    f"{label}: arrives at {stamp}, the same instant as row {previous_row}. "
                    "Give each stop its own arrival time.",
                )
        self.previous_arrival = (row.number, arrival, stamp)


def _time_column(row: SheetRow) -> str:
    """The column the row's arrival was read from: `arrival` when it has one, else `local arrival`."""
    if row.cells.get("arrival", "").strip() or not row.cells.get(LOCAL_ARRIVAL, "").strip():
        return "arrival"
    return LOCAL_ARRIVAL


def validate_route(
    table: RouteTable, night: dt.date | None = None, deadline: str = "22:00", speed_kmh: float = SLEIGH_SPEED_KMH
) -> Report:
    """Check every row of a table; the report's errors block publishing, its warnings do not.

    `speed_kmh` is the sleigh's top speed for the impossible_hop warning.
    """
    deadline_span = parse_deadline(deadline)
    rows = [row for row in table.rows if not row.is_blank()]
    if night is None:
        night = default_night(_rough_arrivals(rows))
    report = Report(night=night, deadline=deadline, row_count=len(rows))
    report.errors.extend(header_findings(table.headers))
    if report.errors:
        return report
    report.warnings.extend(fact_language_findings(table.headers))
    if not rows:
        # Every stop deleted, the header left: published, it would take Santa off every map mid-night.
        message = "The sheet has its header row but no stops. Add one row per stop, from row 2 on."
        report.errors.append(Finding(1, "city", "no_stops", "", message))
        return report
    columns = {column_name(header) for header in table.headers}
    checker = _RowChecker(night, deadline_span, deadline, columns, table.number_locale)
    for row in rows:
        stop = checker.check(row)
        if stop is not None:
            report.stops.append(stop)
    report.errors.extend(checker.report_errors)
    report.warnings.extend(checker.report_warnings)
    report.warnings.extend(impossible_hops(report.stops, speed_kmh))
    report.errors.sort(key=lambda finding: finding.row)
    report.warnings.sort(key=lambda finding: finding.row)
    return report


def impossible_hops(stops: list[CheckedStop], speed_kmh: float) -> list[Finding]:
    """impossible_hop warnings: consecutive stops closer in time than their great-circle distance allows at
    `speed_kmh`. A warning, never an error: a route such as Google's, which gives every stop 60 s, can still
    be published."""
    findings = []
    for before, stop in itertools.pairwise(stops):
        km = distance_km(before.latitude, before.longitude, stop.latitude, stop.longitude)
        seconds = (stop.arrival - before.arrival).total_seconds()
        needed = km / speed_kmh * 3600
        if seconds < needed:
            speed = km / seconds * 3600 if seconds > 0 else math.inf
            findings.append(
                Finding(
                    stop.row,
                    "arrival",
                    "impossible_hop",
                    iso_z(stop.arrival, "seconds"),
                    f"{stop.city}: {km:,.0f} km from {before.city} (row {before.row}) in {_duration(seconds)}, "
                    f"{speed:,.0f} km/h; the sleigh flies at most {speed_kmh:,.0f} km/h, so this hop needs "
                    f"{_duration(math.ceil(needed))}. Move the stop later, or the one before earlier.",
                )
            )
    return findings


def _duration(seconds: float) -> str:
    """A span an organiser reads at a glance: 45 s, 3 min 20 s, 1 h 05 min."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def _rough_arrivals(rows: list[SheetRow]) -> list[dt.datetime]:
    """Arrivals good enough to pick the night's year: instants, else wall times taken as UTC."""
    arrivals = []
    for row in rows:
        moment = parse_arrival(row.cells.get("arrival", "")) or parse_wall_time(row.cells.get(LOCAL_ARRIVAL, ""))
        if moment is not None:
            arrivals.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return arrivals


def site_languages() -> tuple[str, ...]:
    """The language codes the public pages are written in (settings.LANGUAGES): the facts a sheet may carry."""
    return tuple(code for code, _name in settings.LANGUAGES)


def stop_facts(cells: dict[str, str]) -> dict[str, str]:
    """A row's facts by site language from its `fact:xx` cells, blank ones left out (the page falls back to `fact`)."""
    languages = site_languages()
    facts = {}
    for name, value in cells.items():
        language = fact_language(name)
        if language in languages and value.strip():
            facts[language] = value.strip()
    return facts


def fact_language_findings(headers: list[str]) -> list[Finding]:
    """A warning (unknown_fact_language) for each `fact:xx` column whose code is not one of the site's languages."""
    languages = site_languages()
    findings = []
    for header in headers:
        language = fact_language(column_name(header))
        if language is None or language in languages:
            continue
        close = [code for code in languages if code.split("-")[0] == language.split("-")[0]]
        hint = f"Did you mean 'fact:{close[0]}'? " if close else ""
        findings.append(
            Finding(
                1,
                column_name(header),
                "unknown_fact_language",
                header,
                f"The column {header.strip()!r} gives facts in {language!r}, which is not one of the site's "
                f"languages ({', '.join(languages)}), so no page shows them. {hint}Rename the column to one of "
                "those codes, or delete it.",
            )
        )
    return findings


def header_findings(headers: list[str]) -> list[Finding]:
    """Row 1's problems: two columns with one name (duplicate_column), required columns absent (missing_column)."""
    names = [column_name(header) for header in headers]
    findings = []
    for name in (*ROUTE_COLUMNS, *sorted({name for name in names if fact_language(name)})):
        positions = [position for position, header in enumerate(names) if header == name]
        if len(positions) > 1:
            from openpyxl.utils import get_column_letter  # about half a second to import: only when it is needed

            letters = [get_column_letter(position + 1) for position in positions]
            both = f"{', '.join(letters[:-1])} and {letters[-1]}"
            written = [headers[position] for position in positions]
            as_written = f" ({' and '.join(map(repr, written))})" if len(set(written)) > 1 else ""
            findings.append(
                Finding(
                    1,
                    name,
                    "duplicate_column",
                    name,
                    f"Columns {both} are both the {name!r} column{as_written}, so the tracker cannot tell "
                    f"which one is meant. Delete the column that is out of date, or rename it (for example "
                    f"'{name} (old)') so it is ignored.",
                )
            )
    present = set(names)
    missing = [
        column
        for column in REQUIRED_COLUMNS
        if column not in present and not (column == "arrival" and LOCAL_ARRIVAL in present)
    ]
    one_cell = _one_cell_header(headers)
    for column in missing:
        if one_cell:
            message = f"There is no {column!r} column: {one_cell}"
        else:
            also = f" (or {LOCAL_ARRIVAL!r}, the time at the stop)" if column == "arrival" else ""
            message = (
                f"The header row has no {column!r} column. Add a column headed {column!r}{also} "
                f"(the required columns are {', '.join(REQUIRED_COLUMNS)})."
            )
        findings.append(Finding(1, column, "missing_column", "", message))
    return findings


SEPARATOR_NAMES = {";": "semicolons", ",": "commas", "\t": "tabs", "|": "bars", ":": "colons"}


def _one_cell_header(headers: list[str]) -> str:
    """What the file looks like when the whole header row is one cell holding several column names; else ''."""
    cells = [header for header in headers if header.strip()]
    if len(cells) != 1:
        return ""
    cell = cells[0]
    for separator, name in SEPARATOR_NAMES.items():
        known = [part for part in cell.split(separator) if column_name(part) in ROUTE_COLUMNS]
        if len(known) >= 2:
            shown = cell if len(cell) <= 60 else cell[:57] + "..."
            return (
                f"the whole header row is one cell, {shown!r}, with the names separated by {name}, so each row "
                f"is one cell too. Split the column at the {name} (Google Sheets: Data > Split text to columns; "
                "Excel: Data > Text to Columns), or save the file again as CSV UTF-8 from a spreadsheet."
            )
    return ""
