"""The project's URLs plus views that crash while holding the whole route, to test the error pages."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from locations.live import live_route
from tracker.urls import handler400, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


def crash_with_the_route(request: HttpRequest) -> HttpResponse:
    """Fail with every stop, due or not, in the exception's message."""
    raise RuntimeError(f"crashed holding {live_route()!r}")


urlpatterns = [
    path("api/v1/fail", crash_with_the_route),
    path("fail", crash_with_the_route),
    *urlpatterns,
]
