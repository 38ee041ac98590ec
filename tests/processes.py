"""Starting the project's own servers on loopback for tests: free ports and scripts/run."""

import os
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A port nothing listens on right now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_scripts_run(tmp_path: Path) -> tuple[subprocess.Popen, int, Path]:
    """scripts/run in its own session on a free port and a fresh SQLite file: the process, port and log."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TRACKER_", "DJANGO_"))}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}", "TRACKER_ADDRESS": f"127.0.0.1:{port}"}
    env.pop("REDIS_URL", None)
    log = tmp_path / "run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["scripts/run"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process, port, log
