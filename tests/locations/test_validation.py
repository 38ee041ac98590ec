"""Every validation code, with real places and real times on Christmas Eve 2026."""

import dataclasses
import datetime as dt

import pytest
from timezonefinder import TimezoneFinder

from locations.validation import ERROR_CODES, WARNING_CODES, parse_deadline, validate_route
from tests.conftest import route_table

HEADER = ["city", "region", "country", "latitude", "longitude", "arrival", "timezone", "presents"]

# Real coordinates.
TORONTO = ("Toronto", "Ontario", "43.6532", "-79.3832")
DETROIT = ("Detroit", "Michigan", "42.3314", "-83.0458")
WINDSOR = ("Windsor", "Ontario", "42.3149", "-83.0364")
CHATHAM = ("Waitangi", "Chatham Islands", "-43.9535", "-176.5597")
KIRITIMATI = ("Kiritimati", "Line Islands", "1.8721", "-157.4278")
KATHMANDU = ("Kathmandu", "Bagmati", "27.7172", "85.3240")
SYDNEY = ("Sydney", "New South Wales", "-33.8688", "151.2093")
AUCKLAND = ("Auckland", "Auckland", "-36.8485", "174.7633")
APIA = ("Apia", "Tuamasaga", "-13.8333", "-171.7667")
HONOLULU = ("Honolulu", "Hawaii", "21.3069", "-157.8583")
PAGO_PAGO = ("Pago Pago", "Tutuila", "-14.2756", "-170.7020")
LONDON = ("London", "England", "51.5074", "-0.1278")


def row(place, country, arrival, timezone="", presents=""):
    city, region, latitude, longitude = place
    return [city, region, country, latitude, longitude, arrival, timezone, presents]


def check(*rows, header=HEADER, **options):
    return validate_route(route_table(list(rows), header=header), **options)


def codes(findings):
    return [(finding.row, finding.column, finding.code) for finding in findings]


def test_toronto_given_as_us_is_a_country_mismatch():
    report = check(row(TORONTO, "US", "2026-12-25T02:41:00Z"))
    assert codes(report.errors) == [(2, "country", "country_mismatch")]
    message = report.errors[0].message
    assert "America/Toronto" in message
    assert "Canada (CA)" in message
    assert "not United States (US)" in message
    assert report.errors[0].value == "US"


def test_detroit_us_and_windsor_ca_across_the_river_are_both_clean():
    report = check(row(DETROIT, "US", "2026-12-25T02:41:00Z"), row(WINDSOR, "CA", "2026-12-25T02:42:00Z"))
    assert report.errors == []
    assert report.warnings == []
    assert [(stop.city, stop.country, stop.timezone) for stop in report.stops] == [
        ("Detroit", "US", "America/Detroit"),
        ("Windsor", "CA", "America/Toronto"),
    ]


@pytest.mark.parametrize(
    ("place", "country", "zone", "last_good", "first_bad"),
    [
        (CHATHAM, "NZ", "Pacific/Chatham", "2026-12-24T08:14:59Z", "2026-12-24T08:15:00Z"),  # UTC+13:45 in summer
        (KIRITIMATI, "KI", "Pacific/Kiritimati", "2026-12-24T07:59:59Z", "2026-12-24T08:00:00Z"),  # UTC+14
        (KATHMANDU, "NP", "Asia/Kathmandu", "2026-12-24T16:14:59Z", "2026-12-24T16:15:00Z"),  # UTC+5:45
        (SYDNEY, "AU", "Australia/Sydney", "2026-12-24T10:59:59Z", "2026-12-24T11:00:00Z"),  # AEDT, UTC+11
        (AUCKLAND, "NZ", "Pacific/Auckland", "2026-12-24T08:59:59Z", "2026-12-24T09:00:00Z"),  # NZDT, UTC+13
        (PAGO_PAGO, "AS", "Pacific/Pago_Pago", "2026-12-25T08:59:59Z", "2026-12-25T09:00:00Z"),  # UTC-11
    ],
)
def test_21_59_59_local_passes_and_22_00_00_local_is_after_the_deadline(place, country, zone, last_good, first_bad):
    good = check(row(place, country, last_good))
    assert good.errors == []
    assert good.stops[0].timezone == zone
    bad = check(row(place, country, first_bad), night=dt.date(2026, 12, 24))
    assert codes(bad.errors) == [(2, "arrival", "after_deadline")]
    assert "22:00:00 on 24 December 2026" in bad.errors[0].message
    assert zone in bad.errors[0].message


