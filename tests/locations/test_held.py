"""A sync never takes back what viewers have seen without a person saying so: such revisions are held."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from lib import every
from locations.live import forget_live_route
from locations.models import Revision, SyncRun
from locations.sync import publish_table
from tests.conftest import route_table

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static_files", "mid_night")]


def write_csv(path, rows, header="city,region,country,latitude,longitude,arrival,presents,fact,notes"):
    path.write_text(header + "\n" + "\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    return path


def viewers_now(client) -> dict:
    forget_live_route()
    return json.loads(client.get("/api/v1/now").content)


def retimed(row: list[str], utc_time: str) -> list[str]:
    """The row arriving at UTC_TIME (HH:MM) on Christmas Eve."""
    return [*row[:5], f"2026-12-24T{utc_time}:00Z", *row[6:]]


class StopSyncing(Exception):
    """Ends the otherwise endless --every loop in a test."""


def test_a_shorter_sheet_mid_night_is_held_under_every_and_viewers_see_no_change(
    tmp_path, small_route, client, monkeypatch, capsys
):
    source = write_csv(tmp_path / "route.csv", small_route)
    call_command("sync_route", str(source))
    before = viewers_now(client)
    assert (before["visited"], before["current"]["city"]) == (4, "Kathmandu")

    write_csv(source, small_route[:2])  # an organiser saves a half-finished sheet
    rounds = []

    def between_rounds(seconds: float) -> None:
        rounds.append(seconds)
        if len(rounds) == 3:
            raise StopSyncing

    monkeypatch.setattr(every, "sleep", between_rounds)
    with pytest.raises(StopSyncing):
        call_command("sync_route", str(source), "--every", "60")

    held = Revision.objects.get(number=2)
    assert (held.is_sheet, held.is_live) == (True, False)
    assert Revision.objects.get(is_live=True).number == 1
    assert Revision.objects.filter(number__gt=2).count() == 0, "the held revision is not published again"
    assert viewers_now(client) == before
    outcomes = list(SyncRun.objects.filter(source=str(source)).order_by("started").values_list("outcome", flat=True))
    assert outcomes[-3:] == ["held", "unchanged", "unchanged"]
    err = capsys.readouterr().err
    assert "Revision 2 is held, not live" in err
    assert "drop from 4 to 2" in err and "Sydney (AU), Kathmandu (NP)" in err


def test_the_organiser_sees_what_viewers_would_lose_and_makes_the_held_revision_live(small_route, client, organiser):
    publish_table(route_table(small_route), "test")
    result = publish_table(route_table(small_route[:2]), "test")
    assert result.outcome == SyncRun.Outcome.HELD
    client.force_login(organiser)
    url = reverse("admin:locations_revision_make_live", args=[result.revision.pk])

    page = client.get(url)
    text = page.content.decode()
    assert "This takes back what viewers have already seen." in text
    assert "Sydney, New South Wales (AU), sheet row 4" in text
    assert "Kathmandu, Bagmati (NP), sheet row 5" in text
    assert text.index('type="submit"') < text.index("What changes for viewers")
    assert text.count('value="Yes, make Revision 2 live"') == 1, "one set of buttons, at the top"

    client.post(url)
    assert Revision.objects.get(is_live=True).number == 2
    assert Revision.objects.get(number=2).is_live
    assert viewers_now(client)["visited"] == 2


def test_a_correction_that_keeps_seen_stops_goes_live_at_once(small_route, client):
    publish_table(route_table(small_route), "test")
    small_route[1][7] = "The City of Sails."  # a fact added to a stop viewers have seen
    small_route[2][3] = "-33.8690"  # Sydney nudged a few hundred metres
    small_route[3][5] = "2026-12-24T15:20:00Z"  # Kathmandu retimed, still due and still in order
    result = publish_table(route_table(small_route), "test")
    assert result.outcome == SyncRun.Outcome.PUBLISHED, result.message
    assert viewers_now(client)["current"]["city"] == "Kathmandu"


@pytest.mark.parametrize(
    ("change", "taken_back"),
    [
        # Auckland first (06:00Z is 7 pm there), then Kiritimati (07:30Z is 9:30 pm there): both still due.
        (lambda rows: [retimed(rows[1], "06:00"), retimed(rows[0], "07:30"), *rows[2:]], "another order"),
        (lambda rows: [*rows[:3], retimed(rows[3], "16:10"), rows[4]], "drop from 4 to 3"),
        (lambda rows: [rows[0], rows[2], rows[3], rows[4]], "Auckland (NZ)"),
    ],
    ids=["reordered", "retimed-into-the-future", "seen-stop-removed"],
)
def test_every_kind_of_taking_back_is_held(small_route, change, taken_back):
    publish_table(route_table(small_route), "test")
    rows = change([list(row) for row in small_route])
    result = publish_table(route_table(rows), "test")
    assert result.outcome == SyncRun.Outcome.HELD, result.message
    assert taken_back in result.message
    assert Revision.objects.get(is_live=True).number == 1


def test_allow_rewind_makes_a_shorter_sheet_live(tmp_path, small_route, client):
    source = write_csv(tmp_path / "route.csv", small_route)
    call_command("sync_route", str(source))
    write_csv(source, small_route[:2])
    with pytest.raises(CommandError, match="held, not live"):
        call_command("sync_route", str(source))
    # Still held the next time: the exit status says so again (1), not only the first time.
    with pytest.raises(CommandError, match=r"^unchanged: The sheet is unchanged\. .*held"):
        call_command("sync_route", str(source))
    write_csv(source, small_route[:3])
    call_command("sync_route", str(source), "--allow-rewind")
    assert viewers_now(client)["visited"] == 3
