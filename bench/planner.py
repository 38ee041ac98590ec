"""How well the planner flies: total km, longest hop, crossings, late stops and rushed hops, and its time.

    .venv/bin/python bench/planner.py                 # Google's 364 places (2017) and the sample route's places
    .venv/bin/python bench/planner.py --solutions 800 # another work limit

For Google's places it also measures Google's own order and times, as published. Figures: docs/benchmarks.md.
"""

import argparse
import datetime as dt
import itertools
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from lib.great_circle import crossing_hops, distance_km  # noqa: E402
from locations.geography import local_wall_time  # noqa: E402
from locations.planning import DEFAULT_FLIGHT, Flight, check_plan, plan_route, read_places  # noqa: E402
from locations.sample import SAMPLE_DEADLINE, SAMPLE_NIGHT, choose_places  # noqa: E402
from locations.sources import read_source  # noqa: E402
from locations.validation import validate_route  # noqa: E402

# The same file as ../shared/real-data/ (tests/locations/test_google_2017.py checks its digest).
GOOGLE = ROOT / "tests" / "data" / "google-santa-tracker-2017.json"
GOOGLE_NIGHT = dt.date(2017, 12, 24)
RUSHED_KMH = 40_000


def measure(name: str, stops: list[tuple[float, float, dt.datetime, str]], night: dt.date, seconds: float) -> None:
    """Print one row: stops as (latitude, longitude, arrival, zone)."""
    kms = [distance_km(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(stops)]
    speeds = [
        km / max((b[2] - a[2]).total_seconds(), 1e-9) * 3600
        for km, (a, b) in zip(kms, itertools.pairwise(stops), strict=True)
    ]
    deadline = dt.datetime.combine(night, dt.time(22, 0))
    late = sum(1 for stop in stops if local_wall_time(stop[2], stop[3]) >= deadline)
    crossings = len(crossing_hops([stop[:2] for stop in stops]))
    print(
        f"| {name} | {len(stops)} | {sum(kms):,.0f} | {max(kms):,.0f} | {crossings} | {late} "
        f"| {sum(1 for s in speeds if s > DEFAULT_FLIGHT.speed_kmh)} | {sum(1 for s in speeds if s > RUSHED_KMH)} "
        f"| {seconds:.1f} |",
        flush=True,
    )


def plan_and_measure(name: str, places: list, night: dt.date, flight: Flight) -> None:
    began, cpu = time.monotonic(), time.process_time()
    plan = plan_route(places, night, SAMPLE_DEADLINE, flight)
    wall, cpu = time.monotonic() - began, time.process_time() - cpu
    report = check_plan(plan)
    stops = [(s.place.latitude, s.place.longitude, s.arrival, s.zone) for s in plan.stops]
    measure(name, stops, night, cpu)
    print(
        f"  {len(plan.unplaced)} left out, {len(report.errors)} errors, {len(report.warnings)} warnings, "
        f"{plan.solutions} solutions, {wall:.1f} s wall, {cpu:.1f} s CPU"
        + (", stopped by the safety net" if plan.stopped_by_safety_net else ""),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--solutions", type=int, default=DEFAULT_FLIGHT.solutions)
    parser.add_argument("--safety-seconds", type=int, default=600, help="wall-time safety net (600: measure work)")
    options = parser.parse_args()
    flight = Flight(solutions=options.solutions, safety_seconds=options.safety_seconds)
    print(
        "| route | stops | total km | longest hop km | crossings | after 22:00 local | faster than "
        f"{DEFAULT_FLIGHT.speed_kmh:,.0f} km/h | faster than {RUSHED_KMH:,} km/h | planner CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    table = read_source(str(GOOGLE))
    report = validate_route(table, night=GOOGLE_NIGHT, deadline="35:59")
    google = [(s.latitude, s.longitude, s.arrival, s.timezone) for s in report.stops]
    measure("Google 2017, its own order and times", google, GOOGLE_NIGHT, 0.0)
    places = read_places(table, GOOGLE_NIGHT)
    plan_and_measure("Google 2017's places, planned", places.places, GOOGLE_NIGHT, flight)
    candidates, _ = choose_places()
    plan_and_measure("the sample route's places", [c.place for c in candidates], SAMPLE_NIGHT, flight)


if __name__ == "__main__":
    main()
