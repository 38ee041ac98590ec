"""The organisers' night page: Santa as viewers see him, the next hop, the syncer's heartbeat, held revisions."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from lib import every
from locations.clock import Rehearsal
from locations.models import SyncRun
from locations.sync import publish_table
from tests.conftest import ROUTE_HEADER, route_table
from tests.tracker.conftest import utc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static_files")]

URL = "/admin/night/"


class StopSyncing(Exception):
    """Ends the otherwise endless --every loop: the syncer process stops."""


@pytest.fixture
def route_clock(settings):
    """Route time 09:57 UTC on Christmas Eve: Kiritimati and Auckland are due, Sydney comes at 10:00."""
    at = utc("2026-12-24T09:57:00Z")
    settings.TRACKER_CLOCK = Rehearsal(start=at, anchor=at, speed=0.0)
    return at


@pytest.fixture
def route_csv(tmp_path, small_route):
    path = tmp_path / "route.csv"
    path.write_text("\n".join(",".join(row) for row in [ROUTE_HEADER, *small_route]) + "\n", encoding="utf-8")
    return path


def run_syncer(monkeypatch, time_machine, source, rounds: int) -> None:
    """Run `sync_route SOURCE --every 60` for ROUNDS rounds, wall time passing 60 s between them, then stop it."""
    done = []

    def between_rounds(seconds: float) -> None:
        done.append(seconds)
        if len(done) == rounds:
            raise StopSyncing
        time_machine.shift(dt.timedelta(seconds=seconds))

    monkeypatch.setattr(every, "sleep", between_rounds)
    with pytest.raises(StopSyncing):
        call_command("sync_route", str(source), "--every", "60")


def test_the_night_shows_santa_as_viewers_see_him_and_the_next_hop(client, organiser, small_route, route_clock):
    publish_table(route_table(small_route), "test")
    client.force_login(organiser)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "On his way: at stop 2 of 5." in content
    assert "Auckland, Auckland, New Zealand" in content
    assert "in 3 min" in content and "at 10:00:00 UTC: stop 3, Sydney, Australia." in content
    assert "arrived 21:00 local time (Pacific/Auckland)" in content
    assert "351,200 presents delivered" in content
    assert "No sync_route --every has run." in content
    assert "Kathmandu" not in content


def test_the_heartbeat_turns_red_when_the_syncer_stops(
    client, organiser, route_csv, route_clock, monkeypatch, time_machine
):
    time_machine.move_to(utc("2026-12-24T09:00:00Z"), tick=False)
    run_syncer(monkeypatch, time_machine, route_csv, rounds=3)
    assert list(SyncRun.objects.values_list("every_seconds", flat=True)) == [60.0, 60.0, 60.0]
    client.force_login(organiser)

    page = client.get(URL)
    assert page.context["heartbeat"].state == "alive"
    assert 'class="module night-card heartbeat heartbeat-alive"' in page.content.decode()
    assert "sync_route --every is alive" in page.content.decode()

    time_machine.shift(dt.timedelta(seconds=119))
    assert client.get(URL).context["heartbeat"].state == "alive", "one late round is not yet a stop"

    time_machine.shift(dt.timedelta(seconds=2))
    page = client.get(URL)
    assert page.context["heartbeat"].state == "stopped"
    content = page.content.decode()
    assert "heartbeat-stopped" in content and "sync_route --every has stopped" in content

    run_syncer(monkeypatch, time_machine, route_csv, rounds=1)
    assert client.get(URL).context["heartbeat"].state == "alive", "a restarted syncer is alive again"


def test_a_single_sync_is_no_heartbeat(client, organiser, route_csv, route_clock):
    call_command("sync_route", str(route_csv))
    client.force_login(organiser)
    page = client.get(URL)
    assert page.context["heartbeat"].state == "never"
    assert "Last sync:" in page.content.decode() and "by sync_route" in page.content.decode()


def test_held_revisions_and_warnings_wait_on_the_night_page(client, organiser, small_route, route_clock):
    rows = [list(row) for row in small_route]
    rows[2][2] = "AUS"  # a country_alias warning
    live = publish_table(route_table(rows), "test").revision
    held = publish_table(route_table(small_route[:1]), "test").revision
    assert held.is_sheet and not held.is_live
    client.force_login(organiser)
    content = client.get(URL).content.decode()
    assert "Who decides what is live: the sheet" in content
    assert f"The sheet decides, but its revision, Revision {held.number}, is held: it would take back" in content
    assert reverse("admin:locations_revision_change", args=[held.pk]) in content
    assert reverse("admin:locations_revision_release") in content
    assert "Warnings of the live revision: 1" in content and "country_alias" in content
    assert f'<a href="/admin/locations/revision/{live.pk}/change/">Revision {live.number}</a> is live' in content


def test_the_admin_home_links_the_night_first_for_organisers_only(client, organiser, elf):
    client.force_login(organiser)
    assert 'href="/admin/night/"' in client.get("/admin/").content.decode()
    client.force_login(elf)
    assert 'href="/admin/night/"' not in client.get("/admin/").content.decode()
    assert client.get(URL).status_code == 403


def test_the_night_page_is_never_cached(client, organiser):
    client.force_login(organiser)
    assert "no-store" in client.get(URL)["Cache-Control"]


def test_a_rehearsal_night_tells_route_time_from_the_real_time_that_dates_syncs(
    client, organiser, small_route, route_clock, time_machine
):
    time_machine.move_to(dt.datetime(2026, 12, 6, 8, 49, 30, tzinfo=dt.UTC), tick=False)
    publish_table(route_table(small_route), "test")
    client.force_login(organiser)
    content = " ".join(client.get(URL).content.decode().split())

    assert "Route time 2026-12-24 09:57:00 UTC <strong>(a rehearsal clock)</strong>." in content
    assert "The real time is 2026-12-06 08:49 UTC: syncs and revisions below are dated by it." in content


def test_a_rehearsal_night_gives_the_next_hop_in_real_time_as_the_map_counts_down(
    client, organiser, small_route, settings, time_machine
):
    wall = utc("2026-12-06T08:49:00Z")
    time_machine.move_to(wall, tick=False)
    # Ten route seconds a real second, at 09:57 route time: Sydney at 10:00 is 3 route minutes, 18 real seconds.
    settings.TRACKER_CLOCK = Rehearsal(start=utc("2026-12-24T09:57:00Z"), anchor=wall, speed=10.0)
    publish_table(route_table(small_route), "test")
    client.force_login(organiser)

    content = client.get(URL).content.decode()

    assert '<p class="night-big">in 3 min</p>' in content
    assert "That is route time. In real time, as the map counts down: in 18 s." in content
    assert "351,200 presents delivered by his latest stop (the map counts on" in content


def test_a_frozen_rehearsal_has_no_real_time_to_the_next_hop(client, organiser, small_route, route_clock):
    publish_table(route_table(small_route), "test")
    client.force_login(organiser)

    assert "In real time" not in client.get(URL).content.decode()
