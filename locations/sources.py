"""Route sources behind one interface: read_source(SOURCE) gives a RouteTable or raises SourceError.

Every source gives text cells, whatever the file stored. XLSX date cells carry no zone, so they are written
without one ('2026-12-24 21:30:00'): validation refuses them as an `arrival` and reads them as the time at
the stop in `local arrival`; never silently as UTC. A CSV file's delimiter (, ; tab |) is sniffed; with
';' (Excel in comma-decimal locales) numbers are read with decimal commas. Google Santa Tracker JSON has no
ISO country: it is the country Google's region text names ("Ontario, Canada": region Ontario, country CA),
so validation checks it against the coordinates; when the region names none ("Azores") it is the one country
owning the zone at the coordinates, else blank for validation to report.
"""

import codecs
import csv
import datetime as dt
import io
import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from lib.instants import iso_z
from locations.geography import country_names_in, resolve_country, sole_owner, zone_at
from locations.sheet_address import is_sheet_reference
from locations.table import (
    PLAIN_LOCALE,
    ROUTE_COLUMNS,
    RouteTable,
    SourceError,
    column_name,
    make_rows,
    table_from_records,
)

if TYPE_CHECKING:
    import requests

MAX_FILE_BYTES = 50 * 1024 * 1024
SANTA_JSON_HEADER = ["city", "region", "country", "latitude", "longitude", "arrival", "presents", "notes"]
# Google's take-off and landing at the North Pole are not stops; they stay as blank rows so numbering holds.
SANTA_JSON_NOT_STOPS = frozenset({"takeoff", "landing"})
CSV_DELIMITERS = ",;\t|"
# Numbers in a ';' CSV file: decimal comma, '.' between thousands (spaces are read as well), as Excel writes them
# where the decimal mark is a comma (Germany, France, Spain, Brazil, ...).
DECIMAL_COMMA_LOCALE = "de"
_SNIFF_CHARACTERS = 8192
_EXCEL_SEPARATOR_LINE = re.compile(r"sep=(.)\r?\n?", re.IGNORECASE)


def read_csv(path: Path) -> RouteTable:
    """A UTF-8 CSV file, with or without a byte-order mark (or UTF-16 with one), its delimiter , ; tab or |
    (sniffed).

    Excel's 'sep=;' first line names the delimiter and is not a row (Excel hides it too), so the header stays
    row 1. With ';' numbers are read with decimal commas. Raises SourceError for other encodings.
    """
    raw = _read_bytes(path)
    try:
        # Excel's "Unicode Text" is UTF-16 with a byte-order mark (and tabs): the mark says so for certain.
        text = raw.decode("utf-16") if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else None
        text = text if text is not None else raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path.name} is not UTF-8 text (byte {exc.start}); it was probably saved as 'CSV (Comma delimited)' "
            "or 'CSV (MS-DOS)' in a legacy encoding such as Windows-1252. Save it as CSV UTF-8 "
            "(Excel: File > Save As > CSV UTF-8 (Comma delimited))."
        ) from None
    delimiter = None
    first_line = text.split("\n", 1)[0]
    if hint := _EXCEL_SEPARATOR_LINE.fullmatch(first_line + "\n"):
        delimiter = hint.group(1)
        text = text[len(first_line) + 1 :]
    delimiter = delimiter or sniff_delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SourceError(f"{path.name} is not a readable CSV file: {exc}") from None
    if not records:
        raise SourceError(f"{path.name} is empty: it needs a header row and one row per stop.")
    headers, rows = make_rows(records[0], records[1:])
    number_locale = DECIMAL_COMMA_LOCALE if delimiter == ";" else PLAIN_LOCALE
    return RouteTable(source=str(path), kind="csv", headers=headers, rows=rows, number_locale=number_locale)


def sniff_delimiter(text: str) -> str:
    """The delimiter of CSV text among , ; tab | by the standard library's sniffer, ',' when it cannot tell.

    When another candidate splits the header into more route columns than the sniffer's pick, that one wins:
    the header is the one row whose cells are known.
    """
    sample = text[:_SNIFF_CHARACTERS]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ","
    header = sample.splitlines()[0] if sample.strip() else ""

    def known_columns(delimiter: str) -> int:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        return len({column_name(cell) for cell in cells} & set(ROUTE_COLUMNS))

    best = max(CSV_DELIMITERS, key=known_columns)
    return best if known_columns(best) > known_columns(sniffed) else sniffed


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(f"{path.name} is {size} bytes; a route file may be at most {MAX_FILE_BYTES} bytes.")
        return path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"There is no file at {path}.") from None
    except IsADirectoryError:
        raise SourceError(f"{path} is a folder, not a route file.") from None
    except OSError as exc:
        raise SourceError(f"{path} cannot be read: {exc.strerror}.") from None


def read_source(source: str, *, session: "requests.Session | None" = None) -> RouteTable:
    """Read a route from a .csv, .xlsx or Google Santa Tracker .json path, or a Google Sheet URL or key.

    session is the requests Session a Google Sheet is read through (tests point it at a local fake).
    """
    if is_sheet_reference(source):
        from locations import sheets  # gspread and google-auth load only when a sheet is read

        return sheets.read_sheet(source, session=session)
    if source.startswith(("http://", "https://")):
        raise SourceError(
            f"{source!r} is a web address but not a Google Sheet; download the file and give its path instead."
        )
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return read_csv(path)
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".json":
        return read_santa_json(path)
    if suffix in (".xls", ".ods", ".numbers"):
        raise SourceError(f"{path.name} is a {suffix} file; save it as .xlsx (Excel Workbook) or CSV UTF-8.")
    raise SourceError(
        f"{source!r} is not a route source: give a .csv, .xlsx or Google Santa Tracker .json path, "
        "or a Google Sheet URL (https://docs.google.com/spreadsheets/d/...) or key."
    )


