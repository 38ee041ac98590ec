"""The organisers' staff map: every stop of a revision, and what viewers would see at any route time."""

import datetime as dt
import itertools
import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from lib.great_circle import distance_km
from lib.instants import iso_z
from locations.answers import answer_at
from locations.clock import is_rehearsal, route_now
from locations.models import Revision
from locations.public_route import LiveRoute, revision_route
from locations.sync import live_revision
from locations.validation import SLEIGH_SPEED_KMH, parse_arrival

# The datetime-local input's own format, with seconds, in UTC.
INPUT_FORMAT = "%Y-%m-%dT%H:%M:%S"
# The staff map lists this many of a route's fastest hops.
FASTEST_HOPS = 10
# The slider runs from this long before the first arrival to this long after the last.
SLIDER_MARGIN = dt.timedelta(minutes=30)


class PreviewForm(forms.Form):
    """The route time to preview, typed as a UTC wall time."""

    at = forms.DateTimeField(
        label="Route time (UTC)",
        required=False,
        input_formats=[INPUT_FORMAT, "%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format=INPUT_FORMAT),
    )


@dataclass(frozen=True)
class Hop:
    """One hop of a route: where from and to, how far in km, how long in seconds, how fast in km/h."""

    start: str
    end: str
    km: float
    seconds: float
    kmh: float


def hop_speeds(route: LiveRoute | None) -> list[Hop]:
    """Every hop of a route in order, with its great-circle length and the speed its arrivals ask of the sleigh
    (infinite for two stops at one instant)."""
    if route is None:
        return []
    hops = []
    for (a, at_a), (b, at_b) in itertools.pairwise(zip(route.stops, route.arrivals, strict=True)):
        km = distance_km(a["lat"], a["lng"], b["lat"], b["lng"])
        seconds = (at_b - at_a).total_seconds()
        hops.append(Hop(a["city"], b["city"], km, seconds, km / seconds * 3600 if seconds > 0 else math.inf))
    return hops


def hop_links(route: LiveRoute | None, visited: int) -> list[tuple[str, str]]:
    """Labelled route times to jump to: around take-off, the previous and next stop, the last stop."""
    if route is None or not route.arrivals:
        return []
    arrivals = route.arrivals
    moments = [("Before take-off", arrivals[0] - dt.timedelta(minutes=1)), ("Take-off", arrivals[0])]
    if visited >= 2:
        moments.append(("Previous stop", arrivals[visited - 2]))
    if visited < len(arrivals):
        moments.append(("Next stop", arrivals[visited]))
    moments.append(("Last stop", arrivals[-1]))
    moments.append(("After the last stop", arrivals[-1] + dt.timedelta(minutes=1)))
    return [(label, moment.astimezone(dt.UTC).strftime(INPUT_FORMAT)) for label, moment in moments]


def chosen_revision(request: HttpRequest) -> Revision | None:
    """The revision named by ?revision=NUMBER, else the live one; Http404 for a number that is not one."""
    number = request.GET.get("revision", "")
    if not number:
        return live_revision()
    if not number.isdigit():
        raise Http404("No such revision.")
    try:
        return Revision.objects.get(number=int(number))
    except Revision.DoesNotExist:
        raise Http404("No such revision.") from None


@permission_required("locations.preview_route", raise_exception=True)
def route_preview(request: HttpRequest) -> HttpResponse:
    """The staff map: every stop of a revision, and the public answer at the chosen route time."""
    revision = chosen_revision(request)
    route = revision_route(revision) if revision is not None else None
    with timezone.override(dt.UTC):
        at = route_now()
        form = PreviewForm(request.GET if "at" in request.GET else None, initial={"at": at.replace(microsecond=0)})
        if form.is_bound and form.is_valid() and form.cleaned_data["at"] is not None:
            at = form.cleaned_data["at"].astimezone(dt.UTC)
    answer = answer_at(route, at)
    hops = hop_speeds(route)
    query = {"revision": revision.number} if revision is not None else {}
    context = {
        **admin.site.each_context(request),
        "title": f"Staff map of {revision}" if revision is not None else "Staff map",
        "revision": revision,
        "form": form,
        "at": at,
        "answer": answer.payload,
        "stops": list(route.stops) if route is not None else [],
        "slider_start": iso_z(route.arrivals[0] - SLIDER_MARGIN, "seconds") if route and route.arrivals else "",
        "slider_end": iso_z(route.arrivals[-1] + SLIDER_MARGIN, "seconds") if route and route.arrivals else "",
        "at_iso": iso_z(at, "seconds"),
        "now_url": f"{reverse('route_preview_now')}?{urlencode(query)}",
        "trail_url": (
            f"{reverse('api_trail')}?{urlencode({'revision': route.revision, 'upto': answer.visited})}"
            if route is not None and revision.is_live
            else None
        ),
        "links": hop_links(route, answer.visited),
        "fastest_hops": sorted(hops, key=lambda hop: -hop.kmh)[:FASTEST_HOPS],
        "rushed_hops": sum(1 for hop in hops if hop.kmh > SLEIGH_SPEED_KMH),
        "hop_count": len(hops),
        "sleigh_speed": SLEIGH_SPEED_KMH,
        "rehearsal": is_rehearsal(),
        "route_now": route_now(),
    }
    return render(request, "admin/route_preview.html", context)


@permission_required("locations.preview_route", raise_exception=True)
def route_preview_now(request: HttpRequest) -> JsonResponse:
    """What /api/v1/now would answer at ?at=INSTANT (ISO 8601 with Z) if ?revision=N were live."""
    at = parse_arrival(request.GET.get("at", ""))
    if at is None:
        return JsonResponse({"error": "at must be an ISO 8601 instant with Z, e.g. 2026-12-24T10:00:00Z."}, status=400)
    revision = chosen_revision(request)
    answer = answer_at(revision_route(revision) if revision is not None else None, at)
    return JsonResponse(answer.payload | {"at": iso_z(at, "seconds")})
