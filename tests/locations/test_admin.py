import dataclasses
import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from locations.clock import Rehearsal
from locations.control import pin
from locations.live import viewer_delay_seconds
from locations.models import Revision, SyncRun
from locations.sync import live_revision, publish_table
from tests.conftest import ROUTE_HEADER, route_table

pytestmark = pytest.mark.django_db

WINDSOR = ["Windsor", "Ontario", "CA", "42.3149", "-83.0364", "2026-12-25T02:30:00Z", "300000", "", ""]
SHEET = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF"
KEY = SHEET.rsplit("/", 1)[1]


@pytest.fixture(autouse=True)
def _plain_static_files(plain_static_files):
    """Pages here render without collectstatic."""


@pytest.fixture(autouse=True)
def _route_clock_frozen(settings):
    """Route time 09:00 UTC on Christmas Eve: Kiritimati (06:00) and Auckland (08:00) are due."""
    instant = dt.datetime(2026, 12, 24, 9, tzinfo=dt.UTC)
    settings.TRACKER_CLOCK = Rehearsal(start=instant, anchor=instant, speed=0.0)


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def outsider_client(client, django_user_model):
    """Staff, but in no group: an elf, say, or a new volunteer."""
    client.force_login(django_user_model.objects.create_user("jingle", is_staff=True))
    return client


@pytest.fixture
def two_revisions(small_route):
    """Revision 1 is the small route; revision 2 retimes Auckland, drops Kathmandu, adds Windsor and warns."""
    first = publish_table(route_table(small_route), "test").revision
    changed = [list(row) for row in small_route]
    changed[1][5] = "2026-12-24T08:30:00Z"
    changed[2][2] = "AUS"  # normalised to AU with a country_alias warning
    del changed[3]
    changed.append(WINDSOR)
    table = dataclasses.replace(route_table(changed), kind="sheet", sheet_key=KEY, worksheet_id=1234)
    second = publish_table(table, "test").revision
    return first, second


@pytest.fixture
def route_csv(tmp_path, settings, small_route):
    """The configured route source, a CSV the organisers can break."""
    path = write_csv(tmp_path / "route.csv", small_route)
    settings.TRACKER_ROUTE_SHEET = ""
    settings.TRACKER_SAMPLE_ROUTE = path
    return path


