"""The map as an installable app that stays calm offline: its web app manifest and its service worker."""

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from lib.text_direction import text_direction

# Every static file the map page loads (the shell) and the basemap: hashed names, so a deploy makes a new
# list and a new cache. tests/browser/test_map_offline.py checks this against what the page really loads.
SHELL_FILES = (
    "leaflet/leaflet.css",
    "leaflet/leaflet.js",
    "css/map.css",
    "css/masthead.css",
    "js/main.js",
    "js/basemap.js",
    "js/clock.js",
    "js/format.js",
    "js/geo.js",
    "js/hops.js",
    "js/map.js",
    "js/trail.js",
    "js/locale-worker.js",
    "js/stay.js",
    "js/viewer.js",
    "js/share.js",
    "icons/santa.svg",
    "icons/favicon.svg",
    "map/countries-110m.json",
)


def shell_urls() -> list[str]:
    """The hashed URLs of SHELL_FILES, as the page links them."""
    return [static(name) for name in SHELL_FILES]


def map_pages() -> list[str]:
    """The map's address in every language (/en/, /de/...): the pages the worker may keep for offline use."""
    pages = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            pages.append(reverse("map"))
    return pages


@require_safe
@cache_control(public=True, max_age=3600)  # the same for everyone; a new deploy's icons show within the hour
def web_manifest(request: HttpRequest) -> HttpResponse:  # noqa: ARG001 (Django passes every view its request)
    """The web app manifest in the URL's language (it starts the app there), with hashed icon URLs."""
    manifest = {
        "name": _("Where is Santa? The live Santa tracker"),
        "short_name": _("Where is Santa?"),
        "description": _("Follow Santa live on Christmas Eve as he delivers presents around the world."),
        "lang": translation.get_language(),
        "dir": text_direction(translation.get_language()),
        "start_url": reverse("map"),
        # Every language's map, so an app installed in one language can follow a switch to another.
        "scope": "/",
        "display": "standalone",
        "background_color": "#0f2341",
        "theme_color": "#0f2341",
        "icons": [
            {"src": static("icons/app-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/app-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("icons/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    body = json.dumps(manifest, ensure_ascii=False, indent=1)
    return HttpResponse(body, content_type="application/manifest+json")


@require_safe
# Checked for a new version on every visit (browsers ignore more than a day of max-age for it anyway).
@cache_control(public=True, max_age=0, must_revalidate=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker at the site's root, so that its scope covers the map in every language."""
    shell = shell_urls()
    pages = map_pages()
    version = hashlib.sha256(json.dumps([shell, pages]).encode()).hexdigest()[:16]
    context = {"shell": json.dumps(shell), "pages": json.dumps(pages), "version": version}
    response = render(request, "tracker/service-worker.js", context, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response
