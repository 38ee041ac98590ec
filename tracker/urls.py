from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from tracker import api, health, night, offline, preview
from tracker.map import map_page

# The API and the admin have one address for everyone; the pages people read carry their language
# (/de/, /ja/letters/write/), and tracker.languages sends / and other addresses without one to the browser's.
urlpatterns = [
    # At the root, outside the languages: a service worker's scope is the folder its script is served from.
    path("service-worker.js", offline.service_worker, name="service_worker"),
    path("api/v1/time", api.time_view, name="api_time"),
    path("api/v1/now", api.now_view, name="api_now"),
    path("api/v1/trail", api.trail_view, name="api_trail"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Before admin.site.urls, whose catch-all would otherwise answer 404 for it.
    path("admin/night/", admin.site.admin_view(night.night_page), name="night"),
    path("admin/route-preview/", admin.site.admin_view(preview.route_preview), name="route_preview"),
    path("admin/route-preview/now", admin.site.admin_view(preview.route_preview_now), name="route_preview_now"),
    path("admin/", admin.site.urls),
    *i18n_patterns(
        path("", map_page, name="map"),
        path("manifest.webmanifest", offline.web_manifest, name="web_manifest"),
        path("letters/", include("letters.urls")),
    ),
]

handler400 = "tracker.errors.bad_request"
handler404 = "tracker.errors.not_found"
handler500 = "tracker.errors.server_error"
