"""Syncing from a Google Sheet through gspread, google-auth and requests talking to a fake Google on loopback."""

import re

import pytest

from locations.models import Revision, SyncRun
from locations.sheets import SCOPES, authorized_session, read_sheet
from locations.sources import read_source
from locations.sync import sync_route
from locations.table import SourceError
from locations.validation import validate_route
from tests.conftest import ROUTE_HEADER
from tests.fake_sheets import Number, Worksheet
from tests.locations.conftest import ACCOUNT

KEY = "1Xmas2026RouteSheetKeyForTheFakeGoogleServer0"
SHEET = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
REQUESTS_PER_READ = 3  # spreadsheet metadata (open_by_key), the worksheet list, the worksheet's values


@pytest.fixture
def route_sheet(google, small_route):
    google.add_spreadsheet(KEY, Worksheet("Route", 0, [ROUTE_HEADER, *small_route]))
    return small_route


def live_snapshot() -> tuple[int, list[tuple]]:
    live = Revision.objects.get(is_live=True)
    return live.number, list(live.stops.values_list("index", "city", "country", "arrival", "presents"))


@pytest.mark.django_db
def test_a_good_sheet_syncs_to_a_new_live_revision(sheets, google, route_sheet):
    result = sync_route(SHEET, session=sheets)
    assert result.outcome == SyncRun.Outcome.PUBLISHED, result.message
    live = Revision.objects.get(is_live=True)
    assert (live.number, live.source_kind, live.source) == (1, "sheet", SHEET)
    assert [stop.city for stop in live.stops.all()] == ["Kiritimati", "Auckland", "Sydney", "Kathmandu", "Toronto"]
    assert live.sheet_key == KEY
    assert live.worksheet_id == 0
    assert live.headers == ROUTE_HEADER
    assert SyncRun.objects.get().outcome == SyncRun.Outcome.PUBLISHED


@pytest.mark.django_db
def test_an_unchanged_sheet_makes_no_new_revision(sheets, google, route_sheet):
    sync_route(SHEET, session=sheets)
    assert sync_route(SHEET, session=sheets).outcome == SyncRun.Outcome.UNCHANGED
    assert Revision.objects.count() == 1


def test_credentials_ask_for_read_only_sheets_access_and_are_sent(sheets, google, route_sheet):
    read_sheet(KEY, session=sheets)
    assert SCOPES == ("https://www.googleapis.com/auth/spreadsheets.readonly",)
    assert [claims["scope"] for claims in google.token_claims] == [SCOPES[0]]
    assert google.token_claims[0]["iss"] == ACCOUNT
    assert {seen.headers.get("authorization") for seen in google.sheets_requests} == {"Bearer fake-access-token"}


def test_application_default_credentials_are_used_when_no_file_is_configured(
    settings, monkeypatch, service_account_file
):
    settings.TRACKER_SHEETS_CREDENTIALS_FILE = ""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_file))
    session = authorized_session()
    assert session.credentials.service_account_email == ACCOUNT
    assert tuple(session.credentials.scopes) == SCOPES


def test_a_missing_credentials_file_is_a_clear_source_error(settings, tmp_path):
    settings.TRACKER_SHEETS_CREDENTIALS_FILE = str(tmp_path / "nowhere.json")
    with pytest.raises(SourceError, match="does not exist"):
        authorized_session()


def test_cells_are_read_as_the_text_the_sheet_shows(sheets, google):
    header = [*ROUTE_HEADER, "code"]
    row = ["Kiritimati", "Line Islands", "KI", "1.8721", "-157.4278", "2026-12-24T06:00:00Z"]
    google.add_spreadsheet(KEY, Worksheet("Route", 0, [header, [*row, Number(1.5, "1.50"), "", "", "007"]]))
    table = read_sheet(SHEET, session=sheets)
    assert table.rows[0].cells["presents"] == "1.50"
    assert table.rows[0].cells["code"] == "007"
    values_request = next(seen for seen in google.sheets_requests if "/values/" in seen.path)
    assert values_request.query["valueRenderOption"] == ["FORMATTED_VALUE"]


