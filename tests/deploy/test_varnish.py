"""The cache shipped in deploy/varnish/: Varnish's own tests of the VCL, then the cache in front of the origin."""

import datetime as dt
import http.client
import json
import random
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.browser.map_pages import hop_rows
from tests.topology import (
    VARNISH_DIR,
    origin_requests,
    prepare_origin,
    start_app_server,
    start_varnish,
    stop,
    wait_for,
)

VARNISHTEST = Path("/usr/bin/varnishtest")
VTC_FILES = sorted((VARNISH_DIR / "tests").glob("*.vtc"))
# Route seconds per wall second: the hop route's stops are four route minutes apart, so a hop every 4 s.
SPEED = 60.0
BURST = 100


def _needs(binary: Path) -> None:
    if not binary.exists():
        pytest.skip(f"{binary} is missing: scripts/ensure-system-packages.sh installs Debian's varnish")


def test_there_are_varnishtest_files():
    assert len(VTC_FILES) >= 3


@pytest.mark.parametrize("vtc", VTC_FILES, ids=lambda path: path.stem)
def test_varnishtest(vtc: Path, tmp_path: Path):
    _needs(VARNISHTEST)
    result = subprocess.run(
        [str(VARNISHTEST), "-q", "-t", "60", str(vtc)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, dict[str, str]]:
    """One GET on its own connection: status, JSON body, headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, json.loads(response.read()), dict(response.getheaders())
    finally:
        connection.close()


@pytest.fixture
def topology(tmp_path: Path):
    """Two app servers sharing one rehearsal clock behind varnishd with the shipped VCL; stopped by pid."""
    _needs(Path("/usr/sbin/varnishd"))
    origin = prepare_origin(tmp_path, hop_rows(), lead_seconds=3, speed=SPEED, WEB_ACCESS_LOG="true")
    servers = [start_app_server(origin, tmp_path, f"app{number}") for number in (1, 2)]
    varnish = None
    try:
        for process, port, log in servers:
            wait_for(f"http://127.0.0.1:{port}/api/v1/time", process, log)
        # The pages' pool (pages1) is app1 here: these tests are about the viewers' answers.
        ports = [port for _process, port, _log in servers]
        varnish, port, _workdir = start_varnish(tmp_path, [*ports, ports[0]])
        wait_for(f"http://127.0.0.1:{port}/api/v1/now", varnish, tmp_path / "varnish.log")
        yield origin, port, [log for _process, _port, log in servers]
    finally:
        if varnish is not None:
            stop(varnish)
        for process, _port, _log in servers:
            stop(process)


def _now_requests(logs: list[Path]) -> int:
    return sum(origin_requests(log, "/api/v1/now") for log in logs)


def _burst(port: int, headers_for: list[dict[str, str]], paths: list[str]) -> list[tuple[int, dict, dict]]:
    """Every request at once, each on its own connection and thread."""
    results: list = [None] * len(paths)
    gate = threading.Barrier(len(paths))

    def ask(index: int) -> None:
        gate.wait()
        results[index] = _get(port, paths[index], headers_for[index])

    threads = [threading.Thread(target=ask, args=(index,)) for index in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_a_burst_after_each_hop_reaches_the_origin_at_most_twice_and_sees_the_new_stop(topology):
    origin, port, logs = topology
    rng = random.Random(9)
    for _hop in range(3):
        _status, answer, _headers = _get(port, "/api/v1/now")
        hop = dt.datetime.fromisoformat(answer["next_hop_at"].replace("Z", "+00:00"))
        hop_wall = origin.wall_time(hop)
        time.sleep(max(0.0, hop_wall - 0.3 - time.time()))
        before = _now_requests(logs)
        time.sleep(max(0.0, hop_wall + 0.02 - time.time()))
        # Viewers who once opened the letter form, and clients adding a query string, share the same copy.
        headers = [{"Cookie": "csrftoken=abc123"} if n % 3 == 0 else {} for n in range(BURST)]
        paths = ["/api/v1/now" if n % 4 else f"/api/v1/now?v={rng.randrange(10**6)}" for n in range(BURST)]
        results = _burst(port, headers, paths)
        time.sleep(0.2)

        assert _now_requests(logs) - before <= 2
        assert {status for status, _body, _headers in results} == {200}
        assert {body["visited"] for _status, body, _headers in results} == {answer["visited"] + 1}


def test_an_expired_answer_is_never_served_while_the_origin_is_up(topology):
    origin, port, _logs = topology
    _status, first, _headers = _get(port, "/api/v1/now")
    hop = dt.datetime.fromisoformat(first["next_hop_at"].replace("Z", "+00:00"))
    deadline = origin.wall_time(hop) + 3 * 4.0 / 1  # about three hops
    asked = 0
    while time.time() < deadline:
        sent = time.time()
        _status, answer, _headers = _get(port, "/api/v1/now", {"Cookie": "csrftoken=abc123"})
        asked += 1
        assert answer["next_hop_at"] is not None
        next_hop = dt.datetime.fromisoformat(answer["next_hop_at"].replace("Z", "+00:00"))
        assert next_hop > origin.route_time(sent), f"asked at {origin.route_time(sent)}, got an answer until {next_hop}"
        time.sleep(0.013)
    assert asked > 100


def test_a_viewer_holding_a_csrf_cookie_is_served_from_the_cache(topology):
    origin, port, logs = topology
    _status, answer, _headers = _get(port, "/api/v1/now")
    hop = dt.datetime.fromisoformat(answer["next_hop_at"].replace("Z", "+00:00"))
    # Well inside one hop: the answer is cached, and a cookie must not send the viewer past the cache.
    time.sleep(max(0.0, origin.wall_time(hop) + 0.5 - time.time()))
    _get(port, "/api/v1/now")
    before = _now_requests(logs)

    for cookie in ("csrftoken=abc123", "csrftoken=abc123; sessionid=s3cr3t", "theme=dark"):
        status, body, headers = _get(port, "/api/v1/now?utm=x", {"Cookie": cookie})
        assert status == 200 and body["visited"] == answer["visited"] + 1
        assert "Set-Cookie" not in headers

    assert _now_requests(logs) == before