def test_sydney_timed_with_winter_offset_falls_after_the_deadline_in_summer_time():
    # 21:30 at UTC+10 is 22:30 at the UTC+11 that Sydney keeps in December.
    report = check(row(SYDNEY, "AU", "2026-12-24T21:30:00+10:00"))
    assert codes(report.errors) == [(2, "arrival", "after_deadline")]
    assert "22:30:00" in report.errors[0].message


def test_a_route_across_the_date_line_is_clean():
    report = check(
        row(KIRITIMATI, "KI", "2026-12-24T06:00:00Z"),
        row(CHATHAM, "NZ", "2026-12-24T07:00:00Z"),
        row(AUCKLAND, "NZ", "2026-12-24T07:30:00Z"),
        row(APIA, "WS", "2026-12-24T08:00:00Z"),
        row(SYDNEY, "AU", "2026-12-24T10:00:00Z"),
        row(KATHMANDU, "NP", "2026-12-24T15:00:00Z"),
        row(LONDON, "GB", "2026-12-24T21:00:00Z"),
        row(TORONTO, "CA", "2026-12-25T02:00:00Z"),
        row(HONOLULU, "US", "2026-12-25T07:00:00Z"),
        row(PAGO_PAGO, "AS", "2026-12-25T08:00:00Z"),
    )
    assert report.errors == []
    assert len(report.stops) == 10
    assert report.night == dt.date(2026, 12, 24)


def test_arrival_before_midnight_that_starts_the_night_is_the_wrong_night():
    report = check(row(LONDON, "GB", "2026-12-23T23:59:59Z"), night=dt.date(2026, 12, 24))
    assert codes(report.errors) == [(2, "arrival", "wrong_night")]
    assert "23:59:59 on 23 December 2026" in report.errors[0].message


def test_a_26_00_deadline_reaches_into_the_next_morning_like_gtfs():
    at_01_59 = row(TORONTO, "CA", "2026-12-25T06:59:00Z")  # 01:59 on the 25th in Toronto
    at_02_00 = row(TORONTO, "CA", "2026-12-25T07:00:00Z")
    assert check(at_01_59, deadline="26:00").errors == []
    assert codes(check(at_01_59, deadline="22:00").errors) == [(2, "arrival", "after_deadline")]
    assert codes(check(at_02_00, deadline="26:00").errors) == [(2, "arrival", "after_deadline")]


@pytest.mark.parametrize(
    ("text", "expected"), [("22:00", dt.timedelta(hours=22)), ("26:00", dt.timedelta(hours=26)), ("35:59", None)]
)
def test_deadlines_are_wall_clock_spans_from_midnight(text, expected):
    assert parse_deadline(text) == (expected or dt.timedelta(hours=35, minutes=59))


@pytest.mark.parametrize("text", ["36:00", "22", "10pm", "22:60", "-1:00", ""])
def test_malformed_deadlines_are_refused(text):
    with pytest.raises(ValueError, match="deadline"):
        parse_deadline(text)


@pytest.mark.parametrize(("given", "name"), [("CAN", "Canada (CA)"), ("Canada", "Canada (CA)"), ("can", "Canada (CA)")])
def test_alpha_3_and_english_names_are_normalised_with_a_warning(given, name):
    report = check(row(TORONTO, given, "2026-12-25T02:00:00Z"))
    assert report.errors == []
    assert codes(report.warnings) == [(2, "country", "country_alias")]
    assert name in report.warnings[0].message
    assert report.stops[0].country == "CA"


def test_lower_case_alpha_2_is_accepted_without_a_warning():
    report = check(row(TORONTO, "ca", "2026-12-25T02:00:00Z"))
    assert report.errors == [] and report.warnings == []


def test_a_missing_required_column_is_reported_on_row_1():
    header = ["city", "country", "latitude", "arrival"]
    report = check(["Toronto", "CA", "43.6532", "2026-12-25T02:00:00Z"], header=header)
    assert codes(report.errors) == [(1, "longitude", "missing_column")]
    assert "longitude" in report.errors[0].message


