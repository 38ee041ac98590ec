"""The one `--every SECONDS` loop of the night's commands (sync_route, fetch_letters), and the backoff with
which every long-running command (those two and run_worker) waits out a database, cache or server outage."""

import logging
import time
from collections.abc import Callable
from time import sleep

from django.conf import settings
from django.core.management.base import CommandError, CommandParser, OutputWrapper
from django.db import DatabaseError, connections

try:
    from redis.exceptions import RedisError
except ImportError:  # the Redis client is installed with the cache backend that needs it

    class RedisError(Exception):  # type: ignore[no-redef]
        """Stands in for redis-py's base error when it is not installed: never raised."""


logger = logging.getLogger(__name__)

# What an outage of something a round depends on looks like: the database refusing or dropping connections,
# Redis gone, a socket error from the IMAP or SMTP server (smtplib's errors are OSErrors). Anything else is a
# bug in the round, and a command that keeps failing on a bug should say so loudly.
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (DatabaseError, RedisError, OSError)


class Backoff:
    """The waits of a command after failed rounds, and its log of the trouble.

    The first failure is logged once as a warning; the waits start at OUTAGE_RETRY_FIRST_SECONDS and double
    up to OUTAGE_RETRY_LONGEST_SECONDS; the first success after them is logged once with how long it took.
    """

    def __init__(self, doing: str) -> None:
        self.doing = doing
        self.failures = 0
        self.since: float | None = None

    def failed(self, error: BaseException) -> float:
        """Record a failed round; the seconds to wait before the next try."""
        if self.failures == 0:
            self.since = time.monotonic()
        self.failures += 1
        doubled = settings.OUTAGE_RETRY_FIRST_SECONDS * 2 ** (self.failures - 1)
        wait = min(doubled, settings.OUTAGE_RETRY_LONGEST_SECONDS)
        if self.failures == 1:
            logger.warning(
                "%s failed (%s: %s); trying again in %.0f s, then less often until it works",
                self.doing,
                type(error).__name__,
                str(error).strip() or "no message",
                wait,
            )
        # Connections the outage may have broken are dropped, so that the next try opens new ones (not inside a
        # transaction, which only a test holds around a command).
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()
        return wait

    def worked(self) -> None:
        """Record a round that worked: say once that the trouble is over."""
        if self.failures:
            logger.warning(
                "%s works again after %.0f s and %d failed tr%s",
                self.doing,
                time.monotonic() - (self.since or time.monotonic()),
                self.failures,
                "ies" if self.failures != 1 else "y",
            )
        self.failures = 0
        self.since = None


def add_every_option(parser: CommandParser, doing: str) -> None:
    """Add --every SECONDS (a float above 0) to a command that can keep DOING through the night."""
    parser.add_argument("--every", type=float, metavar="SECONDS", help=f"keep {doing}, waiting SECONDS between rounds")


def repeat_every(every: float | None, one_round: Callable[[], None], stderr: OutputWrapper, doing: str = "") -> None:
    """Run ONE_ROUND once, or every EVERY seconds until the process is stopped.

    A round reports failure by raising CommandError: run once, it ends the command (exit status 1); with
    --every, its message goes to stderr and the next round comes. A round that fails on an outage
    (OUTAGE_ERRORS) ends a single run too; with --every the command waits with Backoff and tries again, never
    later than the next round would have come. Raises CommandError for EVERY <= 0.
    """
    if every is not None and every <= 0:
        raise CommandError("--every needs a number of seconds above 0.")
    backoff = Backoff(doing or "The round")
    while True:
        try:
            one_round()
        except CommandError as exc:
            if every is None:
                raise
            stderr.write(str(exc))
        except OUTAGE_ERRORS as exc:
            if every is None:
                raise
            sleep(min(backoff.failed(exc), every))
            continue
        backoff.worked()
        if every is None:
            return
        sleep(every)
