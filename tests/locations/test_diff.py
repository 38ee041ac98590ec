import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lib.great_circle import distance_km
from locations.clock import Rehearsal, route_now
from locations.control import change_counts
from locations.diff import MOVE_TOLERANCE_KM, ChangeKind, Rewind, StopState, diff_revisions
from locations.models import Revision, Stop

ZONES = {
    "Kiritimati": "Pacific/Kiritimati",
    "Auckland": "Pacific/Auckland",
    "Sydney": "Australia/Sydney",
    "Kathmandu": "Asia/Kathmandu",
    "Toronto": "America/Toronto",
    "Windsor": "America/Toronto",
}


def stored_revision(number: int, rows: list[list[str]], live: bool = False) -> Revision:
    """A revision as it sits in the database, built directly so that a pre-check mistake can be stored too."""
    revision = Revision.objects.create(
        number=number,
        source="route.csv",
        source_kind="csv",
        checksum=f"{number:064d}",
        synced_by="test",
        night=dt.date(2026, 12, 24),
        deadline="22:00",
        is_live=live,
    )
    Stop.objects.bulk_create(
        Stop(
            revision=revision,
            index=index,
            row=index + 2,
            city=city,
            region=region,
            country=country,
            latitude=float(lat),
            longitude=float(lng),
            arrival=dt.datetime.fromisoformat(arrival),
            timezone=ZONES.get(city, "UTC"),
            presents=int(presents) if presents else None,
            fact=fact,
            notes=notes,
        )
        for index, (city, region, country, lat, lng, arrival, presents, fact, notes) in enumerate(rows)
    )
    return revision


def frozen_at(moment: str) -> Rehearsal:
    """A route clock stopped at one instant."""
    instant = dt.datetime.fromisoformat(moment)
    return Rehearsal(start=instant, anchor=instant, speed=0.0)


def kinds(diff) -> list[tuple[str, str]]:
    return [(change.kind.value, change.stop.city) for change in diff.changes]


@pytest.mark.django_db
def test_toronto_fixed_from_us_to_ca_is_a_country_change_not_a_removal_and_an_addition(small_route):
    small_route[4][2] = "US"
    old = stored_revision(1, small_route)
    small_route[4][2] = "CA"
    new = stored_revision(2, small_route)

    diff = diff_revisions(old, new, route_now())

    assert kinds(diff) == [("country changed", "Toronto")]
    change = diff.changes[0]
    assert (change.old.country, change.new.country) == ("US", "CA")
    assert change.summary == "United States (US) → Canada (CA)"
    assert diff.unchanged == 4


@pytest.mark.django_db
def test_sydney_moved_from_canberra_reports_the_distance(small_route):
    small_route[2][3:5] = ["-35.2809", "149.1300"]  # Canberra's coordinates typed on Sydney's row
    old = stored_revision(1, small_route)
    small_route[2][3:5] = ["-33.8688", "151.2093"]
    new = stored_revision(2, small_route)

    diff = diff_revisions(old, new, route_now())

    assert kinds(diff) == [("moved", "Sydney")]
    assert diff.changes[0].distance_km == pytest.approx(247, abs=3)
    assert "moved 24" in diff.changes[0].summary


@pytest.mark.django_db
def test_a_coordinate_change_within_the_tolerance_is_not_a_move(small_route):
    old = stored_revision(1, small_route)
    small_route[1][3] = "-36.8480"  # Auckland nudged by about 55 metres
    new = stored_revision(2, small_route)

    assert distance_km(-36.8485, 174.7633, -36.8480, 174.7633) < MOVE_TOLERANCE_KM
    assert diff_revisions(old, new, route_now()).is_empty


@pytest.mark.django_db
def test_a_retimed_stop_reports_its_old_and_new_arrival(small_route):
    old = stored_revision(1, small_route)
    small_route[3][5] = "2026-12-24T15:45:00Z"
    new = stored_revision(2, small_route)

    diff = diff_revisions(old, new, route_now())

    assert kinds(diff) == [("retimed", "Kathmandu")]
    change = diff.changes[0]
    assert change.old.arrival == dt.datetime(2026, 12, 24, 15, 15, tzinfo=dt.UTC)
    assert change.new.arrival == dt.datetime(2026, 12, 24, 15, 45, tzinfo=dt.UTC)
    assert change.summary == "arrival 2026-12-24 15:15:00 UTC → 2026-12-24 15:45:00 UTC (+30 min)"


