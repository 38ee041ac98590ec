"""Checks a route table against the brief's rules and returns findings with stable codes."""

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import pytz

from locations.geography import (
    countries_of_zone,
    country_mismatch,
    describe,
    local_wall_time,
    resolve_country,
    same_clock,
    suggest_countries,
    zone_at,
)
from locations.table import RouteTable, SheetRow

REQUIRED_COLUMNS = ("city", "country", "latitude", "longitude", "arrival")
ERROR_CODES = (
    "missing_column",
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
)
WARNING_CODES = ("duplicate_stop", "country_alias")
UTC = dt.UTC
PRESENTS_MAX = 10_000_000_000
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")


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
        """The JSON shape of check_route and of a revision's stored findings."""
        return {
            "stops": len(self.stops) if self.ok else self.row_count,
            "errors": [_public(f) for f in self.errors],
            "warnings": [_public(f) for f in self.warnings],
        }

    row_count: int = 0

    def as_text(self) -> str:
        """The text form of check_route: one line per finding, then a summary line."""
        lines = [
            f"row {finding.row}, {finding.column}: {kind} {finding.code}: {finding.message}"
            for kind, findings in (("error", self.errors), ("warning", self.warnings))
            for finding in findings
        ]
        stops = len(self.stops) if self.ok else self.row_count
        lines.append(
            f"{stops} stops, {len(self.errors)} errors, {len(self.warnings)} warnings "
            f"(night {self.night:%Y-%m-%d}, deadline {self.deadline})."
        )
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


def default_night(arrivals: list[dt.datetime]) -> dt.date:
    """24 December of the year of the earliest arrival (UTC)."""
    earliest = min(arrivals) if arrivals else dt.datetime.now(UTC)
    return dt.date(earliest.year, 12, 24)


