"""The night's long-running commands outlive a refused and a hung database, and work again after each.

sync_route --every, run_worker and fetch_letters --every run as compose runs them (tests/topology.py), all on
real PostgreSQL behind one TcpProxy, with a real IMAP server for the letters. The database refuses for 20 s,
then works; then it hangs for 20 s, then works. After each outage every command must still be running and its
next round must do its work: a new sync run recorded, a queued task run by the worker, a new email stored.
"""

import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.browser.map_pages import hop_rows
from tests.conftest import POSTGRES
from tests.letters.conftest import dovecot as dovecot  # a fixture, used by name
from tests.letters.conftest import emailed_letter_bytes
from tests.letters.mail_servers import DovecotServer
from tests.processes import ROOT
from tests.tcp_proxy import TcpProxy
from tests.topology import Origin, prepare_origin, start_night_process, stop

OUTAGE_SECONDS = 20
# How long the next round may take to show its work once the database is back (backoff waits at most 4 s).
RECOVERY_SECONDS = 30


def _count(database: str, query: str) -> int:
    with psycopg.connect(f"{POSTGRES}/{database}", connect_timeout=3) as connection:
        return connection.execute(query).fetchone()[0]


def _eventually(database: str, query: str, above: int, processes: dict, logs: dict) -> int:
    """Wait until QUERY's count passes ABOVE, every process still running; the count."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    while True:
        for name, process in processes.items():
            assert process.poll() is None, f"{name} exited:\n{logs[name].read_text()[-3000:]}"
        count = _count(database, query)
        if count > above:
            return count
        assert time.monotonic() < deadline, "\n".join(f"--- {n}\n{log.read_text()[-2000:]}" for n, log in logs.items())
        time.sleep(0.5)


def _queue_task(origin: Origin, database: str) -> None:
    """Queue one reply task (for a reply that does not exist: the worker runs it and records the failure)."""
    code = "from letters.sending import send_reply; send_reply.enqueue(0)"
    env = origin.env | {"DATABASE_URL": f"{POSTGRES}/{database}"}
    command = [sys.executable, "manage.py", "shell", "-c", code]
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=60, capture_output=True)


@pytest.mark.skipif(sys.platform != "linux", reason="Dovecot and the proxy run on Linux")
def test_sync_the_worker_and_the_letter_fetch_carry_on_through_a_refused_and_a_hung_database(
    postgres_database: str, dovecot: DovecotServer, tmp_path: Path
):
    origin = prepare_origin(
        tmp_path, hop_rows(), lead_seconds=4, speed=60.0, DATABASE_URL=f"{POSTGRES}/{postgres_database}"
    )
    route_csv = tmp_path / "route.csv"
    proxy = TcpProxy(5432).start()
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{proxy.port}/{postgres_database}",
        "DATABASE_CONNECT_TIMEOUT": "1",
        "OUTAGE_RETRY_FIRST_SECONDS": "0.5",
        "OUTAGE_RETRY_LONGEST_SECONDS": "4",
        "LETTERS_IMAP_URL": f"imaps://127.0.0.1:{dovecot.port}/INBOX",
        "LETTERS_IMAP_USER": dovecot.user,
        "LETTERS_IMAP_PASSWORD": dovecot.password,
        "LETTERS_IMAP_CA_FILE": str(dovecot.ca_file),
        "LETTERS_IMAP_TIMEOUT": "10",
    }
    manage = [sys.executable, "manage.py"]
    commands = {
        "sync": [*manage, "sync_route", str(route_csv), "--every", "1"],
        "worker": [*manage, "run_worker", "--no-reload", "--interval", "0.5"],
        "letters": [*manage, "fetch_letters", "--every", "1"],
    }
    started = {name: start_night_process(origin, tmp_path, name, command, **env) for name, command in commands.items()}
    processes = {name: process for name, (process, _log) in started.items()}
    logs = {name: log for name, (_process, log) in started.items()}
    runs = "SELECT count(*) FROM locations_syncrun"
    tasks_done = "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status <> 'READY'"
    letters = "SELECT count(*) FROM letters_letter"
    try:
        synced = _eventually(postgres_database, runs, 1, processes, logs)
        done = stored = 0
        for number, outage in enumerate(("refuse", "hang")):
            getattr(proxy, outage)()
            time.sleep(OUTAGE_SECONDS)
            proxy.forward()
            # The next round of each works: a sync run, a task run, an email stored.
            _queue_task(origin, postgres_database)
            dovecot.deliver(emailed_letter_bytes(f"<outage-{number}@mail.example.net>"))
            synced = _eventually(postgres_database, runs, synced, processes, logs)
            done = _eventually(postgres_database, tasks_done, done, processes, logs)
            stored = _eventually(postgres_database, letters, stored, processes, logs)
        for name in ("sync", "letters", "worker"):
            log = logs[name].read_text()
            # The trouble is logged once per outage, and so is the recovery.
            assert log.count("trying again in") <= 2 and log.count("works again after") >= 1, f"{name}:\n{log}"
    finally:
        for process in processes.values():
            stop(process)
        proxy.close()