def test_the_worksheet_comes_from_the_setting_then_the_url_then_first(settings, sheets, google, small_route):
    other = [ROUTE_HEADER, small_route[0]]
    google.add_spreadsheet(KEY, Worksheet("Notes", 0, [["note"]]), Worksheet("Route 2026", 777, other))
    assert read_sheet(KEY, session=sheets).worksheet_id == 0
    from_url = read_sheet(f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=777", session=sheets)
    assert (from_url.worksheet_id, from_url.rows[0].cells["city"]) == (777, "Kiritimati")
    settings.TRACKER_ROUTE_WORKSHEET = "Route 2026"
    assert read_sheet(KEY, session=sheets).worksheet_title == "Route 2026"
    settings.TRACKER_ROUTE_WORKSHEET = "Route 2027"
    with pytest.raises(SourceError, match=r"no worksheet \(tab\) named 'Route 2027'.*'Notes', 'Route 2026'"):
        read_sheet(KEY, session=sheets)


def test_a_publish_to_the_web_link_is_refused():
    with pytest.raises(SourceError, match="Publish to the web"):
        read_source("https://docs.google.com/spreadsheets/d/e/2PACX-1vQexamplepublishedkey/pubhtml")


FAILURES = [
    pytest.param(401, None, "did not accept the credentials", id="401"),
    pytest.param(403, None, f"not shared with the service account {ACCOUNT}", id="403"),
    pytest.param(404, None, f"no Google Sheet with the key {KEY}", id="404"),
    pytest.param(500, None, r"server error \(500\).*tried 4 times", id="500-persistent"),
    pytest.param(503, None, r"server error \(503\).*tried 4 times", id="503-persistent"),
    pytest.param(429, None, r"quota is used up.*tried 4 times", id="429-persistent"),
    pytest.param("hang", None, r"did not answer within 0.2 s.*tried 4 times", id="timeout"),
    pytest.param("drop", None, r"connection to Google Sheets failed.*tried 4 times", id="dropped-connection"),
    pytest.param("malformed", None, "not what its API returns", id="malformed-json"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("mode", "times", "message"), FAILURES)
def test_a_failed_read_leaves_the_live_revision_unchanged(settings, sheets, google, route_sheet, mode, times, message):
    assert sync_route(SHEET, session=sheets).outcome == SyncRun.Outcome.PUBLISHED
    before = live_snapshot()
    route_sheet[4][2] = "US"  # a change that would be published if the read succeeded (and is invalid anyway)
    del route_sheet[1]
    settings.TRACKER_SHEETS_TIMEOUT = 0.2
    google.fail(mode, times)

    result = sync_route(SHEET, session=sheets)

    assert result.outcome == SyncRun.Outcome.FAILED
    assert live_snapshot() == before
    run = SyncRun.objects.order_by("-started").first()
    assert (run.outcome, run.revision) == (SyncRun.Outcome.FAILED, None)
    assert run.message == result.message
    assert re.search(message, run.message), run.message


@pytest.mark.parametrize("status", [401, 403, 404, "malformed"])
def test_failures_a_retry_cannot_fix_are_not_retried(sheets, google, route_sheet, status):
    google.fail(status)
    with pytest.raises(SourceError):
        read_sheet(KEY, session=sheets)
    # google-auth itself refreshes the token and tries again on a 401, twice; we add no attempts of our own.
    expected = 3 if status == 401 else 1
    assert len(google.sheets_requests) == expected


@pytest.mark.parametrize("mode", [429, 500, 503, "hang", "drop"])
def test_failures_that_may_pass_are_retried_until_the_sheet_answers(settings, sheets, google, route_sheet, mode):
    settings.TRACKER_SHEETS_TIMEOUT = 0.2
    google.fail(mode, times=2)
    table = read_sheet(KEY, session=sheets)
    assert [row.cells["city"] for row in table.rows][-1] == "Toronto"
    assert len(google.sheets_requests) == 2 + REQUESTS_PER_READ


def test_persistent_server_errors_are_tried_a_bounded_number_of_times(settings, sheets, google, route_sheet):
    settings.TRACKER_SHEETS_RETRIES = 2
    google.fail(500)
    with pytest.raises(SourceError, match="tried 3 times"):
        read_sheet(KEY, session=sheets)
    assert len(google.sheets_requests) == 3


def test_a_failure_midway_through_the_read_is_retried_from_the_start(sheets, google, route_sheet):
    google.fail(503, times=1, on="/values/")
    read_sheet(KEY, session=sheets)
    assert len(google.sheets_requests) == REQUESTS_PER_READ + REQUESTS_PER_READ


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        pytest.param([], "is empty: it needs a header row", id="empty-sheet"),
        pytest.param([[], ["Kiritimati", "KI"]], "Row 1 of .* is blank", id="blank-header-row"),
    ],
)
def test_a_sheet_without_a_header_row_fails_and_changes_nothing(sheets, google, route_sheet, rows, message):
    sync_route(SHEET, session=sheets)
    before = live_snapshot()
    google.add_spreadsheet(KEY, Worksheet("Route", 0, rows))
    result = sync_route(SHEET, session=sheets)
    assert result.outcome == SyncRun.Outcome.FAILED
    assert live_snapshot() == before
    assert re.search(message, result.message), result.message


