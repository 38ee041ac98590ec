"""The project's error pages: JSON under /api/, Django's plain pages elsewhere, and never any stop data."""

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from tracker.decorators import json_error


def is_api(request: HttpRequest) -> bool:
    """Whether the request is for the JSON API."""
    return request.path_info.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400: JSON for the API, plain otherwise."""
    if is_api(request):
        return json_error(400, "Bad request.")
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: JSON for the API, plain otherwise; the exception's text is never shown."""
    if is_api(request):
        return json_error(404, "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON for the API, plain otherwise; what failed stays in the log, not in the page."""
    if is_api(request):
        return json_error(500, "The tracker had a problem; try again in a moment.")
    return defaults.server_error(request)
