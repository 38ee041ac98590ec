"""Benchmark: the elves' desk, inbox, filters and search with 300,000 letters on PostgreSQL.

Run (on a PostgreSQL database of your own; it is filled with generated letters):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/santa_bench .venv/bin/python bench/letters_scale.py
Options: --letters N (300000), --runs N (20 timed requests per page, after 2 untimed), --keep (reuse the
letters already there when their number is right).

The letters are generated (bounded: COPY in chunks of 50,000) as a night brings them: ten languages as the
site has them and a few others, a country for each, most new, a third replied (with their replies), some
grown-ups writing for a child, a few hundred about Toronto on the map. Each page is requested through
Django's test client as an elf, the whole view and template included, and its median and 95th percentile
printed; nothing here asserts a number. Figures go in docs/benchmarks.md.
"""

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from letters.models import ElfPersona, Letter  # noqa: E402

CHUNK = 50_000
NIGHT = dt.datetime(2026, 12, 24, 12, tzinfo=dt.UTC)

# (language tag, weight, countries, words a letter is made of)
WRITERS = [
    ("en", 36, ["GB", "US", "CA", "AU", "NZ", "IE"], "dear santa please bring me a bike puppy lego book doll "
     "I have been good this year my sister wants snow reindeer cookies milk thank you love"),
    ("de", 12, ["DE", "AT", "CH"], "lieber weihnachtsmann ich wünsche mir ein fahrrad puppe buch bausteine "
     "ich war dieses jahr brav meine schwester möchte schnee rentiere kekse danke"),
    ("fr", 10, ["FR", "BE", "CA", "CH"], "cher père noël je voudrais un vélo une poupée des livres j'ai été "
     "sage cette année ma sœur veut de la neige des rennes merci bisous"),
    ("es", 10, ["ES", "MX", "AR", "CO"], "querido papá noel quiero una bicicleta una muñeca libros este año "
     "me porté bien mi hermana quiere nieve renos galletas gracias"),
    ("it", 5, ["IT", "CH"], "caro babbo natale vorrei una bicicletta una bambola libri quest'anno sono "
     "stato buono mia sorella vuole la neve renne biscotti grazie"),
    ("nl", 4, ["NL", "BE"], "lieve kerstman ik wil graag een fiets pop boeken ik ben dit jaar lief geweest "
     "mijn zus wil sneeuw rendieren koekjes dank je wel"),
    ("pt-br", 5, ["BR", "PT"], "querido papai noel eu quero uma bicicleta boneca livros este ano eu fui "
     "bonzinho minha irmã quer neve renas biscoitos obrigado"),
    ("pl", 4, ["PL"], "drogi mikołaju chciałbym rower lalkę książki w tym roku byłem grzeczny moja siostra "
     "chce śniegu renifery ciasteczka dziękuję"),
    ("ja", 4, ["JP"], "サンタさん じてんしゃ ください ことし いいこ でした いもうと ゆき トナカイ クッキー ありがとう"),
    ("ar", 3, ["AE", "EG", "LB", "JO"], "عزيزي بابا نويل أريد دراجة دمية كتب كنت جيدا هذا العام أختي تريد ثلج "
     "غزلان بسكويت شكرا"),
    ("sv", 2, ["SE"], "kära tomten jag önskar mig en cykel docka böcker jag har varit snäll i år tack"),
    ("", 5, ["", "US", "GB"], "santa hi hello please bike xbox"),
]  # fmt: skip
WEIGHTS = [weight for _, weight, _, _ in WRITERS]
STATUSES = [("new", 58), ("claimed", 6), ("replied", 30), ("closed", 4), ("spam", 2)]


