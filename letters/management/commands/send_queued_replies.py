"""manage.py send_queued_replies: a fresh send task for every reply still queued (after a worker crash)."""

from django.core.management.base import BaseCommand

from letters.sending import requeue_queued_replies


class Command(BaseCommand):
    help = (
        "Queue a send task for every reply still waiting to be sent, for when a worker died in the middle "
        "of a task. Safe to repeat: a reply already sent is never sent twice."
    )

    def handle(self, *args: object, **options: object) -> None:
        count = requeue_queued_replies()
        self.stdout.write(f"Queued {count} repl{'ies' if count != 1 else 'y'} to be sent.")
