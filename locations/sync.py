"""Syncing the route: validate a source and, only when it has no errors, store it as the sheet's revision and make
it live when the sheet decides (who decides: locations/control.py)."""

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
from django.utils.translation import ngettext

from locations.clock import route_now
from locations.control import RELEASE_HOW, compared_with_live, current_control, make_live
from locations.diff import rewind
from locations.models import Revision, Stop, SyncRun
from locations.sheet_address import find_sheet_address
from locations.sources import read_source
from locations.table import RouteTable, SourceError
from locations.validation import Report, validate_route

if TYPE_CHECKING:
    import requests


@dataclass
class SyncResult:
    """What a sync did: its outcome, the sheet's revision (live or held) when the sheet was valid, and the report."""

    outcome: str
    message: str
    revision: Revision | None = None
    report: Report | None = None
    run: SyncRun | None = None
    table: RouteTable | None = None

    @property
    def ok(self) -> bool:
        """Whether the live route is what the source says: published, or unchanged with the sheet's revision live.
        A held revision is not, and neither is an unchanged sheet whose revision is still held or pinned away:
        the exit status of sync_route then says the same thing round after round (1), not only the first time."""
        if self.outcome == SyncRun.Outcome.UNCHANGED:
            return self.revision is not None and self.revision.is_live
        return self.outcome == SyncRun.Outcome.PUBLISHED


# What an organiser does about a revision held because it would take back what viewers saw.
HELD_HOW = (
    "Check it in the admin and let the sheet decide there (or make it live), "
    "or run manage.py release_route --allow-rewind."
)


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
    """Store an already read table as the sheet's revision if it passes every check, and make it live when the
    sheet decides (locations/control.py).

    A sheet whose content is already stored (unchanged, or back to an earlier revision's rows) creates no
    revision. While an organiser has pinned the live revision, or when the sheet's revision would take back what
    viewers have seen at route time now (fewer stops due, a due stop gone, due stops reordered; unless
    allow_rewind), it is held: outcome HELD, or UNCHANGED when it already was.
    """
    report = check_table(table, night, deadline)
    if not report.ok:
        return SyncResult(
            SyncRun.Outcome.INVALID,
            f"{len(report.errors)} {ngettext('error', 'errors', len(report.errors))} in {table.source}; it was not "
            "published and the live route is unchanged (this sync run keeps the findings).",
            report=report,
        )
    checksum = table_checksum(table)
    for attempt in range(3):
        try:
            return _settle(table, report, checksum, synced_by, allow_rewind)
        except IntegrityError:
            # Two syncs numbered a revision at once: the loser tries again with the next number.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _settle(table: RouteTable, report: Report, checksum: str, synced_by: str, allow_rewind: bool) -> SyncResult:
    """Mark the sheet's revision (stored now only when its content is new) and make it live if the sheet decides."""
    before = Revision.objects.select_for_update().filter(is_live=True).first()
    content = {"checksum": checksum, "night": report.night, "deadline": report.deadline}
    sheet = Revision.objects.filter(is_sheet=True, **content).first()
    changed = sheet is None
    created = False
    if sheet is None:
        # Back to rows already stored (a sheet undone to the pinned revision's rows): that revision, not a copy.
        sheet = Revision.objects.filter(**content).order_by("-is_live", "-number").first()
        if sheet is None:
            sheet, created = _store(table, report, checksum, synced_by), True
        Revision.objects.filter(is_sheet=True).update(is_sheet=False)
        Revision.objects.filter(pk=sheet.pk).update(is_sheet=True)
        sheet.is_sheet = True
    now = route_now()
    control = current_control()
    if sheet.is_live:
        said = f"The sheet now matches {sheet}, which is live." if changed else "The sheet is unchanged."
        return SyncResult(SyncRun.Outcome.UNCHANGED, f"{said} {control.story(now)}", sheet, report)
    taken_back = rewind(before, sheet, now) if before is not None and not allow_rewind else None
    if control.pinned or (taken_back is not None and not taken_back.is_empty):
        how = RELEASE_HOW if control.pinned else HELD_HOW
        if not changed:
            message = f"The sheet is unchanged. {control.story(now)} {how}"
            return SyncResult(SyncRun.Outcome.UNCHANGED, message, sheet, report)
        held = f"{sheet} is held, not live" if created else f"The sheet now matches {sheet}: held, not live"
        message = " ".join(
            (f"{held}: {control.held_because(now)}.",
             compared_with_live(before, sheet, now, went_live=False), how)
        )  # fmt: skip
        return SyncResult(SyncRun.Outcome.HELD, message, sheet, report)
    make_live(sheet)
    after = current_control()
    message = " ".join(
        part for part in (f"{sheet} with {len(report.stops)} stops is live.",
                          compared_with_live(before, sheet, now, went_live=True), after.story(now)) if part
    )  # fmt: skip
    return SyncResult(SyncRun.Outcome.PUBLISHED, message, sheet, report)


def _store(table: RouteTable, report: Report, checksum: str, synced_by: str) -> Revision:
    """Store the table's checked stops as the next revision (not live, not yet the sheet's)."""
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
    return revision


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
