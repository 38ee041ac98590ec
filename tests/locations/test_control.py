"""Who decides what is live, walked as an organiser would: every page and message tells one story at every step."""

import html
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from locations.models import Decision, Revision, SyncRun
from tests.conftest import ROUTE_HEADER

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static_files", "mid_night")]

STATE_CELL = re.compile(
    r'<th class="field-number"><a [^>]*>(\d+)</a></th>.*?<td class="field-state">([^<]*)</td>', re.S
)


@pytest.fixture
def sheet(tmp_path, small_route):
    """The organisers' sheet as a CSV file, and a way to save new rows into it."""

    class Sheet:
        path = tmp_path / "route.csv"
        rows = [list(row) for row in small_route]

        def save(self) -> None:
            lines = [",".join(row) for row in [ROUTE_HEADER, *self.rows]]
            self.path.write_text("\n".join(lines) + "\n", encoding="utf-8")

        def retime_toronto(self, utc: str) -> None:
            self.rows[4][5] = utc
            self.save()

    made = Sheet()
    made.save()
    return made


def text_of(response) -> str:
    """A page's words as the organiser reads them: no tags, entities decoded, spaces collapsed."""
    assert response.status_code == 200
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    return re.sub(r" ([,.;:)])", r"\1", words)


def run(*args: str) -> str:
    """A command's whole output as the organiser reads it in the terminal; a failing one's message too."""
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=out)
    except CommandError as error:
        out.write(f"CommandError: {error}")
    return " ".join(out.getvalue().split())


def organiser_sees(client) -> dict:
    """Every page an organiser checks, read once, with the checks that they agree among themselves."""
    night = text_of(client.get("/admin/night/"))
    assert "Who decides what is live:" in night
    listing = client.get(reverse("admin:locations_revision_changelist"))
    states = {int(number): state for number, state in STATE_CELL.findall(listing.content.decode())}
    runs = client.get(reverse("admin:locations_syncrun_changelist"))
    latest_run = runs.context["cl"].result_list[0]
    live = Revision.objects.get(is_live=True)
    live_page = text_of(client.get(reverse("admin:locations_revision_change", args=[live.pk])))
    night_html = client.get("/admin/night/").content.decode()
    story = html.unescape(re.search(r'<p class="night-story">(.*?)</p>', night_html, re.S)[1])
    seen = {"night": night, "states": states, "story": story, "live_page": live_page, "run": latest_run}

    # One live revision, in the list's words, on the night page and on its own page.
    [live_number] = [number for number, state in states.items() if state.startswith("live")]
    assert live_number == live.number
    assert f"Revision {live.number} is live (" in night
    pinned = states[live.number] == "live, pinned"
    assert pinned == story.startswith("An organiser decides:")
    # The same story word for word on the night page, the revision list and the live revision's page.
    assert story in text_of(listing) and story in live_page
    # Held: the list and the night page name the same revision, or none; its page says why, with the diff from live.
    held = [number for number, state in states.items() if state == "held"]
    assert len(held) <= 1
    if held:
        assert f"Held: Revision {held[0]}, the sheet's revision" in night
        assert f"Revision {held[0]}" in story
        held_page = text_of(
            client.get(reverse("admin:locations_revision_change", args=[Revision.objects.get(number=held[0]).pk]))
        )
        assert f"Revision {held[0]} is held: " in held_page
        assert f"Changes from what viewers see now, Revision {live.number}" in held_page
        seen["held_page"] = held_page
    else:
        assert "Held:" not in night
    # The latest sync run is the one the night page quotes, with any decision since named after it.
    assert latest_run.message in night
    assert latest_run.message in text_of(runs)
    decision = Decision.objects.first()
    if decision is not None and decision.at > latest_run.finished:
        assert f"Since that sync, {decision.at:%H:%M:%S} UTC, {decision.by}" in night
    else:
        assert "Since that sync" not in night
    return seen


