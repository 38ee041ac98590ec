"""A worker killed while the mail server holds DATA: the reply goes out exactly once, with no command run by hand.

Everything is real: two `manage.py run_worker` processes on one SQLite file, an aiosmtpd server on loopback
that holds the first DATA answer, and SIGKILL.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.letters.mail_servers import SmtpServer

ROOT = Path(__file__).resolve().parent.parent.parent
LEASE = 3.0

MAKE_REPLY = """
from django.contrib.auth import get_user_model
from letters.intake import receive_web_letter
from letters.models import ElfPersona
from letters.replies import reply_as
elf = get_user_model().objects.create_superuser("pepper", "pepper@example.org", "not-a-real-password")
persona = ElfPersona.objects.create(name="PamElfa", signature="Love from PamElfa")
letter = receive_web_letter(name="Aroha", email="aroha@example.co.nz", message="A kite, please!", age=7,
                            country="NZ", language="en")
print(reply_as(persona, letter, "A kite it is!", author=elf).message_id)
"""

STATE = """
import json
from django_tasks_db.models import DBTaskResult
from letters.models import Reply
reply = Reply.objects.get()
tasks = sorted(DBTaskResult.objects.values_list("status", flat=True))
print(json.dumps({"status": reply.status, "attempts": reply.attempts, "tasks": tasks}))
"""


@pytest.fixture
def worker_env(tmp_path: Path, smtp_server: SmtpServer) -> dict[str, str]:
    """A production-like environment for the worker processes: their own SQLite file, the loopback mail server."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TRACKER_", "DJANGO_", "EMAIL_"))}
    env.pop("REDIS_URL", None)
    return env | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'mailroom.sqlite3'}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "30",
        "LETTERS_FROM_EMAIL": "letters@northpole.example",
        "LETTERS_SEND_LEASE": str(LEASE),
        "LETTERS_SWEEP_INTERVAL": "0.5",
    }


def manage(env: dict[str, str], *args: str) -> str:
    """Run manage.py to the end; its standard output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


@pytest.fixture
def workers(worker_env: dict[str, str], tmp_path: Path) -> Iterator[list[subprocess.Popen]]:
    """The worker processes a test starts (each in its own session); any still alive are stopped after."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    """`manage.py run_worker` as production runs it, polling often."""
    with log.open("a") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll CONDITION every 0.1 s until it is true or TIMEOUT seconds have passed; its last answer."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def test_a_worker_killed_mid_send_leaves_a_reply_that_is_delivered_exactly_once(
    worker_env, smtp_server, workers, tmp_path
):
    manage(worker_env, "migrate", "-v", "0")
    message_id = manage(worker_env, "shell", "-c", MAKE_REPLY)
    smtp_server.start()
    smtp_server.mailroom.hold_next = 1
    log = tmp_path / "workers.log"

    doomed = start_worker(worker_env, log)
    workers.append(doomed)
    assert smtp_server.mailroom.holding.wait(60), log.read_text()
    survivor = start_worker(worker_env, log)  # a second worker, already running when the first dies
    workers.append(survivor)
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=10)

    stranded = json.loads(manage(worker_env, "shell", "-c", STATE))
    assert stranded["status"] == "sending" and stranded["attempts"] == 1
    assert "RUNNING" in stranded["tasks"]  # the dead worker's task, left running
    assert smtp_server.received == []

    assert wait_until(lambda: len(smtp_server.received) == 1, 30), log.read_text()
    time.sleep(LEASE * 2)  # several more sweeps and polls: nothing is sent again

    assert [message["Message-ID"] for message in smtp_server.received] == [message_id]
    assert smtp_server.received[0]["To"] == "aroha@example.co.nz"
    final = json.loads(manage(worker_env, "shell", "-c", STATE))
    assert final["status"] == "sent" and final["attempts"] == 2
    assert "RUNNING" not in final["tasks"] and "READY" not in final["tasks"]
    assert survivor.poll() is None