def test_headers_match_in_any_case_and_order_and_extra_columns_are_ignored():
    header = ["ARRIVAL", "Longitude", "Latitude", "Country", "City", "Owner"]
    report = check(["2026-12-25T02:00:00Z", "-79.3832", "43.6532", "CA", "Toronto", "Ada"], header=header)
    assert report.errors == []
    assert report.stops[0].city == "Toronto"


def test_each_empty_required_cell_is_a_missing_value():
    report = check(["", "", "", "43.6532", "-79.3832", "", "", ""])
    assert codes(report.errors) == [
        (2, "city", "missing_value"),
        (2, "country", "missing_value"),
        (2, "arrival", "missing_value"),
    ]


@pytest.mark.parametrize(
    ("column", "value", "hint"),
    [
        ("latitude", "43,6532", "decimal point, like 43.6532"),
        ("longitude", "west", "decimal"),
        ("presents", "lots", "whole number"),
    ],
)
def test_unparseable_numbers_are_bad_numbers(column, value, hint):
    cells = row(TORONTO, "CA", "2026-12-25T02:00:00Z", presents="10")
    cells[HEADER.index(column)] = value
    report = check(cells)
    assert codes(report.errors) == [(2, column, "bad_number")]
    assert hint in report.errors[0].message


@pytest.mark.parametrize("presents", ["-5", "2.5", "1e3", "NaN"])
def test_presents_must_be_a_whole_number(presents):
    report = check(row(TORONTO, "CA", "2026-12-25T02:00:00Z", presents=presents))
    assert codes(report.errors) == [(2, "presents", "bad_number")]


@pytest.mark.parametrize(
    ("latitude", "longitude", "column"), [("95", "-79.38", "latitude"), ("43.6", "-190", "longitude")]
)
def test_coordinates_out_of_range_are_bad_coordinates_and_skip_the_country_check(latitude, longitude, column):
    report = check(["Toronto", "Ontario", "US", latitude, longitude, "2026-12-25T02:00:00Z", "", ""])
    assert codes(report.errors) == [(2, column, "bad_coordinate")]


@pytest.mark.parametrize(
    "arrival", ["2026-12-24 09:41", "2026-12-24T09:41:00", "tomorrow", "24/12/2026 09:41Z", "2026-12-24"]
)
def test_an_arrival_without_an_offset_or_not_iso_is_a_bad_time(arrival):
    report = check(row(TORONTO, "CA", arrival))
    assert codes(report.errors) == [(2, "arrival", "bad_time")]
    assert "2026-12-24T09:41:00Z" in report.errors[0].message


def test_an_unknown_country_suggests_close_iso_matches_and_skips_the_mismatch_check():
    report = check(row(TORONTO, "Canda", "2026-12-25T02:00:00Z"))
    assert codes(report.errors) == [(2, "country", "unknown_country")]
    assert "Did you mean Canada (CA)" in report.errors[0].message
    assert "The coordinates lie in Canada (CA)" in report.errors[0].message


def test_an_unknown_country_name_is_matched_to_its_close_iso_name():
    report = check(row(DETROIT, "Untied States", "2026-12-25T02:00:00Z"))
    assert codes(report.errors) == [(2, "country", "unknown_country")]
    assert "Did you mean United States (US)" in report.errors[0].message


def test_coordinates_at_sea_are_a_country_mismatch():
    report = check(["Null Island", "", "GH", "0", "0", "2026-12-24T20:00:00Z", "", ""])
    assert codes(report.errors) == [(2, "country", "country_mismatch")]
    assert "at sea" in report.errors[0].message


def test_a_timezone_that_is_not_iana_is_unknown():
    report = check(row(TORONTO, "CA", "2026-12-25T02:00:00Z", timezone="Eastern Time"))
    assert codes(report.errors) == [(2, "timezone", "unknown_timezone")]


def test_a_timezone_that_disagrees_with_the_coordinates_is_a_mismatch():
    report = check(row(TORONTO, "CA", "2026-12-25T02:00:00Z", timezone="America/Vancouver"))
    assert codes(report.errors) == [(2, "timezone", "timezone_mismatch")]
    assert "America/Toronto" in report.errors[0].message


