"""PostgreSQL's full-text search over letters: a stored generated column, letters_letter.search_vector, holding
each letter's words read with its language's dictionary, and a GIN index on it. Nothing on other databases.

A generated column, not an expression index: PostgreSQL keeps it current on every insert and update (no code
has to remember), a query's filter reads the stored vector instead of parsing the letter again for each row,
and ANALYZE keeps word frequencies for it, so the planner knows "Toronto" is rare and "bike" is not. The
column is not a model field: only letters.search reads it. At 300,000 letters this takes about a minute.
"""

from django.db import migrations

LETTER_VECTOR_SQL = (
    "to_tsvector(CASE split_part(lower(replace(\"language\", '_', '-')), '-', 1)"
    " WHEN 'ar' THEN 'arabic'::regconfig"
    " WHEN 'ca' THEN 'catalan'::regconfig"
    " WHEN 'da' THEN 'danish'::regconfig"
    " WHEN 'de' THEN 'german'::regconfig"
    " WHEN 'el' THEN 'greek'::regconfig"
    " WHEN 'en' THEN 'english'::regconfig"
    " WHEN 'es' THEN 'spanish'::regconfig"
    " WHEN 'eu' THEN 'basque'::regconfig"
    " WHEN 'fi' THEN 'finnish'::regconfig"
    " WHEN 'fr' THEN 'french'::regconfig"
    " WHEN 'ga' THEN 'irish'::regconfig"
    " WHEN 'hi' THEN 'hindi'::regconfig"
    " WHEN 'hu' THEN 'hungarian'::regconfig"
    " WHEN 'id' THEN 'indonesian'::regconfig"
    " WHEN 'it' THEN 'italian'::regconfig"
    " WHEN 'lt' THEN 'lithuanian'::regconfig"
    " WHEN 'nl' THEN 'dutch'::regconfig"
    " WHEN 'no' THEN 'norwegian'::regconfig"
    " WHEN 'pt' THEN 'portuguese'::regconfig"
    " WHEN 'ro' THEN 'romanian'::regconfig"
    " WHEN 'ru' THEN 'russian'::regconfig"
    " WHEN 'sr' THEN 'serbian'::regconfig"
    " WHEN 'sv' THEN 'swedish'::regconfig"
    " WHEN 'tr' THEN 'turkish'::regconfig ELSE 'simple'::regconfig END, \"sender_name\" || ' ' || \"subject\" || ' ' || \"text\")"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE letters_letter ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({LETTER_VECTOR_SQL}) STORED"
        )
        schema_editor.execute("CREATE INDEX letter_search ON letters_letter USING gin (search_vector)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE letters_letter DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [("letters", "0009_voice_search_indexes_export")]

    operations = [migrations.RunPython(create_index, drop_index)]
