"""The hot path answers /api/v1/now and /api/v1/time with exactly the bytes Django's full request cycle gives."""

import datetime as dt
import json

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from tests.tracker.conftest import utc
from tracker.hot_path import MEMO_SHAPES, HotPath

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


def _pair(hot: HotPath, django: WSGIHandler, path: str = "/api/v1/now", **headers: str) -> tuple[tuple, tuple]:
    """One request answered by a long-lived hot path and by Django's full cycle, in that order."""
    environ = RequestFactory().get(path, **headers).environ
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        return _answer(hot, environ), _answer(django, environ)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _body(answer: tuple) -> dict:
    return json.loads(answer[2])


def test_a_kept_now_answer_changes_when_its_lifetime_and_when_the_hop_come(live, time_machine):
    time_machine.move_to(FLYING, tick=False)
    django = WSGIHandler()
    hot = HotPath(django)
    first, full = _pair(hot, django)
    assert first == full
    hop = utc(_body(first)["next_hop_at"])

    # Twice in the same moment: the kept answer, still Django's bytes.
    assert _pair(hot, django)[0] == first
    # A second later the lifetime and Expires have moved on; so has the kept answer.
    time_machine.move_to(FLYING + dt.timedelta(seconds=1), tick=False)
    later, full = _pair(hot, django)
    assert later == full and later != first
    # The last moment before the hop and the first after it.
    time_machine.move_to(hop - dt.timedelta(milliseconds=1), tick=False)
    before, full = _pair(hot, django)
    assert before == full and _body(before)["visited"] == _body(first)["visited"]
    assert dict(before[1])["Cache-Control"].startswith("public, max-age=0,")
    time_machine.move_to(hop, tick=False)
    after, full = _pair(hot, django)
    assert after == full
    assert _body(after)["visited"] == _body(first)["visited"] + 1


def test_conditional_and_plain_requests_are_kept_apart(live, time_machine):
    time_machine.move_to(FLYING, tick=False)
    django = WSGIHandler()
    hot = HotPath(django)
    plain, _full = _pair(hot, django)

    revalidated, full = _pair(hot, django, HTTP_IF_NONE_MATCH=_etag(plain[1]))
    assert revalidated == full and revalidated[0].startswith("304")
    stale, full = _pair(hot, django, HTTP_IF_NONE_MATCH='"0.0000000000000000"')
    assert stale == full and stale[0] == "200 OK"
    assert _pair(hot, django) == (plain, plain)


def test_behind_the_tls_proxy_redirects_and_hsts_are_djangos_for_each_request(live, time_machine, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    time_machine.move_to(FLYING, tick=False)
    django = WSGIHandler()
    hot = HotPath(django)

    for query in ("", "?a=1", "?a=2"):
        redirected, full = _pair(hot, django, f"/api/v1/now{query}")
        assert redirected == full
        assert dict(redirected[1])["Location"] == f"https://testserver/api/v1/now{query}"
    secure, full = _pair(hot, django, HTTP_X_FORWARDED_PROTO="https")
    assert secure == full and secure[0] == "200 OK"
    assert "Strict-Transport-Security" in dict(secure[1])


def test_odd_query_strings_cannot_grow_what_is_kept(live, time_machine):
    time_machine.move_to(FLYING, tick=False)
    hot = HotPath(WSGIHandler())

    for number in range(MEMO_SHAPES * 3):
        _answer(hot, RequestFactory().get(f"/api/v1/now?n={number}").environ)

    assert 0 < len(hot.rendered) <= MEMO_SHAPES


def test_every_middleware_in_the_settings_is_replayed_or_says_why_not(settings):
    from tracker.hot_path import LEAVES_ALONE, REPLAYED, replayed_middleware

    assert set(settings.MIDDLEWARE) <= REPLAYED | set(LEAVES_ALONE)
    assert not REPLAYED & set(LEAVES_ALONE)
    assert replayed_middleware() == [path for path in settings.MIDDLEWARE if path in REPLAYED]


def test_a_middleware_nobody_considered_stops_the_hot_path_from_starting(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]

    with pytest.raises(ImproperlyConfigured, match="GZipMiddleware"):
        HotPath(WSGIHandler())
