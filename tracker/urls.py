from django.contrib import admin
from django.urls import include, path

from tracker import api, preview
from tracker.map import map_page

urlpatterns = [
    path("", map_page, name="map"),
    path("api/v1/time", api.time_view, name="api_time"),
    path("api/v1/now", api.now_view, name="api_now"),
    path("api/v1/trail", api.trail_view, name="api_trail"),
    # Before admin.site.urls, whose catch-all would otherwise answer 404 for it.
    path("admin/route-preview/", admin.site.admin_view(preview.route_preview), name="route_preview"),
    path("admin/", admin.site.urls),
    path("letters/", include("letters.urls")),
]

handler400 = "tracker.errors.bad_request"
handler404 = "tracker.errors.not_found"
handler500 = "tracker.errors.server_error"