def test_rollback_sync_make_live_sync_and_release_tell_one_story(client, organiser, sheet):
    client.force_login(organiser)

    # The sheet syncs: revision 1, then a retimed Toronto (not yet due) as revision 2.
    said = run("sync_route", str(sheet.path))
    assert said.startswith("published: Revision 1 with 5 stops is live.")
    sheet.retime_toronto("2026-12-25T02:10:00Z")
    said = run("sync_route", str(sheet.path))
    assert said.startswith("published: Revision 2 with 5 stops is live. Compared with Revision 1, which viewers saw")
    assert "1 retimed. Viewers see it from the hop at 02:00:00 UTC." in said
    seen = organiser_sees(client)
    assert seen["states"] == {2: "live", 1: "not live"}
    assert seen["story"] == "The sheet decides: Revision 2 is live and is the sheet's revision."
    assert said.endswith(seen["story"])
    assert "Changes: none, this is what viewers see now" in seen["live_page"]

    # An organiser rolls back to revision 1 in the admin: it is pinned, revision 2 (the sheet's) is held.
    page = client.get(reverse("admin:locations_revision_make_live", args=[Revision.objects.get(number=1).pk]))
    confirm = text_of(page)
    assert "This pins Revision 1." in confirm
    assert "Viewers will see Revision 1 instead of Revision 2, from the hop at 02:00:00 UTC." in confirm
    response = client.post(reverse("admin:locations_revision_make_live", args=[Revision.objects.get(number=1).pk]))
    told = text_of(client.get(response["Location"]))
    seen = organiser_sees(client)
    assert seen["states"] == {2: "held", 1: "live, pinned"}
    assert seen["story"].startswith("An organiser decides: Revision 1 is live, pinned by admin:mrs-claus since ")
    assert seen["story"].endswith("The sheet's revision, Revision 2, is held until the pin is released.")
    assert seen["story"] in told, "the message after the click tells the same story"
    assert "from the hop at 02:00:00 UTC" in told
    assert (
        "1 retimed" in seen["held_page"]
        and "Revision 2 is held: Revision 1 is pinned by admin:mrs-claus" in seen["held_page"]
    )

    # A sync of the unchanged sheet creates nothing and says so: no revision 3, nothing "added". It fails (exit
    # 1), as the sync that was held did: the sheet's revision still waits for the pin.
    said = run("sync_route", str(sheet.path))
    assert Revision.objects.count() == 2
    assert "added" not in said
    seen = organiser_sees(client)
    assert said == f"CommandError: unchanged: The sheet is unchanged. {seen['story']} {release_how()}"
    assert seen["run"].outcome == SyncRun.Outcome.UNCHANGED
    assert seen["states"] == {2: "held", 1: "live, pinned"}

    # Make the held revision live with the command: pinned too, and nothing is held any more.
    said = run("make_live", "2")
    seen = organiser_sees(client)
    assert seen["states"] == {2: "live, pinned", 1: "not live"}
    assert seen["story"].startswith("An organiser decides: Revision 2 is live, pinned by make_live since ")
    assert seen["story"].endswith("It matches the sheet; a change to the sheet will be held until the pin is released.")
    assert said.startswith("pinned: Revision 2 is live. Compared with Revision 1, which viewers saw until now: ")
    assert said.endswith(seen["story"])

    # Sync again: unchanged, the pin holds, the same words.
    said = run("sync_route", str(sheet.path))
    seen = organiser_sees(client)
    assert said == f"unchanged: The sheet is unchanged. {seen['story']}"
    assert Revision.objects.count() == 2

    # The sheet changes while pinned: revision 3 is stored held, and the command says so and fails.
    sheet.retime_toronto("2026-12-25T02:20:00Z")
    said = run("sync_route", str(sheet.path))
    assert said.startswith("CommandError: held: Revision 3 is held, not live: Revision 2 is pinned by make_live.")
    assert "Compared with what viewers see now (Revision 2): 1 retimed." in said
    seen = organiser_sees(client)
    assert seen["states"] == {3: "held", 2: "live, pinned", 1: "not live"}
    assert seen["run"].outcome == SyncRun.Outcome.HELD

    # Release in the admin: the sheet decides again and its revision goes live, with when viewers see it.
    confirm = text_of(client.get(reverse("admin:locations_revision_release")))
    assert (
        "viewers will see Revision 3, the sheet's revision, instead of Revision 2, from the hop at 02:10:00 UTC."
        in confirm
    )
    response = client.post(reverse("admin:locations_revision_release"))
    told = text_of(client.get(response["Location"]))
    seen = organiser_sees(client)
    assert seen["states"] == {3: "live", 2: "not live", 1: "not live"}
    assert seen["story"] == "The sheet decides: Revision 3 is live and is the sheet's revision."
    assert "Released by admin:mrs-claus. Revision 3 is live." in told
    assert "Viewers see it from the hop at 02:10:00 UTC." in told
    assert seen["story"] in told

    # Nothing left to release; a last sync agrees.
    assert run("release_route") == f"unchanged: Nothing to release. {seen['story']}"
    said = run("sync_route", str(sheet.path))
    assert said == f"unchanged: The sheet is unchanged. {organiser_sees(client)['story']}"
    assert Revision.objects.count() == 3


def release_how() -> str:
    from locations.control import RELEASE_HOW

    return RELEASE_HOW


def test_a_sheet_undone_to_the_pinned_rows_matches_the_pinned_revision(client, organiser, sheet):
    run("sync_route", str(sheet.path))
    sheet.retime_toronto("2026-12-25T02:10:00Z")
    run("sync_route", str(sheet.path))
    run("make_live", "1")
    sheet.retime_toronto("2026-12-25T02:00:00Z")  # the organisers undo the change in the sheet too
    said = run("sync_route", str(sheet.path))
    assert said.startswith("unchanged: The sheet now matches Revision 1, which is live.")
    assert Revision.objects.count() == 2
    assert Revision.objects.get(is_sheet=True).number == 1
    client.force_login(organiser)
    assert organiser_sees(client)["states"] == {2: "not live", 1: "live, pinned"}


def test_a_rollback_that_takes_back_seen_stops_needs_allow_rewind_on_the_command_line(sheet):
    run("sync_route", str(sheet.path))
    sheet.rows[2:4] = []  # Sydney and Kathmandu, both shown, taken out
    sheet.save()
    assert "Revision 2 is held, not live: it would take back" in run("sync_route", str(sheet.path))
    said = run("release_route")
    assert said.startswith("CommandError: Making Revision 2 live would take back what viewers saw:")
    assert Revision.objects.get(is_live=True).number == 1
    assert run("release_route", "--allow-rewind").startswith("released: Released by release_route. Revision 2 is live.")
    assert Revision.objects.get(is_live=True).number == 2
