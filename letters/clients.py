"""Who is writing: the client's address behind the CDN, from the trusted proxies' header (django-ipware).

The letter form's rate limit counts by it, and the admin login lock (django-axes, AXES_CLIENT_IP_CALLABLE) too.
"""

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str:
    """The client's IP address as text; REMOTE_ADDR when no proxy is trusted or the header is unusable.

    With TRACKER_TRUSTED_PROXIES = N, each proxy appends the address it was called from, so the last N-1
    entries of the header are proxies and the one before them is the client; anything further left was
    written by the client and is ignored (a forged X-Forwarded-For cannot choose its own rate limit).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.TRACKER_TRUSTED_PROXIES == 0:
        return remote
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=settings.TRACKER_TRUSTED_PROXIES - 1,
        request_header_order=[settings.TRACKER_CLIENT_IP_META],
        strict=False,
    )
    return address or remote
