"""Every admin list answers a bad query string with a page or a redirect, never a 500."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from letters.intake import ingest_message, receive_web_letter
from locations.sync import sync_route
from tests.letters.hostile_mail import nested_multipart

pytestmark = pytest.mark.django_db

# Not a number, too big for any integer column or date, a NUL (PostgreSQL refuses it), a broken list.
BAD_VALUES = ("abc", "99999999999999999999", "\x00", "1,x", "(")
# Parameters every changelist reads: ordering, page, search, the error flag, facets, show-all, popups.
COMMON_PARAMETERS = ("o", "p", "q", "_facets", "_to_field", "no_such_field", "id__in")


def changelists() -> list[str]:
    """The changelist URL of every model registered in the admin."""
    return sorted(
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in apps.get_models()
        if admin.site.is_registered(model)
    )


@pytest.fixture
def some_of_everything(db, plain_static_files):
    """A live route (the sample), a letter by form and by email, and a quarantined email: every list has rows."""
    sync_route()
    receive_web_letter(name="Mia", email="mia@example.net", message="Hi", age=8, country="CA", language="en")
    ingest_message(b"From: kid@example.org\r\nSubject: hi\r\n\r\nDear Santa\r\n")
    ingest_message(nested_multipart(50))


def test_every_admin_changelist_survives_bad_query_strings(admin_client, some_of_everything):
    # A 500 is recorded as a response, so one run lists every failing list and parameter.
    admin_client.raise_request_exception = False
    failures = []
    for url in changelists():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        changelist = response.context["cl"]
        parameters = {name for spec in changelist.filter_specs for name in spec.expected_parameters()}
        if changelist.date_hierarchy:
            field = changelist.date_hierarchy
            parameters |= {f"{field}__year", f"{field}__month", f"{field}__day"}
        # Any field's own lookups can be typed too: a pattern the database cannot compile among them.
        fields = {field.name for field in changelist.model._meta.concrete_fields if not field.is_relation}
        parameters |= {f"{field}__regex" for field in fields} | {f"{field}__iregex" for field in fields} | fields
        for name in sorted(parameters | set(COMMON_PARAMETERS)):
            for value in BAD_VALUES:
                status = admin_client.get(url, {name: value}).status_code
                if status >= 500:
                    failures.append(f"{url}?{name}={value[:20]!r}: {status}")
    assert failures == [], "\n".join(failures)


def test_a_revision_that_is_not_a_number_sends_the_organiser_back_to_the_list(admin_client, some_of_everything):
    response = admin_client.get("/admin/locations/stop/", {"revision": "abc"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/locations/stop/?e=1"
