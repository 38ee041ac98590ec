"""manage.py run_worker: django-tasks-db's db_worker, plus the sweep that sends stranded replies again."""

import logging
import threading
from time import sleep
from typing import Any

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands import db_worker

from letters.heartbeat import beat_worker
from letters.sending import recover_stranded_replies
from lib.every import OUTAGE_ERRORS, Backoff

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


def wait_for_database(backoff: Backoff) -> None:
    """Return once the database answers a query, waiting between tries as BACKOFF says."""
    while True:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except OUTAGE_ERRORS as error:
            sleep(backoff.failed(error))
        else:
            backoff.worked()
            return


def sweep_every(interval: float, stop: threading.Event) -> None:
    """Sweep every INTERVAL seconds until STOP is set."""
    while not stop.wait(interval):
        sweep()


def beat_every(interval: float, stop: threading.Event) -> None:
    """Write the worker's heartbeat (tracker.health) every INTERVAL seconds until STOP is set; a cache outage
    only leaves /readyz saying the beat is late."""
    while True:
        try:
            beat_worker()
        except OUTAGE_ERRORS as error:
            logger.debug("The worker's heartbeat could not be written: %s", error)
        if stop.wait(interval):
            return


class Command(db_worker.Command):
    help = (
        "Run the background worker (django-tasks-db's db_worker, same options) and sweep for replies whose "
        "worker died while sending: at start and every LETTERS_SWEEP_INTERVAL seconds, a reply whose lease "
        "ran out is queued again. Survives an outage of the database: waits with backoff and carries on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sweep()
        stop = threading.Event()
        if not options["batch"]:
            threading.Thread(
                target=sweep_every, args=(settings.LETTERS_SWEEP_INTERVAL, stop), name="reply-sweep", daemon=True
            ).start()
            threading.Thread(
                target=beat_every, args=(settings.WORKER_HEARTBEAT_SECONDS, stop), name="heartbeat", daemon=True
            ).start()
        backoff = Backoff("The worker (run_worker)")
        try:
            while True:
                try:
                    super().handle(*args, **options)
                    return
                except OUTAGE_ERRORS as error:
                    # db_worker ends on any database error but a locked SQLite; the night needs it back.
                    if options["batch"]:
                        raise
                    sleep(backoff.failed(error))
                    wait_for_database(backoff)
        finally:
            stop.set()