def test_a_timezone_that_agrees_is_clean_and_local_time_uses_the_coordinates():
    report = check(row(TORONTO, "CA", "2026-12-25T02:00:00Z", timezone="America/Toronto"))
    assert report.errors == []
    assert report.stops[0].timezone == "America/Toronto"


def test_an_arrival_earlier_than_the_row_above_is_out_of_order():
    report = check(row(LONDON, "GB", "2026-12-24T21:00:00Z"), row(KATHMANDU, "NP", "2026-12-24T15:00:00Z"))
    assert codes(report.errors) == [(3, "arrival", "out_of_order")]
    assert "row 2" in report.errors[0].message


def test_an_arrival_equal_to_the_row_above_is_a_duplicate_time():
    report = check(row(DETROIT, "US", "2026-12-25T02:41:00Z"), row(WINDSOR, "CA", "2026-12-25T02:41:00Z"))
    assert codes(report.errors) == [(3, "arrival", "duplicate_time")]


def test_the_row_above_is_the_nearest_row_whose_arrival_parsed():
    report = check(
        row(KATHMANDU, "NP", "2026-12-24T15:00:00Z"),
        row(LONDON, "GB", "not a time"),
        row(TORONTO, "CA", "2026-12-24T14:00:00Z"),
    )
    assert codes(report.errors) == [(3, "arrival", "bad_time"), (4, "arrival", "out_of_order")]
    assert "row 2" in report.errors[1].message


def test_the_same_city_and_country_twice_is_a_warning_not_an_error():
    report = check(row(TORONTO, "CA", "2026-12-25T02:00:00Z"), row(TORONTO, "CAN", "2026-12-25T02:30:00Z"))
    assert report.errors == []
    assert codes(report.warnings) == [(3, "country", "country_alias"), (3, "city", "duplicate_stop")]
    assert "row 2" in report.warnings[1].message


def test_namesakes_in_other_regions_are_other_places_and_no_duplicate():
    # Charleston, West Virginia at 19:00 local and Charleston, South Carolina at 19:30 local (both UTC-5).
    west_virginia = ("Charleston", "West Virginia", "38.34982", "-81.63262")
    south_carolina = ("Charleston", "South Carolina", "32.77657", "-79.93092")
    report = check(row(west_virginia, "US", "2026-12-25T00:00:00Z"), row(south_carolina, "US", "2026-12-25T00:30:00Z"))
    assert report.errors == []
    assert report.warnings == []

    again = check(row(west_virginia, "US", "2026-12-25T00:00:00Z"), row(west_virginia, "US", "2026-12-25T00:30:00Z"))
    assert codes(again.warnings) == [(3, "city", "duplicate_stop")]
    assert again.warnings[0].message.startswith("Charleston, West Virginia, US is already on the route at row 2.")


def test_blank_rows_are_skipped_and_row_numbers_stay_the_sheets_own():
    report = check(["", "", "", "", "", "", "", ""], row(TORONTO, "US", "2026-12-25T02:00:00Z"))
    assert codes(report.errors) == [(3, "country", "country_mismatch")]


@pytest.mark.parametrize("rows", [[], [["", "", "", "", "", "", "", ""], [" "] * 8]], ids=["header-only", "blank-rows"])
def test_a_sheet_with_its_header_but_no_stops_is_an_error(rows):
    report = check(*rows)
    assert codes(report.errors) == [(1, "city", "no_stops")]
    assert "no stops" in report.errors[0].message


def test_the_night_defaults_to_24_december_of_the_earliest_arrival_year():
    assert check(row(LONDON, "GB", "2017-12-24T21:00:00Z")).night == dt.date(2017, 12, 24)


def test_every_code_in_the_brief_is_known():
    assert set(ERROR_CODES) == {
        "missing_column", "missing_value", "bad_number", "bad_coordinate", "bad_time", "unknown_country",
        "country_mismatch", "unknown_timezone", "timezone_mismatch", "wrong_night", "after_deadline",
        "out_of_order", "duplicate_time", "duplicate_column", "arrival_mismatch", "dst_change", "unsupported_zone",
        "no_stops",
    }  # fmt: skip
    assert set(WARNING_CODES) == {"duplicate_stop", "country_alias", "impossible_hop", "unknown_fact_language"}


