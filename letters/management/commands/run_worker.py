"""manage.py run_worker: django-tasks-db's db_worker, plus the sweep that sends stranded replies again."""

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands import db_worker

from letters.sending import recover_stranded_replies

logger = logging.getLogger(__name__)


def sweep() -> None:
    """One sweep for stranded replies, logged; a failure is logged and the next sweep tries again."""
    try:
        if count := recover_stranded_replies():
            logger.warning("Queued %s stranded repl%s again", count, "ies" if count != 1 else "y")
    except Exception:
        logger.exception("The sweep for stranded replies failed; the next one tries again")
    finally:
        connection.close()  # this thread's own connection


def sweep_every(interval: float, stop: threading.Event) -> None:
    """Sweep every INTERVAL seconds until STOP is set."""
    while not stop.wait(interval):
        sweep()


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks-db's db_worker, same options) and sweep for replies whose "
        "worker died while sending: at start and every LETTERS_SWEEP_INTERVAL seconds, a reply whose lease "
        "ran out is queued again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sweep()
        stop = threading.Event()
        if not options["batch"]:
            threading.Thread(
                target=sweep_every, args=(settings.LETTERS_SWEEP_INTERVAL, stop), name="reply-sweep", daemon=True
            ).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
