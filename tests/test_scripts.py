"""The README's run command starts a working tracker with a rehearsal clock."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_scripts_run_syncs_the_sample_route_and_serves_with_a_rehearsal_clock(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TRACKER_", "DJANGO_"))}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}", "TRACKER_ADDRESS": f"127.0.0.1:{port}"}
    env.pop("REDIS_URL", None)
    log = tmp_path / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["scripts/run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
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
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