@pytest.mark.django_db
def test_added_and_removed_stops_are_reported_with_moves_and_retimes_in_route_order(small_route):
    old = stored_revision(1, small_route)
    kathmandu = small_route.pop(3)
    small_route.append(["Windsor", "Ontario", "CA", "42.3149", "-83.0364", "2026-12-25T02:30:00Z", "", "", ""])
    small_route[1][5] = "2026-12-24T08:30:00Z"
    new = stored_revision(2, small_route)

    diff = diff_revisions(old, new, route_now())

    assert kinds(diff) == [("retimed", "Auckland"), ("removed", "Kathmandu"), ("added", "Windsor")]
    assert diff.counts[ChangeKind.ADDED] == diff.counts[ChangeKind.REMOVED] == 1
    assert diff.of_kind(ChangeKind.REMOVED)[0].old.latitude == float(kathmandu[3])


@pytest.mark.django_db
def test_the_first_revision_is_all_additions(small_route):
    diff = diff_revisions(None, stored_revision(1, small_route), route_now())
    assert diff.old_number is None
    assert [kind for kind, _ in kinds(diff)] == ["added"] * 5


@pytest.mark.django_db
def test_duplicate_city_names_pair_by_region_before_route_order():
    springfields = [
        ["Springfield", "Illinois", "US", "39.7817", "-89.6501", "2026-12-25T03:00:00Z", "", "", ""],
        ["Springfield", "Massachusetts", "US", "42.1015", "-72.5898", "2026-12-25T04:00:00Z", "", "", ""],
        ["Springfield", "Missouri", "US", "37.2090", "-93.2923", "2026-12-25T05:00:00Z", "", "", ""],
    ]
    old = stored_revision(1, springfields)
    new = stored_revision(2, [springfields[0], springfields[2]])

    diff = diff_revisions(old, new, route_now())

    assert [(change.kind.value, change.stop.region) for change in diff.changes] == [("removed", "Massachusetts")]


@pytest.mark.django_db
def test_a_namesake_far_away_in_another_country_without_a_region_is_a_different_stop():
    london_uk = ["London", "", "GB", "51.5072", "-0.1276", "2026-12-24T22:00:00Z", "", "", ""]
    london_ontario = ["London", "", "CA", "42.9849", "-81.2453", "2026-12-24T22:00:00Z", "", "", ""]
    diff = diff_revisions(stored_revision(1, [london_uk]), stored_revision(2, [london_ontario]), route_now())
    assert sorted(kinds(diff)) == [("added", "London"), ("removed", "London")]


@pytest.mark.django_db
def test_changes_touch_visible_stops_when_the_old_or_the_new_version_is_already_due(settings, small_route):
    settings.TRACKER_CLOCK = frozen_at("2026-12-24T09:00:00Z")  # Kiritimati and Auckland are due
    old = stored_revision(1, small_route)
    small_route[1][5] = "2026-12-24T09:30:00Z"  # Auckland was due, now is not: viewers saw it
    small_route[3][5] = "2026-12-24T08:50:00Z"  # Kathmandu was not due, now is
    small_route[4][3] = "43.7000"  # Toronto, moved about 5 km, not due either way
    small_route.pop(0)  # Kiritimati, due: viewers saw it, and will see it vanish
    small_route.append(["Windsor", "Ontario", "CA", "42.3149", "-83.0364", "2026-12-25T02:30:00Z", "", "", ""])
    new = stored_revision(2, small_route)

    diff = diff_revisions(old, new, route_now())

    assert diff.now == dt.datetime(2026, 12, 24, 9, tzinfo=dt.UTC)
    visibility = {(change.kind.value, change.stop.city): change.visible for change in diff.changes}
    assert visibility == {
        ("removed", "Kiritimati"): True,
        ("retimed", "Auckland"): True,
        ("retimed", "Kathmandu"): True,
        ("moved", "Toronto"): False,
        ("added", "Windsor"): False,
    }
    assert {change.stop.city for change in diff.visible} == {"Kiritimati", "Auckland", "Kathmandu"}


