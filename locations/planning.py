"""The route planner: orders places as a journey through one night and gives each an arrival in its evening."""

import csv
import dataclasses
import datetime as dt
import io
import itertools
import math
from dataclasses import dataclass, field

from lib.great_circle import distance_km
from lib.instants import iso_z
from locations.geography import (
    UnclearWallTime,
    border_zone,
    country_mismatch,
    local_time,
    local_wall_time,
    resolve_country,
    wall_time_instant,
    zone_at,
)
from locations.journey import (
    DEFAULT_SAFETY_SECONDS,
    DEFAULT_SOLUTIONS,
    Leg,
    Progress,
    earliest_arrivals,
    solve_journey,
    sweep,
)
from locations.numbers import parse_coordinate, parse_number
from locations.table import FACT_PREFIX, ROUTE_COLUMNS, RouteTable, SheetRow, column_name
from locations.validation import LOCAL_ARRIVAL, Finding, Report, parse_deadline, stop_facts, validate_route

UTC = dt.UTC
# The sweep that gives the search its first journey aims for about two hours before the deadline by the sun.
AIM_BEFORE_DEADLINE = dt.timedelta(hours=2)
# More places than one night can hold (about 1,700 at a minute each) are not all searched; see plan_route.
MAX_SEARCH_PLACES = 2_000
# Places aimed within one band of this much time are swept in latitude order (see _sweep_order).
SWEEP = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Flight:
    """How the sleigh flies: top speed in km/h, whole seconds at each stop, the local time the evening opens
    ("HH:MM"), and the search's work limit in solutions (deterministic)."""

    speed_kmh: float = 20_000.0
    stay: int = 60
    opening: str = "18:00"
    solutions: int = DEFAULT_SOLUTIONS
    safety_seconds: int = DEFAULT_SAFETY_SECONDS


DEFAULT_FLIGHT = Flight()


@dataclass(frozen=True)
class Place:
    """A place Santa visits, before it has an arrival time; row is its sheet row when it came from one."""

    city: str
    region: str
    country: str
    latitude: float
    longitude: float
    presents: int | None = None
    fact: str = ""
    notes: str = ""
    row: int = 0
    # The fact in other languages: (language code, text) pairs, written as `fact:xx` columns.
    facts: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return f"{self.city}, {self.country}"


@dataclass(frozen=True)
class PlannedStop:
    """A place with its zone and its arrival, a whole-second UTC instant."""

    place: Place
    zone: str
    arrival: dt.datetime

    @property
    def local_arrival(self) -> dt.datetime:
        """The local wall time of the arrival, without an offset."""
        return local_wall_time(self.arrival, self.zone)


@dataclass(frozen=True)
class Unplaced:
    """A place the planner could not put on the route, and why."""

    place: Place
    reason: str
    # Why, in a word or two, so that many places left out can be reported grouped.
    kind: str = "no room"


@dataclass
class Plan:
    """The planned route in arrival order, and the places left out of it."""

    night: dt.date
    deadline: str
    stops: list[PlannedStop] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    solutions: int = 0
    stopped_by_safety_net: bool = False

    @property
    def total_km(self) -> float:
        """The great-circle distance flown from the first stop to the last, in km."""
        return sum(
            distance_km(a.place.latitude, a.place.longitude, b.place.latitude, b.place.longitude)
            for a, b in itertools.pairwise(self.stops)
        )


@dataclass
class PlaceList:
    """Places read from a sheet, with validation's findings about the rows that could not be read."""

    places: list[Place]
    errors: list[Finding]
    warnings: list[Finding]


@dataclass(frozen=True)
class _Window:
    """When one place may be visited, in whole UTC seconds since the epoch."""

    earliest: int  # the opening of the evening, local time
    latest: int  # one second before the local deadline
    target: int  # the evening moment the sweep aims for


