"""Route sources: CSV, XLSX and Google Santa Tracker JSON all give text cells with the sheet's row numbers."""

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from locations.sources import read_source
from locations.sync import check_table
from locations.table import SourceError
from tests.conftest import ROUTE_HEADER

EXCERPT = Path(__file__).resolve().parents[1] / "data" / "google-santa-tracker-2017-excerpt.json"
# Real organisers' files (personal details replaced), from the sheets that broke intake: tests/data/README.md.
CASES = Path(__file__).resolve().parents[1] / "data" / "route-cases"
HEADER_LINE = ",".join(ROUTE_HEADER)


def write_xlsx(path: Path, rows: list[list[object]], formats: dict[str, str] | None = None) -> Path:
    """A real workbook written by openpyxl; FORMATS gives number formats by cell, e.g. {'F2': 'yyyy-mm-dd'}."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(number, column, value)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    workbook.save(path)
    return path


def codes(findings) -> list[tuple[int, str, str]]:
    return [(finding.row, finding.column, finding.code) for finding in findings]


def cities(table) -> list[tuple[int, str]]:
    return [(row.number, row.cells["city"]) for row in table.rows if not row.is_blank()]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_a_utf8_csv_reads_the_same_with_or_without_a_byte_order_mark(tmp_path, small_route, bom):
    text = HEADER_LINE + "\n" + "\n".join(",".join(row) for row in small_route) + "\n"
    path = tmp_path / "route.csv"
    path.write_bytes(bom + text.encode())
    table = read_source(str(path))
    assert table.headers == ROUTE_HEADER
    assert cities(table)[0] == (2, "Kiritimati")
    assert table.rows[4].cells["notes"] == "secret note"


def test_a_csv_saved_in_a_legacy_encoding_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "route.csv"
    path.write_bytes((HEADER_LINE + "\nZürich,,CH,47.3769,8.5417,2026-12-24T19:00:00Z,,,\n").encode("cp1252"))
    with pytest.raises(SourceError, match=r"route.csv is not UTF-8 text .*Save it as CSV UTF-8"):
        read_source(str(path))


def test_xlsx_date_cells_stay_zone_less_and_text_cells_stay_as_typed(tmp_path):
    rows = [
        ["City", "Country", "Latitude", "Longitude", "Arrival", "Presents", "Code"],
        ["Auckland", "NZ", -36.8485, 174.7633, dt.datetime(2026, 12, 24, 8, 0), 350000, "007"],
        ["Sydney", "AU", -33.8688, 151.2093, "2026-12-24T21:00:00+11:00", 900000.0, "1.50"],
    ]
    path = write_xlsx(tmp_path / "route.xlsx", rows, {"E2": "yyyy-mm-dd hh:mm"})
    table = read_source(str(path))
    assert table.kind == "xlsx"
    assert table.rows[0].cells == {
        "city": "Auckland",
        "country": "NZ",
        "latitude": "-36.8485",
        "longitude": "174.7633",
        "arrival": "2026-12-24 08:00:00",  # a cell has no zone, so neither has its text: never Z
        "presents": "350000",
        "code": "007",
    }
    assert table.rows[1].cells["arrival"] == "2026-12-24T21:00:00+11:00"
    assert table.rows[1].cells["presents"] == "900000"
    assert table.rows[1].cells["code"] == "1.50"


def test_an_xlsx_date_without_a_time_is_not_turned_into_midnight(tmp_path):
    rows = [["city", "arrival"], ["Auckland", dt.datetime(2026, 12, 24)]]
    path = write_xlsx(tmp_path / "route.xlsx", rows, {"B2": "yyyy-mm-dd"})
    assert read_source(str(path)).rows[0].cells["arrival"] == "2026-12-24"


def test_xlsx_blank_rows_are_kept_so_row_numbers_match_the_sheet(tmp_path, small_route):
    rows = [ROUTE_HEADER, small_route[0], [], [], small_route[1]]
    table = read_source(str(write_xlsx(tmp_path / "route.xlsx", rows)))
    assert cities(table) == [(2, "Kiritimati"), (5, "Auckland")]


def test_xlsx_local_evening_times_in_date_cells_are_not_read_as_utc():
    # Case 11: an organiser typed 21:30 and 21:45 local time into date cells; read as UTC they would publish
    # Toronto and Vancouver five and eight hours early with no finding.
    report = check_table(read_source(str(CASES / "11-xlsx-local-times-in-date-cells.xlsx")))
    assert codes(report.errors) == [(2, "arrival", "bad_time"), (3, "arrival", "bad_time")]
    assert "'2026-12-24 21:30:00' has no time zone" in report.errors[0].message
    assert "local arrival" in report.errors[0].message
    assert report.stops == []


def test_the_same_date_cells_headed_local_arrival_are_the_time_at_each_stop(tmp_path):
    workbook = openpyxl.load_workbook(CASES / "11-xlsx-local-times-in-date-cells.xlsx")
    workbook.worksheets[0]["F1"] = "Local arrival"
    workbook.save(tmp_path / "route.xlsx")
    report = check_table(read_source(str(tmp_path / "route.xlsx")))
    assert report.errors == []
    assert [(stop.city, stop.arrival.isoformat()) for stop in report.stops] == [
        ("Toronto", "2026-12-25T02:30:00+00:00"),  # 21:30 EST
        ("Vancouver", "2026-12-25T04:45:00+00:00"),  # 21:45 at UTC-7: BC's all-year time from Nov 2026 (tzdata 2026f)
    ]


def test_an_xlsx_whose_first_row_is_blank_says_where_the_header_belongs(tmp_path, small_route):
    path = write_xlsx(tmp_path / "route.xlsx", [[], ROUTE_HEADER, small_route[0]])
    with pytest.raises(SourceError, match=r"Row 1 of .* is blank"):
        read_source(str(path))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"PK\x03\x04 this is not really a zip", id="broken-zip"),
        pytest.param(b"city,country\nToronto,CA\n", id="csv-renamed"),
        pytest.param(None, id="zip-without-a-workbook"),
    ],
)
def test_a_corrupt_xlsx_is_a_source_error_not_a_traceback(tmp_path, content):
    path = tmp_path / "route.xlsx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
    else:
        path.write_bytes(content)
    with pytest.raises(SourceError, match=r"route.xlsx is not a readable .xlsx workbook"):
        read_source(str(path))


def test_the_google_santa_tracker_json_becomes_rows_numbered_by_destination(tmp_path):
    document = {
        "destinations": [
            {"id": "takeoff", "arrival": 0, "presentsDelivered": 0, "city": "North Pole", "region": "Arctic",
             "location": {"lat": 84.6, "lng": 168}},
            {"id": "toronto", "arrival": 1514160000000, "presentsDelivered": 5000, "city": " Toronto ",
             "region": "Ontario, Canada", "location": {"lat": 43.653226, "lng": -79.383184}},
            {"id": "azores", "arrival": 1514163600500, "presentsDelivered": 4000, "city": "Ponta Delgada",
             "region": "Azores", "location": {"lat": 37.7412, "lng": -25.6756}},
            {"id": "atsea", "arrival": 1514167200000, "presentsDelivered": 9000, "city": "Somewhere",
             "region": "Atlantic", "location": {"lat": 40.0, "lng": -40.0}},
            {"id": "landing", "arrival": 1514170800000, "presentsDelivered": 9000, "city": "North Pole",
             "region": "Arctic", "location": {"lat": 84.6, "lng": 168}},
        ]
    }  # fmt: skip
    path = tmp_path / "santa.json"
    path.write_text(json.dumps(document))
    table = read_source(str(path))
    assert table.kind == "json"
    assert [row.number for row in table.rows if row.is_blank()] == [2, 6] == list(table.not_stops)
    toronto, azores, at_sea = (row.cells for row in table.rows[1:4])
    assert toronto == {
        "city": "Toronto",
        "region": "Ontario",
        "country": "CA",  # named by the region
        "latitude": "43.653226",
        "longitude": "-79.383184",
        "arrival": "2017-12-25T00:00:00Z",
        "presents": "5000",
        "notes": "Google Santa Tracker id: toronto",
    }
    assert (azores["country"], azores["arrival"], azores["presents"]) == ("PT", "2017-12-25T01:00:00.500Z", "0")
    assert (at_sea["country"], at_sea["presents"]) == ("", "4000")  # cumulative 9000 after a best of 5000


def test_a_santa_json_stop_at_sea_is_reported_as_a_missing_country(tmp_path):
    at_sea = {
        "id": "x",
        "arrival": 1514167200000,
        "city": "Somewhere",
        "region": "",
        "location": {"lat": 40, "lng": -40},
    }
    path = tmp_path / "santa.json"
    path.write_text(json.dumps({"destinations": [at_sea]}))
    report = check_table(read_source(str(path)), dt.date(2017, 12, 24), "26:00")
    assert [(error.row, error.column, error.code) for error in report.errors] == [(2, "country", "missing_value")]


def test_real_google_destinations_read_with_countries_presents_and_times():
    table = read_source(str(EXCERPT))
    stops = [row.cells for row in table.rows if not row.is_blank()]
    assert [(s["city"], s["region"], s["country"]) for s in stops] == [
        # Google's region names the country (ISO's Russian Federation is CLDR's Russia); its own column has it.
        ("Provideniya", "", "RU"),
        ("Anadyr", "", "RU"),
        ("Kowloon", "", "HK"),  # Google's region has a stray leading space
        ("Hanoi", "", "VN"),
        ("Toronto", "Ontario", "CA"),
        ("Vancouver", "British Columbia", "CA"),
        ("Hilo", "Hawaii", "US"),
    ]
    assert stops[0]["arrival"] == "2017-12-24T11:09:00Z"
    assert [s["presents"] for s in stops[:2]] == ["46415", "159359"]
    report = check_table(table, dt.date(2017, 12, 24), "26:00")
    assert [(error.row, error.code) for error in report.errors] == [(8, "after_deadline")]  # Vancouver, 02:06


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{not json", "santa.json is not JSON: .* line 1, column 2", id="not-json"),
        pytest.param("[1, 2]", 'not a Google Santa Tracker route: it needs a "destinations" list', id="a-list"),
        pytest.param('{"destinations": {}}', 'needs a "destinations" list', id="destinations-not-a-list"),
        pytest.param('{"destinations": []}', "empty", id="no-destinations"),
        pytest.param('{"destinations": ["Toronto"]}', r"destinations\[0\] is not an object", id="not-an-object"),
    ],
)
def test_json_that_is_not_a_santa_route_is_a_source_error(tmp_path, content, message):
    path = tmp_path / "santa.json"
    path.write_text(content)
    with pytest.raises(SourceError, match=message):
        read_source(str(path))


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param("route.txt", r"is not a route source: give a .csv, .xlsx", id="txt"),
        pytest.param("route.xls", r"save it as .xlsx", id="old-excel"),
        pytest.param("https://example.org/route.csv", "web address but not a Google Sheet", id="web-file"),
        pytest.param("missing.csv", "There is no file at missing.csv", id="missing-file"),
    ],
)
def test_sources_that_cannot_be_read_say_what_to_give_instead(source, message):
    with pytest.raises(SourceError, match=message):
        read_source(source)


# CSV dialects as real spreadsheets export them.

GERMAN_EXCEL_ROWS = "Berlin;;DE;52,52437;13,41053;2026-12-24T20:00:00+01:00;1.200.000\r\n"


def test_the_duplicate_arrival_column_file_is_refused_naming_both_columns():
    # Case 02: the organiser added corrected times on the right; the first column used to win silently.
    report = check_table(read_source(str(CASES / "02-duplicate-arrival-column.csv")))
    assert codes(report.errors) == [(1, "arrival", "duplicate_column")]
    assert "Columns E and G" in report.errors[0].message
    assert report.stops == []


def test_german_excel_csv_utf8_with_semicolons_and_decimal_commas_reads_clean():
    # Case 01b: what German Excel writes as "CSV UTF-8": BOM, ';', CRLF, decimal commas, '.' thousands.
    table = read_source(str(CASES / "01b-excel-de-semicolon-utf8.csv"))
    assert table.headers == ["city", "region", "country", "latitude", "longitude", "arrival", "presents"]
    assert table.number_locale == "de"
    report = check_table(table)
    assert report.errors == [] and report.warnings == []
    assert [(s.city, s.region, s.latitude, s.longitude, s.presents) for s in report.stops] == [
        ("Berlin", "", 52.52437, 13.41053, 1_200_000),
        ("München", "Bayern", 48.13743, 11.57549, 800_000),
    ]


@pytest.mark.parametrize(
    ("name", "content", "locale"),
    [
        pytest.param(
            "route.csv",
            "city\tregion\tcountry\tlatitude\tlongitude\tarrival\tpresents\n"
            "Berlin\t\tDE\t52.52437\t13.41053\t2026-12-24T20:00:00+01:00\t1200000\n",
            "en_US",
            id="libreoffice-tabs",
        ),
        pytest.param(
            "route.tsv",
            "City\tRegion\tCountry\tLatitude\tLongitude\tArrival\tPresents\r\n"
            "Berlin\t\tDE\t52.52437\t13.41053\t2026-12-24T20:00:00+01:00\t1,200,000\r\n",
            "en_US",
            id="google-sheets-tsv",
        ),
        pytest.param(
            "route.csv",
            "sep=;\r\ncity;region;country;latitude;longitude;arrival;presents\r\n" + GERMAN_EXCEL_ROWS,
            "de",
            id="excel-sep-line",
        ),
        pytest.param(
            "route.csv",
            "\ufeffCity ; Region ; Country ; Latitude ; Longitude ; Arrival ; Presents\r\n"
            "Berlin;;DE;52,52437;13,41053;2026-12-24T20:00:00+01:00;1\u202f200\u202f000\r\n",
            "de",
            id="french-excel-narrow-no-break-thousands",
        ),
        pytest.param(
            "route.csv",
            "\ufeffcity,region,country,latitude,longitude,arrival,presents\r\n"
            '"Berlin","Land Berlin, Deutschland",DE,52.52437,13.41053,2026-12-24T20:00:00+01:00,"1,200,000"\r\n',
            "en_US",
            id="us-excel-csv-utf8-quoted",
        ),
        pytest.param(
            "route.csv",
            "city|region|country|latitude|longitude|arrival|presents\n"
            "Berlin||DE|52.52437|13.41053|2026-12-24T20:00:00+01:00|1200000\n",
            "en_US",
            id="pipes",
        ),
    ],
)
def test_csv_exports_in_other_dialects_read_the_same_stop(tmp_path, name, content, locale):
    path = tmp_path / name
    path.write_bytes(content.encode())
    table = read_source(str(path))
    assert table.number_locale == locale
    report = check_table(table)
    assert report.errors == []
    stop = report.stops[0]
    assert (stop.city, stop.latitude, stop.longitude, stop.presents) == ("Berlin", 52.52437, 13.41053, 1_200_000)
    assert table.rows[0].number == 2


def test_excel_unicode_text_utf16_with_tabs_reads_clean(tmp_path):
    path = tmp_path / "route.csv"  # Excel: Save As > Unicode Text, renamed
    text = (
        "city\tcountry\tlatitude\tlongitude\tarrival\r\nMünchen\tDE\t48.13743\t11.57549\t2026-12-24T20:05:00+01:00\r\n"
    )
    path.write_bytes(text.encode("utf-16"))  # with its byte-order mark, as Excel writes it
    report = check_table(read_source(str(path)))
    assert report.errors == []
    assert (report.stops[0].city, report.stops[0].latitude) == ("München", 48.13743)


def test_a_windows_1252_csv_from_german_excel_says_how_to_save_it_as_utf8(tmp_path):
    path = tmp_path / "route.csv"
    path.write_bytes(
        (
            "city;country;latitude;longitude;arrival\r\nMünchen;DE;48,13743;11,57549;2026-12-24T20:05:00+01:00\r\n"
        ).encode("cp1252")
    )
    with pytest.raises(SourceError, match=r"not UTF-8 text .*Windows-1252.*CSV UTF-8"):
        read_source(str(path))


def test_a_csv_whose_lines_are_each_one_quoted_cell_says_what_the_file_looks_like(tmp_path):
    path = tmp_path / "route.csv"
    path.write_text('"city,country,latitude,longitude,arrival"\n"Toronto,CA,43.6532,-79.3832,2026-12-25T02:00:00Z"\n')
    report = check_table(read_source(str(path)))
    assert {(error.row, error.code) for error in report.errors} == {(1, "missing_column")}
    assert "one cell, 'city,country,latitude,longitude,arrival', with the names separated by commas" in (
        report.errors[0].message
    )
