"""Links from a finding straight to its cell in the organisers' Google Sheet."""

import re
from urllib.parse import quote

SHEETS_BASE = "https://docs.google.com/spreadsheets/d/"
_KEY_IN_URL = re.compile(r"docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")
_GID_IN_URL = re.compile(r"[#?&]gid=(\d+)")


def sheet_key(sheet: str) -> str | None:
    """The spreadsheet key in a Google Sheet URL or a bare key; None for anything else (a file path)."""
    sheet = (sheet or "").strip()
    found = _KEY_IN_URL.search(sheet)
    if found:
        return found.group(1)
    return sheet if _BARE_KEY.match(sheet) else None


def worksheet_in_url(sheet: str) -> int | None:
    """The worksheet id (gid) a sheet URL points at, if it names one."""
    found = _GID_IN_URL.search(sheet or "")
    return int(found.group(1)) if found else None


def column_letter(position: int) -> str:
    """Spreadsheet column letters for a 0-based position: 0 is A, 26 is AA."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def cell_link(sheet_url: str, worksheet_id: int | None, headers: list[str] | None, row: int, column: str) -> str:
    """A URL opening the sheet at the finding's cell; the row's first cell when the column's place is unknown."""
    key = sheet_key(sheet_url)
    if key is None:
        return ""
    names = [name.strip().lower() for name in headers or []]
    letter = column_letter(names.index(column)) if column in names else "A"
    # Built from the key alone, so whatever was stored, the link can only point at Google Sheets.
    fragment = f"gid={worksheet_id}&" if worksheet_id is not None else ""
    return f"{SHEETS_BASE}{quote(key)}/edit#{fragment}range={letter}{max(row, 1)}"


def linked_findings(findings: dict, source: str = "") -> dict[str, list[dict]]:
    """A stored report's errors and warnings, each with a `link` to its cell when the source is a Google Sheet."""
    sheet_url = findings.get("sheet_url") or (source if sheet_key(source) else "")
    worksheet_id = findings.get("worksheet_id")
    if worksheet_id is None:
        worksheet_id = worksheet_in_url(sheet_url)
    headers = findings.get("headers")
    linked: dict[str, list[dict]] = {}
    for kind in ("errors", "warnings"):
        linked[kind] = [
            finding
            | {"link": cell_link(sheet_url, worksheet_id, headers, finding.get("row", 1), finding.get("column", ""))}
            if sheet_url
            else finding | {"link": ""}
            for finding in findings.get(kind, [])
        ]
    return linked