def read_places(table: RouteTable, night: dt.date) -> PlaceList:
    """Places from a sheet without arrivals, checked by the route validation (every check but the arrival's) and
    read as it reads them: numbers as the table's locale writes them."""
    headers = [name for name in table.headers if column_name(name) != "arrival"] + ["arrival"]
    rows = [SheetRow(row.number, {**row.cells, "arrival": ""}) for row in table.rows]
    report = validate_route(dataclasses.replace(table, headers=headers, rows=rows), night=night)
    errors = [finding for finding in report.errors if finding.column != "arrival"]
    if any(finding.code == "missing_column" for finding in errors):
        return PlaceList([], errors, report.warnings)
    rejected_rows = {finding.row for finding in errors}
    places = []
    for row in rows:
        if row.is_blank() or row.number in rejected_rows:
            continue
        cells = {name: value.strip() for name, value in row.cells.items()}
        # Validation accepted these cells as numbers in the table's locale (52,52437; 1.200.000): read them so.
        latitude = parse_coordinate(cells["latitude"], table.number_locale)
        longitude = parse_coordinate(cells["longitude"], table.number_locale)
        presents = parse_number(cells.get("presents", ""), table.number_locale)
        if latitude is None or longitude is None:
            continue  # not reached: validation rejected the row (bad_number)
        places.append(
            Place(
                city=cells["city"],
                region=cells.get("region", ""),
                country=resolve_country(cells["country"])[0] or cells["country"],
                latitude=latitude,
                longitude=longitude,
                presents=None if presents is None else int(presents),
                fact=cells.get("fact", ""),
                notes=cells.get("notes", ""),
                row=row.number,
                facts=tuple(stop_facts(cells).items()),
            )
        )
    return PlaceList(places, errors, report.warnings)


def country_problem(place: Place) -> tuple[str | None, str]:
    """The zone at a place's coordinates, and why the place cannot be a stop ('' when it can)."""
    country, _ = resolve_country(place.country)
    if country is None:
        return None, f"{place.label}: {place.country!r} is not an ISO 3166-1 country."
    if not (math.isfinite(place.latitude) and math.isfinite(place.longitude)):
        return None, f"{place.label}: the coordinates are not numbers."
    if abs(place.latitude) > 90 or abs(place.longitude) > 180:
        return None, f"{place.label}: the coordinates {place.latitude}, {place.longitude} are out of range."
    zone = border_zone(zone_at(place.latitude, place.longitude), country, place.latitude, place.longitude)
    problem = country_mismatch(zone, country, place.latitude, place.longitude)
    return zone, f"{place.label}: {problem}." if problem else ""


def parse_opening(text: str) -> dt.timedelta:
    """The evening's opening, 'HH:MM' from 00:00 to 35:59, as time after the midnight that starts the night.

    Raises ValueError with a message for the organiser."""
    parts = text.strip().split(":")
    if len(parts) == 2 and all(part.isdigit() for part in parts) and int(parts[0]) <= 35 and int(parts[1]) <= 59:
        return dt.timedelta(hours=int(parts[0]), minutes=int(parts[1]))
    raise ValueError(f"the opening must be a local time like 18:00, from 00:00 to 35:59, not {text!r}")


