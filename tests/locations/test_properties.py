"""Property-based tests: random and malformed sheets never crash the checker and never half-publish."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locations.models import Revision, Stop
from locations.sources import read_csv
from locations.sync import publish_table
from locations.table import SourceError
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
    ),
    "timezone": st.sampled_from(["", "America/Toronto", "Mars/Olympus", "Asia/Kathmandu", "UTC"]),
    "presents": st.sampled_from(["", "0", "12", "-3", "1,000", "1e9", "99999999999999999999", "lots"]),
}

any_cell = st.one_of(
    st.text(max_size=30), st.sampled_from(["", "nan", "inf", "-0", "1e400", "\x00", "\U0001d7dc\U0001d7da"])
)


# Every column of the brief's sheet format.
COLUMNS = ("city", "country", "latitude", "longitude", "arrival", "region", "timezone", "presents", "fact", "notes")


@st.composite
def sheets(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """A header (any subset of the columns, any case and order, maybe extras) and rows of odd cells."""
    columns = draw(st.lists(st.sampled_from([*COLUMNS, "owner", ""]), unique=True, max_size=len(COLUMNS) + 2))
    header = [draw(st.sampled_from([name, name.upper(), name.title(), f" {name} "])) for name in columns]
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
    report = validate_route(route_table(rows, header=header))
    for finding in report.errors:
        assert finding.code in ERROR_CODES
        assert isinstance(finding.row, int) and 1 <= finding.row <= len(rows) + 1
        assert finding.column and finding.message
    for finding in report.warnings:
        assert finding.code in WARNING_CODES
        assert 2 <= finding.row <= len(rows) + 1
    if report.ok:
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
    if not Revision.objects.exists():
        publish_table(route_table(small_route), "test")
    before = Revision.objects.get(is_live=True)
    before_stops = list(before.stops.values_list("city", "arrival"))
    header, rows = sheet
    result = publish_table(route_table(rows, header=header, source="random.csv"), "test")
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
