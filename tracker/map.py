"""The live map page: a static shell in the viewer's language that carries no route data."""

import gettext
from functools import lru_cache

import pycountry
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from locations.clock import clock_speed, is_rehearsal
from locations.geography import public_country_name

# The page holds no route data, so a browser or CDN may keep it briefly; a new deploy shows within this.
PAGE_MAX_AGE = 60


@lru_cache(maxsize=32)
def country_names(language: str) -> dict[str, str]:
    """Every ISO 3166-1 country's name in `language` from pycountry's translations, English where it has none."""
    names = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
    table = {}
    for country in pycountry.countries:
        # The same English name the API gives (the common name where there is one, "Taiwan"), translated.
        english = public_country_name(country.alpha_2)
        name = names.gettext(english)
        if name == english and english != country.name and names.gettext(country.name) != country.name:
            # The common name has no translation but the official one has ("Corée, République de").
            name = names.gettext(country.name)
        table[country.alpha_2] = name
    return dict(sorted(table.items()))


def map_text() -> dict[str, str]:
    """The sentences map.js shows, in the active language; {place}, {time} and {count} are filled in."""
    return {
        "arrived": _("{place} · arrived {time} local time"),
        "arrivedNoTime": _("{place} · Santa is here"),
        "announceArrival": _("Santa has arrived in {place}."),
        "announceFinished": _("Santa has finished his journey. Merry Christmas!"),
        "waiting": _("Santa is getting ready at the North Pole."),
        "takesOffIn": _("Santa takes off in {time}"),
        "noRoute": _("Santa’s route is not published yet. Come back soon!"),  # noqa: RUF001 (a real apostrophe)
        "finished": _("Santa has finished his journey. Merry Christmas!"),
        "lastStop": _("Last stop: {place}"),
        "reconnecting": _("Lost touch with the North Pole; trying again…"),
        "basemapCredit": _("Country shapes: Natural Earth"),
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
            "country_names": country_names(translation.get_language()),
            "map_text": map_text(),
            "tile_url": settings.TRACKER_TILE_URL,
            "tile_attribution": settings.TRACKER_TILE_ATTRIBUTION,
            "cache_cap": settings.TRACKER_CACHE_CAP,
        },
    )
    patch_cache_control(response, public=True, max_age=PAGE_MAX_AGE)
    return response
