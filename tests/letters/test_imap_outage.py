"""`fetch_letters --every` through an IMAP server that hangs, then refuses: each such round ends at
LETTERS_IMAP_TIMEOUT (or at once) with a clear message, the command keeps running, and the next round after the
outage takes the letters that came meanwhile, each once.

Everything is real and in its own process, as compose runs it: `manage.py fetch_letters --every 1` on its own
SQLite file, Debian's Dovecot over TLS (tests/letters/mail_servers.py) behind a TcpProxy the test starts.
"""

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.letters.conftest import emailed_letter_bytes
from tests.letters.mail_servers import DovecotServer
from tests.processes import ROOT, stop_process
from tests.tcp_proxy import TcpProxy
from tests.topology import manage, production_env

IMAP_TIMEOUT = 2
OUTAGE_SECONDS = 3 * IMAP_TIMEOUT
# Long enough for a few rounds: only a stall breaks it.
PHASE_SECONDS = 60


def _letters(database: Path) -> list[str]:
    with sqlite3.connect(database, timeout=10) as connection:
        return [row[0] for row in connection.execute("SELECT message_id FROM letters_letter ORDER BY id")]


def _wait_for_letters(database: Path, count: int, process: subprocess.Popen, log: Path) -> list[str]:
    deadline = time.monotonic() + PHASE_SECONDS
    while len(letters := _letters(database)) < count:
        assert process.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.3)
    return letters


def test_a_hung_then_refusing_mailbox_ends_rounds_in_time_and_the_next_round_takes_the_letters(
    dovecot: DovecotServer, tmp_path: Path
):
    proxy = TcpProxy(dovecot.port).start()
    database = tmp_path / "letters.sqlite3"
    env = production_env(database) | {
        "LETTERS_IMAP_URL": f"imaps://127.0.0.1:{proxy.port}/INBOX",
        "LETTERS_IMAP_USER": dovecot.user,
        "LETTERS_IMAP_PASSWORD": dovecot.password,
        "LETTERS_IMAP_CA_FILE": str(dovecot.ca_file),
        "LETTERS_IMAP_TIMEOUT": str(IMAP_TIMEOUT),
    }
    manage(env, "migrate", "-v", "0")
    log = tmp_path / "letters.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "fetch_letters", "--every", "1"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        dovecot.deliver(emailed_letter_bytes("<before@mail.example.net>"))
        _wait_for_letters(database, 1, process, log)

        for number, outage in enumerate((proxy.hang, proxy.refuse)):
            outage()
            dovecot.deliver(emailed_letter_bytes(f"<during-{number}@mail.example.net>"))
            time.sleep(OUTAGE_SECONDS)
            assert process.poll() is None, log.read_text()[-3000:]
            proxy.forward()
            _wait_for_letters(database, 2 + number, process, log)

        text = log.read_text()
        # The hang's rounds ended at the timeout, the refusal's at once, each saying so.
        assert "fetching stopped: TimeoutError" in text, text[-3000:]
        assert "fetching stopped: ConnectionRefusedError" in text, text[-3000:]
        assert sorted(_letters(database)) == [
            "<before@mail.example.net>",
            "<during-0@mail.example.net>",
            "<during-1@mail.example.net>",
        ]
    finally:
        stop_process(process)
        proxy.close()