def test_notes_stay_on_the_checked_stop_for_the_server_only():
    header = [*HEADER, "notes"]
    report = check([*row(TORONTO, "CA", "2026-12-25T02:00:00Z"), "call the mayor"], header=header)
    assert report.stops[0].notes == "call the mayor"


def test_presents_accept_thousands_separators_as_a_sheet_formats_them():
    report = check(row(TORONTO, "CA", "2026-12-25T02:00:00Z", presents="1,100,000"))
    assert report.errors == []
    assert report.stops[0].presents == 1_100_000


def test_an_absurd_number_of_presents_is_a_bad_number():
    report = check(row(TORONTO, "CA", "2026-12-25T02:00:00Z", presents="99999999999999999999999"))
    assert codes(report.errors) == [(2, "presents", "bad_number")]


def test_hanoi_in_a_zone_vietnam_shares_with_thailand_is_clean():
    report = check(["Hanoi", "", "VN", "21.0285", "105.8542", "2026-12-24T13:00:00Z", "", ""])
    assert report.errors == []
    assert report.stops[0].timezone == "Asia/Bangkok"


def test_hanoi_given_as_thailand_is_a_mismatch_although_thailand_keeps_the_zone():
    report = check(["Hanoi", "", "TH", "21.0285", "105.8542", "2026-12-24T13:00:00Z", "", ""])
    assert codes(report.errors) == [(2, "country", "country_mismatch")]
    assert "belongs to Vietnam (VN), not Thailand (TH)" in report.errors[0].message


def test_phoenix_given_as_ca_is_a_mismatch_although_canada_shares_its_zone():
    report = check(["Phoenix", "Arizona", "CA", "33.4484", "-112.0740", "2026-12-25T04:00:00Z", "", ""])
    assert codes(report.errors) == [(2, "country", "country_mismatch")]
    assert "America/Phoenix, which belongs to United States (US), not Canada (CA)" in report.errors[0].message


def test_toronto_given_as_the_bahamas_is_a_mismatch_although_they_share_a_clock():
    report = check(row(TORONTO, "BS", "2026-12-25T02:00:00Z"))
    assert codes(report.errors) == [(2, "country", "country_mismatch")]


# Duplicate and ambiguous headers: never a silent choice of one of them.


def test_two_arrival_columns_are_a_duplicate_column_naming_both_letters():
    header = ["city", "country", "latitude", "longitude", "arrival", "notes", "arrival"]
    report = check(["Auckland", "NZ", *AUCKLAND[2:], "2026-12-24T07:30:00Z", "", "2026-12-24T08:00:00Z"], header=header)
    assert codes(report.errors) == [(1, "arrival", "duplicate_column")]
    assert "Columns E and G are both the 'arrival' column, so the tracker cannot tell" in report.errors[0].message
    assert report.stops == []


@pytest.mark.parametrize(
    ("header", "column", "letters"),
    [
        (["City", "country", "latitude", "longitude", "arrival", " city "], "city", "A and F"),
        (["city", "country", "Latitude", "LATITUDE", "longitude", "arrival"], "latitude", "C and D"),
        (["city", "country", "latitude", "longitude", "Local_Arrival", "local  arrival"], "local arrival", "E and F"),
        (["city", "country", "latitude", "longitude", "arrival", "notes", "Notes", "NOTES"], "notes", "F, G and H"),
    ],
    ids=["case-and-spaces", "upper-case", "underscores-and-double-spaces", "three-private-notes"],
)
def test_headers_that_normalise_to_one_known_column_are_a_duplicate_column(header, column, letters):
    cells = ["Toronto", "CA", "43.6532", "-79.3832", "2026-12-25T02:00:00Z"]
    report = check(cells + [""] * (len(header) - len(cells)), header=header)
    assert codes(report.errors) == [(1, column, "duplicate_column")]
    assert f"Columns {letters} are both the '{column}' column (" in report.errors[0].message  # as written


