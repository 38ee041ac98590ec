import pytest

from locations.links import cell_link, linked_findings
from locations.models import Revision, SyncRun
from locations.sheet_address import find_sheet_address, sheet_address
from locations.table import SourceError

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF"
SHEET = f"https://docs.google.com/spreadsheets/d/{KEY}"
HEADERS = ["City", "Region", "Country", "Latitude", "Longitude", "Arrival"]
FINDINGS = {"errors": [{"row": 6, "column": "country", "code": "country_mismatch", "message": "..."}]}


def test_a_finding_past_column_z_links_to_its_two_letter_column():
    headers = [f"extra {n}" for n in range(27)] + ["Country"]
    assert cell_link(KEY, 0, headers, 6, "country") == f"{SHEET}/edit#gid=0&range=AB6"


def test_a_finding_links_to_its_cell_when_the_header_row_is_known():
    assert cell_link(KEY, 1234, HEADERS, 6, "country") == f"{SHEET}/edit#gid=1234&range=C6"


def test_without_the_header_row_the_link_opens_the_rows_first_cell():
    assert cell_link(KEY, 1234, None, 6, "country") == f"{SHEET}/edit#gid=1234&range=A6"
    assert cell_link(KEY, None, None, 6, "country") == f"{SHEET}/edit#range=A6"


def test_a_missing_column_links_to_the_header_row():
    assert cell_link(KEY, 0, HEADERS, 1, "timezone") == f"{SHEET}/edit#gid=0&range=A1"


@pytest.mark.parametrize(
    ("source", "gid"),
    [
        (f"{SHEET}/edit#gid=7", 7),
        (KEY, None),
        (f"https://docs.google.com/spreadsheets/u/0/d/{KEY}/edit?gid=7", 7),
        (f"docs.google.com/spreadsheets/u/1/d/{KEY}/htmlview", None),
    ],
)
def test_every_form_of_a_sheet_address_gives_the_key_and_the_worksheet(source, gid):
    assert sheet_address(source) == find_sheet_address(source)
    assert (sheet_address(source).key, sheet_address(source).gid) == (KEY, gid)


def test_links_are_built_from_the_key_so_they_only_ever_point_at_google_sheets():
    assert find_sheet_address("javascript:alert(1)") is None
    assert find_sheet_address("/work/data/route.csv") is None
    assert find_sheet_address(f"https://docs.google.com/spreadsheets/d/e/2PACX-{KEY}/pubhtml") is None
    assert cell_link("", None, None, 2, "city") == ""
    assert cell_link("a/../../evil", None, None, 2, "city").startswith("https://docs.google.com/spreadsheets/d/a%2F")


def test_a_publish_to_the_web_link_is_refused_with_what_to_do():
    with pytest.raises(SourceError, match="Publish to the web"):
        sheet_address(f"https://docs.google.com/spreadsheets/d/e/2PACX-{KEY}/pubhtml")


def test_findings_of_a_file_source_have_no_links():
    revision = Revision(findings=FINDINGS, source="route.csv")
    assert linked_findings(revision)["errors"][0]["link"] == ""


def test_findings_of_a_sync_run_link_through_the_sheet_it_read():
    run = SyncRun(findings=FINDINGS, sheet_key=KEY, worksheet_id=99)
    linked = linked_findings(run)
    assert linked["errors"][0]["link"] == f"{SHEET}/edit#gid=99&range=A6"
    assert linked["warnings"] == []
