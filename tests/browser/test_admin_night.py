"""The organisers' admin in Chromium at 1366x768 and 390x844: the night, a revision's chart, the staff map, a
held revision's confirmation; axe-core finds nothing, the strict CSP blocks nothing, and each page is pictured."""

import csv
import dataclasses
import datetime as dt
import io
import os
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from playwright.sync_api import expect

from locations.clock import Rehearsal
from locations.models import Revision, SyncRun
from locations.sync import sync_route

pytestmark = [pytest.mark.browser]

# Where the pictures go: docs/screenshots/ when TRACKER_SCREENSHOTS_DIR says so, otherwise a throwaway folder.
SCREENSHOTS_ENV = "TRACKER_SCREENSHOTS_DIR"
VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
# Half past noon UTC on Christmas Eve: Santa is over Asia, about a third of the sample route is visible.
ROUTE_TIME = dt.datetime(2026, 12, 24, 12, 30, tzinfo=dt.UTC)
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@dataclasses.dataclass
class Night:
    """The live sample route, a held revision that would take back stops, and the folder for pictures."""

    live: Revision
    held: Revision
    folder: Path


def restore_organisers_group() -> None:
    """Make the Organisers group with its own migration's code: a transactional test's flush removed it
    (see tests/letters/conftest.py, restore_elves_group, for why serialized_rollback cannot)."""
    loader = MigrationLoader(connection)
    key = ("locations", "0002_organisers_group")
    create_organisers = loader.get_migration(*key).operations[0].code
    create_organisers(loader.project_state(key).apps, SimpleNamespace(connection=connection))


@pytest.fixture
def night(sample_route, settings, tmp_path) -> Night:
    """Route clock frozen mid-night, a syncer heartbeat a moment ago, and a held half-length sheet."""
    settings.TRACKER_CLOCK = Rehearsal(start=ROUTE_TIME, anchor=ROUTE_TIME, speed=0.0)
    # The organisers' sheet, half saved: its first 40 rows of the sample's 370, synced by the --every loop.
    sample = settings.TRACKER_SAMPLE_ROUTE.read_text(encoding="utf-8").splitlines(keepends=True)
    half_saved = tmp_path / "half-saved.csv"
    half_saved.write_text("".join(sample[:41]), encoding="utf-8")
    held = sync_route(str(half_saved), synced_by="sync_route", every_seconds=60).revision
    assert held.is_sheet and not held.is_live
    restore_organisers_group()
    organiser = User.objects.create_user("holly", password="not-a-real-password", is_staff=True)
    organiser.groups.add(Group.objects.get(name="Organisers"))
    return Night(sample_route, held, Path(os.environ.get(SCREENSHOTS_ENV) or tmp_path))


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, site, night) -> Iterator[object]:
    """A signed-in organiser's page at one viewport, recording CSP violations and script errors."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    new_page = context.new_page()
    new_page.set_default_timeout(15_000)
    new_page.add_init_script(CSP_WATCH)
    new_page.errors = []
    new_page.on("pageerror", lambda error: new_page.errors.append(str(error)))
    new_page.viewport_name = request.param
    new_page.goto(f"{site}/admin/login/?next=/admin/")
    new_page.get_by_label("Username").fill("holly")
    new_page.get_by_label("Password").fill("not-a-real-password")
    new_page.get_by_role("button", name="Log in").click()
    new_page.get_by_role("link", name="The night on one page").wait_for()
    yield new_page
    context.close()


def check(page: object, folder: Path, name: str, top: object = None) -> None:
    """axe-core finds no violation, the CSP blocked nothing, no script failed; then the picture, from TOP."""
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()
    assert page.evaluate("window.__csp") == []
    assert page.errors == []
    if top is not None:
        top.evaluate("(element) => element.scrollIntoView({ block: 'start' })")
    page.screenshot(path=folder / f"admin-{name}-{page.viewport_name}.png")


def fits_the_width(page: object) -> bool:
    """Whether the page needs no sideways scrolling at its viewport."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_night_page(page, site, night):
    page.get_by_role("link", name="The night on one page").click()
    page.get_by_role("heading", name="Santa now, as viewers see him").wait_for()
    text = page.inner_text("#content-main")
    assert "sync_route --every is alive" in text
    assert "Who decides what is live: the sheet" in text
    assert f"The sheet decides, but its revision, Revision {night.held.number}, is held" in text
    assert f"Held: Revision {night.held.number}, the sheet's revision" in text
    assert fits_the_width(page)
    check(page, night.folder, "night")


def test_a_revision_with_its_margin_chart(page, site, night):
    page.goto(f"{site}/admin/locations/revision/{night.live.pk}/change/")
    chart = page.get_by_role("img", name="Margin before the deadline")
    chart.scroll_into_view_if_needed()
    assert chart.bounding_box()["width"] <= VIEWPORTS[page.viewport_name]["width"]
    page.get_by_text("Every stop's margin (370)").click()
    check(page, night.folder, "revision", top=page.locator("#margin-heading"))


def test_the_revisions_list_fits_the_screen(page, site, night):
    page.goto(f"{site}/admin/locations/revision/")
    assert page.locator("td.field-state", has_text="held").count() == 1
    assert f"its revision, Revision {night.held.number}, is held" in page.locator(".route-story").inner_text()
    if page.viewport_name == "desktop":
        assert fits_the_width(page)
    check(page, night.folder, "revision-list")


