"""Starting servers on loopback for tests: free ports, scripts/run, a throwaway Redis."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

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


def stop_process(process: subprocess.Popen) -> None:
    """Ask PROCESS to stop (SIGTERM), kill it if it has not within 10 s, and wait for it."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def postgres_database(server: str, name: str) -> Iterator[str]:
    """A fresh PostgreSQL database `name` on `server` (postgres://user@host:port): its URL, dropped afterwards.
    Fails the test, saying what is missing, when the server does not answer."""
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL at {server} is needed for this test: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{server}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class RedisServer:
    """A throwaway redis-server on a free loopback port, with no persistence; stopped by pid."""

    def __init__(self, work: Path) -> None:
        self.port = free_port()
        self.work = work
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The REDIS_URL for it."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it and wait until it answers PING."""
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.work)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)

    def pause(self) -> None:
        """Freeze it (SIGSTOP): connections are accepted by the kernel but never answered, as a hung Redis."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def stop(self) -> None:
        """Stop it (it may be paused) and wait for it: connections are refused from now on."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            stop_process(self.process)