def plan_route(
    places: list[Place],
    night: dt.date,
    deadline: str = "22:00",
    flight: Flight = DEFAULT_FLIGHT,
    progress: Progress | None = None,
    search: bool = True,
) -> Plan:
    """Order places as a journey of least total distance and give each a whole-second arrival in its evening.

    Every arrival is inside the place's window (from `flight.opening` local time on the night to one second
    before the local deadline), and each hop takes at least `flight.stay` plus the flight at `flight.speed_kmh`.
    The order starts from a westward sweep and is improved by OR-Tools (locations.journey); places that cannot
    fit are returned in `unplaced`, with the reason, and so is a place given twice (the same name, region,
    country and coordinates; planned once). Raises ValueError when the opening is not before the deadline.
    With `search` False the sweep alone is returned (quick, not
    short). More than MAX_SEARCH_PLACES places cannot all fit one night: only those the sweep fits are searched.
    """
    deadline_span = parse_deadline(deadline)
    opening_span = parse_opening(flight.opening)
    if opening_span >= deadline_span:
        raise ValueError(f"the opening {flight.opening} is not before the deadline {deadline}: no evening is left")
    plan = Plan(night=night, deadline=deadline)
    candidates: list[tuple[_Window, Place, str]] = []
    first_row: dict[tuple, Place] = {}
    for place in places:
        same = (place.city.casefold(), place.region.casefold(), place.country, place.latitude, place.longitude)
        if same in first_row:
            where = f"row {first_row[same].row}" if first_row[same].row else "an earlier place"
            plan.unplaced.append(Unplaced(place, f"{place.label}: the same place as {where}; planned once.", "twice"))
            continue
        first_row[same] = place
        zone, problem = country_problem(place)
        country = resolve_country(place.country)[0]
        if problem or zone is None or country is None:
            plan.unplaced.append(Unplaced(place, problem, "not a stop"))
            continue
        if country != place.country:
            place = dataclasses.replace(place, country=country)
        window = _window(place, zone, night, deadline_span, opening_span)
        if window.earliest > window.latest:
            plan.unplaced.append(Unplaced(place, _no_window(place, zone, night, flight, deadline), "no evening"))
            continue
        candidates.append((window, place, zone))
    candidates.sort(key=_sweep_order)
    legs = [Leg(place.latitude, place.longitude, window.earliest, window.latest) for window, place, _ in candidates]
    start = sweep(legs, range(len(legs)), flight.speed_kmh, flight.stay)
    if not search or len(legs) > MAX_SEARCH_PLACES:
        # The search's matrices grow with the square of the places: past this many, search only what fits.
        kept = [candidates[index] for index in start] if search else []
        dropped = [candidates[index] for index in sorted(set(range(len(legs))) - set(start))]
        if search:
            candidates, legs = kept, [legs[index] for index in start]
            start = list(range(len(legs)))
        else:
            arrivals = earliest_arrivals(legs, start, flight.speed_kmh, flight.stay) or []
            for index, moment in zip(start, arrivals, strict=True):
                _, place, zone = candidates[index]
                plan.stops.append(PlannedStop(place, zone, dt.datetime.fromtimestamp(moment, UTC)))
            candidates, legs, start = [], [], []
        for _, place, zone in dropped:
            plan.unplaced.append(Unplaced(place, _no_room(place, zone, night, deadline), "no room"))
    journey = solve_journey(
        legs,
        start,
        flight.speed_kmh,
        flight.stay,
        solutions=flight.solutions,
        safety_seconds=flight.safety_seconds,
        progress=progress,
    )
    plan.solutions = journey.solutions
    plan.stopped_by_safety_net = journey.stopped_by_safety_net
    for index, moment in zip(journey.order, journey.arrivals, strict=True):
        _, place, zone = candidates[index]
        plan.stops.append(PlannedStop(place, zone, dt.datetime.fromtimestamp(moment, UTC)))
    for index in journey.dropped:
        _, place, zone = candidates[index]
        plan.unplaced.append(Unplaced(place, _no_room(place, zone, night, deadline), "no room"))
    plan.unplaced.sort(key=lambda item: (item.place.row, item.place.city))
    return plan


def _sweep_order(item: tuple["_Window", Place, str]) -> tuple:
    """Westward in bands of SWEEP of aimed time; within a band north to south, then south to north.

    Sorting by aimed time alone makes Santa zigzag between hemispheres minute by minute; sweeping each
    band in one direction, alternately, draws the trail as a snake, as a sleigh would fly it.
    """
    window, place, _ = item
    band = window.target // int(SWEEP.total_seconds())
    latitude = -place.latitude if band % 2 == 0 else place.latitude
    return (band, latitude, window.target, place.city.casefold(), place.country)


def _instant(zone: str, local: dt.datetime, later: bool) -> int:
    """Epoch seconds of a local wall time; where the clocks skip or repeat it, the later or earlier reading,
    whichever keeps a window's edge inside the night (the planner chooses its own times, so it need not ask)."""
    try:
        moment = wall_time_instant(local, zone)
    except UnclearWallTime as unclear:
        moment = unclear.readings[1 if later else 0]
    return int(moment.timestamp())


