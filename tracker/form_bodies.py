"""Form bodies the tracker cannot read are refused with a clear 400 before anything reads them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# The body types Django decodes as form fields; it reads them only as UTF-8 (HTML forms on our pages send that).
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
READABLE_CHARSETS = ("utf-8", "utf8", "us-ascii", "ascii")


def unreadable_charset(request: HttpRequest) -> str | None:
    """The charset a form POST's Content-Type names when the form cannot read it, else None."""
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        return None
    charset = (request.content_params or {}).get("charset", "utf-8").strip().lower()
    return None if charset in READABLE_CHARSETS else charset


def readable_form_charset(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: a form POST in another charset gets a plain 400 saying so. Django refuses such a body with
    BadRequest each time it is read, and its CSRF check and error pages read it again, which ended in a 500."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if (charset := unreadable_charset(request)) is not None:
            response = HttpResponse(
                f"This form is read as UTF-8 only, not {charset}: send it again from the page.\n",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
            response["Cache-Control"] = "no-store"
            return response
        return get_response(request)

    return middleware
