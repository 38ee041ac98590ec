"""Shared fixtures: a small real route, organisers and elves come from here."""

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from locations.table import RouteTable, make_rows
from tests.processes import postgres_database as fresh_postgres_database

ROUTE_HEADER = ["city", "region", "country", "latitude", "longitude", "arrival", "presents", "fact", "notes"]


def route_table(rows: list[list[str]], header: list[str] | None = None, source: str = "test.csv") -> RouteTable:
    """A table as a CSV source would give it, for feeding validation and sync directly."""
    headers, sheet_rows = make_rows(header or ROUTE_HEADER, rows)
    return RouteTable(source=source, kind="csv", headers=headers, rows=sheet_rows)


@pytest.fixture
def small_route() -> list[list[str]]:
    """Five real stops on Christmas Eve 2026, all before 22:00 local and in order."""
    return [
        ["Kiritimati", "Line Islands", "KI", "1.8721", "-157.4278", "2026-12-24T06:00:00Z", "1200", "", ""],
        ["Auckland", "Auckland", "NZ", "-36.8485", "174.7633", "2026-12-24T08:00:00Z", "350000", "", ""],
        ["Sydney", "New South Wales", "AU", "-33.8688", "151.2093", "2026-12-24T10:00:00Z", "900000", "", ""],
        ["Kathmandu", "Bagmati", "NP", "27.7172", "85.3240", "2026-12-24T15:15:00Z", "200000", "", ""],
        ["Toronto", "Ontario", "CA", "43.6532", "-79.3832", "2026-12-25T02:00:00Z", "1100000", "", "secret note"],
    ]


@pytest.fixture
def organiser(db, django_user_model):
    """A staff member in the Organisers group (from the migration), not a superuser."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("mrs-claus", "mrs.claus@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="Organisers"))
    return user


@pytest.fixture
def elf(db, django_user_model):
    """A staff member in the Elves group (from the migration), not a superuser."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("pepper", "pepper@example.org", "not-a-real-password", is_staff=True)
    user.groups.add(Group.objects.get(name="Elves"))
    return user


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def plain_static_files(settings):
    """{% static %} without the hashed manifest, for tests that render pages but never ran collectstatic."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


POSTGRES = "postgres://postgres@127.0.0.1:5432"


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """The name of a fresh PostgreSQL database on 127.0.0.1:5432, dropped afterwards."""
    name = f"tracker_outage_{secrets.token_hex(4)}"
    with fresh_postgres_database(POSTGRES, name):
        yield name


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for the whole session, for every test that drives a browser (tests/browser, tests/outages):
    Playwright's sync API may run only once at a time in a thread. Each test opens its own contexts."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: scripts/ensure-system-packages.sh installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which Django would take for async code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