@pytest.mark.django_db
def test_nothing_is_visible_before_take_off(settings, small_route):
    settings.TRACKER_CLOCK = frozen_at("2026-12-23T12:00:00Z")
    old = stored_revision(1, small_route)
    small_route[0][2] = "US"
    diff = diff_revisions(old, stored_revision(2, small_route), route_now())
    assert [change.visible for change in diff.changes] == [False]


@pytest.mark.django_db
def test_a_ten_thousand_stop_diff_takes_two_queries_and_finds_the_one_change():
    start = dt.datetime(2026, 12, 24, 6, tzinfo=dt.UTC)
    rows = [
        [f"Place {i}", "", "NZ", "-36.8", "174.7", (start + dt.timedelta(seconds=6 * i)).isoformat(), "", "", ""]
        for i in range(10_000)
    ]
    old = stored_revision(1, rows)
    rows[7_000][5] = (start + dt.timedelta(seconds=6 * 7_000 + 3)).isoformat()
    new = stored_revision(2, rows)

    with CaptureQueriesContext(connection) as queries:
        diff = diff_revisions(old, new, now=start)

    assert len(queries) == 2
    assert kinds(diff) == [("retimed", "Place 7000")]
    assert diff.unchanged == 9_999


@pytest.mark.django_db
def test_a_renamed_stop_and_a_changed_fact_or_count_are_each_named_with_whether_viewers_saw_it():
    kiritimati = ["Kiritimati", "Line Islands", "KI", "1.98487", "-157.47502", "2026-12-24T04:00:00+00:00"]
    toronto = ["Toronto", "Ontario", "CA", "43.6532", "-79.3832", "2026-12-25T02:10:00+00:00"]
    old = stored_revision(1, [[*kiritimati, "370", "A coral atoll.", ""], [*toronto, "1100000", "", ""]])
    fixed_toronto = ["Toronto-Centre", *toronto[1:]]
    new = stored_revision(
        2, [[*kiritimati, "400", "The first place to see Christmas Eve.", ""], [*fixed_toronto, "1100000", "", ""]]
    )

    diff = diff_revisions(old, new, dt.datetime(2026, 12, 24, 12, tzinfo=dt.UTC))

    assert [(change.kind, change.stop.city, change.visible) for change in diff.changes] == [
        (ChangeKind.DETAILS_CHANGED, "Kiritimati", True),
        (ChangeKind.RENAMED, "Toronto-Centre", False),
    ]
    assert diff.changes[0].summary == "presents 370 → 400; fact changed"
    assert diff.changes[1].summary == "named 'Toronto' → 'Toronto-Centre'"
    assert diff.counts[ChangeKind.ADDED] == diff.counts[ChangeKind.REMOVED] == 0


@pytest.mark.parametrize(
    ("lost", "words"),
    [
        (1, "1 stop viewers have seen would disappear: Apia (WS)."),
        (2, "2 stops viewers have seen would disappear: Apia (WS), Apia (WS)."),
    ],
)
def test_the_rewind_summary_counts_lost_stops_in_words_that_agree(lost, words):
    at = dt.datetime(2026, 12, 24, 6, tzinfo=dt.UTC)
    apia = StopState(0, 2, "Apia", "", "WS", -13.83, -171.77, at)
    summary = Rewind(due_before=lost, due_after=lost, lost=(apia,) * lost, reordered=False).summary()

    assert summary == words


@pytest.mark.django_db
def test_the_counts_say_one_stop_with_new_details_and_agree_with_their_nouns(small_route):
    old = stored_revision(1, small_route)
    small_route[0][6] = "1"  # Kiritimati's presents
    small_route[4][2] = "US"
    new = stored_revision(2, small_route)

    assert change_counts(diff_revisions(old, new, route_now())) == "1 country changed, 1 with new details"
