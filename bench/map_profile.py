"""Where the phone's main thread goes on the live map: a Chromium trace of `/en/` mid-night, aggregated.

Starts the production app server as bench/lighthouse.py does (the sample route, the clock 20 s after the
middle stop, at real speed or in a rehearsal), opens the page in Debian's Chromium at the size and pixel
ratio of Lighthouse's mobile preset with the CPU slowed down 4x (`Emulation.setCPUThrottlingRate`), records a
trace (`Tracing`: the timeline's events and V8's sampling profiler) for SECONDS of wall time, and prints:

- the main thread's long tasks (over 50 ms, as slowed down) with what filled each: script, style, layout,
  paint, compositing... by trace event, self time;
- the whole recording's self time by trace event, and JavaScript's self time by function and file.

    .venv/bin/python bench/map_profile.py [--speed 1] [--seconds 8] [--page /en/] [--keep trace.json]

Unlike Lighthouse, which simulates the slowdown from an unthrottled run, this throttles for real, so the
figures are ms on this machine x 4: use the proportions, not the totals, and compare runs on a quiet machine.
"""

import argparse
import collections
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.lighthouse import CHROMIUM, clock, prepare_database  # noqa: E402
from tests.topology import start_app_server, stop, wait_for  # noqa: E402

# Lighthouse 12's mobile preset: a Moto G Power's screen (css px) and pixel ratio.
PHONE_WIDTH, PHONE_HEIGHT, PHONE_RATIO = 412, 823, 1.75
CATEGORIES = ",".join(
    (
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        "disabled-by-default-devtools.timeline.frame",
        "v8.execute",
        "disabled-by-default-v8.cpu_profiler",
        "blink",
        "cc",
        "gpu",
        "loading",
        "toplevel",
    )
)
LONG_TASK_MS = 50
# Trace events that only wrap others: their time is counted in what they contain.
WRAPPERS = {"RunTask", "ThreadControllerImpl::RunTask", "TaskGraphRunner::RunTask"}


def record(url: str, seconds: float, slowdown: float) -> list[dict]:
    """The trace events of loading `url` and watching it for `seconds`, the CPU slowed down `slowdown` times."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context(
                viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
                device_scale_factor=PHONE_RATIO,
                is_mobile=True,
                has_touch=True,
            )
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
            events: list[dict] = []
            done: list[bool] = []
            cdp.on("Tracing.dataCollected", lambda message: events.extend(message["value"]))
            cdp.on("Tracing.tracingComplete", lambda _message: done.append(True))
            cdp.send("Tracing.start", {"traceConfig": {"includedCategories": CATEGORIES.split(",")}})
            page.goto(url)
            page.wait_for_timeout(seconds * 1000)
            cdp.send("Tracing.end")
            while not done:
                page.wait_for_timeout(100)
        finally:
            browser.close()
    return events


def main_thread(events: list[dict]) -> tuple[int, int]:
    """The (pid, tid) of the page's renderer main thread: CrRendererMain in the process the main frame last
    committed a page in (the navigation from about:blank moves it to another process)."""
    frames = [
        event["args"]["data"]
        for event in events
        if event.get("name") == "FrameCommittedInBrowser" and event["args"]["data"].get("isOutermostMainFrame")
    ]
    pid = frames[-1]["processId"]
    (tid,) = {
        event["tid"]
        for event in events
        if event.get("ph") == "M"
        and event.get("name") == "thread_name"
        and event["pid"] == pid
        and event["args"]["name"] == "CrRendererMain"
    }
    return pid, tid


def most(totals: dict[str, float], count: int | None = None) -> list[tuple[str, float]]:
    """The largest `count` of `totals`, largest first."""
    return sorted(totals.items(), key=lambda item: -item[1])[:count]


def self_times(slices: list[dict]) -> dict[str, float]:
    """Self time (ms) per event name of complete events, nested by start and duration."""
    totals: dict[str, float] = collections.defaultdict(float)
    stack: list[dict] = []
    for event in sorted(slices, key=lambda event: (event["ts"], -event["dur"])):
        while stack and stack[-1]["ts"] + stack[-1]["dur"] <= event["ts"]:
            stack.pop()
        if stack:
            totals[stack[-1]["name"]] -= event["dur"] / 1000
        totals[event["name"]] += event["dur"] / 1000
        stack.append(event)
    return totals


def label(event: dict) -> str:
    """An event's name, with the script it ran where the trace says."""
    data = event.get("args", {}).get("data", {})
    url = data.get("url") or data.get("functionName") or ""
    return f"{event['name']} {url.rsplit('/', 1)[-1]}".strip()


