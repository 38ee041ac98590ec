"""/api/v1/now and /api/v1/time answered before Django's full request cycle, the way whitenoise answers files.

Every open map asks `now` in the same second after each hop, and every page load asks `time` five times.
Measured inside Django, middleware these two views never use (sessions, auth, messages, CSRF) costs about
half of each answer. This WSGI wrapper runs the same view functions and the same middleware that shapes
their answers (SecurityMiddleware, the CSP middleware, CommonMiddleware, XFrameOptionsMiddleware), in the
order settings.MIDDLEWARE gives them, so both paths give the same bytes (tests/tracker/test_hot_path.py).
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.module_loading import import_string

from tracker.api import now_view, time_view

# The middleware whose request or response side touches these answers. Everything else in
# settings.MIDDLEWARE leaves them as they are: no session, user, message or CSRF token is read or set.
ANSWER_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)

StartResponse = Callable[..., object]


def _never_called(request: HttpRequest) -> HttpResponse:
    """The middleware's get_response: the hot path calls the view itself."""
    raise AssertionError(f"the hot path calls the view for {request.path} itself")


class HotPath:
    """A WSGI application: GET and HEAD of the two hottest endpoints directly, everything else to Django."""

    def __init__(self, application: WSGIHandler) -> None:
        self.application = application
        self.views = {reverse("api_now"): now_view, reverse("api_time"): time_view}
        self.middleware = [
            import_string(path)(_never_called) for path in settings.MIDDLEWARE if path in ANSWER_MIDDLEWARE
        ]

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        view = self.views.get(environ.get("PATH_INFO", ""))
        if view is None or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.application(environ, start_response)
        request = WSGIRequest(environ)
        try:
            request.get_host()
        except DisallowedHost:
            # Django's own path answers a host outside ALLOWED_HOSTS (400, logged as Django logs it).
            return self.application(environ, start_response)
        response = self.respond(request, view)
        # As django.core.handlers.wsgi.WSGIHandler emits a response; close() still sends request_finished.
        response._handler_class = WSGIHandler
        status = f"{response.status_code} {response.reason_phrase}"
        headers = [*response.items(), *(("Set-Cookie", c.OutputString()) for c in response.cookies.values())]
        start_response(status, headers)
        return response

    def respond(self, request: HttpRequest, view: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
        """The view's answer through the request and response sides of ANSWER_MIDDLEWARE, in Django's order."""
        response = None
        reached = 0
        for middleware in self.middleware:
            process_request = getattr(middleware, "process_request", None)
            reached += 1
            if process_request is not None and (response := process_request(request)) is not None:
                break
        if response is None:
            response = view(request)
        # Only the middleware the request went through sees the response, innermost first.
        for middleware in reversed(self.middleware[:reached]):
            response = middleware.process_response(request, response)
        return response
