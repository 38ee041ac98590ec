"""The hot path answers /api/v1/now and /api/v1/time with exactly the bytes Django's full request cycle gives."""

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from tests.tracker.conftest import utc
from tracker.hot_path import HotPath

pytestmark = pytest.mark.django_db

WAITING = utc("2026-12-24T05:00:00Z")
FLYING = utc("2026-12-24T09:30:00.250Z")
FINISHED = utc("2026-12-26T00:00:00Z")


def _answer(application, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status line, header list in order, and body bytes, as a WSGI server receives them."""
    seen = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, headers

    chunks = application(dict(environ), start_response)
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return seen["status"], seen["headers"], body


def _both(path: str, method: str = "GET", **headers: str) -> tuple[tuple, tuple]:
    environ = RequestFactory().generic(method, path, **headers).environ
    django = WSGIHandler()
    # As Django's test client does: a request's end would otherwise close the test's open transaction's
    # connection (harmless on SQLite's in-memory database, fatal on PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        return _answer(django, environ), _answer(HotPath(django), environ)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _etag(headers: list[tuple[str, str]]) -> str:
    return dict(headers)["ETag"]


@pytest.mark.parametrize("moment", [WAITING, FLYING, FINISHED], ids=["waiting", "flying", "finished"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_now_is_byte_identical_on_both_paths(live, time_machine, moment, method):
    time_machine.move_to(moment, tick=False)

    full, hot = _both("/api/v1/now", method)

    assert hot == full
    assert full[0] == "200 OK"
    names = {name for name, _value in full[1]}
    assert {"Cache-Control", "Expires", "ETag", "Content-Security-Policy", "X-Content-Type-Options"} <= names


def test_now_before_any_route_is_byte_identical(db, time_machine):
    time_machine.move_to(FLYING, tick=False)

    full, hot = _both("/api/v1/now")

    assert hot == full
    assert b'"revision":null' in full[2]


def test_a_matching_etag_gets_the_same_304_on_both_paths(live, time_machine):
    time_machine.move_to(FLYING, tick=False)
    etag = _etag(_both("/api/v1/now")[0][1])

    full, hot = _both("/api/v1/now", HTTP_IF_NONE_MATCH=etag)

    assert full[0].startswith("304")
    assert hot == full


def test_time_is_byte_identical_on_both_paths(live, time_machine):
    time_machine.move_to(FLYING, tick=False)

    full, hot = _both("/api/v1/time")

    assert hot == full
    assert dict(full[1])["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        ("/api/v1/now", "POST", {}),
        ("/api/v1/now", "GET", {"HTTP_HOST": "evil.example"}),
        ("/api/v1/trail", "GET", {}),
    ],
    ids=["post", "disallowed-host", "another-endpoint"],
)
def test_everything_else_is_answered_by_django_itself(live, time_machine, path, method, headers):
    time_machine.move_to(FLYING, tick=False)

    full, hot = _both(path, method, **headers)

    assert hot == full
    assert not full[0].startswith("200")


@pytest.mark.parametrize("path", ["/api/v1/now", "/api/v1/time"])
def test_the_hot_path_answers_without_djangos_request_cycle(live, time_machine, path):
    time_machine.move_to(FLYING, tick=False)

    def full_cycle(environ: dict, start_response: object) -> list[bytes]:
        raise AssertionError(f"{environ['PATH_INFO']} went through Django's full request cycle")

    status, _headers, body = _answer(HotPath(full_cycle), RequestFactory().get(path).environ)

    assert status == "200 OK" and body.startswith(b"{")
