"""The shape every route source produces: a header row and text rows with their sheet row numbers."""

from dataclasses import dataclass, field


class SourceError(Exception):
    """The source could not be read; the message says why, for an organiser."""


@dataclass(frozen=True)
class SheetRow:
    """One sheet row: its own row number (the header is row 1) and its cells by lower-case header."""

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
    # For Google Sheets: the sheet's URL and worksheet id, so findings can link to the cell.
    sheet_url: str = ""
    worksheet_id: int | None = None
    extra: dict = field(default_factory=dict)


def make_rows(header: list[str], body: list[list[str]], first_row_number: int = 2) -> tuple[list[str], list[SheetRow]]:
    """Key each body row by lower-cased, stripped header names; numbering follows the sheet."""
    names = [str(name).strip().lower() for name in header]
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
