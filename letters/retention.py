"""Retention: letters (and their replies) older than a number of days are deleted."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from letters.models import Letter, Reply


@dataclass(frozen=True)
class PurgeReport:
    """How many letters and replies went (or would go), and how many old letters wait for a reply to send."""

    letters: int
    replies: int
    kept_sending: int


def purge_letters(older_than_days: int, *, dry_run: bool = False) -> PurgeReport:
    """Delete letters received more than OLDER_THAN_DAYS ago, except those with a reply still queued."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    with transaction.atomic():
        old = Letter.objects.filter(received__lt=cutoff)
        waiting = old.filter(replies__status=Reply.Status.QUEUED).distinct()
        doomed = old.exclude(pk__in=waiting.values("pk"))
        report = PurgeReport(
            letters=doomed.count(),
            replies=Reply.objects.filter(letter__in=doomed).count(),
            kept_sending=waiting.count(),
        )
        if not dry_run:
            doomed.delete()
    return report
