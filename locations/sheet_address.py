"""A Google Sheet's address, parsed in one place: its key, the worksheet a URL names, and links to cells.

Google writes a sheet's URL as https://docs.google.com/spreadsheets/d/KEY/edit#gid=N, and as
/spreadsheets/u/N/d/KEY/... when several accounts are signed in; a bare key is at least 25 characters
of [A-Za-z0-9_-]. "Publish to the web" links (/spreadsheets/d/e/...) name a published copy, not the sheet.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from locations.table import SourceError

SHEETS_BASE = "https://docs.google.com/spreadsheets/d/"
_SHEET_URL = re.compile(r"^(?:https?://)?docs\.google\.com/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]+)")
_SHEET_KEY = re.compile(r"[A-Za-z0-9_-]{25,}")
_GID = re.compile(r"[#&?]gid=(\d+)")


@dataclass(frozen=True)
class SheetAddress:
    """Which spreadsheet (its key), and which worksheet (gid) when the URL names one."""

    key: str
    gid: int | None = None

    @property
    def url(self) -> str:
        """The sheet's edit URL, built from the key alone so it can only point at Google Sheets."""
        return f"{SHEETS_BASE}{quote(self.key, safe='')}/edit"


def is_sheet_reference(source: str) -> bool:
    """Whether SOURCE names a Google Sheet (a docs.google.com URL or a bare key) rather than a file."""
    text = source.strip()
    return "docs.google.com/spreadsheets" in text or bool(_SHEET_KEY.fullmatch(text))


def sheet_address(source: str) -> SheetAddress:
    """The key (and worksheet id, if any) of a sheet URL or bare key.

    Raises SourceError, worded for an organiser, for a "Publish to the web" link or anything else.
    """
    text = source.strip()
    if _SHEET_KEY.fullmatch(text):
        return SheetAddress(text)
    if "/spreadsheets/d/e/" in text:
        raise SourceError(
            "That is a 'Publish to the web' link, which the tracker does not read (and the route should "
            "never be published). Copy the sheet's own URL from the browser's address bar instead."
        )
    match = _SHEET_URL.match(text)
    if not match:
        raise SourceError(
            f"{source!r} is not a Google Sheet URL: it should look like https://docs.google.com/spreadsheets/d/KEY/edit."
        )
    gid = _GID.search(text)
    return SheetAddress(match.group(1), int(gid.group(1)) if gid else None)


def find_sheet_address(source: str) -> SheetAddress | None:
    """The address when SOURCE is a readable Google Sheet reference, None for anything else (a file path)."""
    if not source or not is_sheet_reference(source):
        return None
    try:
        return sheet_address(source)
    except SourceError:
        return None


def cell_url(key: str, worksheet_id: int | None, row: int, letter: str) -> str:
    """A URL opening the sheet KEY at cell LETTER+ROW of worksheet WORKSHEET_ID (the first tab when None)."""
    fragment = f"gid={worksheet_id}&" if worksheet_id is not None else ""
    return f"{SheetAddress(key).url}#{fragment}range={letter}{max(row, 1)}"
