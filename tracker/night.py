"""The organisers' night on one page: the live route as viewers see it, the next hop, the syncer's heartbeat."""

import datetime as dt

from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from locations.answers import answer_at
from locations.clock import is_rehearsal, route_time_at, wall_now, wall_time_at
from locations.control import compared_with_live, current_control
from locations.links import linked_findings
from locations.live import live_route
from locations.models import SyncRun
from locations.night import heartbeat, time_until


@permission_required("locations.view_revision", raise_exception=True)
def night_page(request: HttpRequest) -> HttpResponse:
    """Everything the organiser on duty checks, read once: nothing here changes the route."""
    wall = wall_now()
    now = route_time_at(wall)
    route = live_route()
    answer = answer_at(route, now)
    control = current_control()
    live = control.live
    last_run = SyncRun.objects.select_related("revision").first()
    decision = control.decision
    context = {
        **admin.site.each_context(request),
        "title": "The night",
        "route_now": now,
        "rehearsal": is_rehearsal(),
        "wall_now": wall,
        "live": live,
        "answer": answer.payload,
        "stop_count": len(route.stops) if route is not None else 0,
        "next_hop_in": time_until(answer.next_hop_at, now) if answer.next_hop_at is not None else None,
        # In a rehearsal the map counts down in real seconds: say when that is, or the two pages disagree.
        "next_hop_real_in": _real_time_until(answer.next_hop_at, wall) if is_rehearsal() else None,
        "next_hop_at": answer.next_hop_at,
        # Staff only and never cached, so the page may name the stop viewers do not see yet.
        "next_stop": route.stops[answer.visited] if route is not None and answer.next_hop_at is not None else None,
        "last_run": last_run,
        # An organiser's decision after the last sync run: the run's message told the story before it.
        "since_run": decision if decision and (last_run is None or decision.at > last_run.finished) else None,
        "heartbeat": heartbeat(wall),
        "control": control,
        "story": control.story(now),
        "held": control.held,
        "held_compared": compared_with_live(live, control.held, now, went_live=False) if control.held else "",
        "findings": {"warnings of the live revision": linked_findings(live)["warnings"] if live is not None else []},
        "can_preview": request.user.has_perm("locations.preview_route"),
        "can_make_live": request.user.has_perm("locations.make_live"),
    }
    return render(request, "admin/night.html", context)


def _real_time_until(moment: dt.datetime | None, wall: dt.datetime) -> str | None:
    """'in 35 s' or 'in 3 min': how far route time MOMENT is from real time WALL on the rehearsal's clock; None
    without a moment or on a frozen clock."""
    real = wall_time_at(moment) if moment is not None else None
    if real is None:
        return None
    seconds = (real - wall).total_seconds()
    return f"in {seconds:.0f} s" if 0 < seconds < 60 else time_until(real, wall)
