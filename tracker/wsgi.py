"""WSGI entry point for the app server (serve.py): the two hottest API endpoints answered before Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
django_application = get_wsgi_application()

from locations.live import watch_live_route  # noqa: E402 (as below)
from tracker.hot_path import HotPath  # noqa: E402 (needs the settings that get_wsgi_application set up)

application = HotPath(django_application)
# Every app server process learns a new live revision within about a second, whether or not requests come.
watch_live_route()
