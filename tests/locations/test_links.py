from locations.links import cell_link, column_letter, linked_findings, sheet_key

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF"
SHEET = f"https://docs.google.com/spreadsheets/d/{KEY}"
HEADERS = ["City", "Region", "Country", "Latitude", "Longitude", "Arrival"]


def test_column_letters_run_past_z():
    assert [column_letter(n) for n in (0, 2, 25, 26, 27, 701, 702)] == ["A", "C", "Z", "AA", "AB", "ZZ", "AAA"]


def test_a_finding_links_to_its_cell_when_the_header_row_is_known():
    assert cell_link(SHEET, 1234, HEADERS, 6, "country") == f"{SHEET}/edit#gid=1234&range=C6"


def test_without_the_header_row_the_link_opens_the_rows_first_cell():
    assert cell_link(SHEET, 1234, None, 6, "country") == f"{SHEET}/edit#gid=1234&range=A6"
    assert cell_link(SHEET, None, None, 6, "country") == f"{SHEET}/edit#range=A6"


def test_a_missing_column_links_to_the_header_row():
    assert cell_link(SHEET, 0, HEADERS, 1, "timezone") == f"{SHEET}/edit#gid=0&range=A1"


def test_links_are_built_from_the_key_so_they_only_ever_point_at_google_sheets():
    assert sheet_key(f"{SHEET}/edit#gid=7") == KEY
    assert sheet_key(KEY) == KEY
    assert cell_link("javascript:alert(1)", None, None, 2, "city") == ""
    assert cell_link("/work/data/route.csv", None, None, 2, "city") == ""


def test_findings_of_a_file_source_have_no_links():
    findings = {"errors": [{"row": 6, "column": "country", "code": "country_mismatch", "message": "..."}]}
    assert linked_findings(findings, "route.csv")["errors"][0]["link"] == ""


def test_findings_of_a_sync_run_link_through_the_sheet_url_it_read():
    findings = {"errors": [{"row": 6, "column": "country", "code": "country_mismatch", "message": "..."}]}
    linked = linked_findings(findings, f"{SHEET}/edit#gid=99")
    assert linked["errors"][0]["link"] == f"{SHEET}/edit#gid=99&range=A6"
    assert linked["warnings"] == []
