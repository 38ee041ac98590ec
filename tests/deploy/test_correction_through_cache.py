"""A correction published a few seconds before a hop is in that hop's answer, through the shipped cache.

Two app servers (the Dockerfile's command) behind varnishd with deploy/varnish/, on a rehearsal clock. The
next stop's name and fact are corrected with sync_route (the command's function) three seconds before its hop; after
the hop 2,000 clients ask `now` through the cache and every one gets the corrected stop, while the hop still
costs the origin at most two requests. Once with the health probe as shipped (it asks `now` every second)
and once with it pointed at `time`, as behind a CDN that never probes `now`: freshness must not hang on it.
"""

import datetime as dt
import itertools
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.browser.map_pages import ARRIVALS, hop_rows
from tests.processes import ROOT, stop_process
from tests.topology import (
    ask_now,
    origin_requests,
    prepare_origin,
    start_app_server,
    start_varnish,
    stop,
    wait_for,
    write_route,
)

# Route seconds per wall second: the stops are four route minutes apart, so a hop every 10 s.
SPEED = 24.0
CLIENTS = 2000
# Clients asking at once, each request on its own connection.
CONCURRENCY = 50
# How long before its hop the correction is published.
LEAD_SECONDS = 3.0
CORRECTED_CITY = "Kirikiriroa"
CORRECTED_FACT = "Corrected three seconds before the hop"


def _needs(binary: str) -> None:
    if not Path(binary).exists():
        pytest.skip(f"{binary} is missing: scripts/ensure-system-packages.sh installs Debian's varnish")


@pytest.fixture(params=["shipped probe", "no probe asking now"])
def topology(request, tmp_path: Path):
    """Two app servers behind varnishd; the probe as shipped or asking /api/v1/time. Stopped by pid."""
    _needs("/usr/sbin/varnishd")
    rows = hop_rows(fact="A fact as first synced")
    origin = prepare_origin(tmp_path, rows, lead_seconds=3, speed=SPEED, WEB_ACCESS_LOG="true")
    servers = [start_app_server(origin, tmp_path, f"app{number}") for number in (1, 2)]
    varnish = None
    try:
        for process, port, log in servers:
            wait_for(f"http://127.0.0.1:{port}/api/v1/time", process, log)
        probe_path = None if request.param == "shipped probe" else "/api/v1/time"
        ports = [port for _process, port, _log in servers]
        # origin.vcl's third server takes the pages that write (docs/operations.md); no viewer asks for one here,
        # so the first app server stands in for it.
        varnish, port, _workdir = start_varnish(tmp_path, [*ports, ports[0]], probe_path=probe_path)
        wait_for(f"http://127.0.0.1:{port}/api/v1/now", varnish, tmp_path / "varnish.log")
        yield origin, rows, port, [log for _process, _port, log in servers]
    finally:
        if varnish is not None:
            stop(varnish)
        for process, _port, _log in servers:
            stop(process)


# A process with Django loaded and a route already read and checked once (so the validation's tables are in
# memory), which syncs the sheet whose path it is given: `manage.py sync_route`'s own function, to the second.
WARM_SYNC = """
import sys
from locations.sources import read_source
from locations.sync import check_table, sync_route
check_table(read_source(sys.argv[-1]))
print("ready", flush=True)
result = sync_route(sys.stdin.readline().strip(), synced_by="sync_route")
print(result.outcome, result.message, flush=True)
"""


def _warm_sync(env: dict[str, str], source: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", f"import django; django.setup(); exec({WARM_SYNC!r})", str(source)],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "tracker.settings"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready"
    return process


def test_a_correction_three_seconds_before_a_hop_reaches_every_client_at_that_hop(topology, tmp_path: Path):
    origin, rows, port, logs = topology
    syncer = _warm_sync(origin.env, write_route(tmp_path / "warm.csv", rows))
    # The next hop far enough ahead to publish LEAD_SECONDS before it.
    target = next(
        index for index, arrival in enumerate(ARRIVALS) if origin.wall_time(arrival) > time.time() + LEAD_SECONDS + 1
    )
    hop_wall = origin.wall_time(ARRIVALS[target])
    corrected = [list(row) for row in rows]
    corrected[target][0], corrected[target][7] = CORRECTED_CITY, CORRECTED_FACT
    correction = write_route(tmp_path / "corrected.csv", corrected)
    try:
        time.sleep(max(0.0, hop_wall - LEAD_SECONDS - time.time()))
        # The cache holds the answer before the hop, which names the old revision and not yet the stop.
        before_hop = ask_now(port)
        assert before_hop["revision"] == 1 and before_hop["visited"] <= target
        syncer.stdin.write(f"{correction}\n")
        syncer.stdin.flush()
        output = syncer.stdout.readline()
        lead = hop_wall - time.time()
    finally:
        stop_process(syncer)
    assert output.startswith("published"), output
    assert lead > 1.0, f"the sync returned {lead:.1f} s before the hop: too late to test this hop"
    time.sleep(max(0.0, hop_wall - 0.3 - time.time()))
    origin_before = sum(origin_requests(log, "/api/v1/now") for log in logs)
    time.sleep(max(0.0, hop_wall + 0.02 - time.time()))
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        answers = list(pool.map(lambda _n: ask_now(port), range(CLIENTS)))
    finished = time.time()
    time.sleep(0.2)
    origin_after = sum(origin_requests(log, "/api/v1/now") for log in logs)

    assert finished < origin.wall_time(ARRIVALS[target + 1]), "the clients must all ask within the hop"
    seen = {(a["revision"], a["visited"], a["current"]["city"], a["current"]["fact"]) for a in answers}
    assert seen == {(2, target + 1, CORRECTED_CITY, CORRECTED_FACT)}, f"published {lead:.1f} s before the hop"
    assert origin_after - origin_before <= 2


def test_the_hop_route_keeps_its_hops_apart_enough_for_this_test():
    gaps = {later - earlier for earlier, later in itertools.pairwise(ARRIVALS)}
    assert gaps == {dt.timedelta(minutes=4)}
    assert dt.timedelta(minutes=4).total_seconds() / SPEED > LEAD_SECONDS + 2
