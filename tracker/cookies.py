"""The CSRF cookie belongs to the forms that need it, never to the map, the API or a cache in front of them."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


def csrf_cookie_area(path: str) -> str:
    """The area of the site a path belongs to, after any language prefix: '/de/letters/write/' -> '/de/letters/'."""
    segments = path.lstrip("/").split("/")
    area = []
    if translation.get_language_from_path(path):
        area.append(segments.pop(0))
    if len(segments) > 1:
        area.append(segments[0])
    return "/" + "".join(f"{segment}/" for segment in area)


def scoped_csrf_cookie(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: give a CSRF cookie the Path of the area that set it (/de/letters/, /admin/).

    A site-wide csrftoken would ride along with every map and API request of anyone who once opened the
    letter form, and a shared cache must not serve a request that carries a cookie from its copy.
    Django's CSRF_COOKIE_PATH is one path for the whole site; the letter form and the admin each need theirs.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        cookie = response.cookies.get(settings.CSRF_COOKIE_NAME)
        if cookie is not None and cookie["path"] == settings.CSRF_COOKIE_PATH:
            cookie["path"] = csrf_cookie_area(request.path)
        return response

    return middleware
