"""Publishing the route: validate a source and, only when it has no errors, make a new live revision."""

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from locations.clock import route_now
from locations.diff import Rewind, rewind
from locations.live import forget_live_route
from locations.models import Revision, Stop, SyncRun
from locations.sheet_address import find_sheet_address
from locations.sources import read_source
from locations.table import RouteTable, SourceError
from locations.validation import Report, validate_route

if TYPE_CHECKING:
    import requests


@dataclass
class SyncResult:
    """What a sync did: its outcome, the revision it published (or found unchanged), and the report."""

    outcome: str
    message: str
    revision: Revision | None = None
    report: Report | None = None
    run: SyncRun | None = None
    table: RouteTable | None = None

    @property
    def ok(self) -> bool:
        """Whether the live route is what the source says (published or unchanged); a held revision is not."""
        return self.outcome in (SyncRun.Outcome.PUBLISHED, SyncRun.Outcome.UNCHANGED)


def configured_source() -> str:
    """The organisers' sheet when one is configured, otherwise the sample route."""
    return settings.TRACKER_ROUTE_SHEET or str(settings.TRACKER_SAMPLE_ROUTE)


def table_checksum(table: RouteTable) -> str:
    """SHA-256 of the header and non-blank rows, so an unchanged sheet is recognised."""
    rows = [[row.number, sorted(row.cells.items())] for row in table.rows if not row.is_blank()]
    payload = json.dumps([table.headers, rows], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def live_revision() -> Revision | None:
    """The revision viewers see, if any."""
    return Revision.objects.filter(is_live=True).first()


def check_table(table: RouteTable, night: dt.date | None = None, deadline: str | None = None) -> Report:
    """Validate with the configured night and deadline unless others are given."""
    return validate_route(
        table,
        night=night or settings.TRACKER_ROUTE_NIGHT,
        deadline=deadline or settings.TRACKER_ROUTE_DEADLINE,
    )


def sync_route(
    source: str | None = None,
    synced_by: str = "command",
    night: dt.date | None = None,
    deadline: str | None = None,
    session: "requests.Session | None" = None,
    allow_rewind: bool = False,
    every_seconds: float | None = None,
) -> SyncResult:
    """Read, check and publish a route; on any failure the live revision is left as it was.

    A revision that would take back stops viewers have seen is held, not made live, unless allow_rewind.
    session is the requests Session a Google Sheet is read through (tests point it at a local fake).
    every_seconds is the interval of the `sync_route --every` loop calling it, kept on the run as its heartbeat.
    """
    source = source or configured_source()
    started = timezone.now()
    try:
        table = read_source(source, session=session)
        result = publish_table(table, synced_by, night=night, deadline=deadline, allow_rewind=allow_rewind)
        result.table = table
    except SourceError as exc:
        result = SyncResult(SyncRun.Outcome.FAILED, str(exc))
    result.run = _record(result, source, started, synced_by, every_seconds)
    return result


def publish_table(
    table: RouteTable,
    synced_by: str,
    night: dt.date | None = None,
    deadline: str | None = None,
    allow_rewind: bool = False,
) -> SyncResult:
    """Publish an already read table as the new live revision if it passes every check.

    When it would take back what viewers have seen at route time now (fewer stops due, a due stop gone,
    due stops reordered), the new revision is stored but held (outcome HELD) unless allow_rewind.
    """
    report = check_table(table, night, deadline)
    if not report.ok:
        return SyncResult(
            SyncRun.Outcome.INVALID,
            f"{len(report.errors)} error(s) in {table.source}; the live route is unchanged.",
            report=report,
        )
    checksum = table_checksum(table)
    # Compare with the latest revision, not the live one: after a rollback the sheet still holds the
    # rolled-back rows, and re-publishing them every minute would undo the organisers' decision.
    latest = Revision.objects.order_by("-number").first()
    if (
        latest is not None
        and latest.checksum == checksum
        and latest.night == report.night
        and latest.deadline == report.deadline
    ):
        if latest.is_live:
            message = f"Revision {latest.number} is live and unchanged."
        elif latest.is_held:
            live = live_revision()
            message = (
                f"The source matches revision {latest.number}, which is held: it would take back what viewers "
                f"saw. Revision {live.number if live else '-'} stays live until an organiser makes "
                f"{latest.number} live in the admin."
            )
        else:
            live = live_revision()
            message = (
                f"The source matches revision {latest.number}; revision {live.number if live else '-'} stays live "
                "after a rollback until the source changes."
            )
        return SyncResult(SyncRun.Outcome.UNCHANGED, message, latest, report)
    for attempt in range(3):
        try:
            revision, taken_back = _publish(table, report, checksum, synced_by, allow_rewind)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    if taken_back is not None:
        return SyncResult(
            SyncRun.Outcome.HELD,
            f"Revision {revision.number} is held, not live: {taken_back.summary()} "
            "Check it in the admin and make it live there, or run sync_route --allow-rewind.",
            revision,
            report,
        )
    return SyncResult(
        SyncRun.Outcome.PUBLISHED,
        f"Revision {revision.number} with {len(report.stops)} stops is live.",
        revision,
        report,
    )


@transaction.atomic
def _publish(
    table: RouteTable, report: Report, checksum: str, synced_by: str, allow_rewind: bool
) -> tuple[Revision, Rewind | None]:
    """Store the next revision and make it live; hold it instead when it would take back what viewers saw."""
    number = (Revision.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    revision = Revision.objects.create(
        number=number,
        source=table.source[:500],
        source_kind=table.kind,
        checksum=checksum,
        findings=report.as_dict(),
        sheet_key=table.sheet_key,
        worksheet_id=table.worksheet_id,
        headers=table.headers,
        synced_by=synced_by[:150],
        night=report.night,
        deadline=report.deadline,
    )
    Stop.objects.bulk_create(
        [Stop(revision=revision, index=index, **dataclasses.asdict(stop)) for index, stop in enumerate(report.stops)],
        batch_size=1000,
    )
    live = Revision.objects.select_for_update().filter(is_live=True).first()
    if live is not None and not allow_rewind:
        taken_back = rewind(live, revision, route_now())
        if not taken_back.is_empty:
            Revision.objects.filter(pk=revision.pk).update(is_held=True)
            revision.is_held = True
            return revision, taken_back
    make_live(revision)
    return revision, None


@transaction.atomic
def make_live(revision: Revision) -> None:
    """Make one revision the live one (also how organisers roll back)."""
    Revision.objects.select_for_update().filter(is_live=True).exclude(pk=revision.pk).update(is_live=False)
    Revision.objects.filter(pk=revision.pk).update(is_live=True, is_held=False)
    revision.is_live, revision.is_held = True, False
    # This process serves the new revision from its next request after the commit (and at once when the
    # caller's transaction is a test's); other processes notice within a second.
    forget_live_route()
    transaction.on_commit(forget_live_route)


def _record(
    result: SyncResult, source: str, started: dt.datetime, synced_by: str, every_seconds: float | None
) -> SyncRun:
    table = result.table
    # A source that could not be read still names its sheet, so the run links to it.
    address = find_sheet_address(source) if table is None else None
    run = SyncRun.objects.create(
        started=started,
        finished=timezone.now(),
        source=source[:500],
        outcome=result.outcome,
        message=result.message,
        findings=result.report.as_dict() if result.report else {},
        sheet_key=table.sheet_key if table is not None else (address.key if address else ""),
        worksheet_id=table.worksheet_id if table is not None else (address.gid if address else None),
        headers=table.headers if table is not None else [],
        revision=result.revision,
        synced_by=synced_by[:150],
        every_seconds=every_seconds,
    )
    return run