def test_the_staff_map_answers_the_slider_with_what_viewers_see(page, site, night):
    page.goto(f"{site}/admin/locations/revision/{night.live.pk}/change/")
    page.get_by_role("link", name="Staff map").click()
    answer = page.locator("#staff-map-answer")
    # The page draws every stop, the future included; the seen ones are exactly what /api/v1/now counts.
    expect(page.locator(".staff-stop")).to_have_count(370)
    public_now = page.evaluate("fetch('/api/v1/now').then((r) => r.json())")
    assert public_now["visited"] > 0
    expect(page.locator(".staff-stop-seen")).to_have_count(public_now["visited"])
    expect(answer).to_contain_text(f"{public_now['visited']} of 370 stops visible")

    slider = page.get_by_role("slider", name="Route time")
    slider.focus()
    for _ in range(2):
        page.keyboard.press("PageUp")
    expect(page.locator(".staff-stop-seen")).not_to_have_count(public_now["visited"])
    later = page.locator(".staff-stop-seen").count()
    assert later > public_now["visited"]
    expect(answer).to_contain_text(f"{later} of 370 stops visible")
    check(page, night.folder, "staff-map")


def test_a_held_revisions_confirmation_puts_the_decision_first(page, site, night):
    page.goto(f"{site}/admin/")
    page.get_by_role("link", name="The night on one page").click()
    page.get_by_role("link", name=f"Let the sheet decide: review Revision {night.held.number}").click()
    page.get_by_role("alert").get_by_text("This takes back what viewers have already seen.").wait_for()
    button = page.get_by_role("button", name="Yes, let the sheet decide")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= VIEWPORTS[page.viewport_name]["height"], "the buttons are in the first screen"
    check(page, night.folder, "held")


def test_the_stops_are_filtered_by_a_typed_country(page, site, night):
    page.goto(f"{site}/admin/locations/stop/")
    page.get_by_role("searchbox", name="Country").fill("New Zealand")
    page.get_by_role("searchbox", name="Country").press("Enter")
    page.get_by_role("link", name="Any country").wait_for()
    countries = page.locator("#result_list td.field-country").all_inner_texts()
    assert countries and set(countries) == {"NZ"}
    assert "visible" in page.locator("#result_list td.field-visible_now").all_inner_texts()
    if page.viewport_name == "desktop":
        assert fits_the_width(page)
        table, box = page.locator("#result_list").bounding_box(), page.locator("#changelist").bounding_box()
        assert table["width"] <= box["width"], "every column shows without scrolling the table"
    check(page, night.folder, "stops")


def test_a_make_live_pins_and_a_release_lets_the_sheet_decide_on_every_page(page, site, night):
    held = f"Revision {night.held.number}"
    page.goto(f"{site}/admin/locations/revision/{night.held.pk}/change/")
    assert f"{held} is held: it would take back what viewers saw" in page.inner_text("#content-main")
    page.get_by_role("link", name="Make live and pin").click()
    page.get_by_role("button", name=f"Yes, make {held} live").click()
    expect(page.locator(".messagelist")).to_contain_text(f"An organiser decides: {held} is live, pinned by admin:holly")

    page.goto(f"{site}/admin/night/")
    expect(page.locator(".night-story")).to_contain_text(f"An organiser decides: {held} is live, pinned by admin:holly")
    expect(page.locator(".night-story")).to_contain_text("It matches the sheet")
    assert "Held:" not in page.inner_text("#content-main")
    check(page, night.folder, "night-pinned")
    page.goto(f"{site}/admin/locations/revision/")
    assert page.locator("td.field-state").all_inner_texts() == ["live, pinned", "not live"]

    page.get_by_role("link", name="Let the sheet decide").click()
    page.get_by_role("button", name="Yes, let the sheet decide").click()
    expect(page.locator(".route-story")).to_have_text(f"The sheet decides: {held} is live and is the sheet's revision.")
    assert page.locator("td.field-state").all_inner_texts() == ["live", "not live"]


def a_rejected_sync_run(folder: Path) -> int:
    """The sample sheet with Toronto put in the US and Paris before Brussels, synced and refused; the run's id."""
    rows = list(csv.reader(io.StringIO(settings.TRACKER_SAMPLE_ROUTE.read_text(encoding="utf-8"))))
    for row in rows:
        if row[0] == "Toronto":
            row[2] = "US"
        if row[0] == "Paris":
            row[5] = "2026-12-24T23:59:00Z"
    broken = folder / "a-sheet-with-errors-that-an-organiser-saved-late-on-christmas-eve.csv"
    with broken.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    result = sync_route(str(broken), synced_by="sync_route", every_seconds=60)
    assert result.outcome == SyncRun.Outcome.INVALID and len(result.report.errors) > 1, result.message
    return result.run.pk


def test_a_rejected_sync_run_and_the_sync_runs_list_fit_the_screen(page, site, night, tmp_path):
    run = a_rejected_sync_run(tmp_path)
    width = VIEWPORTS[page.viewport_name]["width"]

    page.goto(f"{site}/admin/locations/syncrun/{run}/change/")
    findings = page.locator("table.route-findings-errors")
    expect(findings).to_contain_text("country_mismatch")
    page.screenshot(path=tmp_path / f"syncrun-{page.viewport_name}.png", full_page=True)
    assert findings.bounding_box()["x"] + findings.bounding_box()["width"] <= width
    assert fits_the_width(page)
    assert Axe().run(page).violations_count == 0

    page.goto(f"{site}/admin/locations/syncrun/")
    results = page.locator("#changelist .results")
    page.screenshot(path=tmp_path / f"syncruns-{page.viewport_name}.png", full_page=True)
    assert results.evaluate("(box) => box.scrollWidth <= box.clientWidth"), "the list is wider than its box"
    messages = page.locator("#result_list td.field-message")
    expect(messages).to_have_count(3)
    for cell in messages.all():
        assert cell.bounding_box()["x"] + cell.bounding_box()["width"] <= width, cell.inner_text()
    assert fits_the_width(page)
    assert Axe().run(page).violations_count == 0
