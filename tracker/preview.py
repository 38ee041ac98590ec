"""The organisers' rehearsal page: what /api/v1/now answers, and where Santa is, at any route time."""

import datetime as dt
import json
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from locations.clock import is_rehearsal, route_now
from locations.live import LiveRoute, answer_at, live_route

# The datetime-local input's own format, with seconds, in UTC.
INPUT_FORMAT = "%Y-%m-%dT%H:%M:%S"


class PreviewForm(forms.Form):
    """The route time to preview, typed as a UTC wall time."""

    at = forms.DateTimeField(
        label="Route time (UTC)",
        required=False,
        input_formats=[INPUT_FORMAT, "%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format=INPUT_FORMAT),
    )


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


@permission_required("locations.preview_route", raise_exception=True)
def route_preview(request: HttpRequest) -> HttpResponse:
    """Show the public answer at the organiser's chosen route time, through the same functions as the API."""
    with timezone.override(dt.UTC):
        at = route_now()
        form = PreviewForm(request.GET or None, initial={"at": at.replace(microsecond=0)})
        if form.is_bound and form.is_valid() and form.cleaned_data["at"] is not None:
            at = form.cleaned_data["at"].astimezone(dt.UTC)
        route = live_route()
        answer = answer_at(route, at)
    context = {
        **admin.site.each_context(request),
        "title": "Route preview",
        "form": form,
        "at": at,
        "answer": answer.payload,
        "answer_json": json.dumps(answer.payload, indent=2, ensure_ascii=False),
        "trail_url": (
            f"{reverse('api_trail')}?{urlencode({'revision': route.revision, 'upto': answer.visited})}"
            if route is not None
            else None
        ),
        "links": hop_links(route, answer.visited),
        "rehearsal": is_rehearsal(),
        "route_now": route_now(),
    }
    return render(request, "admin/route_preview.html", context)
