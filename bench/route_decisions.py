"""Seconds each organiser step of the night's control loop takes (docs/operations.md, "Who decides what is live"):
sync_route publishing, unchanged, held while pinned; make_live (a pin); release_route; on the 405-stop sample.

Each step is the management command an organiser runs, timed in one process (no Python start-up), on a fresh
SQLite file (the default) or on DATABASE_URL when given, with the route clock at 12:30 UTC on Christmas Eve.

    .venv/bin/python bench/route_decisions.py [--runs 5]
"""

import argparse
import csv
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MID_NIGHT = "2026-12-24T12:30:00Z"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    work = Path(tempfile.mkdtemp(prefix="control-loop-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.update(TRACKER_CLOCK_START=MID_NIGHT, TRACKER_CLOCK_ANCHOR=MID_NIGHT, TRACKER_CLOCK_SPEED="0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import CommandError, call_command
    from django.db import connection

    from locations.models import Decision, Revision, Stop, SyncRun

    call_command("migrate", verbosity=0)
    rows = list(csv.reader((ROOT / "data" / "sample-route.csv").open(encoding="utf-8")))
    sheet = work / "route.csv"

    def save(fact: str) -> None:
        # The last stop (not yet due at 12:30) gets another fact: a correction viewers see from its hop.
        changed = [list(row) for row in rows]
        changed[-1][changed[0].index("fact")] = fact
        out = io.StringIO()
        csv.writer(out).writerows(changed)
        sheet.write_text(out.getvalue(), encoding="utf-8")

    def timed(*args: str) -> float:
        started = time.perf_counter()
        try:
            call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
        except CommandError as error:
            # A held sync exits with CommandError; the time is what counts.
            if "held" not in str(error):
                raise
        return time.perf_counter() - started

    steps: dict[str, list[float]] = {}
    for run in range(runs):
        for model in (Decision, SyncRun, Stop, Revision):
            model.objects.all().delete()
        save(f"first {run}")
        results = {"sync_route: first revision, published": timed("sync_route", str(sheet))}
        results["sync_route: sheet unchanged"] = timed("sync_route", str(sheet))
        save(f"corrected {run}")
        results["sync_route: a correction, published"] = timed("sync_route", str(sheet))
        results["make_live 1 (a rollback: pin)"] = timed("make_live", "1")
        results["sync_route: unchanged while pinned"] = timed("sync_route", str(sheet))
        save(f"corrected again {run}")
        results["sync_route: a correction, held while pinned"] = timed("sync_route", str(sheet))
        results["release_route (the held revision goes live)"] = timed("release_route")
        for name, seconds in results.items():
            steps.setdefault(name, []).append(seconds)

    print(f"{connection.vendor}, {len(rows) - 1} stops, {runs} runs: median (min-max) seconds per step")
    for name, seconds in steps.items():
        print(f"| {name} | {statistics.median(seconds):.2f} | {min(seconds):.2f}-{max(seconds):.2f} |")


if __name__ == "__main__":
    main()
