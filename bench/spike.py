"""The night's spike: 2,000 viewers within one second after each hop, through Varnish with the shipped VCL.

Starts the topology of deploy/compose.yaml on loopback (tests/topology.py: varnishd with deploy/varnish/ in
front of two app servers running the Dockerfile's command, one rehearsal clock with a hop every 4 s), then:

1. after each of three hops, fires the clients within one second (asyncio, raw HTTP/1.1, one connection
   each, at most --pool open at once) and reports origin requests for /api/v1/now in that hop (from the app
   servers' access logs), errors, clients that got the stop from before the hop, p50/p99, how many different
   stops the clients were shown and when the burst ended after the hop (past the next hop, a second stop);
2. kills both app servers half a second before a hop, keeps asking for --outage seconds, starts them again,
   and reports how long clients kept getting the last answer and when they got the new stop.

    .venv/bin/python bench/spike.py [--clients 2000] [--pool 500] [--outage 20]
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from tests.browser.map_pages import hop_rows  # noqa: E402
from tests.topology import (  # noqa: E402
    Origin,
    origin_requests,
    prepare_origin,
    start_app_server,
    start_varnish,
    stop,
    wait_for,
)

SPEED = 60.0  # the hop route's stops are four route minutes apart: a hop every 4 wall seconds


async def ask(port: int, pool: asyncio.Semaphore) -> tuple[int, dict | None, float]:
    """One viewer's GET /api/v1/now on its own connection: status (0 on a failure), answer, seconds."""
    async with pool:
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
            writer.write(b"GET /api/v1/now HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = await asyncio.wait_for(reader.read(), 10)
            writer.close()
        except (OSError, TimeoutError):
            return 0, None, time.perf_counter() - started
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
        try:
            answer = json.loads(body) if status == 200 else None
        except ValueError:
            answer = None
        return status, answer, time.perf_counter() - started


async def burst(port: int, clients: int, pool_size: int) -> list[tuple[int, dict | None, float]]:
    """`clients` viewers, each starting at a random moment within one second."""
    pool = asyncio.Semaphore(pool_size)

    async def viewer() -> tuple[int, dict | None, float]:
        await asyncio.sleep(random.random())
        return await ask(port, pool)

    return await asyncio.gather(*(viewer() for _ in range(clients)))


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie, in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000 if ordered else float("nan")


def next_hop(port: int) -> tuple[int, dt.datetime]:
    """The current answer's visited count and its next hop, through the cache."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/now", timeout=10) as response:
        answer = json.loads(response.read())
    return answer["visited"], dt.datetime.fromisoformat(answer["next_hop_at"].replace("Z", "+00:00"))


def main() -> None:
    """Start the topology, run the three bursts and the outage, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=2000, help="viewers per hop (default 2000)")
    parser.add_argument("--pool", type=int, default=500, help="connections open at once at most (default 500)")
    parser.add_argument("--outage", type=float, default=20.0, help="seconds the origin stays down (default 20)")
    parser.add_argument("--counters", action="store_true", help="print Varnish's fetch counters after each hop")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="santa-spike-") as temp:
        work = Path(temp)
        rows = hop_rows()
        origin = prepare_origin(work, rows, lead_seconds=4, speed=SPEED, WEB_ACCESS_LOG="true")
        servers = [start_app_server(origin, work, f"app{n}", LOG_LEVEL="WARNING") for n in (1, 2)]
        varnish = None
        try:
            for process, port, log in servers:
                wait_for(f"http://127.0.0.1:{port}/api/v1/time", process, log)
            varnish, port, workdir = start_varnish(work, [port for _p, port, _l in servers])
            wait_for(f"http://127.0.0.1:{port}/api/v1/now", varnish, work / "varnish.log")
            logs = [log for _p, _port, log in servers]
            print(f"{options.clients} clients within 1 s after each hop, at most {options.pool} connections open")
            print(
                f"{'hop':<5}{'origin now':>11}{'errors':>8}{'pre-hop':>9}{'p50 ms':>9}{'p99 ms':>9}"
                f"{'stops':>7}{'ends s':>9}"
            )
            for number in range(1, 4):
                visited, hop = next_hop(port)
                hop_wall = origin.wall_time(hop)
                time.sleep(max(0.0, hop_wall - 0.5 - time.time()))
                before = sum(origin_requests(log, "/api/v1/now") for log in logs)
                time.sleep(max(0.0, hop_wall + 0.01 - time.time()))
                results = asyncio.run(burst(port, options.clients, options.pool))
                # A starved machine can stretch the burst past the next hop, whose stop is a fetch of its own.
                burst_end = time.time() - hop_wall
                time.sleep(0.3)
                fetched = sum(origin_requests(log, "/api/v1/now") for log in logs) - before
                errors = sum(1 for status, _a, _s in results if status != 200)
                stale = sum(1 for _s, answer, _t in results if answer is not None and answer["visited"] <= visited)
                latencies = [seconds for _s, _a, seconds in results]
                stops = len({answer["visited"] for _s, answer, _t in results if answer is not None})
                if options.counters:
                    print(varnish_counters(workdir))
                print(
                    f"{number:<5}{fetched:>11}{errors:>8}{stale:>9}"
                    f"{percentile(latencies, 0.5):>9.1f}{percentile(latencies, 0.99):>9.1f}"
                    f"{stops:>7}{burst_end:>9.1f}"
                )

            # The outage: both app servers killed half a second before a hop, then started again.
            visited, hop = next_hop(port)
            time.sleep(max(0.0, origin.wall_time(hop) - 0.5 - time.time()))
            for process, _port, _log in servers:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            killed = time.time()
            last_answer_until = None
            errors = 0
            restarted = None
            new_stop_at = None
            ports = [p for _p, p, _l in servers]
            while new_stop_at is None and time.time() - killed < options.outage + 30:
                if restarted is None and time.time() - killed >= options.outage:
                    servers = [
                        start_app_server(origin, work, f"app{n}", WEB_BIND=f"127.0.0.1:{p}", LOG_LEVEL="WARNING")
                        for n, p in zip((1, 2), ports, strict=True)
                    ]
                    restarted = time.time()
                results = asyncio.run(burst(port, 50, 50))
                for status, answer, _seconds in results:
                    if status != 200 or answer is None:
                        errors += 1
                    elif answer["visited"] == visited:
                        last_answer_until = time.time()
                    elif restarted is not None and answer["visited"] == rows_due(origin, rows):
                        new_stop_at = new_stop_at or time.time()
            print()
            print(f"origin killed 0.5 s before a hop, down for {options.outage:.0f} s, 50 viewers a second:")
            if last_answer_until is not None:
                print(f"  the last answer was served until {last_answer_until - killed:.1f} s after the kill")
            else:
                print("  the last answer was never served after the kill")
            print(f"  errors while it was down or starting: {errors}")
            if new_stop_at is not None and restarted is not None:
                print(f"  the current stop reached viewers {new_stop_at - restarted:.1f} s after the restart")
            else:
                print("  the current stop did not reach viewers within 30 s of the restart")
        finally:
            if varnish is not None:
                stop(varnish)
            for process, _port, _log in servers:
                stop(process)


def varnish_counters(workdir: Path) -> str:
    """Varnish's own counts of fetches, misses and coalesced waits so far (varnishstat)."""
    fields = ("MAIN.backend_req", "MAIN.cache_miss", "MAIN.cache_hitmiss", "MAIN.cache_hitpass", "MAIN.busy_sleep")
    command = ["varnishstat", "-n", str(workdir), "-1", *(f"-f{field}" for field in fields)]
    output = subprocess.run(command, capture_output=True, text=True, timeout=10).stdout
    return ", ".join(f"{line.split()[0].removeprefix('MAIN.')}={line.split()[1]}" for line in output.splitlines())


def rows_due(origin: Origin, rows: list[list[str]]) -> int:
    """How many stops are due on the rehearsal clock now."""
    now = origin.route_time(time.time())
    return sum(1 for row in rows if dt.datetime.fromisoformat(row[5]) <= now)


if __name__ == "__main__":
    main()
