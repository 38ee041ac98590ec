"""The one `--every SECONDS` loop of the night's commands (sync_route, fetch_letters)."""

from collections.abc import Callable
from time import sleep

from django.core.management.base import CommandError, CommandParser, OutputWrapper


def add_every_option(parser: CommandParser, doing: str) -> None:
    """Add --every SECONDS (a float above 0) to a command that can keep DOING through the night."""
    parser.add_argument("--every", type=float, metavar="SECONDS", help=f"keep {doing}, waiting SECONDS between rounds")


def repeat_every(every: float | None, one_round: Callable[[], None], stderr: OutputWrapper) -> None:
    """Run ONE_ROUND once, or every EVERY seconds until the process is stopped.

    A round reports failure by raising CommandError: run once, it ends the command (exit status 1); with
    --every, its message goes to stderr and the next round comes. Raises CommandError for EVERY <= 0.
    """
    if every is not None and every <= 0:
        raise CommandError("--every needs a number of seconds above 0.")
    while True:
        try:
            one_round()
        except CommandError as exc:
            if every is None:
                raise
            stderr.write(str(exc))
        if every is None:
            return
        sleep(every)
