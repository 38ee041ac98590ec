"""Property-based tests: random and malformed sheets never crash the checker and never half-publish."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from locations.models import Revision, Stop
from locations.sources import read_csv, read_source
from locations.sync import publish_table
from locations.table import ROUTE_COLUMNS, RouteTable, SourceError, column_name, make_rows
from locations.validation import ERROR_CODES, WARNING_CODES, validate_route
from tests.conftest import route_table

REAL_PLACES = [
    ("Toronto", "CA", "43.6532", "-79.3832"),
    ("Detroit", "US", "42.3314", "-83.0458"),
    ("Kathmandu", "NP", "27.7172", "85.3240"),
    ("Sydney", "AU", "-33.8688", "151.2093"),
    ("Kiritimati", "KI", "1.8721", "-157.4278"),
    ("London", "GB", "51.5074", "-0.1278"),
]

# Wall times with no zone, as Excel date cells and hurried organisers give them.
zone_less_times = st.datetimes(min_value=dt.datetime(2026, 12, 23), max_value=dt.datetime(2026, 12, 26)).map(
    lambda moment: moment.isoformat(sep=st_separator(moment), timespec="minutes" if moment.second % 2 else "seconds")
)


def st_separator(moment: dt.datetime) -> str:
    """'T' or ' ' between date and time, varied by the moment so both appear."""
    return "T" if moment.minute % 2 else " "


plausible_cell = {
    "city": st.sampled_from([place[0] for place in REAL_PLACES] + ["", "  ", "Ünïcødé 東京"]),
    "country": st.sampled_from(["CA", "US", "NP", "AU", "KI", "GB", "CAN", "Canada", "ca", "XX", "", "United Kingdom"]),
    "latitude": st.one_of(st.sampled_from([p[2] for p in REAL_PLACES]), st.floats(-100, 100).map(str)),
    "longitude": st.one_of(st.sampled_from([p[3] for p in REAL_PLACES]), st.floats(-200, 200).map(str)),
    "arrival": st.one_of(
        st.datetimes(
            min_value=dt.datetime(2026, 12, 23),
            max_value=dt.datetime(2026, 12, 26),
            timezones=st.sampled_from([dt.UTC]),
        ).map(lambda moment: moment.isoformat()),
        st.sampled_from(["2026-12-24T09:41:00Z", "2026-12-24 09:41", "", "yesterday", "2026-13-45T99:00:00Z"]),
        zone_less_times,
    ),
    "local arrival": st.one_of(
        zone_less_times,
        st.sampled_from(["", "2026-03-29 01:30", "2026-10-25 01:30", "2026-12-24T21:30:00+01:00", "21:30", "soon"]),
    ),
    "timezone": st.sampled_from(["", "America/Toronto", "Mars/Olympus", "Asia/Kathmandu", "UTC"]),
    "presents": st.sampled_from(["", "0", "12", "-3", "1,000", "1e9", "99999999999999999999", "lots"]),
}

any_cell = st.one_of(
    st.text(max_size=30), st.sampled_from(["", "nan", "inf", "-0", "1e400", "\x00", "\U0001d7dc\U0001d7da"])
)


# Every column of the sheet format.
COLUMNS = ROUTE_COLUMNS


@st.composite
def sheets(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A header (any columns, any case, spacing and order, some twice, maybe extras) and rows of odd cells."""
    columns = draw(st.lists(st.sampled_from([*COLUMNS, "owner", ""]), max_size=len(COLUMNS) + 2))
    variants = [str.lower, str.upper, str.title, lambda name: f" {name} ", lambda name: name.replace(" ", "_")]
    header = [draw(st.sampled_from(variants))(name) for name in columns]
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        cells = []
        for name in columns:
            strategy = plausible_cell.get(name, any_cell)
            cells.append(draw(st.one_of(strategy, any_cell) if draw(st.booleans()) else strategy))
        rows.append(cells)
    return header, rows


def test_sheet_generator_can_produce_clean_routes():
    # Guard against a generator so broken that the properties below only ever see errors.
    header = ["city", "country", "latitude", "longitude", "arrival"]
    assert validate_route(route_table([["Toronto", "CA", "43.6532", "-79.3832", "2026-12-25T02:00:00Z"]], header)).ok


