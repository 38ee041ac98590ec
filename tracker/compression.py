"""Pages sent gzip-compressed: HTML only, and never a page that carries a CSRF token.

The map's HTML is 8 KB that compresses to 3 KB, which a phone on a slow connection feels. Static files are
compressed by whitenoise ahead of time, and the API's answers are left exactly as they are (the hot path,
tracker/hot_path.py, must give the same bytes). A page with a CSRF token (the letter form, the admin) stays
uncompressed: with the child's own words reflected beside a secret, compression would let an attacker who
sees the encrypted length guess the secret byte by byte (BREACH, https://breachattack.com/).
"""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class PageGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (which adds `Vary: Accept-Encoding`) for secret-free HTML pages only."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """The response, compressed when it is HTML that holds no CSRF token and the browser accepts gzip."""
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        # get_token() (every {% csrf_token %}) sets this key, and CSRF's middleware only sets it to False once it has
        # sent the cookie, so its presence says the page holds a token.
        if "CSRF_COOKIE_NEEDS_UPDATE" in request.META:
            return response
        return super().process_response(request, response)
