"""The shape every route source produces: a header row and text rows with their sheet row numbers."""

import re
from dataclasses import dataclass

# Every column a route sheet may have, by column_name; others are ignored. `local arrival` may stand in for
# `arrival` (locations.validation has the rules).
ROUTE_COLUMNS = (
    "city",
    "region",
    "country",
    "latitude",
    "longitude",
    "arrival",
    "local arrival",
    "timezone",
    "presents",
    "fact",
    "notes",
)
# A fact in one language: `fact:de`, `fact:ja`, `fact:pt-br` (the site's language codes); plain `fact` is the
# fallback for every other language.
FACT_PREFIX = "fact:"
# Numbers in text cells are read as this Babel locale writes them unless the source says otherwise.
PLAIN_LOCALE = "en_US"
_SPACES_AND_UNDERSCORES = re.compile(r"[\s_]+")


class SourceError(Exception):
    """The source could not be read; the message says why, for an organiser."""


@dataclass(frozen=True)
class SheetRow:
    """One sheet row: its own row number (the header is row 1) and its cells by column name (column_name)."""

    number: int
    cells: dict[str, str]

    def is_blank(self) -> bool:
        return not any(value.strip() for value in self.cells.values())


@dataclass(frozen=True)
class RouteTable:
    """Rows read from one source, all cells as text."""

    source: str
    kind: str
    headers: list[str]
    rows: list[SheetRow]
    # For Google Sheets: the sheet's key, and the worksheet's id and title, so findings can link to the cell.
    sheet_key: str = ""
    worksheet_id: int | None = None
    worksheet_title: str = ""
    # Sheet rows that are not stops (Google's route JSON lists the North Pole's take-off and landing).
    not_stops: tuple[int, ...] = ()
    # How the source writes numbers in text cells: a Babel locale (a Google Sheet's own, "de" for a ';' CSV).
    number_locale: str = PLAIN_LOCALE


def column_name(header: object) -> str:
    """The column a header names: stripped, case-folded, runs of spaces and underscores as one space.

    'Local_Arrival ' and 'local  arrival' both name 'local arrival'; every reader and check keys cells by it.
    """
    return _SPACES_AND_UNDERSCORES.sub(" ", str(header)).strip().casefold()


def fact_language(name: str) -> str | None:
    """The language code a column name (column_name) gives a fact in: 'fact:pt br' -> 'pt-br'; None for others."""
    if not name.startswith(FACT_PREFIX):
        return None
    return name.removeprefix(FACT_PREFIX).strip().replace(" ", "-") or None


def make_rows(header: list[str], body: list[list[str]], first_row_number: int = 2) -> tuple[list[str], list[SheetRow]]:
    """Key each body row by column name (the first of two same-named columns; validation reports both);
    numbering follows the sheet."""
    names = [column_name(name) for name in header]
    rows = []
    for offset, values in enumerate(body):
        cells: dict[str, str] = {}
        for position, name in enumerate(names):
            if not name or name in cells:
                continue
            value = values[position] if position < len(values) else ""
            cells[name] = "" if value is None else str(value)
        rows.append(SheetRow(first_row_number + offset, cells))
    return [str(name).strip() for name in header], rows


def table_from_records(
    source: str,
    kind: str,
    records: list[list[str]],
    *,
    sheet_key: str = "",
    worksheet_id: int | None = None,
    worksheet_title: str = "",
    number_locale: str = PLAIN_LOCALE,
) -> RouteTable:
    """A RouteTable from the rows of a sheet-like source, whose first row must be the header.

    The keywords are RouteTable's, for a Google Sheet. Raises SourceError when the source is empty or its first
    row is blank.
    """
    if not any(any(cell.strip() for cell in record) for record in records):
        raise SourceError(f"{source} is empty: it needs a header row (city, country, ...) and one row per stop.")
    if not any(cell.strip() for cell in records[0]):
        raise SourceError(
            f"Row 1 of {source} is blank: the first row must be the header (city, country, latitude, "
            "longitude, arrival); move the headers up to row 1."
        )
    headers, rows = make_rows(records[0], records[1:])
    return RouteTable(
        source=source,
        kind=kind,
        headers=headers,
        rows=rows,
        sheet_key=sheet_key,
        worksheet_id=worksheet_id,
        worksheet_title=worksheet_title,
        number_locale=number_locale,
    )
