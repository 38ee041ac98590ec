"""The contract between the database bulkhead (tracker/bulkhead.py) and the views that answer without a slot."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def answers_without_database(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view that answers by itself when every database slot of the process is held by a stuck query
    (the letter form: its try-again page, with the letter in it). Unmarked views get the bulkhead's 503."""
    view.answers_without_database = True  # type: ignore[attr-defined]
    return view


def has_database_slot(request: HttpRequest) -> bool:
    """Whether this request may use the database: False only when the bulkhead found no free slot for it."""
    return getattr(request, "database_slot", True)