def read_xlsx(path: Path) -> RouteTable:
    """The first worksheet of an Excel workbook, every cell turned into the text an organiser means."""
    import openpyxl  # only needed for .xlsx

    raw = _read_bytes(path)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise SourceError(f"{path.name} has no worksheet; put the route on the first sheet.")
            records = [[_xlsx_text(cell) for cell in row] for row in workbook.worksheets[0].iter_rows()]
        finally:
            workbook.close()
    except SourceError:
        raise
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) for one cause: a bad file
        raise SourceError(
            f"{path.name} is not a readable .xlsx workbook ({type(exc).__name__}). Open it in Excel or "
            "Google Sheets and save it again as .xlsx; a password-protected workbook must be saved unprotected."
        ) from None
    return table_from_records(str(path), "xlsx", records)


_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[[^\]]*\]')


def _xlsx_text(cell: object) -> str:
    """The text of one cell: '2026-12-24 21:30:00' for a date-time (no zone: a cell has none), no '.0' on
    whole numbers."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        number_format = _QUOTED_OR_BRACKETED.sub("", str(getattr(cell, "number_format", ""))).lower()
        if "h" not in number_format and "s" not in number_format:
            # Formatted as a date only: an arrival needs a time, so let validation say so.
            return value.date().isoformat()
        # Never given a zone here: a zone-less time must stay zone-less for validation to refuse or localise it.
        return value.isoformat(sep=" ", timespec="milliseconds" if value.microsecond else "seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def read_santa_json(path: Path) -> RouteTable:
    """Google Santa Tracker's public route JSON; row numbers are destinations[] index + 2."""
    raw = _read_bytes(path)
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise SourceError(f"{path.name} is not UTF-8 text, so it is not a Santa Tracker JSON file.") from None
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path.name} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from None
    destinations = document.get("destinations") if isinstance(document, dict) else None
    if not isinstance(destinations, list):
        raise SourceError(f'{path.name} is JSON but not a Google Santa Tracker route: it needs a "destinations" list.')
    if not destinations:
        raise SourceError(f'{path.name} has an empty "destinations" list: there are no stops to read.')
    body: list[list[str]] = []
    delivered_so_far = 0
    for index, destination in enumerate(destinations):
        if not isinstance(destination, dict):
            raise SourceError(f"{path.name}: destinations[{index}] is not an object with city, arrival and location.")
        delivered = destination.get("presentsDelivered")
        presents = ""
        if _is_number(delivered) and math.isfinite(delivered):
            # Google counts presents cumulatively; a stop delivered what the running total gained there.
            presents = str(max(0, int(delivered) - delivered_so_far))
            delivered_so_far = max(delivered_so_far, int(delivered))
        if _is_not_stop(destination):
            body.append([""] * len(SANTA_JSON_HEADER))
            continue
        body.append(_santa_row(destination, presents))
    headers, rows = make_rows(SANTA_JSON_HEADER, body)
    skipped = [rows[i].number for i, destination in enumerate(destinations) if _is_not_stop(destination)]
    return RouteTable(source=str(path), kind="json", headers=headers, rows=rows, not_stops=tuple(skipped))


def _is_not_stop(destination: dict) -> bool:
    """Whether a destination is Google's take-off or landing rather than a stop."""
    stop_id = destination.get("id")
    return isinstance(stop_id, str) and stop_id in SANTA_JSON_NOT_STOPS


def _santa_row(destination: dict, presents: str) -> list[str]:
    location = destination.get("location")
    location = location if isinstance(location, dict) else {}
    latitude, longitude = location.get("lat"), location.get("lng")
    region, country = _split_region(_json_text(destination.get("region")).strip())
    arrival = destination.get("arrival")
    return [
        _json_text(destination.get("city")).strip(),
        region,
        country or _country_at(latitude, longitude),
        _json_text(latitude),
        _json_text(longitude),
        _epoch_ms_text(arrival),
        presents,
        f"Google Santa Tracker id: {destination['id']}" if destination.get("id") else "",
    ]


def _split_region(region: str) -> tuple[str, str]:
    """Google's region text as (the region without its country, the ISO country it ends with, or blank):
    "Ontario, Canada" -> ("Ontario", "CA"), "Russia" -> ("", "RU"), "Azores" -> ("Azores", ""). The country
    has its own column, so pages do not name it twice ("Hilo, Hawaii, United States, United States")."""
    head, _comma, last = region.rpartition(",")
    country, _alias = resolve_country(last)
    # Google writes the names people use, which are CLDR's ("Russia", "Vietnam"), not always ISO's.
    country = country or {name.casefold(): code for code, name in country_names_in("en")}.get(last.strip().casefold())
    if country is None:
        return region, ""
    return head.strip(), country


def _country_at(latitude: object, longitude: object) -> str:
    """The one country owning the zone at the coordinates, or blank when none or several do."""
    if not (_is_number(latitude) and _is_number(longitude)):
        return ""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return ""
    return sole_owner(zone_at(float(latitude), float(longitude))) or ""


def _epoch_ms_text(value: object) -> str:
    """Epoch milliseconds as an ISO instant with Z; 0 (Google's 'no arrival') as blank; others as given."""
    if not _is_number(value) or not float(value).is_integer():
        return _json_text(value)
    if value <= 0:
        return ""
    try:
        moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=int(value))
    except OverflowError:
        return _json_text(value)
    return iso_z(moment)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _json_text(value: object) -> str:
    """A JSON value as cell text: strings as they are, numbers without a spurious '.0', null as blank."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value)
