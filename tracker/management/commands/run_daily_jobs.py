"""manage.py run_daily_jobs [--every SECONDS]: the purge and prune jobs of docs/operations.md, in one loop."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from lib.every import add_every_option, repeat_every

# The jobs, as docs/operations.md lists them: each is a manage.py command with its arguments.
DAILY_JOBS = (
    ("purge_letters", "--older-than", "90"),  # retention of letters (docs/letters.md)
    ("prune_db_task_results", "--min-age-days", "14"),  # finished background tasks (django-tasks-db)
    ("clearsessions",),  # expired staff sessions
)


class Command(BaseCommand):
    help = (
        "Run the daily jobs (purge old letters, prune finished tasks, clear expired sessions) once, or every "
        "SECONDS with --every (compose's `jobs` service: --every 86400). Waits out a database outage with "
        "backoff and runs them when it is back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_every_option(parser, "running the daily jobs")

    def handle(self, *args: object, every: float | None, **options: object) -> None:
        def one_round() -> None:
            for name, *arguments in DAILY_JOBS:
                call_command(name, *arguments, stdout=self.stdout, stderr=self.stderr)
            self.stdout.write(f"Daily jobs done: {', '.join(job[0] for job in DAILY_JOBS)}.")

        repeat_every(every, one_round, self.stderr, doing="The daily jobs (run_daily_jobs --every)")