@settings(max_examples=300, deadline=None)
@given(sheets())
def test_random_sheets_never_raise_and_every_finding_has_a_row_a_column_and_a_code(sheet):
    header, rows = sheet
    table = route_table(rows, header=header)
    report = validate_route(table)
    for finding in report.errors:
        assert finding.code in ERROR_CODES
        assert isinstance(finding.row, int) and 1 <= finding.row <= len(rows) + 1
        assert finding.column and finding.message
        assert finding.row == 1 or finding.code not in ("duplicate_column", "missing_column")
    for finding in report.warnings:
        assert finding.code in WARNING_CODES
        assert 2 <= finding.row <= len(rows) + 1
    names = [column_name(name) for name in table.headers]
    if any(names.count(name) > 1 for name in ROUTE_COLUMNS):
        assert "duplicate_column" in {finding.code for finding in report.errors}
    if report.ok:
        assert {"arrival", "local arrival"} & set(names)
        non_blank = [cells for cells in rows if any(str(cell).strip() for cell in cells)]
        assert len(report.stops) == len(non_blank)
        arrivals = [stop.arrival for stop in report.stops]
        assert arrivals == sorted(arrivals) and len(set(arrivals)) == len(arrivals)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_as_a_csv_file_give_a_table_or_a_clear_source_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("csv") / "route.csv"
    path.write_bytes(data)
    try:
        table = read_csv(path)
    except SourceError as exc:
        assert str(exc)
    else:
        validate_route(table)


@pytest.mark.django_db
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheets())
def test_publishing_random_sheets_is_all_or_nothing(small_route, sheet):
    header, rows = sheet
    assert_published_all_or_nothing(route_table(rows, header=header, source="random.csv"), small_route)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheets(), st.sampled_from([",", ";", "\t", "|"]))
def test_publishing_csv_files_in_any_delimiter_is_all_or_nothing(tmp_path_factory, small_route, sheet, delimiter):
    header, rows = sheet
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    path = tmp_path_factory.mktemp("csv") / "route.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        table = read_csv(path)
    except SourceError as exc:
        assert str(exc)
        return
    assert_published_all_or_nothing(table, small_route)


def assert_published_all_or_nothing(table: RouteTable, small_route: list[list[str]]) -> None:
    """Publish TABLE over a live small route: a clean table becomes live whole, anything else changes nothing."""
    if not Revision.objects.exists():
        publish_table(route_table(small_route), "test")
    before = Revision.objects.get(is_live=True)
    before_stops = list(before.stops.values_list("city", "arrival"))
    result = publish_table(table, "test")
    live = Revision.objects.get(is_live=True)
    if result.report.ok:
        assert live.stops.count() == len(result.report.stops)
        assert live.number == before.number or result.outcome == "published"
    else:
        assert result.outcome == "invalid"
        assert live.pk == before.pk
        assert list(live.stops.values_list("city", "arrival")) == before_stops
    assert Revision.objects.filter(is_live=True).count() == 1
    assert Stop.objects.filter(revision__isnull=True).count() == 0


@settings(max_examples=150, deadline=None)
@given(sheets(), st.sampled_from([",", ";", "\t", "|"]), st.booleans())
def test_random_sheets_written_with_any_delimiter_read_back_cell_for_cell(tmp_path_factory, sheet, delimiter, bom):
    header, rows = sheet
    assume(len({column_name(name) for name in header} & set(ROUTE_COLUMNS)) >= 2)  # a header to tell it by
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])  # as Excel writes
    path = tmp_path_factory.mktemp("csv") / "route.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + buffer.getvalue().encode())
    table = read_csv(path)
    assert table.number_locale == ("de" if delimiter == ";" else "en_US")
    assert (table.headers, table.rows) == make_rows(header, rows)  # the same as the cells written
    validate_route(table)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.datetimes(min_value=dt.datetime(2026, 12, 23), max_value=dt.datetime(2026, 12, 26)).map(
            lambda moment: moment.replace(microsecond=0)
        ),
        min_size=1,
        max_size=4,
    )
)
def test_xlsx_date_cells_in_arrival_are_never_read_as_utc(tmp_path_factory, moments):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["city", "country", "latitude", "longitude", "arrival"])
    for moment in moments:
        sheet.append(["Toronto", "CA", 43.6532, -79.3832, moment])
        sheet.cell(sheet.max_row, 5).number_format = "yyyy-mm-dd hh:mm:ss"
    path = tmp_path_factory.mktemp("xlsx") / "route.xlsx"
    workbook.save(path)
    report = validate_route(read_source(str(path)))
    assert [(f.row, f.column, f.code) for f in report.errors] == [
        (row, "arrival", "bad_time") for row in range(2, len(moments) + 2)
    ]
    assert report.stops == []
