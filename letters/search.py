"""Finding letters by their words: PostgreSQL full-text search in each letter's language, icontains elsewhere.

On PostgreSQL every letter has a stored search vector (the generated column letters_letter.search_vector, made
by migration letters/0009 with a GIN index): its sender's name, subject and text, read with the dictionary of
the letter's language where PostgreSQL has one ('german' stems "Fahrräder" to "fahrrad") and 'simple'
otherwise (Polish, Japanese). A search reads the elf's words with the dictionary of every language letters
are written in, and 'simple', and matches any of those readings: "Fahrrad" finds a German letter asking for
"Fahrräder", "Toronto" finds it in any language. The migration's copy of DICTIONARIES must stay the same
(tests/letters/test_search.py compares them). On SQLite (development, tests) a search is a
case-insensitive substring match, as Django's admin does.
"""

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from letters.inbox import distinct_values
from letters.models import Letter, base_language

# A letter's base language and PostgreSQL's text search configuration for it (every one that ships with
# PostgreSQL 13 or later for the languages letters are detected in); any other language is read as 'simple'.
DICTIONARIES = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "it": "italian", "lt": "lithuanian", "nl": "dutch",
    "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "sv": "swedish", "tr": "turkish",
}  # fmt: skip


def dictionary_sql(language_column: str) -> str:
    """A CASE naming the regconfig for a letter's language tag ('de-AT', 'pt_BR': their base language)."""
    base = f"split_part(lower(replace({language_column}, '_', '-')), '-', 1)"
    branches = " ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in DICTIONARIES.items())
    return f"CASE {base} {branches} ELSE 'simple'::regconfig END"


def letter_vector_sql() -> str:
    """The SQL of a letter's search vector, as migration 0009 stores it in letters_letter.search_vector."""
    return f"""to_tsvector({dictionary_sql('"language"')}, "sender_name" || ' ' || "subject" || ' ' || "text")"""


def dictionaries_in_use() -> list[str]:
    """The text search configurations of the languages letters are written in, then 'simple' (read from the
    language index: a few index probes)."""
    names = {
        DICTIONARIES[base_language(tag)] for tag in distinct_values("language") if base_language(tag) in DICTIONARIES
    }
    return [*sorted(names), "simple"]


def distinct_readings(words: str) -> list[str]:
    """WORDS read with each dictionary in use, as tsquery texts, each once: "Toronto" is 'toronto', 'toront'
    and 'toron', not the same word ten times, which would make PostgreSQL think it ten times as common and
    read the newest letters one by one instead of asking the index."""
    names = dictionaries_in_use()
    readings = ", ".join(f"websearch_to_tsquery('{name}', %s)::text" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {readings}", [words] * len(names))  # the names are DICTIONARIES' values
        return [reading for reading in dict.fromkeys(cursor.fetchone()) if reading]


def search_letters(letters: QuerySet[Letter], words: str) -> QuerySet[Letter]:
    """The letters among LETTERS that match WORDS (what an elf typed in the inbox's search box).

    An address (with an @) matches the sender's address exactly, ignoring case. Otherwise: full-text search
    on PostgreSQL, a substring of the name, address, subject or text on any other database.
    """
    words = words.strip()
    if not words:
        return letters
    if "@" in words and " " not in words:
        return letters.filter(sender_email__iexact=words)
    if connection.vendor != "postgresql":
        return letters.filter(
            Q(sender_name__icontains=words)
            | Q(sender_email__icontains=words)
            | Q(subject__icontains=words)
            | Q(text__icontains=words)
        )
    readings = distinct_readings(words)
    if not readings:
        return letters.none()  # only stop words ("the", "und"): nothing to look for
    query = " || ".join(["%s::tsquery"] * len(readings))
    # The SQL text is ours; the readings of the elf's words go in as parameters only.
    matches = RawSQL(  # noqa: S611
        f'"{Letter._meta.db_table}"."search_vector" @@ ({query})', readings, output_field=BooleanField()
    )
    return letters.filter(matches)
