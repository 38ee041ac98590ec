"""The staff login's lockout page (django-axes calls it through AXES_LOCKOUT_CALLABLE)."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(
    request: HttpRequest, _original_response: HttpResponse | None, _credentials: dict | None
) -> HttpResponse:
    """429 with what happened, how long the lock lasts in minutes, and how an administrator lifts it."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = round(cooloff.total_seconds() / 60) if cooloff else 0
    # The admin's own context: its site header and title ("Santa tracker"), as on the login page.
    context = admin.site.each_context(request) | {
        "title": "Login locked",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": minutes,
    }
    return render(request, "admin/locked_out.html", context, status=429)