def fill(count: int, seed: int = 24) -> None:
    """Replace every letter (and reply) with COUNT generated ones, COPY'd in chunks, then index and ANALYZE."""
    rng = random.Random(seed)
    user_model = get_user_model()
    elf, _ = user_model.objects.get_or_create(username="bench-elf", defaults={"is_staff": True})
    elf.groups.add(Group.objects.get(name="Elves"))
    others = [
        user_model.objects.get_or_create(username=f"bench-elf-{n}", defaults={"is_staff": True})[0] for n in range(5)
    ]
    persona, _ = ElfPersona.objects.get_or_create(name="BenchElfa", defaults={"signature": "BenchElfa"})
    persona.signers.add(elf)

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE letters_reply, letters_originalemail, letters_letter RESTART IDENTITY CASCADE")
        cursor.execute("DROP INDEX IF EXISTS letter_search")
    raw = connection.connection  # psycopg's own connection, for COPY
    letter_columns = (
        "sender_name, sender_email, subject, text, age, country, language, received, source, status, "
        'claimed_by_id, claimed_at, message_id, "references", raw_sha256, dropped_attachments, enclosed_from, '
        "forwarding_note, writer, child_name, content_sha256, form_token, message_id_reused"
    )
    reply_rows = []
    names = ["Emma", "Liam", "Mia", "Noah", "Lena", "Léa", "Lucía", "Sofia", "Zofia", "Yuki", "Omar", "Lotte"]
    next_id = 1
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        buffer = io.StringIO()
        for _ in range(size):
            language, _, countries, vocabulary = rng.choices(WRITERS, WEIGHTS)[0]
            words = vocabulary.split()
            text = " ".join(rng.choices(words, k=rng.randint(12, 60)))
            if rng.random() < 0.002:
                text += " Toronto is in Canada, not in the US!"
            grown_up = rng.random() < 0.08
            name = rng.choice(names)
            status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
            # Most arrive during the night (noon to noon), the rest in the weeks before.
            if rng.random() < 0.7:
                received = NIGHT + dt.timedelta(seconds=rng.randint(0, 86_399))
            else:
                received = NIGHT - dt.timedelta(seconds=rng.randint(1, 40 * 86_400))
            claimer = None
            if status in ("claimed", "replied"):
                claimer = elf if rng.random() < 0.2 else rng.choice(others)
            row = [
                f"{name} Example", f"{name.lower()}{next_id}@example.org", "", text,
                str(rng.randint(3, 12)) if not grown_up else "\\N", rng.choice(countries), language,
                received.isoformat(), "email" if rng.random() < 0.4 else "web", status,
                str(claimer.pk) if claimer else "\\N", received.isoformat() if claimer else "\\N",
                "", "", "", "", "", "", "grown_up" if grown_up else "child", name if grown_up else "", "", "", "f",
            ]  # fmt: skip
            buffer.write("\t".join(_escape(value) for value in row) + "\n")
            if status == "replied" and claimer is not None:
                created = received + dt.timedelta(minutes=rng.expovariate(1 / 45))
                reply_rows.append((next_id, claimer.pk, created))
            next_id += 1
        with raw.cursor() as cursor, cursor.copy(f"COPY letters_letter ({letter_columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        print(f"  {start + size:,} letters", flush=True)
    for start in range(0, len(reply_rows), CHUNK):
        buffer = io.StringIO()
        for letter_id, author, created in reply_rows[start : start + CHUNK]:
            row = [
                str(letter_id),
                str(persona.pk),
                str(author),
                "\\N",
                f"kid{letter_id}@example.org",
                "Re: your letter",
                "Dear friend, thank you!",
                created.isoformat(),
                "sent",
                "1",
                "",
                created.isoformat(),
                "\\N",
                f"<bench-{letter_id}@northpole.example>",
            ]
            buffer.write("\t".join(_escape(value) for value in row) + "\n")
        columns = (
            "letter_id, persona_id, author_id, template_id, to_email, subject, body, created, status, attempts, "
            "last_error, sent_at, recover_after, message_id"
        )
        with raw.cursor() as cursor, cursor.copy(f"COPY letters_reply ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
    print(f"  {len(reply_rows):,} replies; building the full-text index (as migration 0009 does)", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX letter_search ON letters_letter USING gin (search_vector)")
    print(f"  index in {time.perf_counter() - started:.1f} s", flush=True)


def _escape(value: str) -> str:
    """A value for COPY's text format (\\N stays the null marker)."""
    if value == "\\N":
        return value
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


PAGES = [
    ("the desk (admin home)", "/admin/"),
    ("the inbox", "/admin/letters/letter/"),
    ("filter: new", "/admin/letters/letter/?status__exact=new"),
    ("filter: claimed by me", "/admin/letters/letter/?claimed=me"),
    ("filter: claimed by others", "/admin/letters/letter/?claimed=others"),
    ("filter: not claimed", "/admin/letters/letter/?claimed=nobody"),
    ("filter: language German", "/admin/letters/letter/?language=de"),
    ("filter: language Portuguese", "/admin/letters/letter/?language=pt"),
    ("filter: country Canada", "/admin/letters/letter/?country=CA"),
    ("filter: source email", "/admin/letters/letter/?source__exact=email"),
    ("filter: written by a grown-up", "/admin/letters/letter/?writer__exact=grown_up"),
    ("filter: new + German + Germany", "/admin/letters/letter/?status__exact=new&language=de&country=DE"),
    ("search: Toronto", "/admin/letters/letter/?q=Toronto"),
    ("search: Fahrrad (German stems)", "/admin/letters/letter/?q=Fahrrad"),
    ("search: an address", "/admin/letters/letter/?q=emma12@example.org"),
    ("search: bike (in 1 of 3 letters)", "/admin/letters/letter/?q=bike"),
    ("the night's mail (statistics)", "/admin/letters/letter/statistics/?day=2026-12-24"),
]


class SqlClock:
    """Adds up the time spent in the database during a request (connection.execute_wrapper)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def percentile_95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def server_milliseconds(client: Client, url: str) -> float:
    """What PostgreSQL itself spends on the page's queries of letters and replies (EXPLAIN ANALYZE's execution
    time, summed): the database's share without the round trips and the Python around them."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    total = 0.0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith(("SELECT", "WITH")) and "letters_" in sql:
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                total += cursor.fetchone()[0][0]["Execution Time"]
    return total


def measure(runs: int) -> list[tuple[str, float, float, float, float, int, float]]:
    """Each page's request time and its time in the database, median and 95th percentile in milliseconds, its
    number of SQL queries, and PostgreSQL's own execution time for them."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-elf"))
    results = []
    print(f"{'page':36} {'request median':>15} {'p95':>8} {'SQL median':>11} {'p95':>8} queries  in PostgreSQL")
    for label, url in PAGES:
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        times, sql_times, queries = [], [], 0
        for _ in range(runs):
            clock = SqlClock()
            with connection.execute_wrapper(clock):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            sql_times.append(clock.seconds * 1000)
            queries = clock.queries
        server = server_milliseconds(client, url)
        row = (label, statistics.median(times), percentile_95(times), statistics.median(sql_times),
               percentile_95(sql_times), queries, server)  # fmt: skip
        results.append(row)
        timings = f"{row[1]:12.1f} ms {row[2]:5.1f} ms {row[3]:8.1f} ms {row[4]:5.1f} ms"
        print(f"{label:36} {timings} {queries:4} {server:8.1f} ms")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="reuse the letters there when their number is right")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database of your own: this benchmark is about PostgreSQL.")
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if not (options.keep and Letter.objects.count() == options.letters):
        print(f"Generating {options.letters:,} letters", flush=True)
        fill(options.letters)
    with connection.cursor() as cursor:
        # As autovacuum leaves a table in steady use: statistics current, the visibility map set.
        cursor.execute("VACUUM ANALYZE letters_letter")
        cursor.execute("VACUUM ANALYZE letters_reply")
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('letter_search'))")
        size = cursor.fetchone()[0]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    version = getattr(connection, "pg_version", "?")  # PostgreSQL's backend only
    print(f"Full-text index {size}; PostgreSQL {version}; {os.cpu_count()} CPUs, load average {load}")
    measure(options.runs)


if __name__ == "__main__":
    main()
