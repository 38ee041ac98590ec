"""Letters and replies as CSV for staff with the export permission, streamed, safe to open in a spreadsheet.

A cell a stranger wrote ("=HYPERLINK(...)", "+1-555", "@SUM(...)") would run as a formula in Excel,
LibreOffice or Google Sheets: such a cell is written with a leading apostrophe, as OWASP advises, so it
shows as the text the child typed.
"""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import StreamingHttpResponse

from letters.models import Letter, Reply
from lib.instants import iso_z

# A spreadsheet reads a cell starting with one of these as a formula (tab and carriage return too, as
# some strip them and then see the next character).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

LETTER_COLUMNS = (
    "letter", "received", "source", "status", "writer", "child_name", "sender_name", "sender_email", "age",
    "country", "language", "subject", "text", "claimed_by", "replied", "reply_status",
)  # fmt: skip
REPLY_COLUMNS = (
    "reply", "letter", "created", "status", "sent_at", "persona", "author", "template", "to_email", "subject",
    "body", "minutes_to_reply",
)  # fmt: skip

# Rows fetched from the database at a time: the whole export never sits in memory.
CHUNK = 2000


def safe_cell(value: object) -> str:
    """VALUE as CSV text: '' for None, instants in ISO 8601 UTC, and text that a spreadsheet would read as a
    formula prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return iso_z(value, "seconds")
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def letter_rows(letters: QuerySet[Letter]) -> Iterator[list[str]]:
    """One row per letter (LETTER_COLUMNS), with when its first reply was written and that reply's status."""
    first_reply = Reply.objects.filter(letter=OuterRef("pk")).order_by("created")
    rows = (
        letters.order_by("received", "pk")
        .annotate(
            replied=Subquery(first_reply.values("created")[:1]),
            reply_status=Subquery(first_reply.values("status")[:1]),
            claimed_by_name=F("claimed_by__username"),
        )
        .values_list(
            "pk",
            "received",
            "source",
            "status",
            "writer",
            "child_name",
            "sender_name",
            "sender_email",
            "age",
            "country",
            "language",
            "subject",
            "text",
            "claimed_by_name",
            "replied",
            "reply_status",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield [safe_cell(value) for value in row]


def reply_rows(replies: QuerySet[Reply]) -> Iterator[list[str]]:
    """One row per reply (REPLY_COLUMNS); minutes_to_reply counts from the letter's arrival to the reply."""
    rows = replies.order_by("created", "pk").values_list(
        "pk", "letter_id", "created", "status", "sent_at", "persona__name", "author__username", "template__name",
        "to_email", "subject", "body", "letter__received",
    )  # fmt: skip
    for *row, received in rows.iterator(chunk_size=CHUNK):
        minutes = int((row[2] - received).total_seconds() // 60)
        yield [*(safe_cell(value) for value in row), str(minutes)]


class _Line:
    """A file-like object csv.writer writes one line to, which we hand on instead of keeping."""

    def write(self, line: str) -> str:
        return line


def csv_lines(header: Iterable[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """The CSV text line by line: a UTF-8 byte order mark (Excel then reads the accents right), the header,
    the rows."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(list(header))
    for row in rows:
        yield writer.writerow(row)


def export_response(kind: str, queryset: QuerySet, filename: str) -> StreamingHttpResponse:
    """A streamed CSV download of letters or replies (KIND 'letters' or 'replies'); never cached.

    Raises ValueError for another KIND.
    """
    if kind == "letters":
        lines = csv_lines(LETTER_COLUMNS, letter_rows(queryset))
    elif kind == "replies":
        lines = csv_lines(REPLY_COLUMNS, reply_rows(queryset))
    else:
        raise ValueError(f"Cannot export {kind!r}: only letters or replies")
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