def test_two_extra_columns_with_one_name_are_ignored_like_any_extra_column():
    header = ["city", "country", "latitude", "longitude", "arrival", "owner", "Owner"]
    report = check(["Toronto", "CA", "43.6532", "-79.3832", "2026-12-25T02:00:00Z", "Ada", "Bo"], header=header)
    assert report.errors == []


def test_a_header_row_in_one_cell_says_what_the_file_looks_like():
    header = ["city;country;latitude;longitude;arrival"]
    report = check(["Toronto;CA;43,6532;-79,3832;2026-12-25T02:00:00Z"], header=header)
    assert codes(report.errors) == [(1, "city", "missing_column")] + [
        (1, column, "missing_column") for column in ("country", "latitude", "longitude", "arrival")
    ]
    message = report.errors[0].message
    assert "the whole header row is one cell" in message and "separated by semicolons" in message
    assert "Add a column" not in message


# The summary line counts stops that passed.


def test_the_summary_counts_stops_that_passed_not_rows_read():
    report = check(row(TORONTO, "US", "2026-12-25T02:00:00Z"), row(DETROIT, "CA", "2026-12-25T02:41:00Z"))
    assert (
        report.as_text()
        .splitlines()[-1]
        .startswith("0 stops, 2 errors, 0 warnings from 2 rows: the 2 rows with errors become stops once fixed")
    )
    assert report.as_dict()["stops"] == 0
    half = check(row(TORONTO, "CA", "2026-12-25T02:00:00Z"), row(DETROIT, "CA", "2026-12-25T02:41:00Z"))
    assert (
        half.as_text()
        .splitlines()[-1]
        .startswith("1 stop, 1 error, 0 warnings from 2 rows: the row with errors becomes a stop once fixed")
    )
    assert half.row_count == 2


# Numbers as the sheet's locale writes them.


def check_in(locale, *rows, header=HEADER):
    return validate_route(dataclasses.replace(route_table(list(rows), header=header), number_locale=locale))


@pytest.mark.parametrize(
    ("locale", "latitude", "longitude", "presents"),
    [
        ("de", "43,6532", "-79,3832", "1.200.000"),
        ("de", "43.6532", "-79.3832", "1.200.000"),  # a point cannot group a coordinate: pasted from GeoNames
        ("fr_FR", "43,6532", "-79,3832", "1\u202f200\u202f000"),  # narrow no-break space, as French Sheets
        ("fr_FR", "43,6532", "-79,3832", "1 200 000"),
        ("en_US", "43.6532", "-79.3832", "1\u00a0200\u00a0000"),  # no-break space
        ("en_US", "43.6532", "-79.3832", "1,200,000"),
        ("pt_BR", "43,6532", "-79,3832", "1.200.000"),
    ],
)
def test_numbers_are_read_as_the_sheets_locale_writes_them(locale, latitude, longitude, presents):
    report = check_in(locale, ["Toronto", "", "CA", latitude, longitude, "2026-12-25T02:00:00Z", "", presents])
    assert report.errors == []
    stop = report.stops[0]
    assert (stop.latitude, stop.longitude, stop.presents) == (43.6532, -79.3832, 1_200_000)


@pytest.mark.parametrize(
    ("locale", "column", "value", "example"),
    [
        ("en_US", "latitude", "43,6532", "43.6532"),
        ("de", "latitude", "43,65,32", "43,6532"),
        ("de", "presents", "1,200,000", "1.200.000"),  # a German sheet's 1,2 is one point two
        ("de", "presents", "12.00", "1.200.000"),  # grouping in threes, strictly
        ("en_US", "presents", "1 2 3", "1,200,000"),
    ],
)
def test_numbers_not_written_the_locales_way_are_bad_numbers_with_an_example(locale, column, value, example):
    cells = ["Toronto", "", "CA", "43.6532", "-79.3832", "2026-12-25T02:00:00Z", "", "12"]
    cells[HEADER.index(column)] = value
    report = check_in(locale, cells)
    assert codes(report.errors) == [(2, column, "bad_number")]
    assert f"like {example}" in report.errors[0].message


# A time with no zone is never silently UTC; `local arrival` is the time at the stop.

LOCAL_HEADER = ["city", "country", "latitude", "longitude", "arrival", "local arrival"]


def local(place, country, arrival, local_arrival):
    return [place[0], country, place[2], place[3], arrival, local_arrival]


