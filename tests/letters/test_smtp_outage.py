"""The reply worker through a mail server that hangs, then refuses: the reply is tried again later, goes out
exactly once when the server is back, and the worker keeps running throughout.

Everything is real: `manage.py run_worker` on its own SQLite file, the aiosmtpd server of mail_servers.py
behind a TcpProxy the test starts. While the proxy hangs, connections are accepted and never answered (no
greeting), so each attempt ends at EMAIL_TIMEOUT; while it refuses, each attempt ends at once.
"""

import json
import time

import pytest

from tests.letters.mail_servers import SmtpServer
from tests.letters.test_stranded_replies import MAKE_REPLY, manage, start_worker, wait_until
from tests.letters.test_stranded_replies import worker_env as worker_env  # fixtures, used by name
from tests.letters.test_stranded_replies import workers as workers
from tests.tcp_proxy import TcpProxy

EMAIL_TIMEOUT = 2
# Long enough for a few attempts of EMAIL_TIMEOUT each and their backoff (1, 2, 4 s): only a stall breaks it.
PHASE_SECONDS = 60

STATE = """
import json
from django_tasks_db.models import DBTaskResult
from letters.models import Reply
reply = Reply.objects.get()
tasks = sorted(DBTaskResult.objects.values_list("status", flat=True))
print(json.dumps({"status": reply.status, "attempts": reply.attempts, "error": reply.last_error, "tasks": tasks}))
"""


@pytest.fixture
def smtp_proxy(smtp_server: SmtpServer):
    """The SMTP server up, behind a TcpProxy; closed after the test."""
    smtp_server.start()
    proxy = TcpProxy(smtp_server.port).start()
    yield proxy
    proxy.close()


def test_a_hung_then_refusing_mail_server_gets_the_reply_once_and_the_worker_keeps_running(
    worker_env, smtp_server, smtp_proxy, workers, tmp_path
):
    env = worker_env | {
        "EMAIL_PORT": str(smtp_proxy.port),
        "EMAIL_TIMEOUT": str(EMAIL_TIMEOUT),
        "LETTERS_SEND_BACKOFF": "1",
        "LETTERS_SEND_RETRIES": "10",
        "LETTERS_SEND_LEASE": "30",
    }
    manage(env, "migrate", "-v", "0")
    message_id = manage(env, "shell", "-c", MAKE_REPLY)
    log = tmp_path / "worker.log"

    def state() -> dict:
        return json.loads(manage(env, "shell", "-c", STATE))

    smtp_proxy.hang()
    worker = start_worker(env, log)
    workers.append(worker)
    # An attempt ends at EMAIL_TIMEOUT with the reply queued for a later try (each failed attempt's error is kept).
    assert wait_until(lambda: "timed out" in state()["error"], PHASE_SECONDS), log.read_text()
    assert smtp_proxy.accepted >= 1 and worker.poll() is None, log.read_text()

    smtp_proxy.refuse()
    assert wait_until(lambda: "ConnectionRefusedError" in state()["error"], PHASE_SECONDS), log.read_text()
    assert worker.poll() is None, log.read_text()
    assert smtp_server.received == []

    smtp_proxy.forward()
    assert wait_until(lambda: len(smtp_server.received) == 1, PHASE_SECONDS), log.read_text()
    time.sleep(3)  # more polls and a sweep: nothing is sent again

    assert [message["Message-ID"] for message in smtp_server.received] == [message_id]
    final = state()
    assert final["status"] == "sent" and final["attempts"] >= 3
    assert "READY" not in final["tasks"] and "RUNNING" not in final["tasks"]
    assert worker.poll() is None, log.read_text()
    text = log.read_text()
    # The worker said why each time: the hang's timeout, then the refusal.
    assert "timed out" in text and "Connection refused" in text, text
