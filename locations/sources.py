"""Route sources behind one interface: read_source(SOURCE) gives a RouteTable or raises SourceError."""

import csv
import io
from pathlib import Path

from locations.table import RouteTable, SourceError, make_rows

MAX_FILE_BYTES = 50 * 1024 * 1024


def read_csv(path: Path) -> RouteTable:
    """A UTF-8 CSV file, with or without a byte-order mark."""
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name} is not UTF-8 text (byte {exc.start}). Save it as CSV UTF-8.") from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise SourceError(f"{path.name} is not a readable CSV file: {exc}") from None
    if not records:
        raise SourceError(f"{path.name} is empty: it needs a header row and one row per stop.")
    headers, rows = make_rows(records[0], records[1:])
    return RouteTable(source=str(path), kind="csv", headers=headers, rows=rows)


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


def read_source(source: str) -> RouteTable:
    """Read a route from a .csv path (more kinds are added alongside)."""
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    raise SourceError(f"{source!r} is not a route source: give a .csv or .xlsx path, or a Google Sheet URL or key.")