@pytest.mark.parametrize("arrival", ["2026-12-24 21:30", "2026-12-24T21:30:00", "2026-12-24 21:30:00.250"])
def test_an_arrival_without_a_zone_says_how_to_write_an_instant(arrival):
    report = check(row(TORONTO, "CA", arrival))
    assert codes(report.errors) == [(2, "arrival", "bad_time")]
    message = report.errors[0].message
    assert "has no time zone" in message
    assert "2026-12-24T09:41:00Z" in message and "'local arrival' column" in message


def test_a_local_arrival_alone_is_converted_with_the_zone_at_the_coordinates():
    header = ["city", "country", "latitude", "longitude", "Local Arrival"]
    report = check(
        ["Kiritimati", "KI", *KIRITIMATI[2:], "2026-12-24 9:30 "],  # a sheet's h:mm format
        ["Sydney", "AU", *SYDNEY[2:], "2026-12-24 21:30"],
        ["Kathmandu", "NP", *KATHMANDU[2:], "2026-12-24T21:30"],
        ["Toronto", "CA", *TORONTO[2:], "2026-12-24 21:30:00"],
        header=header,
    )
    assert report.errors == []
    assert [stop.arrival.isoformat() for stop in report.stops] == [
        "2026-12-23T19:30:00+00:00",  # UTC+14
        "2026-12-24T10:30:00+00:00",  # AEDT, UTC+11
        "2026-12-24T15:45:00+00:00",  # UTC+5:45
        "2026-12-25T02:30:00+00:00",  # EST, UTC-5
    ]


def test_findings_on_a_local_arrival_name_its_column_and_the_time_as_typed():
    header = ["city", "country", "latitude", "longitude", "local arrival"]
    report = check(
        ["Sydney", "AU", *SYDNEY[2:], "2026-12-24 22:15"],
        ["Kathmandu", "NP", *KATHMANDU[2:], "2026-12-24 21:00"],
        ["Toronto", "CA", *TORONTO[2:], "2026-12-24 20:00"],
        header=header,
    )
    assert codes(report.errors) == [(2, "local arrival", "after_deadline")]
    report = check(
        ["Toronto", "CA", *TORONTO[2:], "2026-12-24 21:00"],
        ["Sydney", "AU", *SYDNEY[2:], "2026-12-24 21:00"],
        header=header,
    )
    assert codes(report.errors) == [(3, "local arrival", "out_of_order")]
    assert report.errors[0].value == "2026-12-24 21:00"
    message = report.errors[0].message
    assert "arrives at 2026-12-24 21:00 local time, 2026-12-24T10:00:00Z" in message
    assert "earlier than row 2 (2026-12-24 21:00 local time, 2026-12-25T02:00:00Z)" in message


def test_arrival_and_local_arrival_that_agree_pass():
    report = check(local(TORONTO, "CA", "2026-12-25T02:30:00Z", "2026-12-24 21:30"), header=LOCAL_HEADER)
    assert report.errors == []


def test_arrival_and_local_arrival_that_disagree_are_an_arrival_mismatch():
    report = check(local(TORONTO, "CA", "2026-12-24T21:30:00Z", "2026-12-24 21:30"), header=LOCAL_HEADER)
    assert codes(report.errors) == [(2, "local arrival", "arrival_mismatch")]
    assert "America/Toronto is 2026-12-25T02:30:00Z" in report.errors[0].message
    assert "2026-12-24T21:30:00Z" in report.errors[0].message


@pytest.mark.parametrize("value", ["2026-12-24T21:30:00-05:00", "21:30", "24.12.2026 21:30", "tonight"])
def test_a_local_arrival_that_is_not_a_wall_time_is_a_bad_time(value):
    report = check(local(TORONTO, "CA", "", value), header=LOCAL_HEADER)
    assert codes(report.errors) == [(2, "local arrival", "bad_time")]
    assert "2026-12-24 21:30" in report.errors[0].message


def test_a_row_with_neither_time_is_missing_its_arrival():
    report = check(local(TORONTO, "CA", "", ""), header=LOCAL_HEADER)
    assert codes(report.errors) == [(2, "arrival", "missing_value")]
    assert "or the local arrival" in report.errors[0].message
    only_local = check(
        ["Toronto", "CA", *TORONTO[2:], ""], header=["city", "country", "latitude", "longitude", "local arrival"]
    )
    assert codes(only_local.errors) == [(2, "local arrival", "missing_value")]


