"""The organisers' admin: revisions with their findings and diffs, Sync now, Make live, sync runs and live stops."""

import datetime as dt
from collections.abc import Iterator
from pathlib import PurePath
from typing import TYPE_CHECKING, TypedDict, override

import pytz
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from lib.admin_filters import CountryFilter, TypedFilter
from locations.clock import route_now
from locations.control import (
    NothingToRelease,
    current_control,
    latest_decision,
    pin,
    release,
    state_words,
    viewers_see,
)
from locations.diff import ChangeKind, RevisionDiff, diff_revisions, rewind
from locations.geography import local_time, resolve_country
from locations.links import linked_findings
from locations.live import viewer_delay_seconds
from locations.margins import deadline_wall_time, margin_chart, stop_margins
from locations.models import Decision, Revision, Stop, SyncRun
from locations.sheet_address import find_sheet_address
from locations.sync import SyncResult, configured_source, sync_route

if TYPE_CHECKING:
    from django.contrib.admin.filters import _ListFilterChoices  # types the stubs name, absent at run time
    from django_stubs_ext import WithAnnotations

# GET shows a confirmation page and changes nothing; only its POST (with the CSRF token) acts.
confirmed = require_http_methods(["GET", "POST"])

# A whole route rewritten would be 10,000 rows per kind; the counts stay exact, the tables stop here.
DIFF_ROWS_SHOWN = 500


class ReadOnlyAdmin(admin.ModelAdmin):
    """Revisions, stops and sync runs are records: nobody adds or edits them here."""

    # No bulk actions: "delete selected" would bypass the rule that the live revision stays.
    actions = None

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @override
    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def diff_groups(diff: RevisionDiff) -> list[dict]:
    """The diff by kind for the templates, each table capped at DIFF_ROWS_SHOWN rows."""
    groups = []
    for kind, count in diff.counts.items():
        if count:
            changes = diff.of_kind(kind)
            groups.append(
                {
                    "kind": kind,
                    "label": kind.value.capitalize(),
                    "count": count,
                    "visible": sum(change.visible for change in changes),
                    "changes": changes[:DIFF_ROWS_SHOWN],
                    "hidden": max(0, count - DIFF_ROWS_SHOWN),
                }
            )
    return groups


def diff_context(live: Revision | None, revision: Revision, now: dt.datetime) -> dict:
    """What the diff include needs: the diff from LIVE (what viewers see) to REVISION at route time NOW, and
    when viewers would see its changes: each change, and the revision as a whole."""
    diff = diff_revisions(live, revision, now)
    return {
        "diff": diff,
        "diff_groups": diff_groups(diff),
        "kinds": list(ChangeKind),
        "within": viewer_delay_seconds(),
        "when_seen": viewers_see(live, revision, now),
    }


def margin_context(revision: Revision) -> dict:
    """What the margin chart include needs: every stop's margin, the chart's geometry and the tight stops."""
    margins = stop_margins(revision)
    return {
        "margins": margins,
        "chart": margin_chart(margins, deadline_wall_time(revision)),
        "tight_stops": [margin for margin in margins if margin.tight],
    }


def short_source(source: str) -> str:
    """A source short enough for a list column: 'Google Sheet 1AbCdEfGhI…' or a path's file name."""
    address = find_sheet_address(source)
    if address is not None:
        return f"Google Sheet {address.key[:10]}…"
    return PurePath(source).name or source


class RevisionStateFilter(admin.SimpleListFilter):
    """Revisions by state: the live one, held ones, or the rest."""

    title = "state"
    parameter_name = "state"

    @override
    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("live", "Live"), ("held", "Held"), ("other", "Not live")]

    @override
    def queryset(self, request: HttpRequest, queryset: QuerySet[Revision]) -> QuerySet[Revision]:
        if self.value() == "live":
            return queryset.filter(is_live=True)
        if self.value() == "held":
            return queryset.filter(is_sheet=True, is_live=False)
        if self.value() == "other":
            return queryset.filter(is_live=False, is_sheet=False)
        return queryset


