"""The families' phone: Lighthouse's mobile run on the live map, mid-night, at real speed and in a 60x rehearsal.

Starts the production app server (the Dockerfile's command, serve.py; tests/topology.py) on a fresh database
holding the sample route (data/sample-route.csv, synced by `manage.py sync_route`), with static files
collected as the Dockerfile does and a clock in the middle of the night: at real speed (TRACKER_CLOCK_SPEED 1)
and then in a 60x rehearsal. Against each it runs Lighthouse's mobile preset (4x CPU slowdown, slow 4G),
`lighthouse@12.2.3` from npm with Debian's Chromium, RUNS times, and prints the medians of the performance
score, total blocking time and largest contentful paint.

    .venv/bin/python bench/lighthouse.py [--runs 3] [--page /en/] [--keep DIR]

Needs npx (Node.js 20+) and /usr/bin/chromium. Figures go into docs/benchmarks.md by hand.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.topology import Origin, production_env, start_app_server, stop, wait_for  # noqa: E402

LIGHTHOUSE = "lighthouse@12.2.3"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
SAMPLE_ROUTE = ROOT / "data" / "sample-route.csv"
# Seconds after the middle stop's arrival at which the clock stands when the server starts: Santa is at a stop.
INTO_THE_STAY = 20


def middle_of_the_night() -> dt.datetime:
    """The arrival of the sample route's middle stop (UTC)."""
    lines = SAMPLE_ROUTE.read_text().splitlines()
    header = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:] if line]
    middle = rows[len(rows) // 2]
    return dt.datetime.fromisoformat(middle[header.index("arrival")].replace("Z", "+00:00"))


def prepare_database(work: Path) -> dict[str, str]:
    """Production settings on a new SQLite database holding the sample route, static files collected."""
    env = production_env(work / "lighthouse.sqlite3") | {"WEB_WORKERS": "2"}
    commands = (["migrate", "-v", "0"], ["sync_route", str(SAMPLE_ROUTE)], ["collectstatic", "--no-input", "-v", "0"])
    for command in commands:
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300)
    return env


def clock(env: dict[str, str], speed: float) -> Origin:
    """A clock at the middle of the night from a moment just ahead of now, running `speed` route seconds a second."""
    start = middle_of_the_night() + dt.timedelta(seconds=INTO_THE_STAY)
    anchor = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=2)
    clock_env = {
        "TRACKER_CLOCK_START": start.isoformat().replace("+00:00", "Z"),
        "TRACKER_CLOCK_ANCHOR": anchor.isoformat().replace("+00:00", "Z"),
        "TRACKER_CLOCK_SPEED": f"{speed:g}",
    }
    return Origin(env | clock_env, start, anchor, speed)


def lighthouse(url: str, report: Path) -> dict:
    """One Lighthouse mobile run of the performance category: its JSON report (lhr)."""
    env = os.environ | {"CHROME_PATH": CHROMIUM}
    subprocess.run(
        [
            "npx",
            "-y",
            LIGHTHOUSE,
            url,
            "--quiet",
            "--only-categories=performance",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        env=env,
        check=True,
        timeout=300,
    )
    return json.loads(report.read_text())


def figures(lhr: dict) -> dict[str, float]:
    """Performance score (0-100), total blocking time (ms), largest contentful paint (s), main-thread work (s), DOM
    elements, and Lighthouse's benchmark index of this machine's CPU at the time (a quiet desktop scores 1,000 to
    2,000; the 4x slowdown is applied on top of whatever the machine gives, so a busy machine emulates a slower phone).
    """
    audits = lhr["audits"]
    return {
        "benchmark_index": lhr["environment"]["benchmarkIndex"],
        "performance": lhr["categories"]["performance"]["score"] * 100,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "main_thread_s": audits["mainthread-work-breakdown"]["numericValue"] / 1000,
        "dom_elements": audits["dom-size"]["numericValue"],
    }


def measure(env: dict[str, str], speed: float, runs: int, page: str, work: Path, keep: Path | None) -> list[dict]:
    """Start a server at `speed`, run Lighthouse `runs` times against `page`, stop it: each run's figures."""
    origin = clock(env, speed)
    process, port, log = start_app_server(origin, work, f"app-{speed:g}x", LOG_LEVEL="WARNING")
    results = []
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/time", process, log)
        for number in range(1, runs + 1):
            report = (keep or work) / f"lighthouse-{speed:g}x-{number}.json"
            result = figures(lighthouse(f"http://127.0.0.1:{port}{page}", report))
            print(f"  {speed:g}x run {number}: " + ", ".join(f"{key} {value:g}" for key, value in result.items()))
            results.append(result)
    finally:
        stop(process)
    return results


def main() -> None:
    """Measure at real speed and at 60x; print each run and the medians."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per clock (default 3)")
    parser.add_argument("--page", default="/en/", help="the page to measure (default /en/)")
    parser.add_argument("--keep", type=Path, help="a folder to keep Lighthouse's JSON reports in")
    options = parser.parse_args()
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="santa-lighthouse-") as temp:
        work = Path(temp)
        env = prepare_database(work)
        medians = {}
        for speed in (1.0, 60.0):
            results = measure(env, speed, options.runs, options.page, work, options.keep)
            medians[speed] = {key: statistics.median(result[key] for result in results) for key in results[0]}
    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]}, mobile preset, {options.page}, medians of {options.runs} runs:")
    print(
        f"{'clock':<14}{'performance':>12}{'TBT ms':>9}{'LCP s':>8}{'main thread s':>15}{'DOM elements':>14}"
        f"{'CPU index':>11}"
    )
    for speed, median in medians.items():
        label = "real speed" if speed == 1 else f"{speed:g}x rehearsal"
        print(
            f"{label:<14}{median['performance']:>12.0f}{median['tbt_ms']:>9.0f}{median['lcp_s']:>8.2f}"
            f"{median['main_thread_s']:>15.1f}{median['dom_elements']:>14.0f}{median['benchmark_index']:>11.0f}"
        )


if __name__ == "__main__":
    main()