@pytest.mark.parametrize(
    ("wall_time", "happens"),
    [("2026-03-29 01:30", "never happens"), ("2026-10-25 01:30", "happens twice")],
    ids=["spring-forward-gap", "fall-back-overlap"],
)
def test_a_local_arrival_in_a_clock_change_is_a_dst_change(wall_time, happens):
    report = check(local(LONDON, "GB", "", wall_time), header=LOCAL_HEADER, night=dt.date(2026, 3, 28))
    assert codes(report.errors) == [(2, "local arrival", "dst_change")]
    assert f"{wall_time} {happens} in Europe/London" in report.errors[0].message


def test_local_arrivals_are_ordered_with_arrivals():
    report = check(
        local(LONDON, "GB", "2026-12-24T21:00:00Z", ""),
        local(KATHMANDU, "NP", "", "2026-12-24 21:00"),  # 15:15Z, before London
        header=LOCAL_HEADER,
    )
    assert codes(report.errors) == [(3, "local arrival", "out_of_order")]  # where its time is


# Time-zone libraries released separately: a zone one knows and the other does not is a finding.


def test_a_zone_timezonefinder_knows_and_pytz_does_not_is_a_finding_not_a_traceback(monkeypatch):
    real = TimezoneFinder.timezone_at

    def skewed(finder, *, lng, lat):
        return "Europe/Kyiv_2030" if abs(lat - 50.45466) < 0.01 else real(finder, lng=lng, lat=lat)

    monkeypatch.setattr(TimezoneFinder, "timezone_at", skewed)
    kyiv = ("Kyiv", "", "50.45466", "30.5238")
    report = check(row(kyiv, "UA", "2026-12-24T19:00:00Z"), row(LONDON, "GB", "2026-12-24T21:00:00Z"))
    assert codes(report.errors) == [(2, "timezone", "unsupported_zone")]
    assert report.errors[0].value == "Europe/Kyiv_2030"
    assert "pytz does not know" in report.errors[0].message
    assert [stop.city for stop in report.stops] == ["London"]
    with_local = check(local(kyiv, "UA", "", "2026-12-24 21:00"), header=LOCAL_HEADER)
    assert codes(with_local.errors) == [(2, "timezone", "unsupported_zone")]


def test_a_hop_faster_than_the_sleigh_is_an_impossible_hop_warning_not_an_error():
    # Auckland to Sydney is 2,156 km: 6 min 29 s at 20,000 km/h. Five minutes is too fast; seven is not.
    report = validate_route(
        route_table(
            [
                ["Auckland", "", "NZ", "-36.8485", "174.7633", "2026-12-24T08:00:00Z", "", "", ""],
                ["Sydney", "", "AU", "-33.8688", "151.2093", "2026-12-24T08:05:00Z", "", "", ""],
                ["Melbourne", "", "AU", "-37.8136", "144.9631", "2026-12-24T08:12:00Z", "", "", ""],
            ]
        ),
        night=dt.date(2026, 12, 24),
    )

    assert report.errors == []
    assert len(report.stops) == 3
    [hop] = report.warnings
    assert (hop.row, hop.column, hop.code, hop.value) == (3, "arrival", "impossible_hop", "2026-12-24T08:05:00Z")
    assert hop.message == (
        "Sydney: 2,156 km from Auckland (row 2) in 5 min 00 s, 25,871 km/h; the sleigh flies at most 20,000 km/h, "
        "so this hop needs 6 min 29 s. Move the stop later, or the one before earlier."
    )


def test_a_faster_sleigh_makes_the_same_hop_possible():
    table = route_table(
        [
            ["Auckland", "", "NZ", "-36.8485", "174.7633", "2026-12-24T08:00:00Z", "", "", ""],
            ["Sydney", "", "AU", "-33.8688", "151.2093", "2026-12-24T08:05:00Z", "", "", ""],
        ]
    )

    assert validate_route(table, night=dt.date(2026, 12, 24), speed_kmh=30_000).warnings == []