def _number(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M:%S on %d %B %Y")


class _RowChecker:
    """Checks rows one after the other, remembering what ordering and duplicates need."""

    def __init__(self, night: dt.date | None, deadline: dt.timedelta, deadline_text: str):
        self.night = night
        self.deadline = deadline
        self.deadline_text = deadline_text
        self.report_errors: list[Finding] = []
        self.report_warnings: list[Finding] = []
        self.previous_arrival: tuple[int, dt.datetime] | None = None
        self.seen_places: dict[tuple[str, str], int] = {}

    def error(self, row: SheetRow, column: str, code: str, message: str) -> None:
        value = row.cells.get(column, "")
        self.report_errors.append(Finding(row.number, column, code, value, message))

    def warn(self, row: SheetRow, column: str, code: str, message: str) -> None:
        value = row.cells.get(column, "")
        self.report_warnings.append(Finding(row.number, column, code, value, message))

    def check(self, row: SheetRow) -> CheckedStop | None:
        cells = row.cells
        errors_before = len(self.report_errors)
        city = cells.get("city", "").strip()
        label = city or f"Row {row.number}"
        for column in REQUIRED_COLUMNS:
            if not cells.get(column, "").strip():
                self.error(row, column, "missing_value", f"{label}: the {column} is empty. Fill in the {column}.")

        latitude = self._coordinate(row, "latitude", 90.0, label)
        longitude = self._coordinate(row, "longitude", 180.0, label)
        presents = self._presents(row, label)
        zone = zone_at(latitude, longitude) if latitude is not None and longitude is not None else None
        country = self._country(row, label, zone)
        arrival = parse_arrival(cells.get("arrival", "")) if cells.get("arrival", "").strip() else None
        if cells.get("arrival", "").strip() and arrival is None:
            self.error(
                row,
                "arrival",
                "bad_time",
                f"{label}: {cells['arrival'].strip()!r} is not an ISO 8601 instant with a time zone. "
                "Write it like 2026-12-24T09:41:00Z or 2026-12-24T22:41:00+13:00.",
            )
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
            if country is not None:
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
            key = (city.casefold(), country)
            if key in self.seen_places:
                self.warn(
                    row,
                    "city",
                    "duplicate_stop",
                    f"{city}, {country} is already on the route at row {self.seen_places[key]}. "
                    "Check that Santa really visits twice.",
                )
            else:
                self.seen_places[key] = row.number

        if len(self.report_errors) > errors_before or zone is None:
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
        )

    def _coordinate(self, row: SheetRow, column: str, limit: float, label: str) -> float | None:
        text = row.cells.get(column, "").strip()
        if not text:
            return None
        number = _number(text)
        if number is None:
            hint = " Use a point, not a comma, for decimals." if "," in text else ""
            self.error(
                row, column, "bad_number", f"{label}: the {column} {text!r} is not a number in decimal degrees.{hint}"
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
        # Sheets read as formatted text show thousands separators: accept "1,200,000".
        cleaned = text.replace(",", "") if _THOUSANDS.fullmatch(text) else text
        if not (cleaned.isascii() and cleaned.isdigit()):
            self.error(row, "presents", "bad_number", f"{label}: presents {text!r} is not a whole number of 0 or more.")
            return None
        if int(cleaned) > PRESENTS_MAX:
            self.error(
                row,
                "presents",
                "bad_number",
                f"{label}: presents {text} is more than {PRESENTS_MAX:,} for one stop. Check for a typing slip.",
            )
            return None
        return int(cleaned)

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
        if local < start:
            self.error(
                row,
                "arrival",
                "wrong_night",
                f"{label}: arrives at {_clock(local)} local time ({zone}), before the night of "
                f"{night:%d %B %Y} begins. Check the date and the offset of the arrival.",
            )
        elif local >= start + self.deadline:
            self.error(
                row,
                "arrival",
                "after_deadline",
                f"{label}: arrives at {_clock(local)} local time ({zone}), at or after the "
                f"{self.deadline_text} deadline. Move the arrival earlier or this stop later in a more westerly place.",
            )

    def _check_order(self, row: SheetRow, label: str, arrival: dt.datetime) -> None:
        if self.previous_arrival is not None:
            previous_row, previous = self.previous_arrival
            stamp = arrival.strftime("%Y-%m-%dT%H:%M:%SZ")
            if arrival < previous:
                self.error(
                    row,
                    "arrival",
                    "out_of_order",
                    f"{label}: arrives at {stamp}, earlier than row {previous_row} "
                    f"({previous:%Y-%m-%dT%H:%M:%SZ}). Rows must be in arrival order: move the row or fix the time.",
                )
            elif arrival == previous:
                self.error(
                    row,
                    "arrival",
                    "duplicate_time",
                    f"{label}: arrives at {stamp}, the same instant as row {previous_row}. "
                    "Give each stop its own arrival time.",
                )
        self.previous_arrival = (row.number, arrival)


def validate_route(table: RouteTable, night: dt.date | None = None, deadline: str = "22:00") -> Report:
    """Check every row of a table; the report's errors block publishing, its warnings do not."""
    deadline_span = parse_deadline(deadline)
    present = {name.strip().lower() for name in table.headers}
    rows = [row for row in table.rows if not row.is_blank()]
    if night is None:
        arrivals = [moment for row in rows if (moment := parse_arrival(row.cells.get("arrival", "")))]
        night = default_night(arrivals)
    report = Report(night=night, deadline=deadline, row_count=len(rows))
    missing = [column for column in REQUIRED_COLUMNS if column not in present]
    for column in missing:
        report.errors.append(
            Finding(
                1,
                column,
                "missing_column",
                "",
                f"The header row has no {column!r} column. Add a column headed {column!r} "
                f"(the required columns are {', '.join(REQUIRED_COLUMNS)}).",
            )
        )
    if missing:
        return report
    checker = _RowChecker(night, deadline_span, deadline)
    for row in rows:
        stop = checker.check(row)
        if stop is not None:
            report.stops.append(stop)
    report.errors.extend(checker.report_errors)
    report.warnings.extend(checker.report_warnings)
    report.errors.sort(key=lambda finding: finding.row)
    report.warnings.sort(key=lambda finding: finding.row)
    return report
