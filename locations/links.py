"""Links from a finding straight to its cell in the organisers' Google Sheet."""

from locations.models import Revision, SyncRun
from locations.sheet_address import cell_url
from locations.table import column_name


def cell_link(sheet_key: str, worksheet_id: int | None, headers: list[str] | None, row: int, column: str) -> str:
    """A URL opening the sheet at the finding's cell; the row's first cell when the column's place is unknown;
    '' when there is no sheet (a file source)."""
    if not sheet_key:
        return ""
    from openpyxl.utils import get_column_letter  # about half a second to import: only for a sheet's links

    names = [column_name(name) for name in headers or []]
    letter = get_column_letter(names.index(column) + 1) if column in names else "A"
    return cell_url(sheet_key, worksheet_id, row, letter)


def linked_findings(record: Revision | SyncRun) -> dict[str, list[dict]]:
    """A revision's or sync run's errors and warnings, each with a `link` to its cell ('' for a file source)."""
    sheet = (record.sheet_key, record.worksheet_id, record.headers)
    return {
        kind: [
            finding | {"link": cell_link(*sheet, finding["row"], finding["column"])}
            for finding in record.findings.get(kind, [])
        ]
        for kind in ("errors", "warnings")
    }
