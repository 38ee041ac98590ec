"""The live map page: a static shell in the viewer's language that carries no route data."""

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from locations.clock import clock_speed, is_rehearsal
from locations.validation import parse_deadline

# The page holds no route data, so a browser or CDN may keep it briefly; a new deploy shows within this.
PAGE_MAX_AGE = 60


# The picture shown when the map is shared (Open Graph, Twitter cards): 1200 x 630 px.
SHARE_IMAGE = "icons/share-card.png"


def map_text() -> dict[str, str]:
    """The sentences map.js shows, in the active language; {place}, {time}, {city}... are filled in."""
    return {
        "arrived": _("{place} · arrived {time} local time"),
        "arrivedNoTime": _("{place} · Santa is here"),
        # Said once by screen readers at each hop: each thing once, as a sentence.
        "announceArrival": _("Santa has arrived in {place}, at {time} local time."),
        "announceArrivalNoTime": _("Santa has arrived in {place}."),
        "announceFinished": _("Santa has finished his journey. Merry Christmas!"),
        "waiting": _("Santa is getting ready at the North Pole."),
        "takesOffIn": _("Santa takes off in {time}"),
        "noRoute": _("Santa’s route is not published yet. Come back soon!"),  # noqa: RUF001 (a real apostrophe)
        "finished": _("Santa has finished his journey. Merry Christmas!"),
        "reconnecting": _("Lost touch with the North Pole; trying again…"),
        "offline": _("You are offline: this is Santa’s last known stop. Reconnecting…"),  # noqa: RUF001
        # "9:41 pm in Toronto": the wall time at the stop right now.
        "localTimeAt": _("{time} in {city}"),
        "nextStopIn": _("Next stop in {time}"),
        "nextStopSoon": _("Santa is setting off for his next stop…"),
        "home": _("Santa is back home at the North Pole. Merry Christmas, and sweet dreams!"),
        "homeNote": _("Every present is delivered and the reindeer are resting. Last stop: {place}."),
        "yourZoneTonight": _("Santa reaches your time zone before {time} tonight."),
        "yourZoneOn": _("Santa reaches your time zone before {time} on {date}."),
        "yourZonePassed": _("Santa has already been through your time zone tonight. Sleep well!"),
        "distanceAsking": _("Asking your browser where you are…"),
        "distanceFrom": _("Santa is {distance} from you, in {place}."),
        "distanceFromPole": _("Santa is at the North Pole, {distance} from you."),
        "distanceUnknown": _("Your browser did not share where you are, so the distance is not known."),
        "shareText": _("Follow Santa live as he delivers presents around the world!"),
        "linkCopied": _("Link copied: paste it anywhere to share the tracker."),
        "copyThisLink": _("Copy this link to share the tracker: {url}"),
        "basemapCredit": _("Country shapes: Natural Earth"),
        # The map's + and - buttons, as screen readers and a hovering mouse name them.
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        # The visited list shows the newest stops; this button opens all of them, and closes them again.
        "visitedAll": _("Show all {count} stops"),
        "visitedLatest": _("Show only the latest stops"),
    }


@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    """The map: a shell the browser fills from /api/v1/now and /api/v1/trail, in the URL's language."""
    # The same for everyone who asks for this address, so no Vary: the language is in the URL.
    response = render(
        request,
        "tracker/map.html",
        {
            "rehearsal": is_rehearsal(),
            "speed": clock_speed(),
            "page_url": request.build_absolute_uri(reverse("map")),
            "share_image_url": request.build_absolute_uri(static(SHARE_IMAGE)),
            "night": settings.TRACKER_ROUTE_NIGHT.isoformat() if settings.TRACKER_ROUTE_NIGHT else "",
            "deadline_minutes": parse_deadline(settings.TRACKER_ROUTE_DEADLINE) // dt.timedelta(minutes=1),
            "map_text": map_text(),
            "tile_url": settings.TRACKER_TILE_URL,
            "tile_attribution": settings.TRACKER_TILE_ATTRIBUTION,
            "cache_cap": settings.TRACKER_CACHE_CAP,
        },
    )
    patch_cache_control(response, public=True, max_age=PAGE_MAX_AGE)
    return response
