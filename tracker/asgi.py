"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
application = get_asgi_application()

from locations.live import watch_live_route  # noqa: E402 (needs the settings that get_asgi_application set up)

# Every app server process learns a new live revision within about a second, whether or not requests come.
watch_live_route()
