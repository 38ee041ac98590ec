"""Finding letters at scale: full-text search in each letter's language on PostgreSQL, substrings on SQLite,
lists that never count every letter, filter choices read from indexes."""

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from letters import inbox, search
from letters.intake import receive_web_letter
from letters.models import Letter, Writer
from letters.search import search_letters

pytestmark = pytest.mark.django_db

INBOX = "/admin/letters/letter/"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL (DATABASE_URL); CI runs this there"
)


@pytest.fixture
def elf_client(client, elf):
    client.force_login(elf)
    return client


@pytest.fixture
def letters(db) -> dict[str, Letter]:
    """Letters in three languages, one of them about Toronto."""
    return {
        "de": receive_web_letter("Lena", "lena@example.de", "Ich wünsche mir zwei Fahrräder.", 8, "DE", "de"),
        "fr": receive_web_letter("Léa", "lea@example.fr", "Je voudrais des chevaux.", 7, "FR", "fr", Writer.CHILD),
        "en": receive_web_letter("Mia", "Mia@Example.net", "Your map says Toronto is in the US!", 8, "CA", "en"),
        "pl": receive_web_letter("Zosia", "zosia@example.pl", "Chciałabym rower.", 6, "PL", "pl"),
    }


def found(words: str) -> set[str]:
    return {letter.language for letter in search_letters(Letter.objects.all(), words)}


def test_a_search_finds_a_word_and_an_address_ignoring_case(letters):
    assert found("toronto") == {"en"}
    assert found("mia@example.NET") == {"en"}
    assert found("rower") == {"pl"}
    assert found("") == {"de", "fr", "en", "pl"}


@on_postgresql
def test_a_search_reads_each_letter_in_its_own_language(letters):
    assert found("Fahrrad") == {"de"}  # German stems Fahrräder and Fahrrad alike
    assert found("cheval") == {"fr"}  # French: chevaux
    assert found("Toronto -Canada") == {"en"}


@on_postgresql
def test_the_search_uses_the_full_text_index(letters):
    with connection.cursor() as cursor:
        # A four-letter table would be read whole otherwise, or walked in the inbox's order along the index on
        # received (the planner took that once in CI, its statistics left by earlier tests). With both off, only
        # a bitmap scan remains, and it needs an index whose condition the search matches: the full-text one.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        query = search_letters(Letter.objects.all(), "Toronto")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    assert "Bitmap Index Scan on letter_search" in plan, plan


def test_the_migration_reads_letters_with_the_same_dictionaries_as_the_search():
    migration = importlib.import_module("letters.migrations.0010_letter_search_index")
    assert search.letter_vector_sql() == migration.LETTER_VECTOR_SQL


def test_the_inbox_never_counts_every_letter(elf_client, letters, monkeypatch):
    monkeypatch.setattr(inbox, "COUNT_CAP", 2)

    with CaptureQueriesContext(connection) as queries:
        page = elf_client.get(INBOX)

    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert counts and all("LIMIT 3" in sql for sql in counts), counts
    assert "2 or more letters: narrow the list with a filter or a search" in page.text
    assert "Select all letters in this list (more than 2)" in page.text


def test_filter_choices_are_the_values_letters_have(elf_client, letters):
    receive_web_letter("João", "joao@example.br", "Quero uma bicicleta.", 9, "BR", "pt-br")
    assert inbox.distinct_values("language") == ["de", "en", "fr", "pl", "pt-br"]
    assert inbox.distinct_values("country") == ["BR", "CA", "DE", "FR", "PL"]
    with pytest.raises(ValueError, match="not an indexed column"):
        inbox.distinct_values("text")

    portuguese = elf_client.get(INBOX, {"language": "pt"})
    assert "Quero uma bicicleta" in portuguese.text and "Fahrräder" not in portuguese.text
    grown_ups = elf_client.get(INBOX, {"writer__exact": "child"})
    assert "chevaux" in grown_ups.text and "Fahrräder" not in grown_ups.text
