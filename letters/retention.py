"""Retention: letters (with their replies and original emails) and quarantined emails older than N days go."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from letters.models import Letter, QuarantinedMessage, Reply


@dataclass(frozen=True)
class PurgeReport:
    """Letters, replies and quarantined emails that went (or would go); old letters kept for a reply to send."""

    letters: int
    replies: int
    kept_sending: int
    quarantined: int = 0


def purge_letters(older_than_days: int, *, dry_run: bool = False) -> PurgeReport:
    """Delete letters (original emails too) and quarantined emails older than the days, but not unsent replies."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    with transaction.atomic():
        old = Letter.objects.filter(received__lt=cutoff)
        waiting = old.filter(replies__status=Reply.Status.QUEUED).distinct()
        doomed = old.exclude(pk__in=waiting.values("pk"))
        report = PurgeReport(
            letters=doomed.count(),
            replies=Reply.objects.filter(letter__in=doomed).count(),
            kept_sending=waiting.count(),
            quarantined=QuarantinedMessage.objects.filter(received__lt=cutoff).count(),
        )
        if not dry_run:
            doomed.delete()
            QuarantinedMessage.objects.filter(received__lt=cutoff).delete()
    return report
