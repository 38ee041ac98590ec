"""The bulkhead between the public API and the pages that use the database.

granian runs each worker's requests on WEB_THREADS threads, and the API shares them with the letter form and
the admin. A request waiting on a hung database holds its thread until the database answers (a statement that
never reaches the server has no server-side timeout), so without a bound a few letters would hold every thread
and the API, which never touches the database, would wait with them. Here a request for a page (anything but
the API, the map, the liveness check and static files) takes one of TRACKER_DATABASE_SLOTS slots per process,
WEB_THREADS - 1 by default, so one thread is always left for the API. When none is free the request never
touches the database: the letter form shows its try-again page, other pages a 503.
Measurements, and why not separate app servers for the API: docs/operations.md.
"""

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse

# Views that never use the database, and so never need a slot (static files never reach a view).
# /readyz asks the database in threads of its own, with a time limit (tracker/health.py).
NO_DATABASE_VIEWS = {
    "api_time", "api_now", "api_trail", "map", "web_manifest", "service_worker", "healthz", "readyz",
}  # fmt: skip


class DatabaseSlots:
    """At most `size` requests of this process use the database at once.

    A request waits up to `wait` seconds for a slot while the requests holding them come and go. When every
    slot has been held for more than `stuck_after` seconds (none was given back or taken since), the database
    is taken to be hung and a request gets no slot at once: the thread left for the API is never held longer
    than that at the start of an outage, and not at all after it.
    """

    def __init__(self, size: int, wait: float = 1.0, stuck_after: float = 0.25) -> None:
        self.size = size
        self.wait = wait
        self.stuck_after = stuck_after
        self._free = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._taken = 0
        self._last_change = time.monotonic()

    def stuck(self) -> bool:
        """Whether every slot is taken and none has changed hands for `stuck_after` seconds."""
        with self._lock:
            return self._taken >= self.size and time.monotonic() - self._last_change > self.stuck_after

    def take(self) -> bool:
        """Take a slot: True, or False when none is free (see the class)."""
        deadline = time.monotonic() + self.wait
        while not self._free.acquire(timeout=0.05):
            if self.stuck() or time.monotonic() >= deadline:
                return False
        with self._lock:
            self._taken += 1
            self._last_change = time.monotonic()
        return True

    def give_back(self) -> None:
        """Give back a slot taken by take()."""
        with self._lock:
            self._taken -= 1
            self._last_change = time.monotonic()
        self._free.release()


def _no_slot(execute: Callable, sql: str, params: object, many: bool, context: dict) -> object:  # noqa: ARG001
    """An execute wrapper for a request that got no slot: no query may wait on the database."""
    raise OperationalError("every database slot of this process is busy: the database is slow or not answering")


def busy_page() -> HttpResponse:
    """503 for a page that needs the database while every slot is held by a stuck query."""
    response = HttpResponse(
        "The tracker's database is not answering just now. Please try again in a minute.\n",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    response["Cache-Control"] = "no-store"
    return response


class DatabaseSlotsMiddleware:
    """Each request for a view that may use the database holds a slot while it runs (DatabaseSlots).

    Without a slot it never touches the database: not even to connect, which on a hung database waits
    DATABASE_CONNECT_TIMEOUT. A view marked answers_without_database sees `request.database_slot` False and
    answers by itself; any other gets busy_page(). The map, the manifest, the service worker and the API never
    take a slot.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.slots = DatabaseSlots(settings.TRACKER_DATABASE_SLOTS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            if getattr(request, "database_slot", False):  # a slot was taken for it
                self.slots.give_back()

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        """Take a slot for a view that may use the database; without one, answer without the database."""
        match = request.resolver_match
        if match is None or match.view_name in NO_DATABASE_VIEWS:
            return None
        # The slot rides on the request to its response (process_response gives it back).
        request.database_slot = self.slots.take()  # type: ignore[attr-defined]  # django-stubs: no such attribute
        if request.database_slot:  # type: ignore[attr-defined]
            return None
        if not getattr(view_func, "answers_without_database", False):  # lib.database_slots
            return busy_page()
        with connection.execute_wrapper(_no_slot):
            return view_func(request, *view_args, **view_kwargs)
