"""/api/v1/now and /api/v1/time answered before Django's full request cycle, the way whitenoise answers files.

Every open map asks `now` in the same second after each hop, and every page load asks `time` five times.
Measured inside Django, middleware these two views never use (sessions, auth, messages, CSRF) costs about
half of each answer. This WSGI wrapper runs the same view functions and the same middleware that shapes
their answers (REPLAYED: every middleware in settings.MIDDLEWARE is either replayed or says why it need
not be), in the order settings.MIDDLEWARE gives them, so both paths give the same bytes
(tests/tracker/test_hot_path.py).

`now` is the same for every viewer until the next hop, apart from its lifetime and Expires, which change
once a wall second. So its rendered answer (status, headers, body) is kept per request shape, the handful
of request values Django's answer can depend on (REQUEST_INPUTS), and given again while the route's state
(api.NowState) is the same; the first request of each state and shape renders it through the view and
middleware as above. `time` changes every millisecond and is rendered for every request.
"""

from collections.abc import Callable, Iterable
from wsgiref.types import StartResponse

from django.conf import settings
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.module_loading import import_string

from locations.clock import wall_now
from locations.live import LiveRouteUnavailable
from tracker.api import NowState, now_state, now_view, time_view

# Every middleware settings.MIDDLEWARE may name, sorted by what it does to the answers of `now` and `time`.
# REPLAYED: its request or response side touches them, so the hot path runs it, in settings.MIDDLEWARE's order.
# LEAVES_ALONE: why it does not, so skipping it changes no byte. A middleware in the settings that is in
# neither stops the hot path from starting (ImproperlyConfigured): whoever adds one must say which it is, and
# tests/tracker/test_hot_path.py fails until they do.
REPLAYED = frozenset(
    {
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    }
)
LEAVES_ALONE = {
    "tracker.compression.PageGZipMiddleware": "compresses only HTML pages; the API answers JSON",
    "whitenoise.middleware.WhiteNoiseMiddleware": "answers only paths under STATIC_URL",
    "django.contrib.sessions.middleware.SessionMiddleware": "the views never touch request.session: no cookie",
    "tracker.languages.UrlLanguageMiddleware": "the API's paths carry no language prefix and no words",
    "tracker.cookies.scoped_csrf_cookie": "scopes a CSRF cookie, and the views set none",
    "django.middleware.csrf.CsrfViewMiddleware": "GET and HEAD are never checked, and the views set no token",
    "django.contrib.auth.middleware.AuthenticationMiddleware": "the views never read request.user",
    "django.contrib.messages.middleware.MessageMiddleware": "the views never read or add a message",
    "axes.middleware.AxesMiddleware": "answers only a locked-out login",
    "tracker.form_bodies.readable_form_charset": "answers only a form POST in a charset it cannot read",
    "tracker.bulkhead.DatabaseSlotsMiddleware": "the API's views are in NO_DATABASE_VIEWS: never take a slot",
}


def replayed_middleware() -> list[str]:
    """The middleware of settings.MIDDLEWARE the hot path runs, in the settings' order.

    Raises ImproperlyConfigured naming any middleware that is neither REPLAYED nor in LEAVES_ALONE.
    """
    unconsidered = [path for path in settings.MIDDLEWARE if path not in REPLAYED and path not in LEAVES_ALONE]
    if unconsidered:
        raise ImproperlyConfigured(
            f"tracker/hot_path.py does not know whether {', '.join(unconsidered)} shapes /api/v1/now and "
            "/api/v1/time: add it to REPLAYED, or to LEAVES_ALONE with the reason it does not."
        )
    return [path for path in settings.MIDDLEWARE if path in REPLAYED]