def _window(
    place: Place, zone: str, night: dt.date, deadline_span: dt.timedelta, opening_span: dt.timedelta
) -> _Window:
    """The place's evening in epoch seconds, and the moment the westward sweep aims for (two hours before the
    deadline by the sun, kept inside the evening)."""
    midnight = dt.datetime.combine(night, dt.time())
    earliest = _instant(zone, midnight + opening_span, later=True)
    latest = _instant(zone, midnight + deadline_span, later=False) - 1
    utc_offset = local_time(dt.datetime.fromtimestamp(latest, UTC), zone).utcoffset()
    assert utc_offset is not None  # an aware datetime's
    offset = utc_offset.total_seconds() / 3600
    # The sun's offset is the longitude in hours, taken on the same side of the date line as the zone's clock.
    solar = place.longitude / 15
    while solar - offset > 12:
        solar -= 24
    while offset - solar > 12:
        solar += 24
    aim = dt.datetime.combine(night, dt.time(), UTC) + deadline_span - AIM_BEFORE_DEADLINE - dt.timedelta(hours=solar)
    target = min(max(int(aim.timestamp()) // 60 * 60, earliest), max(earliest, latest))
    return _Window(earliest=earliest, latest=latest, target=target)


def _no_window(place: Place, zone: str, night: dt.date, flight: "Flight", deadline: str) -> str:
    return (
        f"{place.label}: its evening from {flight.opening} to the {deadline} deadline on the night of "
        f"{night:%d %B %Y} in {zone} is empty. Plan with an earlier opening or a later deadline."
    )


def _no_room(place: Place, zone: str, night: dt.date, deadline: str) -> str:
    return (
        f"{place.label}: no room in its evening before the {deadline} deadline on the night of {night:%d %B %Y} "
        f"in {zone}, flying between the other stops. "
        "Remove stops in nearby time zones, plan with a faster sleigh or shorter stays, an earlier opening or a "
        "later deadline."
    )


def route_rows(plan: Plan) -> tuple[list[str], list[list[str]]]:
    """The planned route as sheet rows in the route's column order: the arrival as an instant (no local
    arrival), the timezone left blank (validation finds it from the coordinates), notes only when a place has some.
    """
    with_notes = any(stop.place.notes for stop in plan.stops)
    left_out = {LOCAL_ARRIVAL} | (set() if with_notes else {"notes"})
    header = [name for name in ROUTE_COLUMNS if name not in left_out]
    # The fact in other languages, each its own `fact:xx` column right after `fact`.
    languages = sorted({language for stop in plan.stops for language, _text in stop.place.facts})
    after_fact = header.index("fact") + 1
    header[after_fact:after_fact] = [f"{FACT_PREFIX}{language}" for language in languages]
    rows = []
    for stop in plan.stops:
        place = stop.place
        cells = {
            "city": place.city,
            "region": place.region,
            "country": place.country,
            "latitude": repr(place.latitude),
            "longitude": repr(place.longitude),
            "arrival": iso_z(stop.arrival, "seconds"),
            "presents": "" if place.presents is None else str(place.presents),
            "fact": place.fact,
            "notes": place.notes,
            **{f"{FACT_PREFIX}{language}": text for language, text in place.facts},
        }
        rows.append([cells.get(name, "") for name in header])
    return header, rows


def route_csv(plan: Plan) -> str:
    """The planned route as CSV text with Unix line endings, ready for check_route and sync_route."""
    header, rows = route_rows(plan)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def route_table(plan: Plan, source: str = "planned route") -> RouteTable:
    """The planned route as a table, for checking it with validate_route before it is written."""
    header, rows = route_rows(plan)
    sheet_rows = [SheetRow(number, dict(zip(header, row, strict=True))) for number, row in enumerate(rows, start=2)]
    return RouteTable(source=source, kind="plan", headers=header, rows=sheet_rows)


def check_plan(plan: Plan) -> Report:
    """Validate a planned route exactly as check_route would, with the plan's night and deadline."""
    return validate_route(route_table(plan), night=plan.night, deadline=plan.deadline)


def coming_night(today: dt.date) -> dt.date:
    """The coming Christmas Eve: this year's until the 25th is over, then next year's."""
    return dt.date(today.year if (today.month, today.day) <= (12, 25) else today.year + 1, 12, 24)
