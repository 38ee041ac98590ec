"""The inbox at scale: pages that never count the whole table, and filter choices read from indexes.

At 300,000 letters a COUNT(*) of the inbox took longer than the page itself, and the language filter read
every letter's language to count them. Here a count stops at COUNT_CAP (the inbox says "1,000 or more"),
and a column's distinct values come from a skip scan of its index, one index probe per value.
"""

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet

from letters.models import Letter

# Beyond this many letters a list says "1,000 or more" and pages no further: 20 pages of 50. An elf narrows a
# list that long with a filter or a search rather than reading page 21; counting further costs every page.
COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    """A paginator whose count reads at most COUNT_CAP + 1 rows: LIMIT in a subquery, never a whole-table count."""

    @cached_property
    def count(self) -> int:
        """The number of items, or COUNT_CAP when there are more (see `capped`)."""
        return min(self.counted, COUNT_CAP)

    @cached_property
    def counted(self) -> int:
        """Items counted up to COUNT_CAP + 1: one more than the cap says there are more."""
        items = self.object_list
        if isinstance(items, QuerySet):
            return count_up_to_cap(items)
        return len(items[: COUNT_CAP + 1])

    @property
    def capped(self) -> bool:
        """Whether there are more items than COUNT_CAP, and so more than the pages show."""
        return self.counted > COUNT_CAP


def count_up_to_cap(queryset: QuerySet) -> int:
    """How many rows QUERYSET has, reading at most COUNT_CAP + 1 of them (COUNT_CAP + 1 means "more")."""
    return queryset.order_by()[: COUNT_CAP + 1].count()


def distinct_values(column: str) -> list[str]:
    """The distinct non-blank values of a Letter column, sorted, read by skipping through its index.

    A recursive query asks the index for the smallest value above the last one found: about as many index
    probes as there are values (a few hundred countries) instead of reading 300,000 rows. COLUMN must be one
    of Letter's indexed text columns (it is written into the SQL): language, country, source, writer.
    Raises ValueError for any other.
    """
    if column not in ("language", "country", "source", "writer"):
        raise ValueError(f"{column!r} is not an indexed column of letters")
    table = connection.ops.quote_name(Letter._meta.db_table)
    quoted = connection.ops.quote_name(column)
    # Only names are formatted in, and only the four allowed above: no value from a request reaches the text.
    smallest_above = f"SELECT MIN({quoted}) FROM {table} WHERE {quoted} >"  # noqa: S608
    sql = (
        f"WITH RECURSIVE found(value) AS ({smallest_above} '' UNION ALL SELECT ({smallest_above} found.value) "  # noqa: S608
        "FROM found WHERE found.value IS NOT NULL) SELECT value FROM found WHERE value IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [value for (value,) in cursor.fetchall()]