# The request values that Django's answer to GET or HEAD of `now` can depend on: the method, the host and
# scheme (ALLOWED_HOSTS, the SSL redirect, HSTS), the path and query string (redirects name them) and the
# conditional headers (get_conditional_response). Settings add the proxy headers they make Django read.
REQUEST_INPUTS = (
    "REQUEST_METHOD",
    "SCRIPT_NAME",
    "QUERY_STRING",
    "wsgi.url_scheme",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# Request shapes kept at most; past that the memo starts again, so odd query strings cannot grow it.
MEMO_SHAPES = 64

Rendered = tuple[NowState, str, list[tuple[str, str]], bytes]


def _never_called(request: HttpRequest) -> HttpResponse:
    """The middleware's get_response: the hot path calls the view itself."""
    raise AssertionError(f"the hot path calls the view for {request.path} itself")


class HotPath:
    """A WSGI application: GET and HEAD of the two hottest endpoints directly, everything else to Django."""

    def __init__(self, application: WSGIHandler) -> None:
        self.application = application
        self.views = {reverse("api_now"): now_view, reverse("api_time"): time_view}
        self.middleware = [import_string(path)(_never_called) for path in replayed_middleware()]
        self.request_inputs = REQUEST_INPUTS + _inputs_named_by_settings()
        # Request shape -> the last answer rendered for it. Threads share it: a dict's get and set are atomic,
        # and two threads rendering the same state store equal bytes.
        self.rendered: dict[tuple[object, ...], Rendered] = {}

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        view = self.views.get(environ.get("PATH_INFO", ""))
        if view is None or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.application(environ, start_response)
        if view is not now_view:
            return self.render(environ, start_response, view)
        try:
            state = now_state(wall_now())
        except LiveRouteUnavailable:
            # The view answers this itself (503); nothing to keep.
            return self.render(environ, start_response, view)
        shape = tuple(environ.get(name) for name in self.request_inputs)
        kept = self.rendered.get(shape)
        if kept is not None and kept[0].same_as(state):
            _state, status, headers, body = kept
            start_response(status, list(headers))
            return [body]
        return self.render(environ, start_response, view, state=state, shape=shape)

    def render(
        self,
        environ: dict,
        start_response: StartResponse,
        view: Callable[..., HttpResponse],
        state: NowState | None = None,
        shape: tuple[object, ...] | None = None,
    ) -> Iterable[bytes]:
        """Answer through the view and the replayed middleware; keep a `now` answer for its request shape."""
        request = WSGIRequest(environ)
        try:
            request.get_host()
        except DisallowedHost:
            # Django's own path answers a host outside ALLOWED_HOSTS (400, logged as Django logs it).
            return self.application(environ, start_response)
        response = self.respond(request, (lambda r: view(r, state=state)) if state is not None else view)
        # As django.core.handlers.wsgi.WSGIHandler emits a response; close() still sends request_finished.
        response._handler_class = WSGIHandler  # type: ignore[attr-defined]  # set by Django's handler, not in the stubs
        status = f"{response.status_code} {response.reason_phrase}"
        headers = [*response.items(), *(("Set-Cookie", c.OutputString()) for c in response.cookies.values())]
        if shape is not None and state is not None and not response.cookies and not response.streaming:
            if len(self.rendered) >= MEMO_SHAPES:
                self.rendered.clear()
            self.rendered[shape] = (state, status, headers, response.content)
        start_response(status, list(headers))
        return response

    def respond(self, request: HttpRequest, view: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
        """The view's answer through the request and response sides of the replayed middleware, in Django's order."""
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


def _inputs_named_by_settings() -> tuple[str, ...]:
    """The request headers that settings make Django read on the way to `now`'s answer."""
    names = []
    if settings.SECURE_PROXY_SSL_HEADER:
        names.append(settings.SECURE_PROXY_SSL_HEADER[0])
    if settings.USE_X_FORWARDED_HOST:
        names.append("HTTP_X_FORWARDED_HOST")
    if settings.USE_X_FORWARDED_PORT:
        names.append("HTTP_X_FORWARDED_PORT")
    if settings.DISALLOWED_USER_AGENTS:
        names.append("HTTP_USER_AGENT")
    return tuple(names)
