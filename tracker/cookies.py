"""The CSRF cookie belongs to the forms that need it, never to the map, the API or a cache in front of them."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def csrf_cookie_area(path: str) -> str:
    """The area of the site a request path belongs to: '/letters/write/' -> '/letters/', '/' -> '/'."""
    first = path.lstrip("/").split("/", 1)[0]
    return f"/{first}/" if first and "/" in path.lstrip("/") else "/"


def scoped_csrf_cookie(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: give a CSRF cookie the Path of the area that set it (/letters/, /admin/).

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
