"""Benchmark: how closely five maps with clocks skewed by up to ten minutes hop together.

Runs the browser test tests/browser/test_map_hops.py (five Chromium contexts, three hops each) RUNS
times, collects the spread it measures, and compares it with the brief's bound of 250 ms.
Run: .venv/bin/python bench/map_sync.py [--runs 5]. Figures go into docs/benchmarks.md by hand.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOUND_MS = 250
TEST = (
    "tests/browser/test_map_hops.py::"
    "test_five_maps_with_clocks_ten_minutes_apart_show_each_new_stop_together_at_the_scheduled_hop"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures_file = Path(folder) / "figures.jsonl"
        env = os.environ | {"TRACKER_MAP_FIGURES": str(figures_file)}
        for _ in range(args.runs):
            subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TEST], cwd=ROOT, env=env, check=True
            )
        runs = [json.loads(line) for line in figures_file.read_text().splitlines()]
    runs = [run for run in runs if run.get("measure") == "skewed_maps"]
    worst_spread = max(run["spread_ms_max"] for run in runs)
    worst_late = max(run["after_hop_ms_max"] for run in runs)
    print(f"{len(runs)} runs of {runs[0]['maps']} maps x {runs[0]['hops']} hops")
    print(f"spread between maps: worst {worst_spread:.0f} ms; medians {[run['spread_ms_median'] for run in runs]}")
    print(f"last map after the scheduled hop: worst {worst_late:.0f} ms (bound {BOUND_MS} ms)")
    print("within the bound" if max(worst_spread, worst_late) <= BOUND_MS else "OUTSIDE the bound")


if __name__ == "__main__":
    main()