def write_csv(path, rows: list[list[str]]):
    path.write_text("\n".join(",".join(row) for row in [ROUTE_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def message_levels(response) -> list[str]:
    return [message.level_tag for message in get_messages(response.wsgi_request)]


def test_the_organisers_group_has_exactly_the_route_permissions():
    permissions = Group.objects.get(name="Organisers").permissions.all()
    assert sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions) == [
        "locations.make_live",
        "locations.preview_route",
        "locations.sync_route",
        "locations.view_decision",
        "locations.view_revision",
        "locations.view_stop",
        "locations.view_syncrun",
    ]


def test_the_organiser_is_staff_but_not_a_superuser(organiser):
    assert organiser.is_staff and not organiser.is_superuser
    assert organiser.has_perm("locations.make_live")
    assert not organiser.has_perm("locations.change_revision")


def test_revision_list_shows_status_stop_count_and_warnings(organiser_client, two_revisions):
    response = organiser_client.get(reverse("admin:locations_revision_changelist"))
    assert response.status_code == 200
    rows = {revision.number: revision for revision in response.context["cl"].result_list}
    assert (rows[1].stop_count, rows[1].is_live, rows[1].warning_count) == (5, False, 0)
    assert (rows[2].stop_count, rows[2].is_live, rows[2].warning_count) == (5, True, 1)
    assert reverse("admin:locations_revision_sync") in response.text
    assert "Santa tracker" in response.text


def test_revision_list_costs_the_same_queries_for_more_revisions(organiser_client, small_route):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            organiser_client.get(reverse("admin:locations_revision_changelist"))
        return len(queries)

    publish_table(route_table(small_route), "test")
    with_one = queries_for_list()
    for hour in (3, 4, 5):
        small_route[4][5] = f"2026-12-25T0{hour}:00:00Z"
        publish_table(route_table(small_route), "test")
    assert queries_for_list() == with_one


def test_revision_page_shows_its_findings_linked_to_the_sheet_cell(organiser_client, two_revisions):
    _, second = two_revisions
    response = organiser_client.get(reverse("admin:locations_revision_change", args=[second.pk]))
    assert response.status_code == 200
    warnings = response.context["findings"]["warnings"]
    assert [(w["row"], w["code"]) for w in warnings] == [(4, "country_alias")]
    # Column C ("country") when the revision stored its header row, otherwise the row's first cell.
    assert warnings[0]["link"] in (f"{SHEET}/edit#gid=1234&range=C4", f"{SHEET}/edit#gid=1234&range=A4")
    assert warnings[0]["link"].replace("&", "&amp;") in response.text


def test_revision_page_shows_the_diff_from_what_viewers_see_now(organiser_client, two_revisions):
    first, second = two_revisions
    response = organiser_client.get(reverse("admin:locations_revision_change", args=[first.pk]))
    diff = response.context["diff"]
    assert (diff.old_number, diff.new_number) == (2, 1)
    assert [(change.kind.value, change.stop.city, change.visible) for change in diff.changes] == [
        ("retimed", "Auckland", True),
        ("added", "Kathmandu", False),
        ("removed", "Windsor", False),
    ]
    live_link = f'<a href="/admin/locations/revision/{second.pk}/change/">'
    assert f"Changes from what viewers see now, {live_link}" in response.text
    assert "1 change touches stops viewers can already see" in response.text
    assert response.text.count('<tr class="route-diff-visible">') == 1
    # When each change would reach viewers: a seen stop within seconds, a stop not yet due at its hop.
    assert "from the hop at 15:15:00 UTC" in response.text
    assert "already visible: changes within" in response.text


def test_the_live_revision_page_says_it_is_what_viewers_see(organiser_client, small_route):
    first = publish_table(route_table(small_route), "test").revision
    response = organiser_client.get(reverse("admin:locations_revision_change", args=[first.pk]))
    assert "diff" not in response.context
    assert "Changes: none, this is what viewers see now" in response.text
    assert "The sheet decides: Revision 1 is live and is the sheet&#x27;s revision." in response.text


def test_revision_fields_cannot_be_changed(organiser_client, two_revisions):
    first, _ = two_revisions
    url = reverse("admin:locations_revision_change", args=[first.pk])
    assert organiser_client.post(url, {"source": "elsewhere.csv"}).status_code == 403
    first.refresh_from_db()
    assert first.source == "test.csv"


def test_nobody_can_delete_a_revision_and_no_page_offers_to(admin_client, organiser_client, two_revisions):
    first, second = two_revisions
    for revision in (first, second):
        assert admin_client.get(reverse("admin:locations_revision_delete", args=[revision.pk])).status_code == 403
        assert organiser_client.get(reverse("admin:locations_revision_delete", args=[revision.pk])).status_code == 403
        page = admin_client.get(reverse("admin:locations_revision_change", args=[revision.pk])).content.decode()
        assert reverse("admin:locations_revision_delete", args=[revision.pk]) not in page


def test_sync_now_asks_for_confirmation_and_a_get_changes_nothing(organiser_client, route_csv):
    response = organiser_client.get(reverse("admin:locations_revision_sync"))
    assert response.status_code == 200
    assert str(route_csv) in response.text
    assert 'method="post"' in response.text
    assert "csrfmiddlewaretoken" in response.text
    assert not Revision.objects.exists()
    assert not SyncRun.objects.exists()


def test_sync_now_publishes_the_configured_route(organiser_client, route_csv):
    response = organiser_client.post(reverse("admin:locations_revision_sync"))
    assert response.status_code == 302
    live = live_revision()
    assert (live.number, live.stops.count(), live.synced_by) == (1, 5, "admin:mrs-claus")
    [message] = message_texts(response)
    assert "Revision 1 with 5 stops is live." in message
    assert reverse("admin:locations_revision_change", args=[live.pk]) in message
    assert message.endswith(">Review revision 1</a>.")  # not "Review revision Revision 1"


def test_sync_now_of_an_unchanged_route_says_so(organiser_client, route_csv):
    organiser_client.post(reverse("admin:locations_revision_sync"))
    response = organiser_client.post(reverse("admin:locations_revision_sync"))
    assert message_texts(response)[-1] == (
        "The sheet is unchanged. The sheet decides: Revision 1 is live and is the sheet's revision."
    )
    assert Revision.objects.count() == 1


def test_sync_now_of_a_sheet_with_errors_leaves_the_live_route_and_links_the_run(
    organiser_client, route_csv, small_route
):
    organiser_client.post(reverse("admin:locations_revision_sync"))
    small_route[4][2] = "US"
    write_csv(route_csv, small_route)

    response = organiser_client.post(reverse("admin:locations_revision_sync"))

    live = live_revision()
    assert live.number == 1
    assert live.stops.get(city="Toronto").country == "CA"
    run = SyncRun.objects.get(outcome=SyncRun.Outcome.INVALID)
    assert message_levels(response)[-1] == "error"
    message = message_texts(response)[-1]
    assert "The sheet has 1 error, so nothing was published; the live route is unchanged." in message
    assert reverse("admin:locations_syncrun_change", args=[run.pk]) in message


def test_sync_now_of_a_missing_source_reports_the_failure(organiser_client, route_csv):
    route_csv.unlink()
    response = organiser_client.post(reverse("admin:locations_revision_sync"))
    assert "The sync failed: There is no file at" in message_texts(response)[-1]
    assert not Revision.objects.exists()


def test_sync_run_page_lists_the_errors_with_row_column_and_code(organiser_client, route_csv, small_route):
    small_route[4][2] = "US"
    write_csv(route_csv, small_route)
    organiser_client.post(reverse("admin:locations_revision_sync"))
    run = SyncRun.objects.get()

    listing = organiser_client.get(reverse("admin:locations_syncrun_changelist"), {"outcome": "invalid"})
    page = organiser_client.get(reverse("admin:locations_syncrun_change", args=[run.pk]))

    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [run]
    assert page.status_code == 200
    assert [(e["row"], e["column"], e["code"]) for e in page.context["findings"]["errors"]] == [
        (6, "country", "country_mismatch")
    ]
    assert "lie in America/Toronto" in page.text


def test_make_live_confirmation_shows_what_viewers_would_see_and_changes_nothing(organiser_client, two_revisions):
    first, second = two_revisions
    response = organiser_client.get(reverse("admin:locations_revision_make_live", args=[first.pk]))
    assert response.status_code == 200
    diff = response.context["diff"]
    assert (diff.old_number, diff.new_number) == (2, 1)
    assert [(change.kind.value, change.stop.city, change.visible) for change in diff.changes] == [
        ("retimed", "Auckland", True),
        ("added", "Kathmandu", False),
        ("removed", "Windsor", False),
    ]
    assert "csrfmiddlewaretoken" in response.text
    assert live_revision() == second


def test_make_live_rolls_back_to_an_older_revision(organiser_client, two_revisions):
    first, second = two_revisions
    response = organiser_client.post(reverse("admin:locations_revision_make_live", args=[first.pk]))
    assert response.status_code == 302
    assert live_revision() == first
    [message] = message_texts(response)
    assert message.startswith("Revision 1 is live. Compared with Revision 2, which viewers saw until now: ")
    # Auckland, already shown, is retimed: every open map shows it within two cache caps and a check.
    assert "Viewers see it within 121 s." in message
    assert "An organiser decides: Revision 1 is live, pinned by admin:mrs-claus since" in message
    second.refresh_from_db()
    assert not second.is_live


def test_the_revision_page_offers_make_live_only_when_it_is_not_live(organiser_client, two_revisions):
    first, second = two_revisions
    make_live_url = reverse("admin:locations_revision_make_live", args=[first.pk])
    assert make_live_url in organiser_client.get(reverse("admin:locations_revision_change", args=[first.pk])).text
    live_page = organiser_client.get(reverse("admin:locations_revision_change", args=[second.pk])).text
    assert reverse("admin:locations_revision_make_live", args=[second.pk]) not in live_page


def test_stop_list_shows_the_live_revision_by_default(organiser_client, two_revisions):
    response = organiser_client.get(reverse("admin:locations_stop_changelist"))
    assert response.status_code == 200
    stops = list(response.context["cl"].result_list)
    assert [stop.city for stop in stops] == ["Kiritimati", "Auckland", "Sydney", "Toronto", "Windsor"]
    assert "2026-12-24 21:00:00 EST" in response.text  # Toronto's local arrival
    assert "secret note" not in response.text


def test_stop_list_can_show_another_revision_and_search_and_filter(organiser_client, two_revisions):
    url = reverse("admin:locations_stop_changelist")
    older = organiser_client.get(url, {"revision": "1"})
    searched = organiser_client.get(url, {"q": "toronto"})
    by_country = organiser_client.get(url, {"country": "CA"})
    by_zone = organiser_client.get(url, {"timezone": "Asia/Kathmandu", "revision": "1"})

    assert "Kathmandu" in [stop.city for stop in older.context["cl"].result_list]
    assert [stop.city for stop in searched.context["cl"].result_list] == ["Toronto"]
    assert [stop.city for stop in by_country.context["cl"].result_list] == ["Toronto", "Windsor"]
    assert [stop.city for stop in by_zone.context["cl"].result_list] == ["Kathmandu"]


def test_stop_page_shows_private_notes_to_organisers(organiser_client, two_revisions):
    _, second = two_revisions
    toronto = second.stops.get(city="Toronto")
    response = organiser_client.get(reverse("admin:locations_stop_change", args=[toronto.pk]))
    assert response.status_code == 200
    assert "secret note" in response.text


@pytest.mark.parametrize(
    "name, args",
    [
        ("admin:locations_revision_changelist", []),
        ("admin:locations_revision_sync", []),
        ("admin:locations_syncrun_changelist", []),
        ("admin:locations_stop_changelist", []),
    ],
)
def test_staff_outside_the_organisers_group_are_refused(outsider_client, two_revisions, name, args):
    assert outsider_client.get(reverse(name, args=args)).status_code == 403


def test_staff_outside_the_organisers_group_cannot_see_revisions_sync_or_roll_back(
    outsider_client, two_revisions, route_csv
):
    first, second = two_revisions
    assert outsider_client.get(reverse("admin:locations_revision_change", args=[second.pk])).status_code == 403
    assert outsider_client.get(reverse("admin:locations_revision_make_live", args=[first.pk])).status_code == 403
    assert outsider_client.post(reverse("admin:locations_revision_make_live", args=[first.pk])).status_code == 403
    assert outsider_client.post(reverse("admin:locations_revision_sync")).status_code == 403
    assert live_revision() == second
    assert Revision.objects.count() == 2


def test_signed_out_visitors_are_sent_to_the_login_page(client, two_revisions):
    response = client.get(reverse("admin:locations_revision_sync"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_revisions_say_live_or_held_in_words_and_never_show_a_red_mark(organiser_client, two_revisions, small_route):
    held = publish_table(route_table(small_route[:1]), "test").revision
    assert held.is_sheet and not held.is_live
    response = organiser_client.get(reverse("admin:locations_revision_changelist"))
    cells = {number: response.text.split(f">{number}</a></th>")[1].split("</tr>")[0] for number in (1, 2, held.number)}
    assert '<td class="field-state">live</td>' in cells[2]
    assert '<td class="field-state">held</td>' in cells[held.number]
    assert '<td class="field-state">not live</td>' in cells[1]  # said, never a blank
    assert "icon-no" not in response.text


def test_the_revision_page_charts_every_stop_against_the_deadline_with_a_table(organiser_client, two_revisions):
    first, _second = two_revisions
    response = organiser_client.get(reverse("admin:locations_revision_change", args=[first.pk]))
    assert response.status_code == 200
    assert '<svg class="margin-chart"' in response.text and 'role="img"' in response.text
    assert "Every stop arrives at least 10 minutes before the deadline." in response.text
    assert "Every stop's margin (5)" in response.text
    assert "style=" not in response.text.split('<svg class="margin-chart"')[1].split("</svg>")[0]
    assert f'href="/admin/route-preview/?revision={first.number}"' in response.text


def test_stops_are_numbered_from_one_with_their_sheet_row_and_say_whether_viewers_see_them(
    organiser_client, two_revisions
):
    response = organiser_client.get(reverse("admin:locations_stop_changelist"))
    rows = response.text.split("<tbody>")[1].split("</tr>")
    # Route time 09:00: Kiritimati (06:00) and Auckland (08:30 in revision 2) are due, Sydney is not.
    assert '<th class="field-number"><a href="' in rows[0] and ">1</a>" in rows[0]
    assert '<td class="field-row">2</td>' in rows[0] and '<td class="field-visible_now">visible</td>' in rows[0]
    assert ">2</a>" in rows[1] and '<td class="field-visible_now">visible</td>' in rows[1]
    assert ">3</a>" in rows[2] and '<td class="field-visible_now">not yet</td>' in rows[2]


@pytest.mark.parametrize(
    ("typed", "cities"),
    [
        ("New Zealand", ["Auckland"]),
        ("nz", ["Auckland"]),
        ("Narnia", []),
        ("'; DROP TABLE x; --", []),
        ("", ["Kiritimati", "Auckland", "Sydney", "Toronto", "Windsor"]),
    ],
)
def test_the_country_filter_is_typed_and_a_bad_value_matches_nothing(organiser_client, two_revisions, typed, cities):
    response = organiser_client.get(reverse("admin:locations_stop_changelist"), {"country": typed})
    assert response.status_code == 200
    assert [stop.city for stop in response.context["cl"].result_list] == cities
    assert 'type="search" id="typed-filter-country"' in response.text
    country_filter = response.text.split('data-filter-title="country"')[1].split("</details>")[0]
    assert "<li" not in country_filter, "no list of 250 country links"


def test_the_typed_filter_keeps_the_other_filters(organiser_client, two_revisions):
    response = organiser_client.get(reverse("admin:locations_stop_changelist"), {"revision": "1", "q": "a"})
    form = response.text.split('class="typed-filter"')[1].split("</form>")[0]
    assert '<input type="hidden" name="revision" value="1">' in form
    assert '<input type="hidden" name="q" value="a">' in form


def test_a_held_revision_shows_its_own_margin_chart(organiser_client, two_revisions, small_route):
    held = publish_table(route_table(small_route[:1]), "test").revision
    response = organiser_client.get(reverse("admin:locations_revision_change", args=[held.pk]))
    assert '<svg class="margin-chart"' in response.text
    assert "Every stop's margin (1)" in response.text
    assert [margin.place for margin in response.context["margins"]] == ["Kiritimati, Line Islands, KI"]


def test_added_stops_that_are_due_are_said_to_appear_at_once(organiser_client, small_route, settings):
    # The route clock after the night (a frozen rehearsal): every stop of the sheet is due.
    after = dt.datetime(2026, 12, 26, 12, tzinfo=dt.UTC)
    settings.TRACKER_CLOCK = Rehearsal(start=after, anchor=after, speed=0.0)
    first = publish_table(route_table(small_route[:3]), "test").revision
    whole = publish_table(route_table(small_route), "test").revision
    pin(first, "test", allow_rewind=True)  # rolled back: the whole route waits, held

    response = organiser_client.get(reverse("admin:locations_revision_change", args=[whole.pk]))

    assert "Added: 2 (2 would appear at once)" in response.text
    # Already due: every open map shows them within two cache caps and a check (locations.live).
    assert response.text.count(f"<strong>appears within {viewer_delay_seconds()} s</strong>") == 2
    assert "already visible" not in response.text