class StopCount(TypedDict):
    """What RevisionAdmin's list annotates each revision with."""

    stop_count: int


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "state",
        "created",
        "source_label",
        "stops",
        "error_count",
        "warning_count",
        "synced_by",
    )
    list_filter = (RevisionStateFilter, "source_kind")
    fields = (
        "number",
        "state",
        "created",
        "source",
        "source_kind",
        "stops",
        "synced_by",
        "night",
        "deadline",
        "checksum",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Revision]:
        # The latest decision's kind, read in the same query: the state column says "live, pinned" by it.
        return (
            super()
            .get_queryset(request)
            .annotate(
                stop_count=Count("stops"),
                latest_decision_kind=Subquery(latest_decision().values("kind")),
            )
        )

    @override
    def has_delete_permission(self, request: HttpRequest, obj: Revision | None = None) -> bool:
        # Revisions are the night's history: what viewers saw and who decided it. None is deleted, the live one
        # least of all (viewers would have no route); the Delete button only ever led to a refusal.
        return False

    @admin.display(description="state", ordering="-is_live", empty_value="")
    def state(self, obj: Revision) -> str:
        pinned = getattr(obj, "latest_decision_kind", None) == Decision.Kind.PIN
        return state_words(is_live=obj.is_live, is_sheet=obj.is_sheet, pinned=pinned)

    @admin.display(description="source", ordering="source")
    def source_label(self, obj: Revision) -> str:
        return format_html('<span title="{}">{}</span>', obj.source, short_source(obj.source))

    @admin.display(ordering="stop_count")
    def stops(self, obj: "WithAnnotations[Revision, StopCount]") -> int:
        return obj.stop_count

    @admin.display(description="errors")
    def error_count(self, obj: Revision) -> int:
        return len(obj.findings.get("errors", []))

    @admin.display(description="warnings")
    def warning_count(self, obj: Revision) -> int:
        return obj.warning_count

    def get_urls(self) -> list[URLPattern]:
        # Before the defaults, whose catch-all "<object_id>/" would take "sync/".
        return [
            path("sync/", self.admin_site.admin_view(confirmed(self.sync_view)), name="locations_revision_sync"),
            path(
                "release/",
                self.admin_site.admin_view(confirmed(self.release_view)),
                name="locations_revision_release",
            ),
            path(
                "<path:object_id>/make-live/",
                self.admin_site.admin_view(confirmed(self.make_live_view)),
                name="locations_revision_make_live",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        control = current_control()
        context = {
            "can_sync": request.user.has_perm("locations.sync_route"),
            "can_release": request.user.has_perm("locations.make_live") and control.releasable,
            "control": control,
            "story": control.story(route_now()),
        } | (extra_context or {})
        return super().changelist_view(request, context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        revision = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        # Checked before the diff is computed, so a refused request costs nothing.
        if revision is not None and self.has_view_or_change_permission(request, revision):
            now = route_now()
            control = current_control()
            live = control.live
            # Every diff is from what viewers see now: the live revision.
            if live is not None and live.pk != revision.pk:
                context |= diff_context(live, revision, now)
            elif live is None:
                context |= diff_context(None, revision, now)
            context |= margin_context(revision)
            may_decide = request.user.has_perm("locations.make_live")
            context |= {
                "live": live,
                "control": control,
                "story": control.story(now),
                "held_because": control.held_because(now) if control.held == revision else "",
                "findings": linked_findings(revision),
                "can_make_live": may_decide and not revision.is_live,
                "can_release": may_decide and control.releasable,
                "can_preview": request.user.has_perm("locations.preview_route"),
            }
        return super().change_view(request, object_id, form_url, context)

    @staticmethod
    def _confirmation(request: HttpRequest, template: str, context: dict) -> TemplateResponse:
        return TemplateResponse(request, f"admin/locations/revision/{template}", context)

    @staticmethod
    def _sync_run_link(result: SyncResult) -> str:
        run = result.run
        if run is None:
            return ""
        return format_html(
            ' <a href="{}">See the sync run</a>.', reverse("admin:locations_syncrun_change", args=[run.pk])
        )

    def sync_view(self, request: HttpRequest) -> HttpResponse:
        """Confirm, then read the configured sheet and publish it if it has no errors."""
        if not request.user.has_perm("locations.sync_route"):
            raise PermissionDenied
        if request.method == "POST":
            synced_by = f"admin:{request.user.get_username()}"
            self.report_sync(request, sync_route(synced_by=synced_by))
            return redirect("admin:locations_revision_changelist")
        context = self.admin_site.each_context(request) | {
            "opts": self.opts,
            "title": "Sync the route now?",
            "source": configured_source(),
            "story": current_control().story(route_now()),
        }
        return self._confirmation(request, "sync_confirmation.html", context)

    def report_sync(self, request: HttpRequest, result: SyncResult) -> None:
        """Tell the organiser what the sync did, with a link to what to look at next."""
        if result.outcome == SyncRun.Outcome.PUBLISHED:
            assert result.revision is not None  # a published sync names its revision
            url = reverse("admin:locations_revision_change", args=[result.revision.pk])
            messages.success(
                request,
                format_html('{} <a href="{}">Review revision {}</a>.', result.message, url, result.revision.number),
            )
        elif result.outcome == SyncRun.Outcome.UNCHANGED:
            messages.info(request, result.message)
        elif result.outcome == SyncRun.Outcome.HELD:
            assert result.revision is not None  # a held sync names the revision it stored
            url = reverse("admin:locations_revision_change", args=[result.revision.pk])
            link = format_html('{} <a href="{}">Review {}</a>.', result.message, url, result.revision)
            messages.warning(request, link)
        elif result.outcome == SyncRun.Outcome.INVALID:
            count = len(result.report.errors) if result.report else 0
            messages.error(
                request,
                format_html(
                    "The sheet has {} {}, so nothing was published; the live route is unchanged.{}",
                    count,
                    ngettext("error", "errors", count),
                    self._sync_run_link(result),
                ),
            )
        else:
            messages.error(
                request,
                format_html(
                    "The sync failed: {} The live route is unchanged.{}",
                    result.message,
                    self._sync_run_link(result),
                ),
            )

    def make_live_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm with the diff viewers would see, then make this revision live (a rollback, usually)."""
        if not request.user.has_perm("locations.make_live"):
            raise PermissionDenied
        revision = self.get_object(request, unquote(object_id))
        if revision is None:
            # The change view's own "does not exist" redirect: a private ModelAdmin method django-stubs leaves out.
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]
        change_url = reverse("admin:locations_revision_change", args=[revision.pk])
        control = current_control()
        if request.method == "POST":
            if revision.is_live and control.pinned:
                messages.info(request, f"{revision} is already live. {control.story(route_now())}")
            else:
                # The organiser has read what viewers would lose on the confirmation page: that is the allowance.
                decision = pin(revision, f"admin:{request.user.get_username()}", allow_rewind=True)
                self.log_change(request, revision, "Made live and pinned")
                messages.success(request, decision.message)
            return HttpResponseRedirect(change_url)
        live = control.live
        now = route_now()
        taken_back = rewind(live, revision, now) if live is not None and not revision.is_live else None
        context = (
            self.admin_site.each_context(request)
            | diff_context(live, revision, now)
            | {
                "rewind": taken_back if taken_back is not None and not taken_back.is_empty else None,
                "opts": self.opts,
                "title": f"Make {revision} live?",
                "original": revision,
                "live": live,
                "control": control,
                "change_url": change_url,
                "can_preview": request.user.has_perm("locations.preview_route"),
            }
        )
        return self._confirmation(request, "make_live_confirmation.html", context)

    def release_view(self, request: HttpRequest) -> HttpResponse:
        """Confirm with the diff viewers would see, then let the sheet decide: the sheet's revision goes live."""
        if not request.user.has_perm("locations.make_live"):
            raise PermissionDenied
        list_url = reverse("admin:locations_revision_changelist")
        control = current_control()
        now = route_now()
        if request.method == "POST":
            try:
                decision = release(f"admin:{request.user.get_username()}", allow_rewind=True)
            except NothingToRelease as nothing:
                messages.info(request, f"Nothing to release. {nothing}")
            else:
                self.log_change(request, decision.revision, "Released: the sheet decides")
                messages.success(request, decision.message)
            return HttpResponseRedirect(list_url)
        live, sheet = control.live, control.sheet
        changes = (live, sheet) if sheet is not None and live is not None and sheet.pk != live.pk else None
        taken_back = rewind(*changes, now) if changes else None
        context = self.admin_site.each_context(request) | {
            "opts": self.opts,
            "title": "Let the sheet decide?",
            "live": live,
            "sheet": sheet,
            "control": control,
            "story": control.story(now),
            "rewind": taken_back if taken_back is not None and not taken_back.is_empty else None,
            "list_url": list_url,
            "can_preview": request.user.has_perm("locations.preview_route"),
        }
        if changes:
            context |= diff_context(*changes, now)
        return self._confirmation(request, "release_confirmation.html", context)


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ("started", "outcome", "source", "message", "revision_link", "synced_by")
    list_filter = ("outcome",)
    list_select_related = ("revision",)
    date_hierarchy = "started"
    fields = ("started", "finished", "outcome", "source", "message", "revision_link", "synced_by", "every_seconds")
    readonly_fields = fields

    @admin.display(description="revision", ordering="revision__number")
    def revision_link(self, obj: SyncRun) -> str:
        if obj.revision is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:locations_revision_change", args=[obj.revision_id]), obj.revision
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        run = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if run is not None and self.has_view_or_change_permission(request, run):
            context["findings"] = linked_findings(run)
        return super().change_view(request, object_id, form_url, context)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    """Organisers' pins and releases, newest first: who decided what is live, and what they were told."""

    list_display = ("at", "kind", "revision", "by", "message")
    list_filter = ("kind",)
    list_select_related = ("revision",)
    fields = list_display
    readonly_fields = fields

    @override
    def has_delete_permission(self, request: HttpRequest, obj: Decision | None = None) -> bool:
        # The latest decision says whether the live revision is pinned: deleting one would change who decides.
        return False


class RevisionFilter(admin.SimpleListFilter):
    """Stops of the live revision unless another one is picked."""

    title = "revision"
    parameter_name = "revision"

    @override
    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [
            (str(number), f"Revision {number}{' (live)' if is_live else ''}")
            for number, is_live in Revision.objects.values_list("number", "is_live")
        ]

    @override
    def queryset(self, request: HttpRequest, queryset: QuerySet[Stop]) -> QuerySet[Stop]:
        number = self.value()
        if number is None:
            return queryset.filter(revision__is_live=True)
        return queryset.filter(revision__number=number)

    def choices(self, changelist: ChangeList) -> Iterator["_ListFilterChoices"]:
        choices = list(super().choices(changelist))
        # The unfiltered choice is the live revision here, not "All".
        choices[0]["display"] = "Live revision"
        return iter(choices)


class TimezoneFilter(TypedFilter):
    """Stops in one IANA zone, typed in full ('Pacific/Auckland')."""

    title = "time zone"
    parameter_name = "timezone"
    placeholder = "Pacific/Auckland"

    @override
    def queryset(self, request: HttpRequest, queryset: QuerySet[Stop]) -> QuerySet[Stop]:
        text = (self.value() or "").strip()
        return queryset.filter(timezone__iexact=text) if text else queryset


@admin.register(Stop)
class StopAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "row",
        "city",
        "region",
        "country",
        "arrival_utc",
        "local_arrival",
        "visible_now",
    )
    list_display_links = ("number", "city")
    list_filter = (RevisionFilter, CountryFilter.reading(resolve_country), TimezoneFilter)
    search_fields = ("city", "region", "=country")
    list_per_page = 200
    fields = (
        "revision",
        "number",
        "row",
        "city",
        "region",
        "country",
        "latitude",
        "longitude",
        "arrival_utc",
        "local_arrival",
        "visible_now",
        "timezone",
        "presents",
        "fact",
        "facts",
        "notes",
    )
    readonly_fields = fields

    @override
    def has_delete_permission(self, request: HttpRequest, obj: Stop | None = None) -> bool:
        return False

    @admin.display(description="stop", ordering="index")
    def number(self, obj: Stop) -> int:
        # 1-based, as the map and the margin chart number stops; `row` is the sheet's own numbering.
        return obj.index + 1

    @admin.display(description="arrival (UTC)", ordering="arrival")
    def arrival_utc(self, obj: Stop) -> str:
        return obj.arrival.strftime("%Y-%m-%d %H:%M:%S")

    @admin.display(description="local arrival", ordering="arrival")
    def local_arrival(self, obj: Stop) -> str:
        try:
            return local_time(obj.arrival, obj.timezone).strftime("%Y-%m-%d %H:%M:%S %Z")
        except pytz.UnknownTimeZoneError:
            return "-"

    @admin.display(description="visible now", ordering="arrival")
    def visible_now(self, obj: Stop) -> str:
        # Whether a viewer of this revision sees the stop at route time now (its arrival has come).
        return "visible" if obj.arrival <= route_now() else "not yet"
