"""scripts/run starts the tasks worker that sends replies beside the web server, and stops it on exit."""

import os
import signal
import subprocess
import time
import urllib.request

from tests.processes import start_scripts_run


def session_processes(session_id: int) -> dict[int, str]:
    """Process id to command line, for the processes still alive in a session."""
    result = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-s", str(session_id)], capture_output=True, text=True)
    alive = {}
    for line in result.stdout.splitlines():
        pid, stat, args = line.split(None, 2)
        if not stat.startswith("Z"):
            alive[int(pid)] = args
    return alive


def test_scripts_run_starts_the_reply_worker_beside_the_server_and_stops_it_when_the_server_stops(tmp_path):
    process, port, log = start_scripts_run(tmp_path)
    try:
        for _ in range(240):
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/letters/write/", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        running = session_processes(process.pid)
        assert any("manage.py run_worker" in line for line in running.values()), (running, log.read_text())
        servers = [pid for pid, line in running.items() if "manage.py runserver" in line]
        assert servers, running

        # The server stops (a crash, or its own Ctrl-C): scripts/run ends and takes the worker with it.
        for pid in servers:
            os.kill(pid, signal.SIGTERM)
        process.wait(timeout=30)
        for _ in range(100):
            if not session_processes(process.pid):
                break
            time.sleep(0.1)
        assert session_processes(process.pid) == {}
    finally:
        if process.poll() is None or session_processes(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
