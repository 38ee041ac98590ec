"""The README's run command starts a working tracker with a rehearsal clock."""

import datetime as dt
import json
import os
import re
import signal
import time
import urllib.request

from tests.processes import start_scripts_run


def test_scripts_run_syncs_the_sample_route_and_serves_with_a_rehearsal_clock(tmp_path):
    process, port, log = start_scripts_run(tmp_path)
    try:
        status = None
        for _ in range(240):
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=2) as response:
                    status = response.status
                    break
            except OSError:
                time.sleep(0.5)
        output = log.read_text()
        assert status == 200, output
        assert "published: Revision 1" in output
        assert "Clock: a rehearsal at 60x" in output
        assert "TRACKER_REHEARSAL=off scripts/run" in output
        # The address printed is the one it listens on (a free port here, not the default 8000).
        assert f"Santa tracker: http://127.0.0.1:{port}/" in output
        # A newcomer sees the countdown: the rehearsal starts 90 wall seconds (90 route minutes) before take-off.
        assert "from 2026-12-24T02:30:00Z (route time)" in output
        # The line to export for commands in another terminal names the server's own clock.
        exported = re.search(
            r"export (TRACKER_CLOCK_START=\S+ TRACKER_CLOCK_ANCHOR=\S+ TRACKER_CLOCK_SPEED=\S+)", output
        )
        assert exported, output
        clock = dict(pair.split("=", 1) for pair in exported[1].split())
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/time", timeout=5) as response:
            served = dt.datetime.fromisoformat(json.loads(response.read())["now"].replace("Z", "+00:00"))
        start, anchor = (
            dt.datetime.fromisoformat(clock[name]) for name in ("TRACKER_CLOCK_START", "TRACKER_CLOCK_ANCHOR")
        )
        exported_now = start + (dt.datetime.now(dt.UTC) - anchor) * float(clock["TRACKER_CLOCK_SPEED"])
        # At 60x two wall seconds are two route minutes.
        assert abs(served - exported_now) < dt.timedelta(minutes=2)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
