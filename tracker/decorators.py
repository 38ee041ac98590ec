"""Small decorators stacked on the public API views: allowed methods, the JSON error shape and the API's CSP."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt

from locations.live import LiveRouteUnavailable

# JSON runs no scripts and loads nothing: the shortest policy that says so keeps a hop's bytes small.
API_CSP = {"default-src": [CSP.NONE], "frame-ancestors": [CSP.NONE]}

View = Callable[..., HttpResponse]


def json_error(status: int, message: str) -> JsonResponse:
    """The one error shape of the API, never cached: an error may stop being one at the next hop."""
    response = JsonResponse({"error": message}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def api_get(view: View) -> View:
    """Allow GET and HEAD only, answering anything else with a JSON 405."""

    # Exempt from CSRF so a POST gets the API's own 405 rather than the HTML CSRF page; nothing here writes.
    @csrf_exempt
    @csp_override(API_CSP)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response: HttpResponse = json_error(405, f"{request.method} is not allowed here; use GET or HEAD.")
            response["Allow"] = "GET, HEAD"
        else:
            try:
                response = view(request, *args, **kwargs)
            except LiveRouteUnavailable:
                # Only before this process has ever read the route; a cache in front shows its last answer.
                response = json_error(503, "The route cannot be read just now; try again in a moment.")
                response["Retry-After"] = "1"
        return response

    return wrapper
