"""The public side of letters: the "Write to Santa" form and its thank-you page. Nothing else is public."""

import logging

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods

from letters.clients import client_ip
from letters.forms import LetterForm, new_form_token
from letters.intake import receive_web_letter, web_letter_received
from letters.rate_limit import check_web_letter, give_back_web_letter
from lib.database_slots import answers_without_database, has_database_slot

logger = logging.getLogger(__name__)

# What the outage page asks: try again in a minute (its Retry-After, seconds).
RETRY_AFTER_SECONDS = 60


def rate_limit_message(window: int) -> str:
    """What a writer over the limit reads, naming the real window (seconds, given in hours or minutes)."""
    if window % 3600 == 0:
        hours = window // 3600
        return ngettext(
            "Santa has already had all the letters he can take from this address in one hour. "
            "Please send this one later: the elves will still read it.",
            "Santa has already had all the letters he can take from this address in %(count)s hours. "
            "Please send this one later: the elves will still read it.",
            hours,
        ) % {"count": hours}
    minutes = -(-window // 60)
    return ngettext(
        "Santa has already had all the letters he can take from this address in one minute. "
        "Please send this one later: the elves will still read it.",
        "Santa has already had all the letters he can take from this address in %(count)s minutes. "
        "Please send this one later: the elves will still read it.",
        minutes,
    ) % {"count": minutes}


def outage_page(request: HttpRequest, form: LetterForm) -> HttpResponse:
    """503: the letter was not sent, try again in a minute; the letter stays in the form, token and all."""
    response = render(request, "letters/write.html", {"form": form, "outage": True}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@answers_without_database
@never_cache  # the page carries a CSRF token; no cache may share it
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    """Show the form; store a valid letter and send the writer to the thank-you page.

    While the database fails the writer gets the outage page with the letter still in the form, and the try
    does not count against the limits; the same form sent again is stored once (its token).
    """
    if request.method == "GET":
        return render(request, "letters/write.html", {"form": LetterForm(initial={"token": new_form_token()})})
    if request.POST.get("website"):
        # The honeypot was filled in: a bot. It sees the same thank-you, and nothing is stored.
        return redirect("letters:thanks")
    form = LetterForm(request.POST)
    if not form.is_valid():
        return render(request, "letters/write.html", {"form": form}, status=400)
    data = form.cleaned_data
    if not has_database_slot(request):
        # Every database slot of this process is held by a stuck query (tracker/bulkhead.py).
        logger.warning(
            "A letter could not be stored (the database is not answering); the writer was asked to send it again"
        )
        return outage_page(request, form)
    try:
        if web_letter_received(data["token"]):
            return redirect("letters:thanks")
        if limited := check_web_letter(data["email"], client_ip(request)):
            context = {"form": form, "rate_limited": rate_limit_message(limited.window)}
            return render(request, "letters/write.html", context, status=429)
        try:
            receive_web_letter(
                name=data["name"],
                email=data["email"],
                message=data["message"],
                age=data["age"],
                country=data["country"],
                writer=data["writer"],
                child_name=data["child_name"],
                language=get_language(),  # the page's, from its URL: the language the child chose to write in
                form_token=data["token"],
            )
        except DatabaseError:
            give_back_web_letter(data["email"], client_ip(request))
            raise
    except DatabaseError as error:
        logger.warning("A letter could not be stored (%s); the writer was asked to send it again", error)
        return outage_page(request, form)
    return redirect("letters:thanks")


@cache_control(public=True, max_age=3600)  # the same words for everyone
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    """The friendly page after a letter is sent."""
    return render(request, "letters/thanks.html")
