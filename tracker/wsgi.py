"""WSGI entry point for the app server (serve.py): the two hottest API endpoints answered before Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
django_application = get_wsgi_application()

from locations.live import hold_live_route_at_start  # noqa: E402 (needs the settings, as below)
from tracker.hot_path import HotPath  # noqa: E402 (needs the settings that get_wsgi_application set up)

application = HotPath(django_application)
# Each worker holds the live route before its first viewer: a worker that first reads it on a viewer's request
# while the database hangs would hold that request, and the API requests queued behind it, for the whole hang.
hold_live_route_at_start()