@pytest.mark.django_db
def test_a_sheet_whose_first_row_is_a_stop_is_rejected_for_missing_columns(sheets, google, route_sheet):
    sync_route(SHEET, session=sheets)
    before = live_snapshot()
    google.add_spreadsheet(KEY, Worksheet("Route", 0, route_sheet))  # the header row was deleted
    result = sync_route(SHEET, session=sheets)
    assert result.outcome == SyncRun.Outcome.INVALID
    assert {error.code for error in result.report.errors} == {"missing_column"}
    assert live_snapshot() == before


GERMAN_HEADER = ["city", "country", "latitude", "longitude", "arrival", "presents", "code"]


def test_a_german_locale_sheet_reads_its_decimal_commas_and_thousands(sheets, google):
    # Case 06: File > Settings > Locale is Germany, so the sheet shows 52,52437 and 1.200.000.
    rows = [
        GERMAN_HEADER,
        ["Berlin", "DE", Number(52.52437, "52,52437"), Number(13.41053, "13,41053"), "2026-12-24T19:00:00Z",
         Number(1200000, "1.200.000"), "007"],
        ["Hamburg", "DE", Number(53.55073, "53,55073"), Number(9.99302, "9,99302"), "2026-12-24T19:01:00Z",
         Number(800000, "800.000"), "1,50"],
    ]  # fmt: skip
    google.add_spreadsheet(KEY, Worksheet("Route", 0, rows), locale="de_DE")
    table = read_sheet(SHEET, session=sheets)
    assert table.number_locale == "de_DE"
    assert [row.cells["code"] for row in table.rows] == ["007", "1,50"]  # text cells stay as typed
    report = validate_route(table)
    assert report.errors == [] and report.warnings == []
    assert [(stop.city, stop.latitude, stop.longitude, stop.presents) for stop in report.stops] == [
        ("Berlin", 52.52437, 13.41053, 1_200_000),
        ("Hamburg", 53.55073, 9.99302, 800_000),
    ]


def test_a_french_locale_sheet_with_narrow_no_break_thousands_reads_clean(sheets, google):
    rows = [
        GERMAN_HEADER[:6],
        ["Paris", "FR", Number(48.85341, "48,85341"), Number(2.3488, "2,3488"), "2026-12-24T20:00:00Z",
         Number(1200000, "1\u202f200\u202f000")],
    ]  # fmt: skip
    google.add_spreadsheet(KEY, Worksheet("Route", 0, rows), locale="fr_FR")
    report = validate_route(read_sheet(SHEET, session=sheets))
    assert report.errors == []
    assert (report.stops[0].latitude, report.stops[0].presents) == (48.85341, 1_200_000)


def test_a_us_locale_sheet_still_refuses_a_decimal_comma(sheets, google):
    rows = [GERMAN_HEADER[:5], ["Berlin", "DE", "52,52437", Number(13.41053, "13.41053"), "2026-12-24T19:00:00Z"]]
    google.add_spreadsheet(KEY, Worksheet("Route", 0, rows))
    report = validate_route(read_sheet(SHEET, session=sheets))
    assert [(error.row, error.column, error.code) for error in report.errors] == [(2, "latitude", "bad_number")]


def test_a_locale_the_tracker_cannot_read_numbers_in_is_a_source_error(sheets, google, small_route):
    google.add_spreadsheet(KEY, Worksheet("Route", 0, [ROUTE_HEADER, *small_route]), locale="xx_YY")
    with pytest.raises(SourceError, match=r"locale 'xx_YY'.*File > Settings > Locale"):
        read_sheet(SHEET, session=sheets)


def test_a_csv_pasted_into_column_a_of_a_sheet_says_how_to_split_it(sheets, google):
    rows = [["city;country;latitude;longitude;arrival"], ["Berlin;DE;52,52437;13,41053;2026-12-24T19:00:00Z"]]
    google.add_spreadsheet(KEY, Worksheet("Route", 0, rows), locale="de_DE")
    report = validate_route(read_sheet(SHEET, session=sheets))
    assert [(error.row, error.code) for error in report.errors] == [(1, "missing_column")] * 5
    assert "Data > Split text to columns" in report.errors[0].message
    assert "separated by semicolons" in report.errors[0].message