def javascript_samples(events: list[dict], pid: int, tid: int) -> list[tuple[float, float, str]]:
    """V8's samples on the main thread: (trace timestamp in µs, self time in ms, "function file")."""
    nodes: dict[tuple, str] = {}
    samples: list[tuple[float, float, str]] = []
    # Profile ids count from 1 in every process: a chunk is the main thread's by its process and id.
    starts = {
        (event["pid"], event["id"]): event["args"]["data"]["startTime"]
        for event in events
        if event.get("name") == "Profile" and (event["pid"], event["tid"]) == (pid, tid)
    }
    clock = dict(starts)
    for event in sorted((event for event in events if event.get("name") == "ProfileChunk"), key=lambda e: e["ts"]):
        key = (event["pid"], event.get("id"))
        if key not in starts:
            continue
        data = event["args"]["data"]
        for node in data.get("cpuProfile", {}).get("nodes", []):
            frame = node["callFrame"]
            where = frame.get("url", "").rsplit("/", 1)[-1]
            nodes[key, node["id"]] = f"{frame.get('functionName') or '(anonymous)'} {where}".strip()
        profile = data.get("cpuProfile", {})
        for sample, delta in zip(profile.get("samples", []), data.get("timeDeltas", []), strict=False):
            clock[key] += delta
            samples.append((clock[key], delta / 1000, nodes.get((key, sample), "?")))
    return samples


def sampled(samples: list[tuple[float, float, str]], start: float = 0, end: float = float("inf")) -> dict[str, float]:
    """Sampled self time (ms) per function between trace timestamps `start` and `end` (µs)."""
    totals: dict[str, float] = collections.defaultdict(float)
    for at, ms, name in samples:
        if start <= at <= end and name not in {"(idle)", "(program)"}:
            totals[name] += ms
    return totals


def report(events: list[dict], top: int) -> None:
    """Print the long tasks and the self times."""
    pid, tid = main_thread(events)
    slices = [
        event
        for event in events
        if (event.get("pid"), event.get("tid")) == (pid, tid) and event.get("ph") == "X" and "dur" in event
    ]
    start = min(event["ts"] for event in slices if event["name"] == "RunTask")
    samples = javascript_samples(events, pid, tid)
    tasks = [event for event in slices if event["name"] == "RunTask" and event["dur"] >= LONG_TASK_MS * 1000]
    print(f"Long tasks on the main thread (>= {LONG_TASK_MS} ms as slowed down):")
    for task in tasks:
        inside = [
            event
            for event in slices
            if task["ts"] <= event["ts"] and event["ts"] + event["dur"] <= task["ts"] + task["dur"]
        ]
        named = [{**event, "name": label(event)} for event in inside]
        parts = ", ".join(
            f"{name} {ms:.0f}" for name, ms in most(self_times(named)) if ms >= 2 and name not in WRAPPERS
        )
        print(f"  at {(task['ts'] - start) / 1000:7.0f} ms, {task['dur'] / 1000:5.0f} ms: {parts}")
        script = most(sampled(samples, task["ts"], task["ts"] + task["dur"]), 8)
        if script:
            print("      script: " + ", ".join(f"{name} {ms:.0f}" for name, ms in script))
    print("Main thread self time by trace event (ms):")
    for name, ms in most(self_times(slices), top):
        print(f"  {ms:8.1f}  {name}")
    print("JavaScript self time by function (ms, sampled; without idle and V8's own '(program)'):")
    for name, ms in most(sampled(samples), top):
        print(f"  {ms:8.1f}  {name}")


def main() -> None:
    """Start the server, record, print."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--speed", type=float, default=1.0, help="the route clock's speed (default 1: real speed)")
    parser.add_argument("--seconds", type=float, default=8.0, help="wall seconds to record after loading (default 8)")
    parser.add_argument("--slowdown", type=float, default=4.0, help="CPU throttling rate (default 4, as Lighthouse)")
    parser.add_argument("--page", default="/en/", help="the page to load (default /en/)")
    parser.add_argument("--top", type=int, default=25, help="rows in each table (default 25)")
    parser.add_argument("--keep", type=Path, help="save the raw trace here (opens in Chromium's Performance panel)")
    parser.add_argument("--trace", type=Path, help="report on a saved trace instead of recording one")
    options = parser.parse_args()
    if options.trace:
        report(json.loads(options.trace.read_text())["traceEvents"], options.top)
        return
    with tempfile.TemporaryDirectory(prefix="santa-profile-") as temp:
        work = Path(temp)
        env = prepare_database(work)
        process, port, log = start_app_server(clock(env, options.speed), work, "app", LOG_LEVEL="WARNING")
        try:
            wait_for(f"http://127.0.0.1:{port}/api/v1/time", process, log)
            events = record(f"http://127.0.0.1:{port}{options.page}", options.seconds, options.slowdown)
        finally:
            stop(process)
    if options.keep:
        options.keep.write_text(json.dumps({"traceEvents": events}))
    report(events, options.top)


if __name__ == "__main__":
    main()
